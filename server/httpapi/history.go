package httpapi

import (
	"net/http"

	"github.com/warden-auth/warden/server/httpapi/body"
	"github.com/warden-auth/warden/shared"
)

// handleMyLogins is the user's own login history, newest first, one keyset
// page at a time.
func (s *Server) handleMyLogins(w http.ResponseWriter, r *request) error {
	q, verr := shared.ParseHistoryQuery(r.URL.Query().Get)
	if verr != nil {
		return verr
	}
	page, err := s.auth.History.MyLogins(r.Context(), r.session, q)
	if err != nil {
		return err
	}
	body.WriteJSON(w, http.StatusOK, page)
	return nil
}
