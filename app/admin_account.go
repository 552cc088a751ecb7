package webapp

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// adminAccount is the account's settings in the Administration Panel: the
// "Force 2FA for users" switch with its grace period, how long a browser may
// be trusted at the second step, and passkey sign-in, each saved as soon as
// it is changed; and how far its users have taken up 2FA.
type adminAccount struct {
	app.Compo
	reauthGate
	Me *shared.Me
	// AccountID is the account shown (0: the admin's own).
	AccountID int64
	// OnChanged hears of each saved change, which the audit log records.
	OnChanged func(ctx app.Context)

	account *shared.AccountSettings
	newName string // the rename field (platform administrators)
	// confirming: the switch was flipped on, or the grace period of a
	// policy already on is being changed, and the confirmation (how many
	// users it asks to set up 2FA, and the grace period) waits.
	confirming bool
	graceDays  string // the grace period field, as typed
	graceErr   string
}

func (a *adminAccount) OnMount(ctx app.Context) {
	a.mountedAt(ctx)
	send(ctx, &a.apiState, apiCall{method: "GET", path: "/api/admin/accounts"}, func(ctx app.Context, page shared.AccountsPage) {
		for i, acc := range page.Accounts {
			if acc.ID == a.AccountID || (a.AccountID == 0 && acc.Name == a.Me.Account) {
				a.account = &page.Accounts[i]
			}
		}
		if a.account == nil && a.AccountID == 0 && len(page.Accounts) > 0 {
			a.account = &page.Accounts[0]
		}
		if a.account != nil {
			a.newName = a.account.Name
		} else if a.AccountID != 0 {
			// An address with an account id that is gone (or was never).
			a.errMsg = say(words.NoSuchAccount)
		}
	})
}

// rename renames the account (platform administrators only).
func (a *adminAccount) rename(ctx app.Context, e app.Event) {
	e.PreventDefault()
	name := a.newName
	path := fmt.Sprintf("/api/admin/accounts/%d", a.account.ID)
	send(ctx, &a.apiState, apiCall{method: "PATCH", path: path, body: shared.AccountRequest{Name: name},
		failed: func(ctx app.Context, err error) bool {
			return a.needsProof(ctx, err, func(ctx app.Context) { a.rename(ctx, e) })
		}}, func(ctx app.Context, settings shared.AccountSettings) {
		a.account.Name, a.newName = settings.Name, settings.Name
		if a.OnChanged != nil {
			a.OnChanged(ctx)
		}
	})
}

func (a *adminAccount) Render() app.UI {
	if a.account == nil {
		return app.Section().Class("card").ID("account-settings").Body(
			app.H2().Text(say(words.AccountSettings)),
			app.If(a.errMsg != "", func() app.UI { return app.P().Class("error").Role("alert").Text(a.errMsg) }).
				Else(func() app.UI { return app.P().Class("muted").Text(say(words.Loading)) }),
		)
	}
	acc := a.account
	return app.Section().Class("card").ID("account-settings").Body(
		app.H2().Text(say(words.AccountSettingsOf(acc.Name))),
		a.prompt(a.ValueTo, a.Me.TOTPEnabled),
		app.Div().Class("switch-row").Body(
			app.Label().Class("switch").For("force-2fa").Body(
				// The switch shows the state, never the browser's own flip
				// (see toggle).
				app.Input().ID("force-2fa").Type("checkbox").Role("switch").Checked(acc.Force2FA).
					Disabled(a.busy).OnClick(a.toggle),
				app.Span().Class("slider").Aria("hidden", "true"),
				app.Span().Class("switch-label").Text(say(words.Force2FAForUsers)),
			),
		),
		app.P().Class("muted").Text(say(words.Force2FAHelp)),
		// What belongs to the switch sits under it: who changed it and
		// when, its confirmation (opened here, where the click was, in view
		// on a phone) and its grace period.
		app.If(acc.ChangedAt != "", func() app.UI {
			return app.P().ID("policy-changed").Class("muted").Text(say(policyChanged(acc)))
		}),
		app.If(a.confirming, a.confirmation),
		app.If(acc.Force2FA && !a.confirming, func() app.UI {
			text := say(words.NoGracePeriod)
			if acc.GraceDays > 0 {
				text = say(words.GracePeriodDays(acc.GraceDays))
			}
			return app.Div().Class("grace-row").Body(
				app.P().ID("grace-period").Text(text),
				app.Button().ID("change-grace-days").Class("secondary").Type("button").Disabled(a.busy).
					OnClick(a.changeGrace).Text(say(words.ChangeGracePeriod)),
			)
		}),
		app.Div().ID("account-adoption").Class("adoption-row").Body(
			app.Span().ID("account-adoption-label").Class("adoption-label").Text(say(words.AdoptionLabel)),
			adoption(*acc),
		),
		app.If(!acc.Force2FA && a.lacksOwnFactor(), func() app.UI {
			return app.P().ID("admin-2fa-warning").Class("warning").Role("status").
				Text(say(words.AdminLacks2FA))
		}),
		app.Div().Class("field").Body(
			app.Label().For("remember-browser-days").Text(say(words.TrustBrowserFor2FA)),
			app.Select().ID("remember-browser-days").Disabled(a.busy).OnChange(a.chooseDays).Body(
				app.Range(shared.RememberBrowserChoices).Slice(func(i int) app.UI {
					d := shared.RememberBrowserChoices[i]
					label := say(words.DaysCount(d))
					if d == 0 {
						label = say(words.Off)
					}
					return app.Option().Value(strconv.Itoa(d)).Selected(d == acc.RememberBrowserDays).Text(label)
				}),
			),
		),
		app.P().Class("muted").Text(say(words.TrustBrowserHelp)),
		app.Div().Class("switch-row").Body(
			app.Label().Class("switch").For("passkeys-allowed").Body(
				app.Input().ID("passkeys-allowed").Type("checkbox").Role("switch").Checked(acc.PasskeysAllowed).
					Aria("describedby", "passkeys-allowed-hint").Disabled(a.busy).OnClick(a.togglePasskeys),
				app.Span().Class("slider").Aria("hidden", "true"),
				app.Span().Class("switch-label").Text(say(words.AllowPasskeys)),
			),
		),
		app.P().ID("passkeys-allowed-hint").Class("muted").Text(say(words.AllowPasskeysHelp)),
		app.If(a.Me.Role == shared.RolePlatformAdmin, func() app.UI {
			return app.Form().Class("filters").OnSubmit(a.rename).Body(
				field("rename-account", say(words.AccountName), "",
					app.Input().ID("rename-account").Type("text").MaxLength(shared.AccountNameMax).Value(attr(a.newName)).OnInput(a.ValueTo(&a.newName))),
				app.Button().ID("rename-account-submit").Class("secondary").Type("submit").Disabled(a.busy).Text(say(words.Rename)),
			)
		}),
		app.If(a.errMsg != "", func() app.UI { return app.P().Class("error").Role("alert").Text(a.errMsg) }),
	)
}

// lacksOwnFactor reports whether the administrator has no second factor of
// their own: before they switch the policy on, they are told that it binds
// them too. What their session may do afterwards is the server's to say.
func (a *adminAccount) lacksOwnFactor() bool { return !a.Me.TOTPEnabled }

// toggle is a click on the switch. The click's own flip of the checkbox is
// cancelled: the switch shows the state, which shows the change while it is
// saved and what is saved once the server answers. Were the browser's flip
// kept, an answer that came before the flip was ever rendered would leave
// the element checked while the state says off, since go-app writes
// "checked" only when the rendered value changes.
func (a *adminAccount) toggle(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if a.busy {
		return
	}
	if a.account.Force2FA {
		a.confirming = false
		a.save(ctx, false, nil)
		return
	}
	a.openConfirmation(ctx)
}

// changeGrace is Change grace period while the policy is on: the same
// confirmation as switching on, with the days in force.
func (a *adminAccount) changeGrace(ctx app.Context, e app.Event) {
	if a.busy || !a.account.Force2FA {
		return
	}
	a.openConfirmation(ctx)
}

// openConfirmation asks before the policy asks something of every user
// without 2FA: it says how many, with counts read now, and lets the grace
// period be set first.
func (a *adminAccount) openConfirmation(ctx app.Context) {
	a.confirming, a.graceErr, a.errMsg = true, "", ""
	a.graceDays = strconv.Itoa(a.account.GraceDays)
	a.focus(ctx, "force-2fa-dialog")
	// The counts are read again without making the panel busy: the
	// confirmation can be answered at once, and if they cannot be read,
	// the ones from the panel's opening stay; once it is answered, the
	// server's answer has them.
	home := a.onHome(ctx)
	ctx.Async(func() {
		page, err := request[shared.AccountsPage](ctx, "GET", "/api/admin/accounts", nil)
		if err != nil {
			return
		}
		home.Dispatch(func(ctx app.Context) {
			for _, acc := range page.Accounts {
				if acc.ID == a.account.ID && a.confirming {
					a.account.Users, a.account.UsersWith2FA, a.account.UsersInGrace = acc.Users, acc.UsersWith2FA, acc.UsersInGrace
				}
			}
		})
	})
}

// togglePasskeys is a click on the passkey switch, shown as the state (see
// toggle) and saved at once.
func (a *adminAccount) togglePasskeys(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if a.busy {
		return
	}
	a.savePasskeys(ctx, !a.account.PasskeysAllowed)
}

func (a *adminAccount) savePasskeys(ctx app.Context, on bool) {
	a.account.PasskeysAllowed = on
	path := fmt.Sprintf("/api/admin/accounts/%d/settings", a.account.ID)
	send(ctx, &a.apiState, apiCall{method: "PUT", path: path, body: shared.SettingsRequest{PasskeysAllowed: &on},
		failed: func(ctx app.Context, err error) bool {
			a.account.PasskeysAllowed = !on
			return a.needsProof(ctx, err, func(ctx app.Context) { a.savePasskeys(ctx, on) })
		}}, func(ctx app.Context, settings shared.AccountSettings) {
		a.account = &settings
		if a.OnChanged != nil {
			a.OnChanged(ctx)
		}
	})
}

// chooseDays saves the days the select was set to.
func (a *adminAccount) chooseDays(ctx app.Context, e app.Event) {
	d, err := strconv.Atoi(ctx.JSSrc().Get("value").String())
	if err != nil || a.busy {
		return
	}
	a.saveDays(ctx, d)
}

func (a *adminAccount) saveDays(ctx app.Context, days int) {
	was := a.account.RememberBrowserDays
	a.account.RememberBrowserDays = days
	path := fmt.Sprintf("/api/admin/accounts/%d/settings", a.account.ID)
	send(ctx, &a.apiState, apiCall{method: "PUT", path: path, body: shared.SettingsRequest{RememberBrowserDays: &days},
		failed: func(ctx app.Context, err error) bool {
			a.account.RememberBrowserDays = was
			return a.needsProof(ctx, err, func(ctx app.Context) { a.saveDays(ctx, days) })
		}}, func(ctx app.Context, settings shared.AccountSettings) {
		a.account = &settings
		if a.OnChanged != nil {
			a.OnChanged(ctx)
		}
	})
}

// policyChanged says when Force 2FA was last switched, which way, and by
// whom when known.
func policyChanged(acc *shared.AccountSettings) words.Message {
	when := localTime(acc.ChangedAt)
	switch {
	case acc.Force2FA && acc.ChangedBy != "":
		return words.PolicyOnAtBy(when, acc.ChangedBy)
	case acc.Force2FA:
		return words.PolicyOnAt(when)
	case acc.ChangedBy != "":
		return words.PolicyOffAtBy(when, acc.ChangedBy)
	}
	return words.PolicyOffAt(when)
}

// confirmation asks before Force 2FA goes on: how many users it asks to
// set up 2FA, and for how long they may still skip it.
func (a *adminAccount) confirmation() app.UI {
	acc := a.account
	without := max(acc.Users-acc.UsersWith2FA, 0)
	count := say(words.UsersWithout2FA(without, words.UsersCount(acc.Users), acc.Name))
	if without == 0 {
		// "0 of the 1 user have" says nothing: every user is ready.
		count = say(words.EveryUserHas2FA(acc.Name))
	}
	title, action := words.Force2FAFor(acc.Name), words.Force2FA
	if acc.Force2FA {
		// Already on: the days change, and with them every running
		// deadline (counted from each user's own start).
		title, action = words.ChangeGraceOf(acc.Name), words.SaveGracePeriod
	}
	return app.Div().ID("force-2fa-dialog").Class("confirm-reset warning").Role("alertdialog").TabIndex(-1).
		Aria("labelledby", "force-2fa-title").Aria("describedby", "force-2fa-count").
		OnKeyDown(onEscape(a.cancelConfirm)).Body(
		app.H3().ID("force-2fa-title").Text(say(title)),
		app.P().ID("force-2fa-count").Text(count),
		field("grace-days", say(words.GraceDaysField(shared.GraceDaysMin, shared.GraceDaysMax)), a.graceErr,
			app.Input().ID("grace-days").Type("number").Attr("min", shared.GraceDaysMin).Attr("max", shared.GraceDaysMax).
				Attr("step", 1).Attr("inputmode", "numeric").Required(true).Value(attr(a.graceDays)).OnInput(a.ValueTo(&a.graceDays))),
		app.P().Class("muted").Text(say(words.GraceDaysHelp)),
		app.Div().Class("actions").Body(
			app.Button().ID("force-2fa-confirm").Class("primary").Type("button").Disabled(a.busy).
				OnClick(a.confirm).Text(say(action)),
			app.Button().ID("force-2fa-cancel").Class("secondary").Type("button").
				OnClick(func(ctx app.Context, e app.Event) { a.cancelConfirm(ctx) }).Text(say(words.Cancel)),
		),
	)
}

// confirm is the confirmation's Force 2FA: the grace period is checked
// with the server's own rule, then the switch goes on.
func (a *adminAccount) confirm(ctx app.Context, e app.Event) {
	if a.busy {
		return
	}
	days, err := strconv.Atoi(strings.TrimSpace(a.graceDays))
	if err != nil {
		days = -1 // not a whole number: the range's words say what is wanted
	}
	if a.graceErr = say(shared.ValidateGraceDays(days)); a.graceErr != "" {
		a.focus(ctx, "grace-days")
		return
	}
	a.save(ctx, true, &days)
}

// cancelConfirm is Cancel or Escape: nothing changes, the focus goes back
// to what opened it.
func (a *adminAccount) cancelConfirm(ctx app.Context) {
	a.confirming = false
	if a.account.Force2FA {
		a.focus(ctx, "change-grace-days")
		return
	}
	a.focus(ctx, "force-2fa")
}

func (a *adminAccount) save(ctx app.Context, on bool, graceDays *int) {
	was := a.account.Force2FA
	a.account.Force2FA = on
	path := fmt.Sprintf("/api/admin/accounts/%d/settings", a.account.ID)
	send(ctx, &a.apiState, apiCall{method: "PUT", path: path, body: shared.SettingsRequest{Force2FA: &on, GraceDays: graceDays},
		failed: func(ctx app.Context, err error) bool {
			a.account.Force2FA = was // the switch shows what is saved
			// A proof asked for: the flip waits for it, the prompt says so.
			return a.needsProof(ctx, err, func(ctx app.Context) { a.save(ctx, on, graceDays) })
		}}, func(ctx app.Context, settings shared.AccountSettings) {
		a.account, a.confirming = &settings, false
		if a.OnChanged != nil {
			a.OnChanged(ctx)
		}
		// The policy may change what this admin's own session may do (set
		// up 2FA first): the server says, and the page follows.
		reloadMe(ctx)
	})
}
