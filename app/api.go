package webapp

import (
	"context"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// requestTimeout bounds every request: one that hangs (a dead network, a
// server that never answers) ends with errTimeout, so that no form stays
// busy for ever.
var requestTimeout = 30 * time.Second

// apiState is what a component that calls the API embeds: whether a request
// is on its way, why the last one failed, and the component's own context,
// which the answers are dispatched on.
type apiState struct {
	busy   bool   // a request is on its way: its buttons are disabled
	errMsg string // why the last request failed, for the component to show

	// home is the component's context (from its OnMount). go-app drops the
	// updates of an unmounted element's context: an answer dispatched on the
	// context of a button that has gone since would never be shown.
	home    app.Context
	homeSet bool
}

// mountedAt records the component's own context; call it in OnMount.
func (a *apiState) mountedAt(ctx app.Context) { a.home, a.homeSet = ctx, true }

// onHome is the component's own context, or ctx before it is mounted.
func (a *apiState) onHome(ctx app.Context) app.Context {
	if a.homeSet {
		return a.home
	}
	return ctx
}

// apiCall is one request: method, path and a body to send as JSON (nil for
// none). failed, when set, sees a failure first and returns true when it
// dealt with it (asked for a proof, showed a warning); otherwise the
// failure's message becomes the component's errMsg.
type apiCall struct {
	method, path string
	body         any
	failed       func(ctx app.Context, err error) bool
}

// send is how components call the API: it marks a busy, runs c on
// ctx.Async, and hands the answer back on the component's own context: the
// decoded T to ok, or a failure to c.failed or a's errMsg.
func send[T any](ctx app.Context, a *apiState, c apiCall, ok func(ctx app.Context, res T)) {
	a.busy, a.errMsg = true, ""
	home := a.onHome(ctx)
	ctx.Async(func() {
		res, err := request[T](ctx, c.method, c.path, c.body)
		home.Dispatch(func(ctx app.Context) {
			a.busy = false
			switch {
			case err == nil:
				ok(ctx, res)
			case c.failed != nil && c.failed(ctx, err):
			default:
				a.errMsg = errorMessage(err)
			}
		})
	})
}

// request sends one call and waits, at most requestTimeout, for its decoded
// answer. It blocks: call it off the UI goroutine (in ctx.Async).
func request[T any](ctx context.Context, method, path string, body any) (T, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	var res T
	err := callAPI(ctx, method, path, body, &res)
	return res, err
}
