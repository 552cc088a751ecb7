package webapp

import (
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
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

// appSignInConfirmPage is where an application's sign-in goes when the
// session falls short of what the application asks for (a fresh proof,
// a second factor, a security key: the server's ?need=): it says so, takes
// the proof as a sensitive action does (reauthGate), and goes back to the
// callback (?return=), which now gives the application its code.
type appSignInConfirmPage struct {
	app.Compo
	reauthGate
	me   session
	back string // the callback, once checked (shared.AppSignInReturn)
	need string
}

func (p *appSignInConfirmPage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle(say(words.ConfirmItIsYou))
	q := ctx.Page().URL().Query()
	p.back, p.need = "", q.Get("need")
	if ret := q.Get("return"); shared.AppSignInReturn(ret) {
		p.back = ret
	}
}

func (p *appSignInConfirmPage) OnMount(ctx app.Context) {
	p.mountedAt(ctx)
	observeMe(ctx, &p.me, func() { p.ask() })
	p.ask()
}

// ask opens the prompt, with a code and the security keys offered as the
// user has them.
func (p *appSignInConfirmPage) ask() {
	if p.back == "" {
		return
	}
	p.help = appSignInNeed(p.need)
	p.keys = p.me.me != nil && p.me.me.SecurityKeys > 0
	back := p.back
	p.retry = func(app.Context) { app.Window().Get("location").Call("assign", back) }
}

// appSignInNeed says what the application asks for.
func appSignInNeed(need string) words.Message {
	switch need {
	case shared.AppSignInNeedKey:
		return words.AppSignInNeedsKey
	case shared.AppSignInNeedSecond:
		return words.AppSignInNeedsSecondFactor
	}
	return words.AppSignInNeedsProof
}

func (p *appSignInConfirmPage) Render() app.UI {
	withCode := p.me.me != nil && p.me.me.TOTPEnabled
	return app.Main().Class("login").Body(
		app.Section().Class("card login-card").Body(
			logo(),
			p.prompt(p.ValueTo, withCode),
			app.If(p.retry == nil, func() app.UI {
				return app.P().Body(app.A().ID("confirm-home").Class("button primary").Href("/").Text(say(words.GoHome)))
			}),
		),
	)
}
