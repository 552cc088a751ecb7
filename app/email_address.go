package webapp

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
)

// emailAddress is Security settings -> E-mail: where security notices go
// by mail. A change is sensitive (it decides who hears of the account), so
// it may ask for the password inline; the old address is told.
type emailAddress struct {
	app.Compo
	reauthGate
	Me *shared.Me

	email   string
	edited  bool
	fields  map[string]string
	changed bool
}

func (c *emailAddress) OnMount(ctx app.Context) { c.mountedAt(ctx) }

func (c *emailAddress) Render() app.UI {
	value := c.email
	if !c.edited {
		value = c.Me.Email
	}
	return app.Div().Class("email-address").Body(
		app.H3().Text("E-mail"),
		app.P().Class("muted").Text("Security notices also go to this address. Leave it empty for none."),
		app.Form().ID("email-form").Method("post").OnSubmit(c.submit).Body(
			app.If(c.changed, func() app.UI {
				return app.P().ID("email-changed").Class("success").Role("status").Text("Your e-mail address is saved.")
			}),
			app.If(c.errMsg != "", func() app.UI {
				return app.P().ID("email-error").Class("form-error").Role("alert").Text(c.errMsg)
			}),
			field("email", "E-mail address", c.fields["email"],
				app.Input().ID("email").Type("email").Attr("autocomplete", "email").MaxLength(shared.MaxEmailLength).
					Value(attr(value)).OnInput(c.typed)),
			submitButton("email-submit", "Save e-mail address", c.busy),
		),
		c.prompt(c.ValueTo, c.Me.TOTPEnabled),
	)
}

func (c *emailAddress) typed(ctx app.Context, e app.Event) {
	c.email, c.edited = ctx.JSSrc().Get("value").String(), true
}

func (c *emailAddress) submit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	c.changed, c.fields = false, nil
	if !c.edited {
		c.email = c.Me.Email
	}
	req := shared.EmailRequest{Email: c.email}
	if err := req.Valid(); err != nil {
		c.errMsg, c.fields = errorMessage(err), err.Fields
		c.focus(ctx, "email")
		return
	}
	c.save(ctx, req)
}

func (c *emailAddress) save(ctx app.Context, req shared.EmailRequest) {
	send(ctx, &c.apiState, apiCall{method: "PUT", path: "/api/me/email", body: req, failed: func(ctx app.Context, err error) bool {
		if c.needsProof(ctx, err, func(ctx app.Context) { c.save(ctx, req) }) {
			return true
		}
		if e, ok := err.(*shared.Error); ok {
			c.fields = e.Fields
		}
		return false
	}}, func(ctx app.Context, _ struct{}) {
		c.changed, c.edited = true, false
		updateMe(ctx, func(me *shared.Me) { me.Email = req.Email })
	})
}
