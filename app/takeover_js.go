//go:build js && wasm

package webapp

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// The takeover. go-app starts by replacing the server's prerendered page
// with elements of its own, in the one long task in which the wasm starts
// (0.6–1.8 s on a phone's CPU). A person may be typing in the server's page
// all the while: the keys pressed during that task wait in the browser's
// queue and go, after it, to whatever has the focus then. So the app reads
// what was typed into each field and where the caret was as it starts
// (nothing can come between: it is the same task), and gives them to its
// own fields of the same ids right after go-app has put them in the page,
// before the task's end: a MutationObserver's callback runs then, before
// any queued key. The app's own first focus never goes over a field the
// person is in (autofocus, fields.go), and its first render of a page is
// the server's (the same step, the same window), so each field is there
// to take what was typed.
func init() { watchTakeover() }

// typedPage is the server's page as the person left it.
type typedPage struct {
	root   app.Value             // the server's content, which go-app replaces
	fields map[string]typedField // by element id
	focus  string                // the id of the element that had the focus
	sel    []any                 // its selection (start, end, direction), if it has one
	watch  app.Value             // the MutationObserver
	seen   app.Func
}

type typedField struct {
	value   string
	box     bool // a checkbox or radio button: checked is what counts
	checked bool
}

// watchTakeover reads the server's page as the wasm starts, and watches for
// go-app to replace it.
func watchTakeover() {
	doc := app.Window().Get("document")
	root := doc.Get("body").Get("firstElementChild")
	if !root.Truthy() {
		return
	}
	t := &typedPage{root: root, fields: map[string]typedField{}}
	inputs := root.Call("querySelectorAll", "input[id], textarea[id]")
	for i := 0; i < inputs.Length(); i++ {
		el := inputs.Index(i)
		switch el.Get("type").String() {
		case "hidden", "submit", "button", "reset", "image", "file":
		case "checkbox", "radio":
			t.fields[el.Get("id").String()] = typedField{box: true, checked: el.Get("checked").Bool()}
		default:
			t.fields[el.Get("id").String()] = typedField{value: el.Get("value").String()}
		}
	}
	if el := doc.Get("activeElement"); el.Truthy() && root.Call("contains", el).Bool() {
		t.focus = el.Get("id").String()
		// Types without a selection (email, number) answer null.
		if start := el.Get("selectionStart"); !start.IsNull() && !start.IsUndefined() {
			t.sel = []any{start.Int(), el.Get("selectionEnd").Int(), el.Get("selectionDirection").String()}
		}
	}
	t.seen = app.FuncOf(func(app.Value, []app.Value) any {
		t.carryOver()
		return nil
	})
	t.watch = app.Window().Get("MutationObserver").New(t.seen)
	t.watch.Call("observe", doc.Get("body"), map[string]any{"childList": true})
}

// carryOver gives the app's fields what was typed into the server's, as
// input (or change) events so that each component's state has it too, and
// the focus and the caret back to the field that had them; once, when the
// server's content has gone.
func (t *typedPage) carryOver() {
	if t.root.Get("isConnected").Bool() {
		return
	}
	t.watch.Call("disconnect")
	t.seen.Release()
	doc := app.Window().Get("document")
	for id, f := range t.fields {
		el := doc.Call("getElementById", id)
		switch {
		case !el.Truthy():
		case f.box && el.Get("checked").Bool() != f.checked:
			el.Set("checked", f.checked)
			el.Call("dispatchEvent", app.Window().Get("Event").New("change", map[string]any{"bubbles": true}))
		case !f.box && el.Get("value").String() != f.value:
			el.Set("value", f.value)
			el.Call("dispatchEvent", app.Window().Get("Event").New("input", map[string]any{"bubbles": true}))
		}
	}
	if t.focus == "" {
		return
	}
	if el := doc.Call("getElementById", t.focus); el.Truthy() {
		el.Call("focus", map[string]any{"preventScroll": true})
		if t.sel != nil {
			el.Call("setSelectionRange", t.sel...)
		}
	}
}
