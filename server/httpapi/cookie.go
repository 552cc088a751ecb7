package httpapi

import (
	"net/http"
	"time"

	"github.com/warden-auth/warden/server/auth/login"
)

const (
	cookieName       = "warden_session"
	deviceCookieName = "warden_device" // auth's device cookie: this browser has logged in as the username before
	trustCookieName  = "warden_trust"  // auth's trusted browser: its user's login here skips the code
	// passkeyCookieName holds a passkey sign-in's ceremony, sealed by
	// auth, from its begin to its finish: the server keeps none.
	passkeyCookieName = "warden_passkey"
)

// secure reports whether the session cookie gets the Secure flag and the
// __Host- prefix (which makes the browser refuse it without Secure, with a
// Domain, or with a Path other than /).
func (s *Server) secure(r *http.Request) bool { return s.secureCookies || s.httpsOnly(r) }

func (s *Server) cookieName(r *http.Request) string { return s.cookiePrefix(r) + cookieName }

func (s *Server) cookiePrefix(r *http.Request) string {
	if s.secure(r) {
		return "__Host-"
	}
	return ""
}

// setDevice gives the browser its device cookie. It is sent to the login
// step only (Strict), and read by no script.
func (s *Server) setDevice(w http.ResponseWriter, r *http.Request, value string) {
	http.SetCookie(w, &http.Cookie{
		Name: s.cookiePrefix(r) + deviceCookieName, Value: value, Path: "/", MaxAge: int(login.DeviceLifetime / time.Second),
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteStrictMode,
	})
}

// setTrust gives the browser the token of its trust, for as long as the
// trust lasts. Like the device cookie, only the login needs it (Strict),
// and no script reads it.
func (s *Server) setTrust(w http.ResponseWriter, r *http.Request, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{
		Name: s.cookiePrefix(r) + trustCookieName, Value: token, Path: "/", MaxAge: int(expires.Sub(s.auth.Now()) / time.Second),
		Expires: expires, HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteStrictMode,
	})
}

// setPasskeyCeremony gives the browser a passkey sign-in's sealed ceremony
// until expires ("": forgets it). Only the finish needs it (Strict), and no
// script reads it.
func (s *Server) setPasskeyCeremony(w http.ResponseWriter, r *http.Request, sealed string, expires time.Time) {
	maxAge := -1
	if sealed != "" {
		maxAge = int(expires.Sub(s.auth.Now()) / time.Second)
	}
	http.SetCookie(w, &http.Cookie{
		Name: s.cookiePrefix(r) + passkeyCookieName, Value: sealed, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteStrictMode,
	})
}

func (s *Server) sessionToken(r *http.Request) string {
	c, err := r.Cookie(s.cookieName(r))
	if err != nil {
		return ""
	}
	return c.Value
}

// setSession sets the session cookie to live as long as the session does.
// The lifetime goes out as Max-Age, which a browser counts on its own clock
// from when it got the cookie (RFC 6265 §5.3: Max-Age wins over Expires), so
// a phone whose clock is days off keeps its session for exactly as long as
// the server does. Expires, an absolute date on the server's clock, is only
// for the rare client that ignores Max-Age.
func (s *Server) setSession(w http.ResponseWriter, r *http.Request, token string, expires time.Time) {
	maxAge := int(expires.Sub(s.auth.Now()) / time.Second)
	if maxAge <= 0 {
		maxAge = -1 // already over: delete rather than keep for the browser's session
	}
	http.SetCookie(w, &http.Cookie{
		Name: s.cookieName(r), Value: token, Path: "/", MaxAge: maxAge, Expires: expires,
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearSession(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: s.cookieName(r), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode,
	})
}
