package httpapi

import (
	"net/http"

	"golang.org/x/text/language"

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
