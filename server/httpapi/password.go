package httpapi

import (
	"net/http"

	"github.com/warden-auth/warden/server/auth/login"
	"github.com/warden-auth/warden/server/auth/passwords/strength"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/httpapi/body"
	"github.com/warden-auth/warden/shared"
)

// handleChangePassword changes the caller's password; its current password
// is the proof. Every other session of the user ends; this one stays, and
// its browser gets a device cookie under the new password (the old ones are
// void). A session that must replace a one-time password answers with the
// login's next step instead, under a new session cookie.
func (s *Server) handleChangePassword(w http.ResponseWriter, r *request) error {
	if r.stage == domain.StagePasswordChange {
		// The one-time password is gone: the login goes on under a new
		// token to its next step, which the answer names.
		// Shortly after the login, the current (one-time) password may be
		// left out: the session is its proof (the service decides).
		return loginStep(s, w, r, func(req shared.OneTimeChangeRequest) (*login.Result, any, error) {
			res, err := s.auth.Login.ChangeOneTimePassword(r.Context(), r.session, shared.ChangePasswordRequest(req), s.client(r.Request))
			if err != nil {
				return nil, nil, err
			}
			return res, shared.LoginResponse{Next: res.Next}, nil
		})
	}
	req, err := body.Decode[shared.ChangePasswordRequest](w, r.Request)
	if err != nil {
		return err
	}
	device, err := s.auth.Login.ChangePassword(r.Context(), r.session, req, s.client(r.Request))
	if err != nil {
		return err
	}
	s.setDevice(w, r.Request, device)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handlePasswordStrength scores a password being typed, for the hint beside
// a new-password field. The password is in the body only, which nothing logs.
func (s *Server) handlePasswordStrength(w http.ResponseWriter, r *request) error {
	req, err := body.Decode[shared.PasswordStrengthRequest](w, r.Request)
	if err != nil {
		return err
	}
	res, err := strength.Strength(r.Context(), r.session, req)
	if err != nil {
		return err
	}
	body.WriteJSON(w, http.StatusOK, res)
	return nil
}
