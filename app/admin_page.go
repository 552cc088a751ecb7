package webapp

import (
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// adminPage is the Administration Panel; the server refuses its data to
// anyone but admins, and the page says so instead of showing empty tables.
type adminPage struct {
	signedInPage
	changes int // changes made on this page, each recorded in the audit log
	// opened is the account a platform administrator opened from the
	// Accounts view (0: the view itself), kept in the address as
	// /admin?account=ID so that a reload and Back keep it. An account
	// administrator has no view: the panel is their own account.
	opened int64
}

// OnNav reads ?account=ID; Open and "All accounts" navigate, so the
// browser's history holds each view.
func (p *adminPage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle(say(words.TitleAdmin))
	p.opened = 0
	if id, err := strconv.ParseInt(ctx.Page().URL().Query().Get("account"), 10, 64); err == nil && id > 0 {
		p.opened = id
	}
}

func (p *adminPage) Render() app.UI {
	return shell(p.me, p.errMsg, func(me *shared.Me) app.UI {
		if !shared.IsAdministrator(me.Role) {
			return app.Section().Class("card").Body(
				app.H1().Text(say(words.AdminPanel)),
				app.P().Class("error").Role("alert").Text(say(words.AdminNoAccess)),
			)
		}
		var id int64 // 0: the admin's own account
		if me.Role == shared.RolePlatformAdmin {
			id = p.opened
		}
		if me.Role == shared.RolePlatformAdmin && id == 0 {
			return app.Div().Body(
				app.H1().Class("page-title").Text(say(words.AdminPanel)),
				&adminAccounts{Me: me, OnOpen: p.open},
			)
		}
		return app.Div().Body(
			app.H1().Class("page-title").Text(say(words.AdminPanel)),
			app.If(id != 0, func() app.UI {
				return app.A().ID("back-to-accounts").Class("button secondary").Href("/admin").Text(say(words.AllAccounts))
			}),
			&adminAccount{Me: me, AccountID: id, OnChanged: p.changed},
			&adminUsers{Me: me, AccountID: id, OnChanged: p.changed},
			&adminLogins{AccountID: id, Platform: me.Role == shared.RolePlatformAdmin},
			&adminAudit{AccountID: id, Reload: p.changes},
		)
	})
}

// open shows one account's settings, users, logins and audit log.
func (p *adminPage) open(ctx app.Context, a shared.AccountSettings) {
	ctx.Navigate("/admin?account=" + strconv.FormatInt(a.ID, 10))
}

// changed is a change of the admin's own: the audit log shows it.
func (p *adminPage) changed(ctx app.Context) { p.changes++ }
