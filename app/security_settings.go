package webapp

import (
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
)

// securitySettings is the "Security settings" section of My profile: the
// two-factor authentication block and its Connect window.
type securitySettings struct {
	app.Compo
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
}

func (s *securitySettings) OnMount(ctx app.Context) {
	if s.OpenSetup && s.Me != nil && !s.Me.TOTPEnabled {
		s.startSetup(ctx, app.Event{})
	}
}

func (s *securitySettings) Render() app.UI {
	on, since := s.Me.TOTPEnabled, s.Me.TOTPEnabledAt
	if s.connected != "" {
		on, since = true, s.connected
	}
	return app.Section().Class("card").ID("security-settings").Body(
		app.H2().Text("Security settings"),
		app.H3().Text("Two-factor authentication"),
		app.If(s.Me.Force2FA && !on, func() app.UI {
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
		app.If(!on && s.setup == nil, func() app.UI {
			return app.Div().Body(
				app.P().Text("Protect your account with a six-digit code from an authenticator app on your phone, asked for at every login."),
				app.Button().ID("connect-2fa").Class("primary inline").Type("button").Disabled(s.busy).OnClick(s.startSetup).Text("Connect"),
			)
		}),
		app.If(!on && s.setup != nil, func() app.UI { return s.connectWindow() }),
		app.If(s.connected != "", func() app.UI {
			return app.P().Class("success").Role("status").Text("Two-factor authentication is on. From now on, every login asks for a code from your app.")
		}),
		app.If(s.setup == nil && s.errMsg != "", func() app.UI {
			return app.P().Class("error").Role("alert").Text(s.errMsg)
		}),
	)
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
						Src("data:image/png;base64,"+s.setup.QRPNG).Width(200).Height(200),
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
	s.busy, s.errMsg = true, ""
	ctx.Async(func() {
		var setup shared.TOTPSetup
		err := callAPI(ctx, "POST", "/api/2fa/setup", nil, &setup)
		ctx.Dispatch(func(ctx app.Context) {
			s.busy = false
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
	code := strings.ReplaceAll(s.code, " ", "")
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		s.errMsg = "Enter the six digits your authenticator app shows."
		return
	}
	s.busy, s.errMsg = true, ""
	ctx.Async(func() {
		var res shared.ConnectResponse
		err := callAPI(ctx, "POST", "/api/2fa/connect", shared.CodeRequest{Code: code}, &res)
		ctx.Dispatch(func(ctx app.Context) {
			s.busy = false
			if err != nil {
				s.errMsg = errorMessage(err)
				return
			}
			s.setup, s.code = nil, ""
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
