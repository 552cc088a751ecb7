package webapp

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
)

// changePassword is Security settings -> Password: the current password,
// the new one twice. The server decides whether the new one is strong
// enough and says why not; the current one is the proof, so a wrong one
// counts toward the password throttle. A change ends the other sessions.
type changePassword struct {
	app.Compo
	apiState

	current, next, repeat string
	fields                map[string]string // why a field was refused
	done                  bool
}

func (c *changePassword) OnMount(ctx app.Context) { c.mountedAt(ctx) }

func (c *changePassword) Render() app.UI {
	return app.Div().Class("change-password").Body(
		app.H3().Text("Password"),
		app.Form().ID("password-form").Method("post").OnSubmit(c.submit).Body(
			app.If(c.done, func() app.UI {
				return app.P().ID("password-changed").Class("success").Role("status").
					Text("Your password is changed. Your other sessions have ended.")
			}),
			app.If(c.errMsg != "", func() app.UI {
				return app.P().ID("password-error").Class("form-error").Role("alert").Text(c.errMsg)
			}),
			field("password-current", "Current password", c.fields["current"],
				app.Input().ID("password-current").Type("password").Required(true).
					Attr("autocomplete", "current-password").Value(c.current).OnInput(c.ValueTo(&c.current))),
			field("password-new", "New password", c.fields["new"],
				app.Input().ID("password-new").Type("password").Required(true).
					Attr("autocomplete", "new-password").Aria("describedby", "password-rules").
					Value(c.next).OnInput(c.ValueTo(&c.next))),
			app.P().ID("password-rules").Class("muted").
				Text("At least 8 characters. Not your username, and nothing easy to guess: a few unusual words work well."),
			field("password-repeat", "New password again", c.fields["repeat"],
				app.Input().ID("password-repeat").Type("password").Required(true).
					Attr("autocomplete", "new-password").Value(c.repeat).OnInput(c.ValueTo(&c.repeat))),
			submitButton("password-submit", "Change password", c.busy),
		),
	)
}

func (c *changePassword) submit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	c.done, c.fields = false, nil
	req := shared.ChangePasswordRequest{Current: c.current, New: c.next}
	if err := req.Valid(); err != nil {
		c.refused(ctx, err)
		return
	}
	if c.repeat != c.next {
		c.refused(ctx, &shared.Error{Code: shared.EInvalid, Message: "Please correct the highlighted fields.",
			Fields: map[string]string{"repeat": "The two new passwords are not the same."}})
		return
	}
	send(ctx, &c.apiState, apiCall{method: "POST", path: "/api/me/password", body: req, failed: func(ctx app.Context, err error) bool {
		c.refused(ctx, err)
		return true
	}}, func(ctx app.Context, _ struct{}) {
		c.current, c.next, c.repeat, c.done = "", "", "", true
	})
}

// refused shows why, and puts the focus in the field to fix: a wrong
// current password is emptied there.
func (c *changePassword) refused(ctx app.Context, err error) {
	c.errMsg = errorMessage(err)
	if e, ok := err.(*shared.Error); ok {
		c.fields = e.Fields
	}
	switch {
	case c.fields["new"] != "":
		c.focus(ctx, "password-new")
	case c.fields["repeat"] != "":
		c.focus(ctx, "password-repeat")
	default:
		c.retypeIfRefused(ctx, err, "password-current", &c.current)
	}
}
