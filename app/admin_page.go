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
	// opened is the account a platform administrator opened from the
	// Accounts view (nil: the view itself). An account administrator has
	// no view: the panel is their own account.
	opened *shared.AccountSettings
}

func (p *adminPage) OnNav(ctx app.Context) { ctx.Page().SetTitle("Administration · Warden") }

func (p *adminPage) Render() app.UI {
	return shell(p.me, p.errMsg, func(me *shared.Me) app.UI {
		if !shared.IsAdministrator(me.Role) {
			return app.Section().Class("card").Body(
				app.H1().Text("Administration Panel"),
				app.P().Class("error").Role("alert").Text("You do not have access to the Administration Panel."),
			)
		}
		if me.Role == shared.RolePlatformAdmin && p.opened == nil {
			return app.Div().Body(
				app.H1().Class("page-title").Text("Administration Panel"),
				&adminAccounts{Me: me, OnOpen: p.open},
			)
		}
		var id int64 // 0: the admin's own account
		if p.opened != nil {
			id = p.opened.ID
		}
		return app.Div().Body(
			app.H1().Class("page-title").Text("Administration Panel"),
			app.If(p.opened != nil, func() app.UI {
				return app.Button().ID("back-to-accounts").Class("secondary").Type("button").
					OnClick(func(ctx app.Context, e app.Event) { p.opened = nil }).Text("← All accounts")
			}),
			&adminAccount{Me: me, AccountID: id, OnChanged: p.changed},
			&adminUsers{Me: me, AccountID: id, OnChanged: p.changed},
			&adminLogins{AccountID: id, Platform: me.Role == shared.RolePlatformAdmin},
			&adminAudit{AccountID: id, Reload: p.changes},
		)
	})
}

// open shows one account's settings, users, logins and audit log.
func (p *adminPage) open(ctx app.Context, a shared.AccountSettings) { p.opened = &a }

// changed is a change of the admin's own: the audit log shows it.
func (p *adminPage) changed(ctx app.Context) { p.changes++ }
