package httpapi

import (
	"encoding/json"
	"net/http"

	webapp "github.com/warden-auth/warden/app"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
)

// A forced setup before the app runs. On a slow link the wasm app arrives
// seconds after the page, and the setup window needs the user's own key:
// for /profile?setup=1 the server starts the setup itself (or shows the one
// pending) and prerenders the window with it; its form posts to
// /profile/connect (formRoutes), which runs POST /api/2fa/connect and
// sends the browser back here, where the fresh recovery codes are shown
// once. They travel in a sealed cookie (shownCodesCookie), never in a URL.

const shownCodesCookie = "shown_codes"

// setupPage serves GET /profile: with ?setup=1 and a session that must set
// up 2FA (or has just done it, with its codes to show), the page is
// prerendered with that data; any other request is the plain page.
func (s *Server) setupPage(pages http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := s.setupPageData(w, r)
		if d == nil {
			pages.ServeHTTP(w, r)
			return
		}
		r, forget := webapp.WithPageData(r, d)
		defer forget()
		// The page holds a secret: never kept, nor answered from a cache.
		r.Header.Del("If-None-Match")
		pages.ServeHTTP(&noStoreWriter{ResponseWriter: w}, r)
	})
}

func (s *Server) setupPageData(w http.ResponseWriter, r *http.Request) *webapp.PageData {
	if r.URL.Query().Get("setup") != "1" {
		return nil
	}
	sess, stage, err := s.auth.Sessions.Authenticate(r.Context(), s.sessionToken(r))
	if err != nil {
		return nil
	}
	me, err := s.auth.Accounts.Me(r.Context(), sess, stage)
	if err != nil {
		return nil
	}
	switch stage {
	case domain.StageEnrollment:
		// As POST /api/2fa/setup: a stale session's proof is the app's to ask.
		if s.auth.Sessions.RequireRecentProof(sess) != nil {
			return nil
		}
		setup, err := s.auth.TOTP.PendingSetup(r.Context(), sess.User)
		if err != nil {
			s.log.Warn("prerendering a setup failed", "user_id", sess.User.ID, "err", err)
			return nil
		}
		wire := wireSetup(setup)
		return &webapp.PageData{Me: &me, Setup: &wire}
	case domain.StageFull:
		c, err := r.Cookie(s.cookiePrefix(r) + shownCodesCookie)
		if err != nil {
			return nil
		}
		s.setShownCodes(w, r, "") // shown once
		codes, ok := s.auth.Recovery.OpenShown(sess.User.ID, c.Value)
		if !ok || !me.TOTPEnabled {
			return nil
		}
		return &webapp.PageData{Me: &me, Codes: codes}
	}
	return nil
}

// connectShowsCodes is the connect form's success: the codes go, sealed to
// the user, to the page that shows them.
func (s *Server) connectShowsCodes(w http.ResponseWriter, r *http.Request, user *domain.User, answer []byte) bool {
	var res shared.ConnectResponse
	if user == nil || json.Unmarshal(answer, &res) != nil || len(res.RecoveryCodes) == 0 {
		return false
	}
	sealed, err := s.auth.Recovery.SealShown(user.ID, res.RecoveryCodes)
	if err != nil {
		return false
	}
	s.setShownCodes(w, r, sealed)
	return true
}

// setShownCodes sets the codes cookie, or deletes it when value is empty.
// It lives a minute (Path=/, as the __Host- prefix requires), and no script reads it.
func (s *Server) setShownCodes(w http.ResponseWriter, r *http.Request, value string) {
	maxAge := 60
	if value == "" {
		maxAge = -1
	}
	http.SetCookie(w, &http.Cookie{
		Name: s.cookiePrefix(r) + shownCodesCookie, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteStrictMode,
	})
}

// noStoreWriter replaces go-app's caching headers of a page.
type noStoreWriter struct {
	http.ResponseWriter
	wrote bool
}

func (w *noStoreWriter) WriteHeader(status int) {
	if !w.wrote {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Del("ETag")
	}
	w.wrote = true
	w.ResponseWriter.WriteHeader(status)
}

func (w *noStoreWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}
