package webapp

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// adminUsers lists the account's users with their 2FA state, and resets the
// 2FA of one who lost their phone, after a confirmation.
type adminUsers struct {
	app.Compo
	reauthGate
	Me *shared.Me
	// AccountID is whose users (0: the admin's own account).
	AccountID int64
	// OnChanged hears of each change made here (a reset), which the audit
	// log records.
	OnChanged func(ctx app.Context)

	users   []shared.AdminUser
	next    string // the cursor of the next page ("": none)
	confirm string // the username whose reset waits for confirmation
	// editing is the user whose e-mail address is being edited, typed
	// what is typed.
	editing         *shared.AdminUser
	typed, typedErr string
	refocus         string      // the id the focus goes to once the list is loaded
	pending         *userChange // a change that takes something away, waiting for confirmation
	notice          string
	// The filters as typed (twoFA "", "on" or "off"; prefix, the start of a
	// username), and as last applied: the list and its pages follow those.
	twoFA, prefix string
	applied       url.Values
	fields        map[string]string // the filters the server refused, with why
}

// userChange is a change of one user the panel asks to confirm first.
type userChange struct {
	user  shared.AdminUser
	patch shared.UserPatch
	title string
	text  string
	label string
}

func (u *adminUsers) OnMount(ctx app.Context) {
	u.mountedAt(ctx)
	u.load(ctx)
}

// listPath is the users endpoint with the applied filters, and before (the
// next page's cursor) unless it is empty.
func (u *adminUsers) listPath(before string) string {
	q := url.Values{}
	for k, v := range u.applied {
		q[k] = v
	}
	if before != "" {
		q.Set("before", before)
	}
	path := "/api/admin/users"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	return withAccount(path, u.AccountID)
}

// filter applies the form's filters: the list starts again from its first
// page, and rows of the filters before do not stay.
func (u *adminUsers) filter(ctx app.Context, e app.Event) {
	e.PreventDefault()
	u.applied = url.Values{}
	if u.twoFA != "" {
		u.applied.Set("twofa", u.twoFA)
	}
	if p := strings.TrimSpace(u.prefix); p != "" {
		u.applied.Set("q", p)
	}
	u.users, u.next = nil, ""
	u.load(ctx)
}

// load reads the first page again; more appends the next.
func (u *adminUsers) load(ctx app.Context) {
	send(ctx, &u.apiState, apiCall{method: "GET", path: u.listPath(""), failed: func(ctx app.Context, err error) bool {
		if e, ok := err.(*shared.Error); ok && len(e.Fields) > 0 {
			u.fields, u.users, u.next = e.Fields, nil, ""
			return true
		}
		return false
	}}, func(ctx app.Context, page shared.UsersPage) {
		u.fields = nil
		u.users, u.next = page.Users, page.Next
		if u.refocus != "" {
			// The buttons were disabled while the list loaded.
			u.focus(ctx, u.refocus)
			u.refocus = ""
		}
	})
}

func (u *adminUsers) more(ctx app.Context, e app.Event) {
	send(ctx, &u.apiState, apiCall{method: "GET", path: u.listPath(u.next)}, func(ctx app.Context, page shared.UsersPage) {
		u.users, u.next = append(u.users, page.Users...), page.Next
	})
}

func (u *adminUsers) Render() app.UI {
	return app.Section().Class("card").Body(
		app.H2().Text(say(words.Users)),
		// Right after the heading: its place never moves, so the one-time
		// password it shows survives the list's reloads.
		&newUserForm{Me: u.Me, AccountID: u.AccountID, OnCreated: u.changedHere},
		u.prompt(u.ValueTo, u.Me != nil && u.Me.TOTPEnabled),
		app.If(u.notice != "", func() app.UI { return app.P().Class("success").Role("status").Text(u.notice) }),
		app.If(u.errMsg != "", func() app.UI { return app.P().Class("error").Role("alert").Text(u.errMsg) }),
		u.confirmation(),
		u.changeConfirmation(),
		u.emailEditor(),
		app.Form().Class("filters").OnSubmit(u.filter).Body(
			app.Div().Class("field").Body(
				app.Label().For("users-twofa").Text(say(words.TwoFA)),
				app.Select().ID("users-twofa").OnChange(u.ValueTo(&u.twoFA)).Body(
					app.Option().Value("").Selected(u.twoFA == "").Text(say(words.All)),
					app.Option().Value("on").Selected(u.twoFA == "on").Text(say(words.On)),
					app.Option().Value("off").Selected(u.twoFA == "off").Text(say(words.Off)),
				),
			),
			field("users-q", say(words.UsernameStartsWith), u.fields["q"],
				app.Input().ID("users-q").Type("search").Value(attr(u.prefix)).OnInput(u.ValueTo(&u.prefix))),
			app.Button().ID("users-apply").Class("secondary").Type("submit").Text(say(words.Apply)),
		),
		app.If(len(u.users) == 0 && !u.busy, func() app.UI {
			text := say(words.NoUsersYetList)
			if len(u.applied) > 0 {
				text = say(words.NoUsersMatch)
			}
			return app.P().ID("users-empty").Class("muted").Role("status").Text(text)
		}),
		app.Div().Class("table-wrap").Body(
			app.Table().ID("users-table").Class("history-table").Body(
				headerRow(userColumns),
				app.TBody().Body(app.Range(u.users).Slice(func(i int) app.UI { return u.row(u.users[i]) })),
			),
		),
		app.If(u.next != "", func() app.UI {
			return app.Button().ID("more-users").Class("secondary").Type("button").Disabled(u.busy).OnClick(u.more).Text(say(words.ShowMoreUsers))
		}),
	)
}

// userColumns heads the users table.
var userColumns = []words.Message{words.Username, words.Role, words.ColEmail, words.TwoFA, words.ColRecoveryCodes,
	words.ColLastLogin, words.ColStatus, words.ColActions}

func (u *adminUsers) row(user shared.AdminUser) app.UI {
	lastLogin := say(words.Never)
	if user.LastLoginAt != "" {
		lastLogin = localTime(user.LastLoginAt)
	}
	status := words.StatusActive
	switch {
	case user.Disabled:
		status = words.StatusDisabled
	case user.LockedUntil != "":
		status = words.StatusCodeLocked(localTime(user.LockedUntil))
	case user.Locked:
		status = words.StatusLocked
	case user.TwoFADeadline != "":
		status = words.StatusMustSetUp(localTime(user.TwoFADeadline))
	}
	self := u.Me != nil && user.Username == u.Me.Username
	codes := "–"
	if user.TOTPEnabled {
		codes = fmt.Sprint(user.RecoveryCodesLeft)
	}
	return tableRow(userColumns, []app.HTMLTd{
		dataCell(user.Username),
		app.Td().Body(u.roleSelect(user, self)),
		u.emailCell(user, self || u.Me == nil || u.Me.Role == shared.RolePlatformAdmin || user.Role != shared.RolePlatformAdmin),
		app.Td().Body(app.Span().Class(statusClass(user.TOTPEnabled)).Text(say(onOff(user.TOTPEnabled))),
			app.If(len(user.Methods) > 0, func() app.UI {
				return app.Span().Class("muted").Text(say(words.MethodsOfUser(methodNames(user.Methods))))
			})),
		app.Td().Text(codes),
		app.Td().Text(lastLogin),
		app.Td().Text(say(status)),
		app.Td().Body(
			app.If(user.Locked, func() app.UI {
				return app.Button().ID("unlock-" + attr(user.Username)).Class("secondary").Type("button").Disabled(u.busy).
					OnClick(func(ctx app.Context, e app.Event) { u.unlock(ctx, user) }).Text(say(words.Unlock))
			}),
			app.If(!self && !user.Disabled, func() app.UI {
				return app.Button().ID("disable-" + attr(user.Username)).Class("secondary").Type("button").Disabled(u.busy).
					OnClick(func(ctx app.Context, e app.Event) {
						yes := true
						u.ask(ctx, userChange{user: user, patch: shared.UserPatch{Disabled: &yes},
							title: say(words.DisableUserTitle(user.Username)),
							text:  say(words.DisableUserText(user.Username)),
							label: say(words.DisableUser(user.Username))})
					}).Text(say(words.Disable))
			}).ElseIf(!self, func() app.UI {
				return app.Button().ID("enable-" + attr(user.Username)).Class("secondary").Type("button").Disabled(u.busy).
					OnClick(func(ctx app.Context, e app.Event) {
						no := false
						u.apply(ctx, user, shared.UserPatch{Disabled: &no})
					}).Text(say(words.Enable))
			}),
			app.If(user.TOTPEnabled, func() app.UI {
				return app.Button().ID("reset-2fa-" + attr(user.Username)).Class("secondary").Type("button").
					Disabled(u.confirm == user.Username).
					OnClick(func(ctx app.Context, e app.Event) {
						u.confirm, u.notice, u.errMsg = user.Username, "", ""
						u.focus(ctx, "confirm-reset-dialog")
					}).
					Text(say(words.Reset2FA))
			}),
		),
	})
}

// emailCell shows a user's confirmed address and the one waiting for its
// link, with Edit and, for one waiting, Resend (the same address again).
func (u *adminUsers) emailCell(user shared.AdminUser, editable bool) app.HTMLTd {
	email := []app.UI{app.Text("–")}
	if user.Email != "" {
		email = sayUI(words.EmailConfirmedMark(user.Email), shown{"Address", address})
	}
	return app.Td().Class("email-cell").Body(
		app.Span().Body(append(email, app.Text(" "))...),
		app.If(user.EmailPending != "", func() app.UI {
			return app.Span().ID(attr("email-pending-" + user.Username)).Class("muted").
				Body(append(sayUI(words.EmailNotConfirmedYet(user.EmailPending), shown{"Address", address}), app.Text(" "))...)
		}),
		app.If(editable, func() app.UI {
			return app.Button().ID(attr("email-"+user.Username)).Class("secondary small").Type("button").Disabled(u.busy).
				Aria("label", attr(say(words.EditEmailOf(user.Username)))).
				OnClick(func(ctx app.Context, e app.Event) {
					c := user
					typed := user.EmailPending
					if typed == "" {
						typed = user.Email
					}
					u.editing, u.typed, u.typedErr, u.notice, u.errMsg = &c, typed, "", "", ""
					u.focus(ctx, "user-email")
				}).Text(say(words.Edit))
		}),
		app.If(editable && user.EmailPending != "", func() app.UI {
			return app.Button().ID(attr("resend-email-"+user.Username)).Class("secondary small").Type("button").Disabled(u.busy).
				Aria("label", attr(say(words.ResendLinkTo(user.EmailPending)))).
				OnClick(func(ctx app.Context, e app.Event) {
					addr := user.EmailPending
					u.apply(ctx, user, shared.UserPatch{Email: &addr})
				}).Text(say(words.ResendLink))
		}),
	)
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
		app.H3().ID("confirm-reset-title").Text(say(words.ResetTitle(user.Username))),
		app.P().ID("confirm-reset-text").Text(say(words.ResetText(user.Username))),
		app.Div().Class("actions").Body(
			app.Button().ID("confirm-reset").Class("danger").Type("button").Disabled(u.busy).
				OnClick(u.reset(*user)).Text(say(words.ResetFor(user.Username))),
			app.Button().ID("cancel-reset").Class("secondary").Type("button").
				OnClick(func(ctx app.Context, e app.Event) { u.cancelReset(ctx) }).Text(say(words.Cancel)),
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
			u.notice = say(words.ResetDone(user.Username))
			u.load(ctx)
			if u.OnChanged != nil {
				u.OnChanged(ctx)
			}
		})
	}
}

// roleSelect changes a user's role: never one's own, and the platform
// administrator's role only for a platform administrator (the server
// decides; the select offers what it would allow).
func (u *adminUsers) roleSelect(user shared.AdminUser, self bool) app.UI {
	platform := u.Me != nil && u.Me.Role == shared.RolePlatformAdmin
	if self || (!platform && user.Role == shared.RolePlatformAdmin) {
		return app.Text(roleName(user.Role))
	}
	roles := []string{shared.RoleUser, shared.RoleAdmin}
	if platform {
		roles = shared.Roles
	}
	return app.Select().ID("role-"+attr(user.Username)).Aria("label", attr(say(words.RoleOf(user.Username)))).Disabled(u.busy).
		OnChange(func(ctx app.Context, e app.Event) {
			role := ctx.JSSrc().Get("value").String()
			if role == user.Role {
				return
			}
			ctx.JSSrc().Set("value", user.Role) // shown as saved until the server says otherwise
			patch := shared.UserPatch{Role: &role}
			if rank(role) < rank(user.Role) {
				u.ask(ctx, userChange{user: user, patch: patch,
					title: say(words.MakeRoleTitle(user.Username, roleName(role))),
					text:  say(words.MakeRoleText(user.Username, roleName(user.Role))),
					label: say(words.ChangeTheRole)})
				return
			}
			u.apply(ctx, user, patch)
		}).Body(app.Range(roles).Slice(func(i int) app.UI {
		return app.Option().Value(roles[i]).Selected(roles[i] == user.Role).Text(roleName(roles[i]))
	}))
}

// emailEditor changes the address of the user being edited, above the
// table as the confirmations are; an empty field removes it. The server
// tells the old address.
func (u *adminUsers) emailEditor() app.UI {
	user := u.editing
	if user == nil {
		return nil
	}
	return app.Form().ID("email-dialog").Class("confirm-reset").Aria("labelledby", "email-dialog-title").
		OnKeyDown(onEscape(u.closeEmail)).OnSubmit(func(ctx app.Context, e app.Event) {
		e.PreventDefault()
		if msg := say(shared.ValidateEmail(u.typed)); msg != "" {
			u.typedErr = msg
			return
		}
		addr := u.typed
		u.apply(ctx, *user, shared.UserPatch{Email: &addr})
	}).Body(
		app.H3().ID("email-dialog-title").Text(say(words.EmailOf(user.Username))),
		field("user-email", say(words.UserEmailField), u.typedErr,
			app.Input().ID("user-email").Type("email").MaxLength(shared.MaxEmailLength).Attr("autocomplete", "off").
				Value(attr(u.typed)).OnInput(u.ValueTo(&u.typed))),
		app.Div().Class("actions").Body(
			app.Button().ID("save-email").Class("primary").Type("submit").Disabled(u.busy).Text(say(words.Save)),
			app.Button().ID("cancel-email").Class("secondary").Type("button").
				OnClick(func(ctx app.Context, e app.Event) { u.closeEmail(ctx) }).Text(say(words.Cancel)),
		),
	)
}

// closeEmail is Cancel or Escape on the address: the focus goes back to
// the user's Edit button.
func (u *adminUsers) closeEmail(ctx app.Context) {
	if u.editing != nil {
		u.focus(ctx, "email-"+u.editing.Username)
	}
	u.editing = nil
}

// rank orders the roles by what they allow.
func rank(role string) int {
	for i, r := range shared.Roles {
		if r == role {
			return i
		}
	}
	return -1
}

// ask opens the confirmation of a change that takes something away.
func (u *adminUsers) ask(ctx app.Context, c userChange) {
	u.pending, u.confirm, u.notice, u.errMsg = &c, "", "", ""
	u.focus(ctx, "confirm-change-dialog")
}

func (u *adminUsers) changeConfirmation() app.UI {
	c := u.pending
	if c == nil {
		return nil
	}
	return app.Div().ID("confirm-change-dialog").Class("confirm-reset warning").Role("alertdialog").TabIndex(-1).
		Aria("labelledby", "confirm-change-title").Aria("describedby", "confirm-change-text").
		OnKeyDown(onEscape(func(ctx app.Context) { u.pending = nil })).Body(
		app.H3().ID("confirm-change-title").Text(c.title),
		app.P().ID("confirm-change-text").Text(c.text),
		app.Div().Class("actions").Body(
			app.Button().ID("confirm-change").Class("danger").Type("button").Disabled(u.busy).
				OnClick(func(ctx app.Context, e app.Event) { u.apply(ctx, c.user, c.patch) }).Text(c.label),
			app.Button().ID("cancel-change").Class("secondary").Type("button").
				OnClick(func(ctx app.Context, e app.Event) { u.pending = nil }).Text(say(words.Cancel)),
		),
	)
}

// apply sends a change of a user.
func (u *adminUsers) apply(ctx app.Context, user shared.AdminUser, patch shared.UserPatch) {
	path := fmt.Sprintf("/api/admin/users/%d", user.ID)
	send(ctx, &u.apiState, apiCall{method: "PATCH", path: path, body: patch, failed: func(ctx app.Context, err error) bool {
		u.pending = nil
		if e, ok := err.(*shared.Error); ok && e.Fields["email"] != "" && u.editing != nil {
			u.typedErr = sayError(e).Fields["email"]
			return true
		}
		return u.needsProof(ctx, err, func(ctx app.Context) { u.apply(ctx, user, patch) })
	}}, func(ctx app.Context, changed shared.AdminUser) {
		u.pending = nil
		switch {
		case patch.Email != nil && changed.Email == "" && changed.EmailPending == "":
			u.notice, u.editing, u.refocus = say(words.UserHasNoEmail(user.Username)), nil, "email-"+user.Username
		case patch.Email != nil && changed.EmailPending != "":
			u.notice, u.editing, u.refocus = say(words.UserLinkSent(changed.EmailPending, user.Username)), nil, "email-"+user.Username
		case patch.Email != nil:
			u.notice, u.editing, u.refocus = say(words.UserNoticesGoTo(user.Username, changed.Email)), nil, "email-"+user.Username
		case patch.Disabled != nil && *patch.Disabled:
			u.notice = say(words.UserDisabled(user.Username))
		case patch.Disabled != nil:
			u.notice = say(words.UserEnabled(user.Username))
		default:
			u.notice = say(words.UserIsNow(user.Username, roleName(changed.Role)))
		}
		u.changedHere(ctx)
	})
}

// unlock ends a user's lockout after wrong passwords or codes: it takes
// nothing away, so it asks no confirmation.
func (u *adminUsers) unlock(ctx app.Context, user shared.AdminUser) {
	path := fmt.Sprintf("/api/admin/users/%d/unlock", user.ID)
	send(ctx, &u.apiState, apiCall{method: "POST", path: path, failed: func(ctx app.Context, err error) bool {
		return u.needsProof(ctx, err, func(ctx app.Context) { u.unlock(ctx, user) })
	}}, func(ctx app.Context, _ struct{}) {
		u.notice = say(words.UserUnlocked(user.Username))
		u.changedHere(ctx)
	})
}

// changedHere reloads the list after a change and tells the page.
func (u *adminUsers) changedHere(ctx app.Context) {
	u.load(ctx)
	if u.OnChanged != nil {
		u.OnChanged(ctx)
	}
}

// methodNames says a user's second-factor kinds, for the 2FA column.
func methodNames(kinds []string) string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = say(map[string]words.Message{shared.FactorTOTP: words.FactorApp, shared.FactorSecurityKey: words.FactorKey}[k])
	}
	return strings.Join(names, say(words.ListSeparator))
}
