package httpapi

import (
	"net/http"
	"time"

	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
)

// handleMyLogins is the user's own login history, newest first, one keyset
// page at a time.
func (s *Server) handleMyLogins(w http.ResponseWriter, r *request) error {
	q, verr := shared.ParseHistoryQuery(r.URL.Query().Get)
	if verr != nil {
		return verr
	}
	events, next, err := s.auth.Store.LoginEvents(r.Context(), domain.LoginEventFilter{
		UserID: r.session.UserID, Before: q.Before, Limit: q.Limit, OnlyFails: q.FailedOnly,
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, eventPage(events, next, false))
	return nil
}

// eventPage converts a store page to the wire; withUsername adds the
// attempted name, for views across users.
func eventPage(events []domain.LoginEvent, next int64, withUsername bool) shared.LoginEventPage {
	page := shared.LoginEventPage{Events: make([]shared.LoginEvent, len(events))}
	for i, e := range events {
		page.Events[i] = shared.LoginEvent{
			ID: e.ID, Time: e.CreatedAt.UTC().Format(time.RFC3339), Result: e.Result, Method: e.Method,
			Reason: e.Reason, IP: e.IP, UserAgent: e.UserAgent,
		}
		if withUsername {
			page.Events[i].Username = e.Username
		}
	}
	page.Next = shared.FormatCursor(next)
	return page
}
