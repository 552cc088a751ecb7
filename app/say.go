package webapp

import (
	"maps"
	"slices"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// language is the reader's language, the one the app says its words in, on
// the server's prerendered pages and in the browser. Only English ships.
func language() *words.Language { return words.English }

// say is m in the reader's language: the one place the app turns its
// messages into text. Not inlined: at each of its hundreds of callers that
// would cost app.wasm 3.5 KB (brotli).
//
//go:noinline
func say(m words.Message) string { return language().Say(m) }

// sayUI is m as page content: its text, with each parameter that parts
// names shown as the element it makes of the parameter's said value (a
// name in bold, a link), where the language puts it.
func sayUI(m words.Message, parts map[string]func(said string) app.UI) []app.UI {
	var ui []app.UI
	for _, p := range language().Parts(m, slices.Collect(maps.Keys(parts))...) {
		if p.Param == "" {
			ui = append(ui, app.Text(p.Text))
		} else {
			ui = append(ui, parts[p.Param](p.Text))
		}
	}
	return ui
}

// strong shows a said value in bold.
func strong(said string) app.UI { return app.Strong().Text(said) }

// sayError is err as the reader reads it: a message the app made is said in
// their language; the server's answers come said already.
func sayError(err *shared.Error) *shared.Error { return err.In(language()) }
