package httpapi

import (
	"net/http"
	"time"
)

const cookieName = "warden_session"

// secure reports whether the session cookie gets the Secure flag and the
// __Host- prefix (which makes the browser refuse it without Secure, with a
// Domain, or with a Path other than /).
func (s *Server) secure(r *http.Request) bool { return s.secureCookies || r.TLS != nil }

func (s *Server) cookieName(r *http.Request) string {
	if s.secure(r) {
		return "__Host-" + cookieName
	}
	return cookieName
}

func (s *Server) sessionToken(r *http.Request) string {
	c, err := r.Cookie(s.cookieName(r))
	if err != nil {
		return ""
	}
	return c.Value
}

// setSession sets the session cookie to live as long as the session does.
func (s *Server) setSession(w http.ResponseWriter, r *http.Request, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{
		Name: s.cookieName(r), Value: token, Path: "/", Expires: expires,
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearSession(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: s.cookieName(r), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode,
	})
}
