package webapp

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared/words"
)

// clipCopy is a Copy button's state: "Copied" only once the browser says
// the text is on the clipboard (writeText's promise resolved), and a
// message when it is not (no permission, no focus, no clipboard at all).
type clipCopy struct {
	copied, failed bool
}

// write puts text on the clipboard; the answer comes on ctx.
func (c *clipCopy) write(ctx app.Context, text string) {
	c.copied, c.failed = false, false
	clip := app.Window().Get("navigator").Get("clipboard")
	if !clip.Truthy() {
		c.failed = true
		return
	}
	var then, catch app.Func
	settle := func(ok bool) {
		ctx.Dispatch(func(app.Context) { c.copied, c.failed = ok, !ok })
		then.Release()
		catch.Release()
	}
	then = app.FuncOf(func(app.Value, []app.Value) any { settle(true); return nil })
	catch = app.FuncOf(func(app.Value, []app.Value) any { settle(false); return nil })
	clip.Call("writeText", text).Call("then", then, catch)
}

// label is the button's text: idle until a write succeeded.
func (c *clipCopy) label(idle words.Message) string {
	if c.copied {
		return say(words.Copied)
	}
	return say(idle)
}

// failure says that nothing was copied (what the user should copy
// themselves), or is nothing.
func (c *clipCopy) failure(said words.Message) app.UI {
	if !c.failed {
		return nil
	}
	return app.P().Class("error copy-failed").Role("alert").Text(say(said))
}
