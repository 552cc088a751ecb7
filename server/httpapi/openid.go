package httpapi

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/auth/idp"
	"github.com/warden-auth/warden/server/domain"
)

// openIDProvider is Warden as the platform's OpenID Connect provider, its
// issuer PUBLIC_URL, or in development the host a request named.
func (s *Server) openIDProvider() *idp.Provider {
	p, err := s.auth.IDP.Provider(s.origin, s.cookiePrefix)
	if err != nil {
		panic("httpapi: the OpenID Connect provider: " + err.Error()) // its configuration is this code's
	}
	return p
}

// openID serves the provider's protocol endpoints.
func (s *Server) openID(w http.ResponseWriter, r *request) error {
	s.oidc.ServeHTTP(w, r.Request)
	return nil
}

// serveOpen serves the routes that a request without a session reaches:
// public ones, and signingIn ones, which send it to the login page. It
// reports whether rt was one.
func (s *Server) serveOpen(w http.ResponseWriter, r *request, rt route) (bool, error) {
	switch rt.access {
	case public:
		return true, rt.handle(w, r)
	case signingIn:
		return true, s.serveSigningIn(w, r, rt)
	}
	return false, nil
}

// serveSigningIn runs a signingIn route for a full session, and sends any
// other browser to the login page, to come back here once signed in.
func (s *Server) serveSigningIn(w http.ResponseWriter, r *request, rt route) error {
	sess, stage, err := s.auth.Sessions.Authenticate(r.Context(), s.sessionToken(r.Request))
	switch {
	case errors.Is(err, core.ErrUnauthenticated), err == nil && stage != domain.StageFull:
		if !s.oidc.Silent(w, r.Request) {
			http.Redirect(w, r.Request, "/login?return="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		}
		return nil
	case err != nil:
		return err
	}
	r.session, r.stage = sess, stage
	return rt.handle(w, r)
}

// handleAuthorizeCallback gives an application's sign-in request the
// caller's full session (auth/idp): a code, sent back to the application.
func (s *Server) handleAuthorizeCallback(w http.ResponseWriter, r *request) error {
	s.oidc.Callback(w, r.Request, r.session)
	return nil
}

// handleAppLogout is an application's logout (auth/idp's EndSession): the
// browser's Warden session, if it is the user's the application names,
// ends as at Warden's own logout.
func (s *Server) handleAppLogout(w http.ResponseWriter, r *request) error {
	token := s.sessionToken(r.Request)
	sess, _, err := s.auth.Sessions.Authenticate(r.Context(), token)
	if errors.Is(err, core.ErrUnauthenticated) {
		sess, err = nil, nil
	}
	if err != nil {
		return err
	}
	s.oidc.EndSession(w, r.Request, sess, func(ctx context.Context) error {
		if err := s.auth.Login.Logout(ctx, token); err != nil {
			return err
		}
		s.clearSession(w, r.Request)
		return nil
	})
	return nil
}
