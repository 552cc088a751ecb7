package webapp

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
)

// signedInPage is what every page behind the login shares: it follows the
// signed-in user in the app state (loaded by the first page that needs
// it), and sends the browser where the session says it must be.
type signedInPage struct {
	app.Compo
	session
}

func (p *signedInPage) OnMount(ctx app.Context) {
	// The user the server put into its page (PageData) is the app's, as
	// long as nobody knows better: the page is not asked for again.
	var known session
	if ctx.GetState(meState, &known); p.status == meKnown && known.status == meUnknown {
		ctx.SetState(meState, p.session)
	}
	observeMe(ctx, &p.session, func() { p.follow(ctx) })
	p.follow(ctx)
}

// follow sends a signed-out visitor to the login page, and a session that
// may only set up 2FA (the server says so in its stage; it refuses the rest
// anyway) straight to the setup window, and one that must replace a
// one-time password to the login's step for it.
func (p *signedInPage) follow(ctx app.Context) {
	switch {
	case p.status == meSignedOut:
		navigate(ctx, "/login")
	case p.me != nil && p.me.Stage == shared.NextChangePassword:
		navigate(ctx, newPasswordPage)
	case p.me != nil && p.me.Stage == shared.NextEnroll && ctx.Page().URL().Path != "/profile":
		navigate(ctx, "/profile?setup=1")
	}
}
