package webapp

import (
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// connectTwoFactor is Connect: the button, then the step-by-step setup
// window (app, QR code or key, code). Setup and connect are sensitive: a
// stale session is asked to prove it is the user first.
type connectTwoFactor struct {
	app.Compo
	reauthGate
	// Open starts the setup at once (the login sent an enrolling user here).
	Open bool
	// Enrolling: the session may do nothing else until 2FA is set up, so
	// Cancel logs out rather than leave a user who can go nowhere.
	Enrolling bool
	// OnConnected receives the fresh recovery codes, to show them once.
	OnConnected func(ctx app.Context, codes []string)
	// OnUseKey, when set, is the way to a security key instead of the app
	// (offered by a setup the account forces: either factor satisfies it).
	OnUseKey func(ctx app.Context)
	// Pending is a setup the server already started and put into the page
	// (PageData), with the error of a code posted before the app ran: the
	// window shows it instead of starting another.
	Pending *shared.TOTPSetup
	Error   string

	// mounted is false while the window is the server's prerendered HTML:
	// until the app runs, its form posts to the server (httpapi/forms.go).
	mounted bool

	wasOpen bool              // Open as last seen, so only its change opens the setup
	setup   *shared.TOTPSetup // the pending key, while the window is open
	code    string
	clip    clipCopy
}

// OnInit also runs on the server, for the prerendered page.
func (c *connectTwoFactor) OnInit() {
	if c.Pending != nil {
		c.setup, c.errMsg = c.Pending, c.Error
	}
}

func (c *connectTwoFactor) OnMount(ctx app.Context) {
	c.mounted = true
	c.mountedAt(ctx)
	c.wasOpen = c.Open
	if c.Open && c.setup == nil {
		c.startSetup(ctx, app.Event{})
	}
}

// OnUpdate opens the setup when the page asks for it after mounting: the
// grace period's Set up now on My profile itself, where go-app keeps the
// page and only its ?setup=1 changes.
func (c *connectTwoFactor) OnUpdate(ctx app.Context) {
	if c.Open && !c.wasOpen && c.setup == nil {
		c.startSetup(ctx, app.Event{})
	}
	c.wasOpen = c.Open
}

func (c *connectTwoFactor) Render() app.UI {
	return app.Div().Class("connect").Body(
		c.prompt(c.ValueTo, false), // no authenticator yet: the password is the proof
		app.If(c.setup == nil, func() app.UI {
			return app.Div().Body(
				app.P().Text(say(words.ConnectHelp)),
				app.Button().ID("connect-2fa").Class("primary inline").Type("button").Disabled(c.busy).OnClick(c.startSetup).Text(say(words.Connect)),
				app.If(c.errMsg != "", func() app.UI { return app.P().Class("error").Role("alert").Text(c.errMsg) }),
			)
		}).Else(c.window),
	)
}

// window is the step-by-step setup: app, QR code or key, code.
func (c *connectTwoFactor) window() app.UI {
	// Escape closes the window as Cancel does, except for a setup the
	// account forces: there Cancel logs out, which a stray key must not do.
	onKey := onEscape(func(ctx app.Context) {
		if !c.Enrolling {
			c.cancel(ctx, app.Event{})
		}
	})
	// data-secret: the app, arriving after the server's page, takes this
	// setup over (prerender_js.go).
	return app.Div().ID("connect-window").Class("connect-window").DataSet("secret", attr(c.setup.Secret)).OnKeyDown(onKey).Body(
		app.Ol().Class("steps").Body(
			app.Li().Body(
				app.H4().Text(say(words.InstallApp)),
				app.P().Text(say(words.InstallAppHelp)),
			),
			app.Li().Body(
				app.H4().Text(say(words.AddToApp)),
				app.P().Text(say(words.AddToAppHelp)),
				app.Div().Class("qr-row").Body(
					app.Img().ID("qr-code").Class("qr").Alt(say(words.QRCodeAlt)).
						Src("%s", attr(qrPrefix+c.setup.QRPNG)).Width(200).Height(200),
					// A phone cannot scan its own screen: the link hands the key to
					// the authenticator app. target=_blank keeps go-app from taking
					// the click for a navigation of its own (window.open).
					app.A().ID("otpauth-link").Class("button secondary").Href("%s", attr(c.setup.OTPAuthURL)).
						Target("_blank").Rel("noopener").Text(say(words.OpenInApp)),
					app.Div().Class("manual").Body(
						app.P().Class("muted").Text(say(words.Key)),
						app.Code().ID("manual-key").Class("key").Text(groupKey(c.setup.Secret)),
						app.Button().ID("copy-key").Class("secondary").Type("button").OnClick(c.copyKey).Text(c.clip.label(words.CopyKey)),
						c.clip.failure(words.CopyFailedKey),
					),
				),
			),
			app.Li().Body(
				app.H4().Text(say(words.EnterSixDigitCode)),
				app.Form().ID("connect-form").Method("post").Action("/profile/connect").DataSet("ready", c.mounted).OnSubmit(c.connect).Body(
					app.P().ID("connect-error").Class("form-error").Role("alert").Text(c.errMsg),
					field("connect-code", say(words.CodeFromApp), "", codeInput("connect-code", c.code, c.ValueTo(&c.code)).Name("code").AutoFocus(!app.IsClient)),
					app.Div().Class("actions").Body(
						submitButton("connect-submit", say(words.Connect), c.busy).Class("inline"),
						c.cancelButton(),
					),
				),
				app.If(c.OnUseKey != nil && c.mounted && keysUsable(), func() app.UI {
					return app.P().Class("alt-action").Body(
						app.Button().ID("setup-use-key").Class("link").Type("button").OnClick(c.useKey).Text(say(words.AddKeyInstead)),
					)
				}),
				// Before the app runs, a forced setup's Cancel logs out
				// through the server (the button belongs to this form).
				app.If(c.Enrolling && !c.mounted, func() app.UI {
					return app.Form().ID("setup-logout-form").Method("post").Action("/logout").DataSet("ready", false)
				}),
			),
		),
	)
}

func (c *connectTwoFactor) cancelButton() app.UI {
	b := app.Button().ID("connect-cancel").Class("secondary").Type("button").OnClick(c.cancel).
		Text(say(map[bool]words.Message{false: words.Cancel, true: words.CancelAndLogOut}[c.Enrolling]))
	if c.Enrolling && !c.mounted {
		b = b.Type("submit").Attr("form", "setup-logout-form")
	}
	if c.busy { // only then: prerendered, disabled="false" reads as disabled
		b = b.Disabled(true)
	}
	return b
}

// qrPrefix makes the QR code's PNG an image the CSP allows (img-src data:).
const qrPrefix = "data:image/png;base64,"

func (c *connectTwoFactor) startSetup(ctx app.Context, e app.Event) {
	if c.busy {
		return // each setup replaces the pending key: one at a time
	}
	send(ctx, &c.apiState, apiCall{method: "POST", path: "/api/2fa/setup", failed: func(ctx app.Context, err error) bool {
		return c.needsProof(ctx, err, func(ctx app.Context) { c.startSetup(ctx, e) })
	}}, func(ctx app.Context, setup shared.TOTPSetup) {
		c.setup, c.code, c.clip = &setup, "", clipCopy{}
		c.focus(ctx, "connect-code")
	})
}

func (c *connectTwoFactor) connect(ctx app.Context, e app.Event) {
	e.PreventDefault()
	req, ok := codeRequest(c.code, &c.errMsg)
	if !ok {
		c.focus(ctx, "connect-code")
		return
	}
	send(ctx, &c.apiState, apiCall{method: "POST", path: "/api/2fa/connect", body: req,
		failed: func(ctx app.Context, err error) bool {
			c.retypeIfRefused(ctx, err, "connect-code", &c.code) // the error is announced; the code is to type again
			return c.needsProof(ctx, err, func(ctx app.Context) { c.connect(ctx, e) })
		}}, func(ctx app.Context, res shared.ConnectResponse) {
		c.setup, c.code = nil, ""
		if c.OnConnected != nil {
			c.OnConnected(ctx, res.RecoveryCodes)
		}
		updateMe(ctx, func(me *shared.Me) {
			me.TOTPEnabled, me.RecoveryCodesLeft, me.TwoFADeadline = true, len(res.RecoveryCodes), ""
			me.TOTPEnabledAt = time.Now().UTC().Format(time.RFC3339)
			// A connect that answers 200 ends an enrolment (the server
			// gave the session a full cookie): until the reload below
			// answers, which a slow link delays, the pages must not send
			// the user back to the setup.
			if me.Stage == shared.NextEnroll {
				me.Stage = shared.NextDone
			}
		})
		// The rest of what the session may do is the server's to say.
		reloadMe(ctx)
	})
}

func (c *connectTwoFactor) cancel(ctx app.Context, e app.Event) {
	if c.Enrolling {
		logOut(ctx, &c.apiState, nil)
		return
	}
	c.setup, c.code, c.errMsg = nil, "", ""
	c.focus(ctx, "connect-2fa")
}

// useKey closes the window for the security key's form; the pending
// authenticator key is never confirmed, so it never counts.
func (c *connectTwoFactor) useKey(ctx app.Context, e app.Event) {
	c.setup, c.code, c.errMsg = nil, "", ""
	c.OnUseKey(ctx)
}

func (c *connectTwoFactor) copyKey(ctx app.Context, e app.Event) {
	c.clip.write(ctx, c.setup.Secret)
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
