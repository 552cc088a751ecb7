//go:build js && wasm

package webapp

import (
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared/words"
)

// The app speaks the language the server chose for the page (the lang
// cookie, else the browser's languages, else English), chosen again here:
// a page the service worker kept may be in another one. The page's lang
// attribute follows, for screen readers and hyphenation.
func init() {
	reading.Store(chosenLanguage())
	app.Window().Get("document").Get("documentElement").Set("lang", language().Tag)
}

func chosenLanguage() *words.Language {
	for _, c := range strings.Split(app.Window().Get("document").Get("cookie").String(), ";") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(c), "lang="); ok && words.Known(v) {
			return words.Lookup(v)
		}
	}
	asked := app.Window().Get("navigator").Get("languages")
	for i := 0; asked.Truthy() && i < asked.Length(); i++ {
		if l := words.Lookup(asked.Index(i).String()); l != words.English || strings.HasPrefix(asked.Index(i).String(), "en") {
			return l
		}
	}
	return words.English
}

// adoptLanguage makes the user's own language the app's, when they chose
// one and the app reads another (a browser whose cookie is gone, or set
// before they signed in): the cookie says it from now on, and the page
// loads again to say everything in it. False when there is nothing to do.
func adoptLanguage(tag string) bool {
	if !words.Known(tag) || tag == language().Tag {
		return false
	}
	app.Window().Get("document").Set("cookie", "lang="+tag+"; path=/; max-age=31536000; samesite=lax")
	return true
}
