package webapp

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
)

// adminPage is the Administration Panel; the server refuses its data to
// anyone but admins, and the page says so instead of showing empty tables.
type adminPage struct {
	signedInPage
	changes int // changes made on this page, each recorded in the audit log
}

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
			&adminAccount{Me: me, OnChanged: p.changed},
			&adminUsers{Me: me, OnChanged: p.changed},
			&adminLogins{},
			&adminAudit{Reload: p.changes},
		)
	})
}

// changed is a change of the admin's own: the audit log shows it.
func (p *adminPage) changed(ctx app.Context) { p.changes++ }
