package webapp

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// disconnectTwoFactor is Disconnect: it switches 2FA off after the
// password. Where the account forces 2FA, the server first answers with a
// warning, shown here, and only a confirmed request goes through: then every
// session ends.
type disconnectTwoFactor struct {
	app.Compo
	apiState

	open     bool // the form is open
	password string
	warning  string // the server's warning when the policy forces 2FA
}

func (d *disconnectTwoFactor) OnMount(ctx app.Context) { d.mountedAt(ctx) }

func (d *disconnectTwoFactor) Render() app.UI {
	return app.Div().Class("disconnect").Body(
		app.H4().Text(say(words.DisconnectTitle)),
		app.If(!d.open, func() app.UI {
			return app.Button().ID("disconnect-2fa").Class("secondary").Type("button").
				OnClick(d.openForm).Text(say(words.Disconnect2FA))
		}).Else(func() app.UI {
			return app.Form().Method("post").OnSubmit(d.submit).OnKeyDown(onEscape(d.close)).Body(
				app.P().Text(say(words.DisconnectHelp)),
				app.P().ID("disconnect-error").Class("form-error").Role("alert").Text(d.errMsg),
				field("disconnect-password", say(words.Password), "", app.Input().ID("disconnect-password").Type("password").Required(true).
					Attr("autocomplete", "current-password").Value(attr(d.password)).OnInput(d.ValueTo(&d.password))),
				app.If(d.warning != "", func() app.UI {
					return app.Div().ID("disconnect-warning").Class("warning").Role("alertdialog").TabIndex(-1).
						Aria("label", say(words.Warning)).Aria("describedby", "disconnect-warning-text").
						OnKeyDown(onEscape(d.closeWarning)).Body(
						app.P().ID("disconnect-warning-text").Text(d.warning),
						app.Button().ID("disconnect-confirm").Class("danger").Type("button").Disabled(d.busy).
							OnClick(d.confirm).Text(say(words.DisconnectAnyway)),
					)
				}).Else(func() app.UI {
					return app.Button().ID("disconnect-submit").Class("danger").Type("submit").Disabled(d.busy).Text(say(words.Disconnect))
				}),
				app.Button().ID("disconnect-cancel").Class("secondary").Type("button").
					OnClick(func(ctx app.Context, e app.Event) { d.close(ctx) }).
					Text(say(words.Cancel)),
			)
		}),
	)
}

func (d *disconnectTwoFactor) openForm(ctx app.Context, e app.Event) {
	d.open, d.errMsg, d.warning = true, "", ""
	d.focus(ctx, "disconnect-password")
}

// close is Cancel, or Escape: the form closes and the focus goes back to
// the button that opened it.
func (d *disconnectTwoFactor) close(ctx app.Context) {
	d.open, d.password, d.warning, d.errMsg = false, "", "", ""
	d.focus(ctx, "disconnect-2fa")
}

// closeWarning is Escape on the warning: it goes, the form stays.
func (d *disconnectTwoFactor) closeWarning(ctx app.Context) {
	d.warning = ""
	d.focus(ctx, "disconnect-submit")
}

func (d *disconnectTwoFactor) submit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	d.disconnect(ctx, false)
}

// confirm is the warning's button: the same request, confirmed.
func (d *disconnectTwoFactor) confirm(ctx app.Context, e app.Event) { d.disconnect(ctx, true) }

func (d *disconnectTwoFactor) disconnect(ctx app.Context, confirm bool) {
	if d.password == "" {
		d.errMsg = say(words.EnterYourPassword)
		return
	}
	req := shared.DisconnectRequest{Password: d.password, Confirm: confirm}
	send(ctx, &d.apiState, apiCall{method: "POST", path: "/api/2fa/disconnect", body: req, failed: func(ctx app.Context, err error) bool {
		if errorCode(err) != shared.EConfirmRequired {
			d.retypeIfRefused(ctx, err, "disconnect-password", &d.password)
			return false
		}
		d.warning = errorMessage(err)
		d.focus(ctx, "disconnect-warning")
		return true
	}}, func(ctx app.Context, res shared.DisconnectResponse) {
		if res.LoggedOut {
			signedOut(ctx)
			navigate(ctx, "/login?notice=disconnected")
			return
		}
		d.open, d.password = false, ""
		updateMe(ctx, func(me *shared.Me) {
			me.TOTPEnabled, me.TOTPEnabledAt, me.RecoveryCodesLeft = false, "", 0
		})
		if d.warning != "" {
			// Kept signed in although the policy forces 2FA: a grace
			// period runs, and only the server knows its deadline.
			d.warning = ""
			reloadMe(ctx)
		}
	})
}
