package httpapi

import (
	"net/http"

	"github.com/warden-auth/warden/server/httpapi/body"
	"github.com/warden-auth/warden/server/httpapi/reader"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// handleChooseLanguage answers the language switch (POST /lang/{tag}, a
// form that works before the app runs): the choice is remembered in the
// lang cookie, and the browser goes back with a 303 (reader.Back).
// Cross-origin posts are refused before it runs.
func (s *Server) handleChooseLanguage(w http.ResponseWriter, r *http.Request) {
	tag := r.PathValue("tag")
	if !words.Known(tag) {
		s.writeError(w, r, errNotFound)
		return
	}
	reader.Remember(w, tag, s.httpsOnly(r))
	redirect(w, r, reader.Back(r.URL.Query().Get("back"), tag))
}

// handleSetLanguage stores the user's language, and this browser's cookie.
func (s *Server) handleSetLanguage(w http.ResponseWriter, r *request) error {
	req, err := body.Decode[shared.LanguageRequest](w, r.Request)
	if err != nil {
		return err
	}
	if err := s.auth.Accounts.SetLanguage(r.Context(), r.session, req); err != nil {
		return err
	}
	reader.Remember(w, req.Language, s.httpsOnly(r.Request))
	w.WriteHeader(http.StatusNoContent)
	return nil
}
