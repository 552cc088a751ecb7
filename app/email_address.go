package webapp

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// emailAddress is Security settings -> E-mail: where security notices go
// by mail. A change is sensitive (it decides who hears of the account), so
// it may ask for the password inline. A new address only waits for the
// link mailed to it: the confirmed one, if any, stays until then.
type emailAddress struct {
	app.Compo
	reauthGate
	Me *shared.Me

	email   string
	edited  bool
	fields  map[string]string
	changed string // what the last save did, in words
}

func (c *emailAddress) OnMount(ctx app.Context) { c.mountedAt(ctx) }

func (c *emailAddress) Render() app.UI {
	value := c.email
	if !c.edited {
		value = c.shown()
	}
	return app.Div().Class("email-address").Body(
		app.H2().Text(say(words.Email)),
		app.P().Class("muted").Text(say(words.EmailHelp)),
		c.status(),
		app.Form().ID("email-form").Method("post").OnSubmit(c.submit).Body(
			app.If(c.changed != "", func() app.UI {
				return app.P().ID("email-changed").Class("success").Role("status").Text(c.changed)
			}),
			app.If(c.errMsg != "", func() app.UI {
				return app.P().ID("email-error").Class("form-error").Role("alert").Text(c.errMsg)
			}),
			field("email", say(words.EmailAddress), c.fields["email"],
				app.Input().ID("email").Type("email").Attr("autocomplete", "email").MaxLength(shared.MaxEmailLength).
					Value(attr(value)).OnInput(c.typed)),
			submitButton("email-submit", say(words.SaveEmailAddress), c.busy),
		),
		c.prompt(c.ValueTo, c.Me.TOTPEnabled),
	)
}

// shown is the address the field starts with: the one last asked for.
func (c *emailAddress) shown() string {
	if c.Me.EmailPending != "" {
		return c.Me.EmailPending
	}
	return c.Me.Email
}

// status says where notices go now, and what waits for confirmation, with
// Resend.
func (c *emailAddress) status() app.UI {
	me := c.Me
	now := []app.UI{app.Text(say(words.NoticesNotMailed))}
	if me.Email != "" {
		now = sayUI(words.NoticesGoTo(me.Email), shown{"Address", address})
	}
	return app.Div().ID("email-status").Body(
		app.P().Body(now...),
		app.If(me.EmailPending != "", func() app.UI {
			return app.P().Class("notice").Body(
				app.Span().ID("email-pending").Body(sayUI(words.EmailPendingFor(me.EmailPending, shared.EmailLinkHours), shown{"Address", address})...),
				app.Button().ID("email-resend").Class("secondary small").Type("button").Disabled(c.busy).
					Aria("label", attr(say(words.SendLinkAgainTo(me.EmailPending)))).
					OnClick(func(ctx app.Context, e app.Event) { c.save(ctx, shared.EmailRequest{Email: me.EmailPending}) }).
					Text(say(words.SendLinkAgain)),
			)
		}),
	)
}

func (c *emailAddress) typed(ctx app.Context, e app.Event) {
	c.email, c.edited = ctx.JSSrc().Get("value").String(), true
}

func (c *emailAddress) submit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	c.changed, c.fields = "", nil
	if !c.edited {
		c.email = c.shown()
	}
	req := shared.EmailRequest{Email: c.email}
	if err := req.Valid(); err != nil {
		c.errMsg, c.fields = errorMessage(err), sayError(err).Fields
		c.focus(ctx, "email")
		return
	}
	c.save(ctx, req)
}

func (c *emailAddress) save(ctx app.Context, req shared.EmailRequest) {
	c.changed = ""
	send(ctx, &c.apiState, apiCall{method: "PUT", path: "/api/me/email", body: req, failed: func(ctx app.Context, err error) bool {
		if c.needsProof(ctx, err, func(ctx app.Context) { c.save(ctx, req) }) {
			return true
		}
		if e, ok := err.(*shared.Error); ok {
			c.fields = e.Fields
		}
		return false
	}}, func(ctx app.Context, _ struct{}) {
		switch {
		case req.Email == "":
			c.changed = say(words.EmailRemoved)
		case req.Email == c.Me.Email:
			c.changed = say(words.NoticesKeepGoingTo(req.Email))
		default:
			c.changed = say(words.LinkSentTo(req.Email))
		}
		c.edited = false
		// Only the server says which address is confirmed and which waits.
		reloadMe(ctx)
	})
}
