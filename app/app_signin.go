package webapp

import (
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
)

// An application's sign-in (Warden as an OpenID Connect provider) sends a
// browser without a full session to /login?return=<its callback>. The
// login page keeps the callback in the tab's session storage, and where the
// login would go home once the session is full (any step: a password, a
// code, a passkey, the forced setup), it goes back to the callback, which
// the server answers with the application's code.

const appSignInKey = "appSignIn"

// appSignInLife is how long a kept callback is followed: the server's
// request lives as long (auth/idp's RequestLife), so a login long after an
// abandoned sign-in goes home, not to an expired request.
const appSignInLife = 15 * time.Minute

type pendingAppSignIn struct {
	Path  string    `json:"path"`
	Until time.Time `json:"until"`
}

// keepAppSignIn keeps the login page's ?return=, if it is the callback of
// an application's sign-in (shared.AppSignInReturn: nothing else).
func keepAppSignIn(ctx app.Context, ret string) {
	if !shared.AppSignInReturn(ret) {
		return
	}
	ctx.SessionStorage().Set(appSignInKey, pendingAppSignIn{Path: ret, Until: time.Now().Add(appSignInLife)})
}

// resumeAppSignIn opens the kept callback, once, and reports whether it
// did. The callback is the server's page, not the app's: the browser
// loads it.
func resumeAppSignIn(ctx app.Context) bool {
	var p pendingAppSignIn
	if err := ctx.SessionStorage().Get(appSignInKey, &p); err != nil || p.Path == "" {
		return false
	}
	ctx.SessionStorage().Del(appSignInKey)
	if !shared.AppSignInReturn(p.Path) || time.Now().After(p.Until) {
		return false
	}
	app.Window().Get("location").Call("assign", p.Path)
	return true
}
