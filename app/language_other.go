//go:build !(js && wasm)

package webapp

import (
	"sync"

	"github.com/warden-auth/warden/shared/words"
)

// prerendering lets one page at a time be prerendered in its reader's
// language: go-app renders a page from its URL alone, and the app says
// its words without a request at hand (say). A page takes a millisecond or
// two; scripts, styles and app.wasm do not wait.
var prerendering sync.Mutex

// PrerenderIn runs serve, go-app's prerendering of one page, with the app
// saying its words in l.
func PrerenderIn(l *words.Language, serve func()) {
	prerendering.Lock()
	defer prerendering.Unlock()
	reading.Store(l)
	defer reading.Store(words.English)
	serve()
}

// adoptLanguage is the browser's: the server sets the cookie itself.
func adoptLanguage(string) bool { return false }
