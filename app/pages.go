package webapp

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
)

// signedInPage is what every page behind the login shares: it loads the user
// when it mounts.
type signedInPage struct {
	app.Compo
	me     *shared.Me
	errMsg string
}

func (p *signedInPage) OnMount(ctx app.Context) {
	loadMe(ctx, func(me *shared.Me, errMsg string) {
		// A user whose account forces 2FA can do nothing before setting it
		// up (the server refuses it anyway): straight to the setup window.
		if me != nil && me.Force2FA && !me.TOTPEnabled && ctx.Page().URL().Path != "/profile" {
			navigate(ctx, "/profile?setup=1")
			return
		}
		p.me, p.errMsg = me, errMsg
	})
}

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

// adminPage is the Administration Panel; the server refuses its data to
// anyone but admins, and the page says so instead of showing empty tables.
type adminPage struct{ signedInPage }

func (p *adminPage) OnNav(ctx app.Context) { ctx.Page().SetTitle("Administration · Warden") }

func (p *adminPage) Render() app.UI {
	return shell(p.me, p.errMsg, func(me *shared.Me) app.UI {
		if me.Role != shared.RoleAdmin {
			return app.Section().Class("card").Body(
				app.H1().Text("Administration Panel"),
				app.P().Class("error").Role("alert").Text("You do not have access to the Administration Panel."),
			)
		}
		return app.Div().Body(
			app.H1().Class("page-title").Text("Administration Panel"),
			&adminAccount{Me: me},
			&adminUsers{Me: me},
			&adminLogins{},
			&adminAudit{},
		)
	})
}

func roleName(role string) string {
	if role == shared.RoleAdmin {
		return "Administrator"
	}
	return "User"
}

func onOff(on bool) string {
	if on {
		return "On"
	}
	return "Off"
}

func statusClass(on bool) string {
	if on {
		return "badge badge-on"
	}
	return "badge badge-off"
}
