package httpapi

import (
	"net/http"

	"github.com/warden-auth/warden/server/auth/login"
	"github.com/warden-auth/warden/server/httpapi/body"
	"github.com/warden-auth/warden/server/httpapi/reader"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// handleLogin is the password step. It answers what comes next and sets the
// cookie of a new session; the session the request came with, if any, ends.
func (s *Server) handleLogin(w http.ResponseWriter, r *request) error {
	return loginStep(s, w, r, func(req shared.LoginRequest) (*login.Result, any, error) {
		res, err := s.auth.Login.Login(r.Context(), req, s.client(r.Request), s.sessionToken(r.Request))
		if err != nil {
			return nil, nil, err
		}
		return res, shared.LoginResponse{Next: res.Next, RememberBrowserDays: res.RememberDays, Methods: res.Methods}, nil
	})
}

// loginStep serves a step that may raise the session (the password, a code,
// a recovery code, connecting): it decodes the request, runs the step, sets
// the cookie of the session the step made, if it made one (and the device
// cookie, if it gave one), and answers what the step says the client gets.
func loginStep[Req body.Validator](s *Server, w http.ResponseWriter, r *request, step func(Req) (*login.Result, any, error)) error {
	req, err := body.Decode[Req](w, r.Request)
	if err != nil {
		return err
	}
	res, answer, err := step(req)
	if err != nil {
		return err
	}
	if res != nil {
		s.setSession(w, r.Request, res.Token, res.Session.ExpiresAt)
		if res.Device != "" {
			s.setDevice(w, r.Request, res.Device)
		}
		if res.Trust != "" {
			s.setTrust(w, r.Request, res.Trust, res.TrustExpires)
		}
		if u := res.Session.User; u != nil && words.Known(u.Language) {
			reader.Remember(w, u.Language, s.httpsOnly(r.Request)) // this browser reads what the user chose
		}
	}
	body.WriteJSON(w, http.StatusOK, answer)
	return nil
}

// handleLogout ends the caller's session, whatever its stage, and clears the
// cookie. Without a session it does the same: logging out is idempotent.
func (s *Server) handleLogout(w http.ResponseWriter, r *request) error {
	if err := s.auth.Login.Logout(r.Context(), s.sessionToken(r.Request)); err != nil {
		return err
	}
	s.clearSession(w, r.Request)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleReauth takes the password, a current code or a security key again, so the session
// may take sensitive actions for the next REAUTH_WINDOW.
func (s *Server) handleReauth(w http.ResponseWriter, r *request) error {
	req, err := body.Decode[shared.ReauthRequest](w, r.Request)
	if err != nil {
		return err
	}
	if err := s.auth.Sessions.Reauthenticate(r.Context(), r.session, r.stage, s.relyingParty(r.Request), req, s.client(r.Request)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handleMe(w http.ResponseWriter, r *request) error {
	me, err := s.auth.Accounts.Me(r.Context(), r.session, r.stage)
	if err != nil {
		return err
	}
	body.WriteJSON(w, http.StatusOK, me)
	return nil
}
