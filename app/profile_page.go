package webapp

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
)

// profilePage is "My profile": who the user is and their security settings.
type profilePage struct {
	signedInPage
	openSetup bool
}

// OnNav reads ?setup=1, which the login page adds for a user who must set
// up 2FA before anything else.
func (p *profilePage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle("My profile · Warden")
	p.openSetup = ctx.Page().URL().Query().Get("setup") == "1"
}

func (p *profilePage) Render() app.UI {
	return shell(p.me, p.errMsg, func(me *shared.Me) app.UI {
		return app.Div().Body(
			app.Section().Class("card").Body(
				app.H1().Text("My profile"),
				app.Dl().Class("facts").Body(
					app.Dt().Text("Username"), app.Dd().ID("profile-username").Text(me.Username),
					app.Dt().Text("Account"), app.Dd().ID("profile-account").Text(me.Account),
					app.Dt().Text("Role"), app.Dd().ID("profile-role").Text(roleName(me.Role)),
				),
			),
			&securitySettings{Me: me, OpenSetup: p.openSetup},
		)
	})
}
