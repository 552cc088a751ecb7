package webapp

import (
	"fmt"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
)

// adminUsers lists the account's users with their 2FA state, and resets the
// 2FA of one who lost their phone, after a confirmation.
type adminUsers struct {
	app.Compo
	reauthGate
	Me *shared.Me
	// OnChanged hears of each change made here (a reset), which the audit
	// log records.
	OnChanged func(ctx app.Context)

	users   []shared.AdminUser
	confirm string // the username whose reset waits for confirmation
	notice  string
}

func (u *adminUsers) OnMount(ctx app.Context) {
	u.mountedAt(ctx)
	u.load(ctx)
}

func (u *adminUsers) load(ctx app.Context) {
	send(ctx, &u.apiState, apiCall{method: "GET", path: "/api/admin/users"}, func(ctx app.Context, users []shared.AdminUser) {
		u.users = users
	})
}

func (u *adminUsers) Render() app.UI {
	return app.Section().Class("card").Body(
		app.H2().Text("Users"),
		u.prompt(u.ValueTo, u.Me != nil && u.Me.TOTPEnabled),
		app.If(u.notice != "", func() app.UI { return app.P().Class("success").Role("status").Text(u.notice) }),
		app.If(u.errMsg != "", func() app.UI { return app.P().Class("error").Role("alert").Text(u.errMsg) }),
		u.confirmation(),
		app.Div().Class("table-wrap").Body(
			app.Table().ID("users-table").Class("history-table").Body(
				headerRow(userColumns),
				app.TBody().Body(app.Range(u.users).Slice(func(i int) app.UI { return u.row(u.users[i]) })),
			),
		),
	)
}

// userColumns heads the users table.
var userColumns = []string{"Username", "Role", "2FA", "Recovery codes", "Last login", "Status", "Actions"}

func (u *adminUsers) row(user shared.AdminUser) app.UI {
	lastLogin := "Never"
	if user.LastLoginAt != "" {
		lastLogin = localTime(user.LastLoginAt)
	}
	status := "Active"
	if user.LockedUntil != "" {
		status = "Code entry locked until " + localTime(user.LockedUntil)
	}
	codes := "–"
	if user.TOTPEnabled {
		codes = fmt.Sprint(user.RecoveryCodesLeft)
	}
	return tableRow(userColumns, []app.HTMLTd{
		app.Td().Text(user.Username),
		app.Td().Text(roleName(user.Role)),
		app.Td().Body(app.Span().Class(statusClass(user.TOTPEnabled)).Text(onOff(user.TOTPEnabled)),
			app.If(len(user.Methods) > 0, func() app.UI { return app.Span().Class("muted").Text(" (" + methodNames(user.Methods) + ")") })),
		app.Td().Text(codes),
		app.Td().Text(lastLogin),
		app.Td().Text(status),
		app.Td().Body(
			app.If(user.TOTPEnabled, func() app.UI {
				return app.Button().ID("reset-2fa-" + user.Username).Class("secondary").Type("button").
					Disabled(u.confirm == user.Username).
					OnClick(func(ctx app.Context, e app.Event) {
						u.confirm, u.notice, u.errMsg = user.Username, "", ""
						u.focus(ctx, "confirm-reset-dialog")
					}).
					Text("Reset 2FA")
			}),
		),
	})
}

// confirmation asks before a reset, above the table: inside a row it would
// sit at the far end of a table wider than a phone's screen. It takes the
// focus when it opens; Escape or Cancel closes it.
func (u *adminUsers) confirmation() app.UI {
	var user *shared.AdminUser
	for i := range u.users {
		if u.users[i].Username == u.confirm {
			user = &u.users[i]
		}
	}
	if user == nil {
		return nil
	}
	return app.Div().ID("confirm-reset-dialog").Class("confirm-reset warning").Role("alertdialog").TabIndex(-1).
		Aria("labelledby", "confirm-reset-title").Aria("describedby", "confirm-reset-text").
		OnKeyDown(onEscape(u.cancelReset)).Body(
		app.H3().ID("confirm-reset-title").Text("Reset two-factor authentication for "+user.Username+"?"),
		app.P().ID("confirm-reset-text").Text("The authenticator and recovery codes of "+user.Username+" stop working and they are logged out everywhere. "+
			"They can connect a new phone at their next login."),
		app.Div().Class("actions").Body(
			app.Button().ID("confirm-reset").Class("danger").Type("button").Disabled(u.busy).
				OnClick(u.reset(*user)).Text("Reset 2FA for "+user.Username),
			app.Button().ID("cancel-reset").Class("secondary").Type("button").
				OnClick(func(ctx app.Context, e app.Event) { u.cancelReset(ctx) }).Text("Cancel"),
		),
	)
}

// cancelReset is Cancel or Escape on the confirmation: the focus goes back
// to the user's Reset 2FA button.
func (u *adminUsers) cancelReset(ctx app.Context) {
	u.focus(ctx, "reset-2fa-"+u.confirm)
	u.confirm = ""
}

func (u *adminUsers) reset(user shared.AdminUser) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		path := fmt.Sprintf("/api/admin/users/%d/reset-2fa", user.ID)
		send(ctx, &u.apiState, apiCall{method: "POST", path: path, failed: func(ctx app.Context, err error) bool {
			u.confirm = ""
			return u.needsProof(ctx, err, func(ctx app.Context) { u.reset(user)(ctx, e) })
		}}, func(ctx app.Context, _ struct{}) {
			u.confirm = ""
			u.notice = "Two-factor authentication of " + user.Username + " is reset, and they are logged out."
			u.load(ctx)
			if u.OnChanged != nil {
				u.OnChanged(ctx)
			}
		})
	}
}

// methodNames says a user's second-factor kinds, for the 2FA column.
func methodNames(kinds []string) string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = map[string]string{shared.FactorTOTP: "app", shared.FactorSecurityKey: "security key"}[k]
	}
	return strings.Join(names, ", ")
}
