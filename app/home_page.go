package webapp

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
)

// homePage is "/": who is signed in, and where to go next.
type homePage struct {
	signedInPage
	recovered bool // arrived from a login with a recovery code
}

func (p *homePage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle("Warden")
	p.recovered = ctx.Page().URL().Query().Get("recovered") == "1"
}

func (p *homePage) Render() app.UI {
	return shell(p.me, p.errMsg, func(me *shared.Me) app.UI {
		return app.Section().Class("card").Body(
			app.H1().Text("Welcome"),
			app.P().ID("welcome").Body(
				app.Text("Signed in as "), app.Strong().Text(me.Username),
				app.Text(" in "), app.Strong().Text(me.Account), app.Text("."),
			),
			app.If(p.recovered && me.RecoveryCodesLeft > 3, func() app.UI {
				return app.P().ID("codes-used").Class("notice").Role("status").
					Text("You logged in with a recovery code; it cannot be used again. You have " +
						plural(me.RecoveryCodesLeft, "recovery code", "recovery codes") + " left.")
			}),
			app.If(me.TOTPEnabled && me.RecoveryCodesLeft <= 3, func() app.UI {
				return app.P().ID("codes-warning").Class("warning").Role("status").Body(
					app.Text("You have "+plural(me.RecoveryCodesLeft, "recovery code", "recovery codes")+" left. "),
					app.A().Href("/profile").Text("Regenerate them in Security settings."),
				)
			}),
			app.P().Body(
				app.A().Href("/profile").Text("Open My profile"),
				app.Text(" to review your security settings and login history."),
			),
		)
	})
}
