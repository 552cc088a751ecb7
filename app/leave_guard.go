package webapp

import "github.com/maxence-charriere/go-app/v10/pkg/app"

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
	app.Window().Call("addEventListener", "beforeunload", onLeave)
	g.release = func() {
		app.Window().Call("removeEventListener", "beforeunload", onLeave)
		onLeave.Release()
	}
}

func (g *leaveGuard) stop() {
	if g.release != nil {
		g.release()
		g.release = nil
	}
}
