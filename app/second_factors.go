package webapp

import (
	"encoding/json"
	"errors"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// secondFactors is the list of the user's second factors in Security
// settings, one row each (the authenticator app, security keys, passkeys),
// with Remove, and Add a security key. Adding and removing need a recent
// proof (reauthGate); removing the last factor is Disconnect: it asks for
// the password first, then shows the server's warning where the account
// forces 2FA.
type secondFactors struct {
	app.Compo
	reauthGate
	// OnCodes receives the recovery codes the first factor brings.
	OnCodes func(ctx app.Context, codes []string)
	// AddKey opens the new key's form when it turns true (the forced
	// setup's "Add a security key instead").
	AddKey bool

	methods  []shared.SecondFactor
	adding   bool   // the name form is open
	name     string // the new key's name
	warning  string // the server's warning before the last factor goes
	pending  string // the id the warning or the password form is about
	asking   bool   // the password form for the last factor is open
	password string // the password that removing the last factor needs
	wasAdd   bool   // AddKey as last seen, so only its change opens the form

	renaming  string // the id of the key whose name form is open
	newName   string
	renameErr string
}

func (f *secondFactors) OnMount(ctx app.Context) {
	f.mountedAt(ctx)
	f.load(ctx)
	f.OnUpdate(ctx)
}

func (f *secondFactors) OnUpdate(ctx app.Context) {
	if f.AddKey && !f.wasAdd {
		f.openAdd(ctx, app.Event{})
	}
	f.wasAdd = f.AddKey
}

func (f *secondFactors) load(ctx app.Context) {
	send(ctx, &f.apiState, apiCall{method: "GET", path: "/api/2fa/methods"}, func(ctx app.Context, res shared.MethodsResponse) {
		f.methods = res.Methods
	})
}

func (f *secondFactors) Render() app.UI {
	return app.Div().Class("second-factors").Body(
		app.H4().Text(say(words.SecondFactors)),
		app.If(len(f.methods) == 0, func() app.UI {
			return app.P().Class("muted").Text(say(words.NoSecondFactor))
		}),
		app.Ul().ID("second-factors").Class("factor-list").Body(
			app.Range(f.methods).Slice(func(i int) app.UI {
				m := f.methods[i]
				if f.renaming == m.ID {
					return app.Li().ID("factor-" + attr(m.ID)).Class("factor").Body(f.renameForm(m))
				}
				return app.Li().ID("factor-"+attr(m.ID)).Class("factor").Body(
					app.Strong().Text(m.Name),
					app.Span().Class("muted").Text(" · "+factorKind(m)+f.added(m)+f.lastUsed(m)),
					app.If(m.Kind == shared.FactorSecurityKey, func() app.UI {
						return app.Button().ID("rename-factor-"+attr(m.ID)).Class("secondary").Type("button").Disabled(f.busy).
							Aria("label", attr(say(words.RenameNamed(m.Name)))).OnClick(func(ctx app.Context, e app.Event) { f.openRename(ctx, m) }).
							Text(say(words.Rename))
					}),
					app.Button().ID("remove-factor-"+attr(m.ID)).Class("secondary").Type("button").Disabled(f.busy).
						Aria("label", attr(say(words.RemoveNamed(m.Name)))).OnClick(func(ctx app.Context, e app.Event) { f.remove(ctx, m.ID, false) }).
						Text(say(words.Remove)),
				)
			}),
		),
		app.If(f.asking, func() app.UI {
			return app.Form().ID("remove-factor-password-form").OnSubmit(f.submitPassword).
				OnKeyDown(onEscape(func(ctx app.Context) { f.asking, f.password = false, "" })).Body(
				app.P().Text(say(words.LastFactorHelp)),
				field("remove-factor-password", say(words.Password), "", app.Input().ID("remove-factor-password").Type("password").Required(true).
					Attr("autocomplete", "current-password").Value(attr(f.password)).OnInput(f.ValueTo(&f.password))),
				submitButton("remove-factor-password-submit", say(words.RemoveAndSwitchOff), f.busy),
			)
		}),
		app.If(f.warning != "", func() app.UI {
			return app.Div().ID("remove-factor-warning").Class("warning").Role("alertdialog").TabIndex(-1).
				OnKeyDown(onEscape(func(ctx app.Context) { f.warning, f.password = "", "" })).Body(
				app.P().Text(f.warning),
				app.Button().ID("remove-factor-confirm").Class("danger").Type("button").Disabled(f.busy).
					OnClick(func(ctx app.Context, e app.Event) { f.remove(ctx, f.pending, true) }).Text(say(words.RemoveAndLogOut)),
			)
		}),
		app.If(!f.adding, func() app.UI {
			return keyAction(app.Button().ID("add-security-key").Class("secondary").Type("button").OnClick(f.openAdd).Text(say(words.AddSecurityKey)))
		}).Else(func() app.UI {
			return app.Form().ID("security-key-form").OnSubmit(f.submitAdd).OnKeyDown(onEscape(func(ctx app.Context) { f.adding = false })).Body(
				field("security-key-name", say(words.KeyName), "", app.Input().ID("security-key-name").Type("text").Required(true).
					MaxLength(shared.SecurityKeyNameMax).Placeholder(say(words.KeyNamePlaceholder)).Value(attr(f.name)).OnInput(f.ValueTo(&f.name))),
				submitButton("security-key-submit", say(words.AddAndTouchKey), f.busy),
			)
		}),
		app.If(f.errMsg != "", func() app.UI { return app.P().ID("factors-error").Class("form-error").Role("alert").Text(f.errMsg) }),
		f.prompt(f.ValueTo, false),
	)
}

// renameForm is a key's row while it is being renamed: its name, to edit.
func (f *secondFactors) renameForm(m shared.SecondFactor) app.UI {
	input := app.Input().ID("rename-factor-name").Type("text").Required(true).MaxLength(shared.SecurityKeyNameMax).
		Value(attr(f.newName)).OnInput(f.ValueTo(&f.newName))
	if f.renameErr != "" {
		input = input.Aria("invalid", "true").Aria("describedby", "rename-factor-error")
	}
	return app.Form().ID("rename-factor-form").OnSubmit(f.submitRename).
		OnKeyDown(onEscape(func(ctx app.Context) { f.closeRename(ctx) })).Body(
		app.Label().For("rename-factor-name").Text(say(words.NewNameFor(m.Name))),
		input,
		app.If(f.renameErr != "", func() app.UI {
			return app.P().ID("rename-factor-error").Class("form-error").Role("alert").Text(f.renameErr)
		}),
		app.Div().Class("actions").Body(
			submitButton("rename-factor-submit", say(words.SaveName), f.busy).Class("inline"),
			app.Button().ID("rename-factor-cancel").Class("secondary").Type("button").
				OnClick(func(ctx app.Context, e app.Event) { f.closeRename(ctx) }).Text(say(words.Cancel)),
		),
	)
}

func (f *secondFactors) openRename(ctx app.Context, m shared.SecondFactor) {
	f.renaming, f.newName, f.renameErr = m.ID, m.Name, ""
	f.focus(ctx, "rename-factor-name")
}

func (f *secondFactors) closeRename(ctx app.Context) {
	id := f.renaming
	f.renaming, f.renameErr = "", ""
	f.focus(ctx, "rename-factor-"+id)
}

func (f *secondFactors) submitRename(ctx app.Context, e app.Event) {
	e.PreventDefault()
	req := shared.KeyNameRequest{Name: f.newName}
	if err := req.Valid(); err != nil {
		f.renameErr = err.Fields["name"]
		f.focus(ctx, "rename-factor-name")
		return
	}
	id := f.renaming
	send(ctx, &f.apiState, apiCall{method: "PATCH", path: "/api/2fa/methods/" + id, body: req, failed: func(ctx app.Context, err error) bool {
		f.renameErr = errorMessage(err)
		if e, ok := err.(*shared.Error); ok && e.Fields["name"] != "" {
			f.renameErr = e.Fields["name"]
		}
		f.focus(ctx, "rename-factor-name")
		return true
	}}, func(ctx app.Context, m shared.SecondFactor) {
		for i := range f.methods {
			if f.methods[i].ID == m.ID {
				f.methods[i] = m
			}
		}
		f.closeRename(ctx)
	})
}

func factorKind(m shared.SecondFactor) string {
	switch {
	case m.Kind == shared.FactorTOTP:
		return say(words.FactorAuthenticatorApp)
	case m.Passkey:
		return say(words.FactorPasskey)
	}
	return say(words.FactorKey)
}

func (f *secondFactors) added(m shared.SecondFactor) string {
	if m.AddedAt == "" {
		return ""
	}
	return say(words.FactorAdded(formatDay(m.AddedAt)))
}

func (f *secondFactors) lastUsed(m shared.SecondFactor) string {
	if m.LastUsedAt == "" {
		return say(words.FactorNeverUsed)
	}
	return say(words.FactorLastUsed(formatDay(m.LastUsedAt)))
}

func (f *secondFactors) openAdd(ctx app.Context, e app.Event) {
	f.adding, f.name, f.errMsg = true, "", ""
	f.focus(ctx, "security-key-name")
}

func (f *secondFactors) submitAdd(ctx app.Context, e app.Event) {
	e.PreventDefault()
	f.add(ctx)
}

// add asks the server for creation options, the browser for a new key, and
// gives the server the key: three steps in one busy.
func (f *secondFactors) add(ctx app.Context) {
	req := shared.KeyNameRequest{Name: f.name}
	if e := req.Valid(); e != nil {
		f.errMsg = e.Fields["name"]
		return
	}
	f.busy, f.errMsg = true, ""
	home := f.onHome(ctx)
	ctx.Async(func() {
		var added shared.KeyAddedResponse
		options, err := request[json.RawMessage](ctx, "POST", "/api/2fa/keys/begin", req)
		if err == nil {
			var cred json.RawMessage
			if cred, err = createCredential(options); err != nil {
				err = errKeyDidNotAnswer(err)
			} else {
				added, err = request[shared.KeyAddedResponse](ctx, "POST", "/api/2fa/keys/finish", shared.CredentialRequest{Credential: cred})
			}
		}
		home.Dispatch(func(ctx app.Context) {
			f.busy = false
			switch {
			case err != nil && f.needsProof(ctx, err, f.add):
			case err != nil:
				f.errMsg = errorMessage(err)
			default:
				f.adding, f.name = false, ""
				f.methods = append(f.methods, added.Method)
				enrolled := false
				updateMe(ctx, func(me *shared.Me) {
					me.TOTPEnabled, me.SecurityKeys, me.TwoFADeadline = true, me.SecurityKeys+1, ""
					// The finish ended an enrolment (a full cookie came
					// with it), as Connect's does; the rest of what the
					// session may do is the server's to say.
					if me.Stage == shared.NextEnroll {
						me.Stage, enrolled = shared.NextDone, true
					}
				})
				if enrolled {
					reloadMe(ctx)
				}
				if len(added.RecoveryCodes) > 0 && f.OnCodes != nil {
					f.OnCodes(ctx, added.RecoveryCodes)
				}
			}
		})
	})
}

// errKeyDidNotAnswer words a refusal of the browser's (cancelled, timed
// out, no key): its own message names DOM exceptions.
func errKeyDidNotAnswer(err error) error {
	if _, ok := err.(*shared.Error); ok {
		return err
	}
	return shared.Fail(shared.EInvalid, words.KeyDidNotAnswer)
}

// askPassword opens the password form for removing id, the last factor.
func (f *secondFactors) askPassword(ctx app.Context, id string) {
	f.asking, f.pending, f.warning = true, id, ""
	f.focus(ctx, "remove-factor-password")
}

func (f *secondFactors) submitPassword(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if f.password == "" {
		f.errMsg = say(words.EnterYourPassword)
		return
	}
	f.remove(ctx, f.pending, false)
}

func (f *secondFactors) remove(ctx app.Context, id string, confirm bool) {
	f.warning = ""
	if len(f.methods) <= 1 && f.password == "" {
		// The last factor: switching 2FA off needs the password, as
		// Disconnect does.
		f.askPassword(ctx, id)
		return
	}
	send(ctx, &f.apiState, apiCall{method: "DELETE", path: "/api/2fa/methods/" + id, body: shared.RemoveMethodRequest{Password: f.password, Confirm: confirm},
		failed: func(ctx app.Context, err error) bool {
			var e *shared.Error
			switch {
			case f.needsProof(ctx, err, func(ctx app.Context) { f.remove(ctx, id, confirm) }):
				return true
			case errors.As(err, &e) && e.Fields["password"] != "" && f.password == "":
				// The list was out of date: this was the last factor.
				f.askPassword(ctx, id)
				return true
			case errorCode(err) == shared.EConfirmRequired:
				f.warning, f.pending, f.asking = errorMessage(err), id, false
				f.focus(ctx, "remove-factor-warning")
				return true
			case f.asking:
				f.retypeIfRefused(ctx, err, "remove-factor-password", &f.password)
				return false
			}
			return false
		}}, func(ctx app.Context, res shared.DisconnectResponse) {
		f.asking, f.password = false, ""
		if res.LoggedOut {
			signedOut(ctx)
			navigate(ctx, "/login?notice=disconnected")
			return
		}
		f.load(ctx)
		ctx.Async(func() {
			me, err := request[shared.Me](ctx, "GET", "/api/me", nil)
			if err == nil {
				ctx.Dispatch(func(ctx app.Context) {
					updateMe(ctx, func(m *shared.Me) { *m = me })
				})
			}
		})
	})
}
