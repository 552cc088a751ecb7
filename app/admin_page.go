package webapp

import (
	"net/url"
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
	// tab is the account's tab in the address (?tab=users|logins|audit;
	// none: its settings), so each is a screen a person can link to.
	tab string
}

// The tabs of an account in the panel.
const (
	tabSettings = ""
	tabUsers    = "users"
	tabLogins   = "logins"
	tabAudit    = "audit"
)

// accountTabs are the tabs of the account with id (0: the admin's own),
// each at its address.
func accountTabs(id int64) []section {
	href := func(tab string) string {
		q := url.Values{}
		if id != 0 {
			q.Set("account", strconv.FormatInt(id, 10))
		}
		if tab != tabSettings {
			q.Set("tab", tab)
		}
		if len(q) == 0 {
			return "/admin"
		}
		return "/admin?" + q.Encode()
	}
	return []section{
		{href(tabSettings), "tab-settings", words.SectionSettings},
		{href(tabUsers), "tab-users", words.Users},
		{href(tabLogins), "tab-logins", words.LoginAttempts},
		{href(tabAudit), "tab-audit", words.AuditLog},
	}
}

// tabIndex is the place of a tab among accountTabs (an unknown one: the
// settings).
func tabIndex(tab string) int {
	switch tab {
	case tabUsers:
		return 1
	case tabLogins:
		return 2
	case tabAudit:
		return 3
	}
	return 0
}

// OnNav reads ?account=ID; Open and "All accounts" navigate, so the
// browser's history holds each view.
func (p *adminPage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle(say(words.TitleAdmin))
	p.opened = 0
	q := ctx.Page().URL().Query()
	if id, err := strconv.ParseInt(q.Get("account"), 10, 64); err == nil && id > 0 {
		p.opened = id
	}
	p.tab = q.Get("tab")
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
		tabs := accountTabs(id)
		return app.Div().Body(
			app.H1().Class("page-title").Text(say(words.AdminPanel)),
			app.If(id != 0, func() app.UI {
				return app.P().Body(app.A().ID("back-to-accounts").Class("button secondary").Href("/admin").Text(say(words.AllAccounts)))
			}),
			app.Div().Class("settings panel").Body(
				sectionNav(words.AdminPanel, tabs, tabs[tabIndex(p.tab)].href),
				app.Div().Class("settings-main").Body(p.tabContent(me, id)),
			),
		)
	})
}

// tabContent is the account's tab the address names.
func (p *adminPage) tabContent(me *shared.Me, id int64) app.UI {
	switch tabIndex(p.tab) {
	case 1:
		return &adminUsers{Me: me, AccountID: id, OnChanged: p.changed}
	case 2:
		return &adminLogins{AccountID: id, Platform: me.Role == shared.RolePlatformAdmin}
	case 3:
		return &adminAudit{AccountID: id, Reload: p.changes}
	}
	return &adminAccount{Me: me, AccountID: id, OnChanged: p.changed}
}

// open shows one account's settings, users, logins and audit log.
func (p *adminPage) open(ctx app.Context, a shared.AccountSettings) {
	ctx.Navigate("/admin?account=" + strconv.FormatInt(a.ID, 10))
}

// changed is a change of the admin's own: the audit log shows it.
func (p *adminPage) changed(ctx app.Context) { p.changes++ }
