package webapp

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// reauthGate asks for the password (or a current code) when a sensitive
// action answers reauth_required, then runs the action again: the user stays
// where they were and nothing they did is lost. A component with sensitive
// actions embeds it and renders its prompt; the prompt's elements are the
// component's own, so their handlers update that component.
type reauthGate struct {
	// apiState is the embedding component's: its requests, and its own
	// context, which the retry runs on. The context of the prompt's button
	// goes with the prompt, and go-app drops the updates of an unmounted
	// element's context, so the retried action would never show its answer.
	apiState
	proof    apiState              // the request that sends the proof
	retry    func(ctx app.Context) // the action to run again, while the prompt is open
	password string
	code     string
	keys     bool // the user has security keys: offer one as the proof
	// help says why the proof is asked for; none: a change that protects
	// the account.
	help words.Message
}

// needsProof reports whether err asks for a proof of the user, and if so
// opens the prompt, to run retry once the proof is given.
func (g *reauthGate) needsProof(ctx app.Context, err error, retry func(ctx app.Context)) bool {
	if errorCode(err) != shared.EReauthRequired {
		return false
	}
	g.retry, g.password, g.code, g.proof.errMsg = retry, "", "", ""
	var s session
	ctx.GetState(meState, &s)
	g.keys = s.me != nil && s.me.SecurityKeys > 0
	g.focus(ctx, "reauth-password")
	return true
}

// prompt is the dialog that asks for the proof, over the page whose action
// asked for it (which stays as it was beneath), or nothing when no action
// waits for a proof. bind is the embedding component's ValueTo; withCode
// offers a code from the authenticator app as the other proof.
func (g *reauthGate) prompt(bind func(any) app.EventHandler, withCode bool) app.UI {
	if g.retry == nil {
		return nil
	}
	return app.Div().Class("dialog-backdrop").Body(app.Form().ID("reauth-form").Class("card reauth dialog").Role("dialog").
		Aria("modal", "true").Aria("labelledby", "reauth-title").Aria("describedby", "reauth-help").OnSubmit(g.submit).
		OnKeyDown(onEscape(func(ctx app.Context) { g.retry = nil })).Body(
		app.H2().ID("reauth-title").Text(say(words.ConfirmItIsYou)),
		app.P().ID("reauth-help").Class("muted").Text(say(g.why())),
		app.Div().Class("field").Body(
			app.Label().For("reauth-password").Text(say(words.Password)),
			app.Input().ID("reauth-password").Type("password").Attr("autocomplete", "current-password").
				Value(attr(g.password)).OnInput(bind(&g.password)),
		),
		app.If(withCode, func() app.UI {
			return app.Div().Class("field").Body(
				app.Label().For("reauth-code").Text(say(words.OrAppCode)),
				app.Input().ID("reauth-code").Type("text").Attr("autocomplete", "one-time-code").Attr("inputmode", "numeric").
					MaxLength(7).Placeholder("123 456").Value(attr(g.code)).OnInput(bind(&g.code)),
			)
		}),
		app.If(g.keys, func() app.UI {
			return app.P().Body(
				keyAction(app.Button().ID("reauth-with-key").Class("secondary").Type("button").Disabled(g.proof.busy).
					OnClick(g.useKey).Text(say(words.UseSecurityKey))),
			)
		}),
		app.If(g.proof.errMsg != "", func() app.UI {
			return app.P().ID("reauth-error").Class("form-error").Role("alert").Text(g.proof.errMsg)
		}),
		app.Div().Class("actions").Body(
			app.Button().ID("reauth-submit").Class("primary inline").Type("submit").Disabled(g.proof.busy).Text(say(words.Confirm)),
			app.Button().ID("reauth-cancel").Class("secondary").Type("button").OnClick(g.cancel).Text(say(words.Cancel)),
		),
	))
}

func (g *reauthGate) submit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	req := shared.ReauthRequest{Password: g.password}
	if g.password == "" {
		req.Code = strings.ReplaceAll(g.code, " ", "")
	}
	if e := req.Valid(); e != nil {
		g.proof.errMsg = errorMessage(e)
		return
	}
	send(ctx, &g.proof, apiCall{method: "POST", path: "/api/me/reauth", body: req, failed: func(ctx app.Context, err error) bool {
		field, value := "reauth-password", &g.password
		if req.Password == "" {
			field, value = "reauth-code", &g.code
		}
		g.password, g.code = "", ""
		g.retype(ctx, field, value)
		return false
	}}, func(ctx app.Context, _ struct{}) {
		retry := g.retry
		g.retry, g.password, g.code = nil, "", ""
		retry(g.onHome(ctx))
	})
}

// useKey proves it is the user with a security key: the server's
// challenge, the key's answer, the server's check; then the action again.
func (g *reauthGate) useKey(ctx app.Context, e app.Event) {
	g.proof.busy, g.proof.errMsg = true, ""
	home := g.onHome(ctx)
	ctx.Async(func() {
		cred, err := proveWithKey(ctx)
		if err == nil {
			_, err = request[struct{}](ctx, "POST", "/api/me/reauth", shared.ReauthRequest{Credential: cred})
		}
		home.Dispatch(func(ctx app.Context) {
			g.proof.busy = false
			if err != nil {
				g.proof.errMsg = errorMessage(err)
				return
			}
			if g.retry == nil { // cancelled meanwhile
				return
			}
			retry := g.retry
			g.retry, g.password, g.code = nil, "", ""
			retry(ctx)
		})
	})
}

// proveWithKey asks the server for a challenge that proves it is the user
// (POST /api/me/reauth/key/begin) and the browser for a key's answer to it,
// which re-authentication and Regenerate take. It blocks: call it in
// ctx.Async.
func proveWithKey(ctx context.Context) (json.RawMessage, error) {
	options, err := request[json.RawMessage](ctx, "POST", "/api/me/reauth/key/begin", struct{}{})
	if err != nil {
		return nil, err
	}
	cred, err := getCredential(options)
	if err != nil {
		return nil, errKeyDidNotAnswer(err)
	}
	return cred, nil
}

// why is what the prompt says of why it asks.
func (g *reauthGate) why() words.Message {
	if g.help.ID == "" {
		return words.ReauthHelp
	}
	return g.help
}

func (g *reauthGate) cancel(ctx app.Context, e app.Event) { g.retry = nil }
