package webapp

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// regenerateCodes is the recovery codes block of Security settings: how
// many are left, a warning when few are, and Regenerate, which asks for a
// code from the app or a touch of a security key and makes a new set (the
// old one dies).
type regenerateCodes struct {
	app.Compo
	apiState
	Left int // recovery codes left
	// Keys: the user has security keys, offered as the proof; KeysOnly:
	// and no authenticator app, so no code is asked for.
	Keys, KeysOnly bool
	// OnCodes receives the new set, to show it once.
	OnCodes func(ctx app.Context, codes []string)

	open bool // the form asking for a code
	code string
}

func (r *regenerateCodes) OnMount(ctx app.Context) { r.mountedAt(ctx) }

func (r *regenerateCodes) Render() app.UI {
	var warning string
	switch {
	case r.Left == 0:
		warning = say(words.NoCodesLeft)
	case r.Left <= 3:
		warning = say(words.FewCodesLeftWarning)
	}
	return app.Div().Class("recovery").Body(
		app.H4().Text(say(words.RecoveryCodes)),
		app.P().Body(
			sayUI(words.CodesLeftEach(words.RecoveryCodesCount(r.Left)), shown{"Codes", func(said string) app.UI {
				return app.Span().ID("recovery-codes-left").Text(said)
			}})...,
		),
		app.If(warning != "", func() app.UI { return app.P().ID("codes-warning").Class("warning").Role("status").Text(warning) }),
		app.If(!r.open, func() app.UI {
			return app.Button().ID("regenerate-codes").Class("secondary").Type("button").
				OnClick(func(ctx app.Context, e app.Event) {
					r.open, r.errMsg, r.code = true, "", ""
					if !r.KeysOnly {
						r.focus(ctx, "regenerate-code")
					} else {
						r.focus(ctx, "regenerate-with-key")
					}
				}).
				Text(say(words.RegenerateCodes))
		}).Else(func() app.UI {
			return app.Form().Method("post").OnSubmit(r.submit).Body(
				app.P().Text(say(words.CodesStopWorking(r.howToConfirm()))),
				app.P().ID("regenerate-error").Class("form-error").Role("alert").Text(r.errMsg),
				app.If(!r.KeysOnly, func() app.UI {
					return field("regenerate-code", say(words.CodeFromApp), "", codeInput("regenerate-code", r.code, r.ValueTo(&r.code)))
				}),
				app.Div().Class("actions").Body(
					app.If(!r.KeysOnly, func() app.UI {
						return app.Button().ID("regenerate-submit").Class("primary inline").Type("submit").Disabled(r.busy).Text(say(words.MakeNewCodes))
					}),
					app.If(r.Keys, func() app.UI {
						return keyAction(app.Button().ID("regenerate-with-key").Class(r.keyClass()).Type("button").Disabled(r.busy).
							OnClick(r.useKey).Text(say(words.UseSecurityKey)))
					}),
					app.Button().Class("secondary").Type("button").
						OnClick(func(ctx app.Context, e app.Event) {
							r.open, r.errMsg = false, ""
							r.focus(ctx, "regenerate-codes")
						}).Text(say(words.Cancel)),
				),
			)
		}),
	)
}

func (r *regenerateCodes) submit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	req, ok := codeRequest(r.code, &r.errMsg)
	if !ok {
		return
	}
	send(ctx, &r.apiState, apiCall{method: "POST", path: "/api/2fa/recovery-codes", body: req,
		failed: func(ctx app.Context, err error) bool {
			r.retypeIfRefused(ctx, err, "regenerate-code", &r.code)
			return false
		}},
		r.made)
}

func (r *regenerateCodes) howToConfirm() words.Message {
	switch {
	case r.KeysOnly:
		return words.ConfirmWithKey
	case r.Keys:
		return words.ConfirmWithCodeOrKey
	}
	return words.ConfirmWithCode
}

// keyClass: the key is the main action when there is no code to type.
func (r *regenerateCodes) keyClass() string {
	if !r.KeysOnly {
		return "secondary"
	}
	return "primary inline"
}

// useKey makes the new set with a security key as the proof.
func (r *regenerateCodes) useKey(ctx app.Context, e app.Event) {
	r.busy, r.errMsg = true, ""
	home := r.onHome(ctx)
	ctx.Async(func() {
		var res shared.ConnectResponse
		cred, err := proveWithKey(ctx)
		if err == nil {
			res, err = request[shared.ConnectResponse](ctx, "POST", "/api/2fa/recovery-codes", shared.RegenerateCodesRequest{Credential: cred})
		}
		home.Dispatch(func(ctx app.Context) {
			r.busy = false
			if err != nil {
				r.errMsg = errorMessage(err)
				return
			}
			r.made(ctx, res)
		})
	})
}

func (r *regenerateCodes) made(ctx app.Context, res shared.ConnectResponse) {
	r.open, r.code = false, ""
	updateMe(ctx, func(me *shared.Me) { me.RecoveryCodesLeft = len(res.RecoveryCodes) })
	if r.OnCodes != nil {
		r.OnCodes(ctx, res.RecoveryCodes)
	}
}
