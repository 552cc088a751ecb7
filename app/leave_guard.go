package webapp

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared/words"
)

// leaveGuard makes the browser ask before the page is left (reload, Back to
// another document, closing the tab) while armed says so. It listens for
// beforeunload itself, not through go-app: the event must be cancelled
// while it is dispatched, and go-app's handlers run later, on the UI
// goroutine.
type leaveGuard struct{ release func() }

// watch starts listening; call it in OnMount, and stop in OnDismount.
func (g *leaveGuard) watch(armed func() bool) {
	if !app.IsClient || g.release != nil {
		return
	}
	onLeave := app.FuncOf(func(_ app.Value, args []app.Value) any {
		if armed() && len(args) > 0 {
			args[0].Call("preventDefault")
			args[0].Set("returnValue", "") // what Chromium and Safari still look at
		}
		return nil
	})
	// Back to a page of the app unloads nothing: go-app swaps the page in
	// its window.onpopstate. That handler is wrapped, so that it runs only
	// once the user agreed; else the page is put back in the history.
	window := app.Window()
	here := window.Get("location").Get("href").String()
	goApps := window.Get("onpopstate")
	onBack := app.FuncOf(func(this app.Value, args []app.Value) any {
		if armed() {
			window.Get("history").Call("pushState", nil, "", here)
			if !window.Call("confirm", say(words.LeaveWithoutSaving)).Bool() {
				return nil
			}
			g.stop()
			window.Get("history").Call("back")
			return nil
		}
		if goApps.Truthy() {
			goApps.Call("call", this, args[0])
		}
		return nil
	})
	window.Call("addEventListener", "beforeunload", onLeave)
	window.Set("onpopstate", onBack)
	g.release = func() {
		window.Call("removeEventListener", "beforeunload", onLeave)
		window.Set("onpopstate", goApps)
		onLeave.Release()
		onBack.Release()
	}
}

func (g *leaveGuard) stop() {
	if release := g.release; release != nil {
		g.release = nil
		release()
	}
}
