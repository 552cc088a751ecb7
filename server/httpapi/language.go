package httpapi

import (
	"net/http"
	"slices"

	"golang.org/x/text/language"

	webapp "github.com/warden-auth/warden/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// The language a request is answered in: the lang cookie when it names a
// language there is a catalog for (the switch on the login card sets it,
// and so does signing in, from the user's setting), else the best match of
// the browser's Accept-Language among the catalogs, else English. It rides
// in the request's context (words.In), so that the error writer, the pages
// and anything else that answers with text say it in that language.

// langCookie remembers the reader's choice of language. It is no secret and
// the app reads it, so it is not HttpOnly.
const langCookie = "lang"

var (
	catalogTags = func() []language.Tag {
		var tags []language.Tag
		for _, l := range words.Languages() {
			tags = append(tags, language.MustParse(l.Tag))
		}
		return tags
	}()
	languageMatcher = language.NewMatcher(catalogTags)
)

// languageOf is the language of r's answers.
func languageOf(r *http.Request) *words.Language {
	if c, err := r.Cookie(langCookie); err == nil && words.Known(c.Value) {
		return words.Lookup(c.Value)
	}
	asked, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if err != nil || len(asked) == 0 {
		return words.English
	}
	_, i, confidence := languageMatcher.Match(asked...)
	if confidence == language.No {
		return words.English
	}
	return words.Lookup(catalogTags[i].String())
}

// withLanguage carries the language of each request's answers in its
// context.
func (s *Server) withLanguage(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(words.WithLanguage(r.Context(), languageOf(r))))
	})
}

// handleChooseLanguage answers the language switch (POST /lang/{tag}, a
// form that works before the app runs): the choice is remembered in the
// lang cookie for a year, and the browser goes back with a 303 to the page
// named by back, one of the app's pages (no other address: the switch
// sends nobody elsewhere), with the language in its query. Cross-origin posts are refused before it runs.
func (s *Server) handleChooseLanguage(w http.ResponseWriter, r *http.Request) {
	tag := r.PathValue("tag")
	if !words.Known(tag) {
		s.writeError(w, r, errNotFound)
		return
	}
	s.rememberLanguage(w, r, tag)
	back := r.URL.Query().Get("back")
	if !slices.Contains(webapp.Paths, back) {
		back = "/login"
	}
	// The address names the language too: the service worker answers an
	// address it keeps from its cache (go-app's worker: the cache first),
	// and a page it kept is in the language of the day it was kept.
	redirect(w, r, back+"?lang="+tag)
}

// rememberLanguage sets the lang cookie (the app reads it: not HttpOnly).
func (s *Server) rememberLanguage(w http.ResponseWriter, r *http.Request, tag string) {
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: tag, Path: "/", MaxAge: 365 * 24 * 60 * 60,
		Secure: s.httpsOnly(r), SameSite: http.SameSiteLaxMode})
}

// handleSetLanguage stores the user's language, and this browser's cookie.
func (s *Server) handleSetLanguage(w http.ResponseWriter, r *request) error {
	req, err := decode[shared.LanguageRequest](w, r.Request)
	if err != nil {
		return err
	}
	if err := s.auth.Accounts.SetLanguage(r.Context(), r.session, req); err != nil {
		return err
	}
	s.rememberLanguage(w, r.Request, req.Language)
	w.WriteHeader(http.StatusNoContent)
	return nil
}
