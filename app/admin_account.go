package webapp

import (
	"fmt"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
)

// adminAccount is the account's settings in the Administration Panel: the
// "Force 2FA for users" switch, saved as soon as it is flipped.
type adminAccount struct {
	app.Compo
	reauthGate
	Me *shared.Me

	account *shared.AccountSettings
	busy    bool
	errMsg  string
}

func (a *adminAccount) OnMount(ctx app.Context) {
	a.mountedAt(ctx)
	ctx.Async(func() {
		var accounts []shared.AccountSettings
		err := callAPI(ctx, "GET", "/api/admin/accounts", nil, &accounts)
		ctx.Dispatch(func(ctx app.Context) {
			switch {
			case err != nil:
				a.errMsg = errorMessage(err)
			case len(accounts) > 0:
				a.account = &accounts[0]
			}
		})
	})
}

func (a *adminAccount) Render() app.UI {
	if a.account == nil {
		return app.Section().Class("card").Body(
			app.H2().Text("Account settings"),
			app.If(a.errMsg != "", func() app.UI { return app.P().Class("error").Role("alert").Text(a.errMsg) }).
				Else(func() app.UI { return app.P().Class("muted").Text("Loading…") }),
		)
	}
	acc := a.account
	return app.Section().Class("card").ID("account-settings").Body(
		app.H2().Text("Account settings: "+acc.Name),
		a.prompt(a.ValueTo, a.Me.TOTPEnabled),
		app.Div().Class("switch-row").Body(
			app.Label().Class("switch").For("force-2fa").Body(
				app.Input().ID("force-2fa").Type("checkbox").Role("switch").Checked(acc.Force2FA).
					Disabled(a.busy).OnChange(a.toggle),
				app.Span().Class("slider").Aria("hidden", "true"),
				app.Span().Class("switch-label").Text("Force 2FA for users"),
			),
		),
		app.P().Class("muted").Text("While this is on, every user of the account must use two-factor authentication. "+
			"Users without it are asked to set it up right after their password, and can do nothing else until they have."),
		app.If(!acc.Force2FA && !a.Me.TOTPEnabled, func() app.UI {
			return app.P().ID("admin-2fa-warning").Class("warning").Role("status").
				Text("The policy applies to administrators too, and you have not connected two-factor authentication yet. " +
					"If you switch it on, you will have to set it up right away.")
		}),
		app.If(acc.ChangedAt != "", func() app.UI {
			by := ""
			if acc.ChangedBy != "" {
				by = " by " + acc.ChangedBy
			}
			return app.P().ID("policy-changed").Class("muted").Text(fmt.Sprintf("Last changed %s%s.", localTime(acc.ChangedAt), by))
		}),
		app.If(a.errMsg != "", func() app.UI { return app.P().Class("error").Role("alert").Text(a.errMsg) }),
	)
}

func (a *adminAccount) toggle(ctx app.Context, e app.Event) {
	// The element already shows the flip; the state follows it, so that the
	// page agrees with the element while the change is saved.
	on := !a.account.Force2FA
	id := a.account.ID
	a.account.Force2FA, a.busy, a.errMsg = on, true, ""
	ctx.Async(func() {
		var settings shared.AccountSettings
		err := callAPI(ctx, "PUT", fmt.Sprintf("/api/admin/accounts/%d/settings", id), shared.SettingsRequest{Force2FA: &on}, &settings)
		ctx.Dispatch(func(ctx app.Context) {
			a.busy = false
			if err != nil {
				if a.needsProof(err, func(ctx app.Context) { a.toggle(ctx, e) }) {
					// The flip waits for the proof; until then the switch
					// shows what is saved.
					a.errMsg = ""
				} else {
					a.errMsg = errorMessage(err)
				}
				// The switch must show what is saved. go-app writes "checked"
				// only when the rendered value changes, and the answer can
				// come before the flip was ever rendered: set the element too.
				a.account.Force2FA = !on
				app.Window().GetElementByID("force-2fa").Set("checked", !on)
				return
			}
			a.account = &settings
			if on && !a.Me.TOTPEnabled {
				// The policy now holds for this admin too.
				navigate(ctx, "/profile?setup=1")
			}
		})
	})
}
