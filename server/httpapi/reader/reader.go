// Package reader is the language a request is answered in: the lang cookie
// when it names a language there is a catalog for (the switch on the login
// card sets it, and so does signing in, from the user's setting), else the
// best match of the browser's Accept-Language among the catalogs, else
// English. Carry puts it in the request's context (words.In), so that the
// error writer, the pages and anything else that answers with text say it
// in that language.
package reader

import (
	"bytes"
	"html"
	"net/http"
	"slices"
	"strings"

	"golang.org/x/text/language"

	webapp "github.com/warden-auth/warden/app"
	"github.com/warden-auth/warden/shared/words"
)

// Cookie remembers the reader's choice of language. It is no secret and
// the app reads it, so it is not HttpOnly.
const Cookie = "lang"

var (
	catalogTags = func() []language.Tag {
		var tags []language.Tag
		for _, l := range words.Languages() {
			tags = append(tags, language.MustParse(l.Tag))
		}
		return tags
	}()
	matcher = language.NewMatcher(catalogTags)
)

// Of is the language of r's answers.
func Of(r *http.Request) *words.Language {
	if c, err := r.Cookie(Cookie); err == nil && words.Known(c.Value) {
		return words.Lookup(c.Value)
	}
	asked, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if err != nil || len(asked) == 0 {
		return words.English
	}
	_, i, confidence := matcher.Match(asked...)
	if confidence == language.No {
		return words.English
	}
	return words.Lookup(catalogTags[i].String())
}

// Carry carries the language of each request's answers in its context.
func Carry(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(words.WithLanguage(r.Context(), Of(r))))
	})
}

// Remember sets the lang cookie for a year.
func Remember(w http.ResponseWriter, tag string, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: Cookie, Value: tag, Path: "/", MaxAge: 365 * 24 * 60 * 60,
		Secure: secure, SameSite: http.SameSiteLaxMode})
}

// Back is where the language switch sends the browser: back, one of the
// app's pages (no other address: the switch sends nobody elsewhere, the
// login page otherwise), with the language in its query. The address names
// the language because the service worker answers an address it keeps
// from its cache (go-app's worker: the cache first), and a page it kept is
// in the language of the day it was kept.
func Back(back, tag string) string {
	if !slices.Contains(webapp.Paths, back) {
		back = "/login"
	}
	return back + "?lang=" + tag
}

// headWords are what go-app writes into every page from its Handler's
// configuration, once for all requests, in English: the description and
// the loader's label.
var headWords = []words.Message{words.AppDescription, words.AppLoading}

// Page is a prerendered page said in l where go-app wrote English for
// every request: <html lang>, the description and the loader's label.
func Page(page []byte, l *words.Language) []byte {
	page = bytes.Replace(page, []byte(`<html lang="en"`), []byte(`<html lang="`+l.Tag+`"`), 1)
	for _, m := range headWords {
		en, said := words.English.Say(m), l.Say(m)
		for _, progress := range []string{"{progress}", "0"} { // the label as written, and as shown at 0%
			from, to := strings.ReplaceAll(en, "{progress}", progress), strings.ReplaceAll(said, "{progress}", progress)
			page = bytes.ReplaceAll(page, []byte(html.EscapeString(from)), []byte(html.EscapeString(to)))
		}
	}
	return page
}
