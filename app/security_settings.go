package webapp

import (
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
)

// securitySettings is the "Security settings" section of My profile: the
// two-factor authentication block and its Connect window.
type securitySettings struct {
	app.Compo
	reauthGate
	Me *shared.Me
	// OpenSetup opens the Connect window at once (the login sent an
	// enrolling user here).
	OpenSetup bool

	setup     *shared.TOTPSetup
	code      string
	errMsg    string
	busy      bool
	connected string // RFC 3339 time of a connect made on this page
	copied    bool

	disconnecting bool   // the Disconnect form is open
	password      string // for Disconnect
	warning       string // the server's warning when the policy forces 2FA
	disconnected  bool   // 2FA was switched off on this page

	codes      []string // a fresh set to show once, then forget
	codesLeft  int      // after a change on this page; -1 until then
	regenerate bool     // the form asking for a code to regenerate
	regenCode  string
}

func (s *securitySettings) OnInit() { s.codesLeft = -1 }

func (s *securitySettings) OnMount(ctx app.Context) {
	s.mountedAt(ctx)
	if s.OpenSetup && s.Me != nil && !s.Me.TOTPEnabled {
		s.startSetup(ctx, app.Event{})
	}
}

func (s *securitySettings) Render() app.UI {
	on, since := s.Me.TOTPEnabled, s.Me.TOTPEnabledAt
	if s.connected != "" {
		on, since = true, s.connected
	}
	if s.disconnected {
		on = false
	}
	left := s.Me.RecoveryCodesLeft
	if s.codesLeft >= 0 {
		left = s.codesLeft
	}
	enrolling := s.Me.Force2FA && !on
	return app.Section().Class("card").ID("security-settings").Body(
		app.H2().Text("Security settings"),
		s.prompt(s.ValueTo, on),
		app.H3().Text("Two-factor authentication"),
		app.If(enrolling, func() app.UI {
			return app.P().Class("notice").Role("status").
				Text("Your account requires two-factor authentication. Connect an authenticator app to continue.")
		}),
		app.P().Body(
			app.Text("Status: "),
			app.Span().ID("twofa-status").Class(statusClass(on)).Text(onOff(on)),
			app.If(on && since != "", func() app.UI {
				return app.Span().Class("muted").Text(" since " + formatDay(since))
			}),
		),
		app.If(len(s.codes) > 0, func() app.UI {
			return &recoveryCodesScreen{Codes: s.codes, Username: s.Me.Username, OnDone: s.codesStored}
		}).ElseIf(!on && s.setup == nil, func() app.UI {
			return app.Div().Body(
				app.P().Text("Protect your account with a six-digit code from an authenticator app on your phone, asked for at every login."),
				app.Button().ID("connect-2fa").Class("primary inline").Type("button").Disabled(s.busy).OnClick(s.startSetup).Text("Connect"),
			)
		}).ElseIf(!on, func() app.UI {
			return s.connectWindow()
		}).Else(func() app.UI {
			return app.Div().Body(s.recoveryBlock(left), s.disconnectBlock())
		}),
		app.If(s.connected != "" && len(s.codes) == 0, func() app.UI {
			return app.P().Class("success").Role("status").Text("Two-factor authentication is on. From now on, every login asks for a code from your app.")
		}),
		app.If(s.setup == nil && !s.regenerate && s.errMsg != "", func() app.UI {
			return app.P().Class("error").Role("alert").Text(s.errMsg)
		}),
		app.If(!enrolling, func() app.UI { return &loginHistory{} }),
	)
}

// disconnectBlock switches 2FA off after the password. Where the account
// forces 2FA, the server first answers with a warning, shown here, and only
// a confirmed request goes through: then every session ends.
func (s *securitySettings) disconnectBlock() app.UI {
	return app.Div().Class("disconnect").Body(
		app.H4().Text("Disconnect"),
		app.If(!s.disconnecting, func() app.UI {
			return app.Button().ID("disconnect-2fa").Class("secondary").Type("button").
				OnClick(s.openDisconnect).Text("Disconnect two-factor authentication")
		}).Else(func() app.UI {
			return app.Form().Method("post").OnSubmit(s.submitDisconnect).Body(
				app.P().Text("Without two-factor authentication, your password alone lets anyone into your account. Enter your password to confirm."),
				app.P().ID("disconnect-error").Class("form-error").Role("alert").Text(s.errMsg),
				app.Div().Class("field").Body(
					app.Label().For("disconnect-password").Text("Password"),
					app.Input().ID("disconnect-password").Type("password").Required(true).
						Attr("autocomplete", "current-password").Value(s.password).OnInput(s.ValueTo(&s.password)),
				),
				app.If(s.warning != "", func() app.UI {
					return app.Div().ID("disconnect-warning").Class("warning").Role("alertdialog").Aria("label", "Warning").Body(
						app.P().Text(s.warning),
						app.Button().ID("disconnect-confirm").Class("danger").Type("button").Disabled(s.busy).
							OnClick(s.confirmDisconnect).Text("Disconnect and log out"),
					)
				}).Else(func() app.UI {
					return app.Button().ID("disconnect-submit").Class("danger").Type("submit").Disabled(s.busy).Text("Disconnect")
				}),
				app.Button().Class("secondary").Type("button").
					OnClick(func(ctx app.Context, e app.Event) {
						s.disconnecting, s.password, s.warning, s.errMsg = false, "", "", ""
					}).
					Text("Cancel"),
			)
		}),
	)
}

func (s *securitySettings) openDisconnect(ctx app.Context, e app.Event) {
	s.disconnecting, s.errMsg, s.warning = true, "", ""
}

func (s *securitySettings) submitDisconnect(ctx app.Context, e app.Event) {
	e.PreventDefault()
	s.disconnect(ctx, false)
}

// confirmDisconnect is the warning's button: the same request, confirmed.
func (s *securitySettings) confirmDisconnect(ctx app.Context, e app.Event) { s.disconnect(ctx, true) }

func (s *securitySettings) disconnect(ctx app.Context, confirm bool) {
	if s.password == "" {
		s.errMsg = "Enter your password."
		return
	}
	req := shared.DisconnectRequest{Password: s.password, Confirm: confirm}
	s.busy, s.errMsg = true, ""
	ctx.Async(func() {
		var res shared.DisconnectResponse
		err := callAPI(ctx, "POST", "/api/2fa/disconnect", req, &res)
		ctx.Dispatch(func(ctx app.Context) {
			s.busy = false
			switch {
			case errorCode(err) == shared.EConfirmRequired:
				s.warning = errorMessage(err)
			case err != nil:
				s.errMsg = errorMessage(err)
			case res.LoggedOut:
				navigate(ctx, "/login?notice=disconnected")
			default:
				s.disconnecting, s.password, s.disconnected = false, "", true
				s.connected, s.codesLeft = "", 0
			}
		})
	})
}

// recoveryBlock shows how many recovery codes are left and offers a new set.
func (s *securitySettings) recoveryBlock(left int) app.UI {
	var warning string
	switch {
	case left == 0:
		warning = "You have no recovery codes left. Regenerate them now, or you cannot log in if you lose your phone."
	case left <= 3:
		warning = "Only a few recovery codes are left. Regenerate them so you can still log in if you lose your phone."
	}
	return app.Div().Class("recovery").Body(
		app.H4().Text("Recovery codes"),
		app.P().Body(
			app.Span().ID("recovery-codes-left").Text(plural(left, "recovery code", "recovery codes")),
			app.Text(" left. Each works once, in place of a code from your app."),
		),
		app.If(warning != "", func() app.UI { return app.P().ID("codes-warning").Class("warning").Role("status").Text(warning) }),
		app.If(!s.regenerate, func() app.UI {
			return app.Button().ID("regenerate-codes").Class("secondary").Type("button").
				OnClick(func(ctx app.Context, e app.Event) { s.regenerate, s.errMsg, s.regenCode = true, "", "" }).
				Text("Regenerate recovery codes")
		}).Else(func() app.UI {
			return app.Form().Method("post").OnSubmit(s.submitRegenerate).Body(
				app.P().Text("Your current codes stop working as soon as the new ones are made. Enter a code from your authenticator app to confirm."),
				app.P().ID("regenerate-error").Class("form-error").Role("alert").Text(s.errMsg),
				app.Div().Class("field").Body(
					app.Label().For("regenerate-code").Text("Code from the app"),
					app.Input().ID("regenerate-code").Type("text").Required(true).
						Attr("autocomplete", "one-time-code").Attr("inputmode", "numeric").
						MaxLength(7).Placeholder("123 456").Value(s.regenCode).OnInput(s.ValueTo(&s.regenCode)),
				),
				app.Div().Class("actions").Body(
					app.Button().ID("regenerate-submit").Class("primary inline").Type("submit").Disabled(s.busy).Text("Make new codes"),
					app.Button().Class("secondary").Type("button").
						OnClick(func(ctx app.Context, e app.Event) { s.regenerate, s.errMsg = false, "" }).Text("Cancel"),
				),
			)
		}),
	)
}

func (s *securitySettings) submitRegenerate(ctx app.Context, e app.Event) {
	e.PreventDefault()
	code, ok := shared.NormalizeCode(s.regenCode)
	if !ok {
		s.errMsg = shared.CodeFormatMessage
		return
	}
	s.busy, s.errMsg = true, ""
	ctx.Async(func() {
		var res shared.ConnectResponse
		err := callAPI(ctx, "POST", "/api/2fa/recovery-codes", shared.CodeRequest{Code: code}, &res)
		ctx.Dispatch(func(ctx app.Context) {
			s.busy = false
			if err != nil {
				s.errMsg = errorMessage(err)
				return
			}
			s.regenerate, s.regenCode, s.codes = false, "", res.RecoveryCodes
		})
	})
}

// codesStored is the codes screen's Continue: the codes are forgotten.
func (s *securitySettings) codesStored(ctx app.Context) {
	s.codesLeft, s.codes = len(s.codes), nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// connectWindow is the step-by-step setup: app, QR code or key, code.
func (s *securitySettings) connectWindow() app.UI {
	return app.Div().ID("connect-window").Class("connect-window").Body(
		app.Ol().Class("steps").Body(
			app.Li().Body(
				app.H4().Text("Install an authenticator app"),
				app.P().Text("Use Google Authenticator, Microsoft Authenticator, Aegis, 1Password, or any app that supports time-based codes (RFC 6238)."),
			),
			app.Li().Body(
				app.H4().Text("Add Warden to the app"),
				app.P().Text("Scan this QR code with the app, or type the key shown beside it."),
				app.Div().Class("qr-row").Body(
					app.Img().ID("qr-code").Class("qr").Alt("QR code to add Warden to your authenticator app").
						Src("data:image/png;base64,%s", s.setup.QRPNG).Width(200).Height(200),
					app.Div().Class("manual").Body(
						app.P().Class("muted").Text("Key"),
						app.Code().ID("manual-key").Class("key").Text(groupKey(s.setup.Secret)),
						app.Button().ID("copy-key").Class("secondary").Type("button").OnClick(s.copyKey).
							Text(map[bool]string{false: "Copy key", true: "Copied"}[s.copied]),
					),
				),
			),
			app.Li().Body(
				app.H4().Text("Enter the six-digit code"),
				app.Form().Method("post").OnSubmit(s.connect).Body(
					app.P().ID("connect-error").Class("form-error").Role("alert").Text(s.errMsg),
					app.Div().Class("field").Body(
						app.Label().For("connect-code").Text("Code from the app"),
						app.Input().ID("connect-code").Type("text").Required(true).
							Attr("autocomplete", "one-time-code").Attr("inputmode", "numeric").
							MaxLength(7).Placeholder("123 456").Value(s.code).OnInput(s.ValueTo(&s.code)),
					),
					app.Div().Class("actions").Body(
						app.Button().ID("connect-submit").Class("primary inline").Type("submit").Disabled(s.busy).Text("Connect"),
						app.Button().ID("connect-cancel").Class("secondary").Type("button").OnClick(s.cancel).Text("Cancel"),
					),
				),
			),
		),
	)
}

func (s *securitySettings) startSetup(ctx app.Context, e app.Event) {
	if s.busy {
		return // each setup replaces the pending key: one at a time
	}
	s.busy, s.errMsg = true, ""
	ctx.Async(func() {
		var setup shared.TOTPSetup
		err := callAPI(ctx, "POST", "/api/2fa/setup", nil, &setup)
		ctx.Dispatch(func(ctx app.Context) {
			s.busy = false
			if s.needsProof(err, func(ctx app.Context) { s.startSetup(ctx, e) }) {
				return
			}
			if err != nil {
				s.errMsg = errorMessage(err)
				return
			}
			s.setup, s.code, s.copied = &setup, "", false
		})
	})
}

func (s *securitySettings) connect(ctx app.Context, e app.Event) {
	e.PreventDefault()
	code, ok := shared.NormalizeCode(s.code)
	if !ok {
		s.errMsg = shared.CodeFormatMessage
		return
	}
	s.busy, s.errMsg = true, ""
	ctx.Async(func() {
		var res shared.ConnectResponse
		err := callAPI(ctx, "POST", "/api/2fa/connect", shared.CodeRequest{Code: code}, &res)
		ctx.Dispatch(func(ctx app.Context) {
			s.busy = false
			if s.needsProof(err, func(ctx app.Context) { s.connect(ctx, e) }) {
				return
			}
			if err != nil {
				s.errMsg = errorMessage(err)
				return
			}
			s.setup, s.code, s.codes = nil, "", res.RecoveryCodes
			s.connected = time.Now().UTC().Format(time.RFC3339)
		})
	})
}

func (s *securitySettings) cancel(ctx app.Context, e app.Event) {
	s.setup, s.code, s.errMsg = nil, "", ""
}

func (s *securitySettings) copyKey(ctx app.Context, e app.Event) {
	if clip := app.Window().Get("navigator").Get("clipboard"); clip.Truthy() {
		clip.Call("writeText", s.setup.Secret)
		s.copied = true
	}
}

// groupKey shows a base32 key in groups of four, as apps ask it to be typed.
func groupKey(key string) string {
	var b strings.Builder
	for i, r := range key {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// formatDay shows an RFC 3339 time as a date in the browser's time zone.
func formatDay(rfc3339 string) string {
	t, err := time.Parse(time.RFC3339, rfc3339)
	if err != nil {
		return ""
	}
	return t.Local().Format("2 January 2006")
}
