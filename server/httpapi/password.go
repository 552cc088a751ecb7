package httpapi

import (
	"net/http"

	"github.com/warden-auth/warden/shared"
)

// handleChangePassword changes the caller's password; its current password
// is the proof. Every other session of the user ends; this one stays, and
// its browser gets a device cookie under the new password (the old ones are
// void).
func (s *Server) handleChangePassword(w http.ResponseWriter, r *request) error {
	req, err := decode[shared.ChangePasswordRequest](w, r.Request)
	if err != nil {
		return err
	}
	device, err := s.auth.ChangePassword(r.Context(), r.session, req, s.client(r.Request))
	if err != nil {
		return err
	}
	s.setDevice(w, r.Request, device)
	w.WriteHeader(http.StatusNoContent)
	return nil
}
