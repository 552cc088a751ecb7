// Package httpapi is the HTTP face of the product: the JSON API, the
// go-app handler that serves the PWA, and the middleware every response goes
// through (security headers, cross-origin protection, panic recovery).
package httpapi

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"log/slog"

	"github.com/warden-auth/warden/server/auth"
	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/auth/idp"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/httpapi/body"
	"github.com/warden-auth/warden/server/httpapi/reader"
	"github.com/warden-auth/warden/shared"
)

// Config is what the HTTP layer needs.
type Config struct {
	Auth *auth.Service
	Log  *slog.Logger
	// Pages serves everything outside /api/: the prerendered PWA and its
	// static files (see package pwa).
	Pages http.Handler
	// SecureCookies forces Secure, __Host- cookies even when the server
	// itself speaks plain HTTP behind a TLS-terminating proxy. Requests over
	// TLS always get them.
	SecureCookies bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed. From anyone else the header is ignored: it is the client's
	// to write, and a forged IP would poison the login history and dodge the
	// per-IP throttle.
	TrustedProxies []netip.Prefix
	// PublicURL is the address users reach the server at (PUBLIC_URL), or
	// nil in development. When set, a request for another host is refused
	// (DNS rebinding: a hostile name pointed at this server would
	// otherwise be same-origin to itself), a state change must come from
	// exactly this origin, scheme included, and under https cookies are
	// Secure with the __Host- prefix and HSTS is sent, also behind a
	// TLS-terminating proxy.
	PublicURL *url.URL
	// RequestTimeout bounds each API request's work (default 10 s): a
	// database that stops answering gets a 503 then, not a hang that holds
	// the client and a connection.
	RequestTimeout time.Duration
}

// Server is the product's http.Handler.
type Server struct {
	auth           *auth.Service
	log            *slog.Logger
	pages          http.Handler
	secureCookies  bool
	trustedProxies []netip.Prefix
	publicURL      *url.URL
	requestTimeout time.Duration
	handler        http.Handler
	oidc           *idp.Provider
}

// New returns the server with every route and middleware in place.
func New(cfg Config) *Server {
	s := &Server{auth: cfg.Auth, log: cfg.Log, pages: cfg.Pages, secureCookies: cfg.SecureCookies,
		trustedProxies: cfg.TrustedProxies, publicURL: cfg.PublicURL, requestTimeout: cfg.RequestTimeout}
	if s.pages == nil {
		s.pages = http.NotFoundHandler()
	}
	s.pages = s.safePages(s.pages)
	s.oidc = s.openIDProvider()
	if s.requestTimeout <= 0 {
		s.requestTimeout = 10 * time.Second
	}
	cop := http.NewCrossOriginProtection()
	if s.publicURL != nil {
		// publicOnly has checked the origin exactly; the host may differ
		// from it in case only.
		if err := cop.AddTrustedOrigin(s.publicURL.Scheme + "://" + s.publicURL.Host); err != nil {
			panic("httpapi: PublicURL: " + err.Error()) // config.go parsed it
		}
	}
	for _, p := range anyOrigin {
		cop.AddInsecureBypassPattern(p)
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, errCrossOrigin)
	}))
	s.handler = reader.Carry(s.recoverPanics(s.securityHeaders(s.publicOnly(cop.Handler(s.mux())))))
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// request is what a handler gets: the HTTP request and, on routes that need
// one, the caller's session with its user and account.
type request struct {
	*http.Request
	session *domain.Session
	stage   string // the session's effective stage (auth.Authenticate)
}

type handlerFunc func(w http.ResponseWriter, r *request) error

// dispatch serves the routes that share one path, choosing by method.
func (s *Server) dispatch(rts []route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := slices.IndexFunc(rts, func(rt route) bool { return rt.method == r.Method })
		if i < 0 {
			methods := make([]string, len(rts))
			for j, rt := range rts {
				methods[j] = rt.method
			}
			w.Header().Set("Allow", strings.Join(methods, ", "))
			s.writeError(w, r, errMethodNotAllowed)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), s.requestTimeout)
		defer cancel()
		r = r.WithContext(ctx)
		if err := s.serveRoute(w, r, rts[i]); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// serveRoute checks the caller's session against the route's access before
// the handler runs. A session whose second factor is due is unauthenticated
// everywhere but the second step; a session that must enroll is refused with
// enrollment_required everywhere but the setup routes, and one that must
// replace its one-time password with password_change_required everywhere
// but the password change (and /api/me, which both may read).
func (s *Server) serveRoute(w http.ResponseWriter, r *http.Request, rt route) error {
	req := &request{Request: r}
	if served, err := s.serveOpen(w, req, rt); served {
		return err
	}
	sess, stage, err := s.auth.Sessions.Authenticate(r.Context(), s.sessionToken(r))
	if err != nil {
		return err
	}
	req.session, req.stage = sess, stage
	switch {
	case stage == domain.StagePasswordOK && rt.access != secondStep:
		return core.ErrUnauthenticated
	case stage != domain.StagePasswordOK && rt.access == secondStep:
		return errForbidden
	case stage == domain.StagePasswordChange && rt.access != choosing && rt.access != pastLogin:
		return errPasswordChange
	case stage == domain.StageEnrollment && rt.access != enrolling && rt.access != pastLogin:
		return errEnrollment
	case rt.access == adminOnly && !shared.IsAdministrator(sess.User.Role):
		return errForbidden
	}
	return rt.handle(w, req)
}

// client returns where the request comes from, for sessions and events.
func (s *Server) client(r *http.Request) core.Client {
	c := core.Client{IP: s.clientIP(r), UserAgent: r.UserAgent(), Origin: s.origin(r)}
	if ck, err := r.Cookie(s.cookiePrefix(r) + deviceCookieName); err == nil {
		c.Device = ck.Value
	}
	if ck, err := r.Cookie(s.cookiePrefix(r) + trustCookieName); err == nil {
		c.Trust = ck.Value
	}
	return c
}

// origin is the server as users reach it, for links in mail: PUBLIC_URL,
// or in development the scheme and the host the request named.
func (s *Server) origin(r *http.Request) string {
	if s.publicURL != nil {
		return s.publicURL.Scheme + "://" + s.publicURL.Host
	}
	u := url.URL{Scheme: "http", Host: r.Host}
	if r.TLS != nil {
		u.Scheme = "https"
	}
	return u.String()
}

// clientIP is the connection's address, unless that is a trusted proxy: then
// it is the right-most address in X-Forwarded-For that is not a trusted
// proxy (the ones to its left were written by the client and may be forged).
func (s *Server) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	peer = peer.Unmap()
	if !s.trusted(peer) {
		return peer.String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		addr, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // garbage from here on: trust nothing further left
		}
		if !s.trusted(addr.Unmap()) {
			return addr.Unmap().String()
		}
	}
	return peer.String()
}

func (s *Server) trusted(addr netip.Addr) bool {
	for _, p := range s.trustedProxies {
		if p.Contains(addr.Unmap()) {
			return true
		}
	}
	return false
}

// publicOnly enforces PUBLIC_URL: the request's host must be its host, and
// a state change that names its origin must name exactly PUBLIC_URL's. The
// health checks answer any host: load balancers probe by address.
func (s *Server) publicOnly(next http.Handler) http.Handler {
	if s.publicURL == nil {
		return next
	}
	origin := s.publicURL.Scheme + "://" + s.publicURL.Host
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/healthz" || r.URL.Path == "/readyz":
		case !strings.EqualFold(r.Host, s.publicURL.Host):
			s.writeError(w, r, errMisdirected)
			return
		case r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodOptions &&
			r.Header.Get("Origin") != "" && r.Header.Get("Origin") != origin && !slices.Contains(anyOrigin, r.Method+" "+r.URL.Path):
			s.writeError(w, r, errCrossOrigin)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// httpsOnly reports whether users reach the server over https: its own TLS,
// or a PUBLIC_URL of https in front of it.
func (s *Server) httpsOnly(r *http.Request) bool {
	return r.TLS != nil || (s.publicURL != nil && s.publicURL.Scheme == "https")
}

// securityHeaders sets the headers every response carries. The CSP allows
// only this origin's scripts and styles, plus WebAssembly compilation, which
// is all go-app needs: no inline scripts or styles anywhere.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	const csp = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
		"img-src 'self' data:; connect-src 'self'; font-src 'self'; manifest-src 'self'; worker-src 'self'; " +
		"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		if s.httpsOnly(r) {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// recoverPanics turns a panic into a 500 with the generic message; the
// stack goes to the log, never to the client.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				s.writeError(w, r, errInternal)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	body.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// handleReady reports whether the database answers, for load balancers.
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.auth.Ready(ctx); err != nil {
		s.log.Warn("not ready", "err", err)
		body.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "database unavailable"})
		return
	}
	body.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
