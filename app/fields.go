package webapp

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// field is a labelled input with its own error message.
func field(id, label, errMsg string, input app.HTMLInput) app.UI {
	if errMsg != "" {
		input = input.Aria("invalid", "true").Aria("describedby", id+"-error")
	}
	return app.Div().Class("field").Body(
		app.Label().For(id).Text(label),
		input,
		app.If(errMsg != "", func() app.UI {
			return app.P().ID(id + "-error").Class("field-error").Text(errMsg)
		}),
	)
}

// codeInput is the field for a six-digit code from the authenticator app:
// the browser offers the code it received, phones show digits, and the
// "123 456" an app shows fits.
func codeInput(id, value string, onInput app.EventHandler) app.HTMLInput {
	return app.Input().ID(id).Type("text").Required(true).
		Attr("autocomplete", "one-time-code").Attr("inputmode", "numeric").
		MaxLength(7).Placeholder("123 456").Value(attr(value)).OnInput(onInput)
}

// codeRequest is a typed code as the API takes it; anything that is not six
// digits is refused here with the one message for it, set in errMsg.
func codeRequest(typed string, errMsg *string) (shared.CodeRequest, bool) {
	code, ok := shared.NormalizeCode(typed)
	if !ok {
		*errMsg = say(words.CodeFormat)
	}
	return shared.CodeRequest{Code: code}, ok
}

// focus moves the keyboard focus to the element with id once the update
// under way is rendered: a new step's first field, an opened warning.
// Screen readers then read where the user is. It waits on the component's
// own context: go-app skips what waits on an element that the update
// removes, such as the button that opened the step.
func (a *apiState) focus(ctx app.Context, id string) {
	a.onHome(ctx).Defer(func(app.Context) { focusNow(id) })
}

// autofocus is a page's first focus once the app runs (the autofocus
// attribute works only while a page loads, and not at all on some phones):
// it goes to id once rendered, unless the person is already somewhere: in a
// field they clicked, or in the one the app carried over from the server's
// page (takeover_js.go). Keys typed meanwhile stay where they are typed.
func (a *apiState) autofocus(ctx app.Context, id string) {
	a.onHome(ctx).Defer(func(app.Context) {
		doc := app.Window().Get("document")
		if el := doc.Get("activeElement"); !el.Truthy() || el.Equal(doc.Get("body")) {
			focusNow(id)
		}
	})
}

// focusNow moves the focus to an element already on the page.
func focusNow(id string) {
	if el := app.Window().GetElementByID(id); el.Truthy() {
		el.Call("focus")
	}
}

// focusedID is the id of the element that has the focus ("" for none).
func focusedID() string {
	if el := app.Window().Get("document").Get("activeElement"); el.Truthy() {
		return el.Get("id").String()
	}
	return ""
}

// onEscape calls close when Escape is pressed inside the element, as it
// closes a menu or a dialog.
func onEscape(close func(ctx app.Context)) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		if e.Get("key").String() == "Escape" {
			e.PreventDefault()
			e.Call("stopPropagation") // the innermost closes, not what holds it too
			close(ctx)
		}
	}
}

// retypeIfRefused puts the cursor back in the field of a failed try once
// the page shows why; a password or code the server refused (wrong,
// reused, expired) is emptied first, so the next try starts from an empty
// field and nobody has to select and delete what was wrong.
func (a *apiState) retypeIfRefused(ctx app.Context, err error, id string, value *string) {
	switch errorCode(err) {
	case shared.EWrongCredentials, shared.EWrongCode:
		a.retype(ctx, id, value)
	default:
		a.focus(ctx, id)
	}
}

// retype empties the field and focuses it after the next render. The
// element's value is emptied too: go-app renders an empty Value by removing
// the attribute, which leaves what was typed in the field.
func (a *apiState) retype(ctx app.Context, id string, value *string) {
	*value = ""
	a.onHome(ctx).Defer(func(app.Context) {
		if el := app.Window().GetElementByID(id); el.Truthy() {
			el.Set("value", "")
			el.Call("focus")
		}
	})
}
