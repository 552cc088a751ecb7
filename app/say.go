package webapp

import (
	"slices"
	"sync/atomic"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// reading is the reader's language, the one the app says its words in: on
// the server, the request's while its page is prerendered (PrerenderIn);
// in the browser, the one chosen as the server chooses it (language_js.go).
// Atomic: whatever a page's prerendering started may still say a word after
// it.
var reading atomic.Pointer[words.Language]

func language() *words.Language {
	if l := reading.Load(); l != nil {
		return l
	}
	return words.English
}

// say is m in the reader's language: the one place the app turns its
// messages into text. Not inlined: at each of its hundreds of callers that
// would cost app.wasm 3.5 KB (brotli).
//
//go:noinline
func say(m words.Message) string { return language().Say(m) }

// shown is how a parameter of a message shows on a page: ui makes its
// element of the parameter's said value.
type shown struct {
	param string
	ui    func(said string) app.UI
}

// sayUI is m as page content: its text, with each parameter of parts shown
// as its element (a name in bold, a link), where the language puts it.
func sayUI(m words.Message, parts ...shown) []app.UI {
	names := make([]string, len(parts))
	for i, p := range parts {
		names[i] = p.param
	}
	var ui []app.UI
	for _, piece := range language().Parts(m, names...) {
		i := slices.Index(names, piece.Param)
		if i < 0 {
			ui = append(ui, app.Text(piece.Text))
		} else {
			ui = append(ui, parts[i].ui(piece.Text))
		}
	}
	return ui
}

// strong shows a said value in bold.
func strong(said string) app.UI { return app.Strong().Text(said) }

// sayError is err as the reader reads it: a message the app made is said in
// their language; the server's answers come said already.
func sayError(err *shared.Error) *shared.Error { return err.In(language()) }
