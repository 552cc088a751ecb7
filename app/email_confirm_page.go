package webapp

import (
	"net/url"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// emailConfirmPage is "/email/confirm", where the link mailed to a new
// address leads. Opening it changes nothing (mail scanners fetch links):
// its button posts the token, before the app runs too (to the server's
// form route, which comes back here with done=1 or the error's code), and
// the page then says in words what happened.
type emailConfirmPage struct {
	app.Compo
	apiState

	token   string // only one of the form of a token (shared.ValidEmailToken)
	done    bool
	mounted bool
}

// OnNav also runs on the server, for the prerendered page.
func (p *emailConfirmPage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle(say(words.TitleConfirmEmail))
	p.onNavQuery(ctx.Page().URL().Query())
}

// onNavQuery reads the link's token, or what its form post came back with.
func (p *emailConfirmPage) onNavQuery(q url.Values) {
	p.token, p.done, p.errMsg = "", q.Get("done") == "1", say(shared.FormErrorWords(q.Get("error"), 0))
	if t := q.Get("token"); shared.ValidEmailToken(t) {
		p.token = t
	} else if q.Has("token") {
		p.errMsg = say(words.LinkInvalid)
	}
}

func (p *emailConfirmPage) OnMount(ctx app.Context) {
	p.mounted = true
	p.mountedAt(ctx)
}

func (p *emailConfirmPage) Render() app.UI {
	var body app.UI
	switch {
	case p.done:
		body = app.Div().Body(
			app.P().ID("email-confirmed").Class("success").Role("status").
				Text(say(words.EmailConfirmed)),
			app.P().Body(app.A().ID("email-confirm-home").Class("button primary").Href("/").Text(say(words.GoToWarden))),
		)
	case p.errMsg != "" && p.token == "":
		body = app.Div().Body(
			app.P().ID("email-confirm-error").Class("form-error").Role("alert").Text(p.errMsg),
			app.P().Body(app.A().ID("email-confirm-home").Class("button secondary").Href("/profile").Text(say(words.OpenSecuritySettings))),
		)
	case p.token == "":
		body = app.P().ID("email-confirm-error").Class("form-error").Role("alert").Text(say(words.LinkInvalid))
	default:
		body = app.Form().ID("email-confirm-form").Method("post").Action("/email/confirm").DataSet("ready", p.mounted).
			OnSubmit(p.submit).Body(
			app.P().Text(say(words.ConfirmEmailHelp)),
			app.If(p.errMsg != "", func() app.UI {
				return app.P().ID("email-confirm-error").Class("form-error").Role("alert").Text(p.errMsg)
			}),
			app.Input().Type("hidden").Name("token").Value(attr(p.token)),
			submitButton("email-confirm-submit", say(words.ConfirmMyEmail), p.busy),
		)
	}
	return app.Main().Class("login").Body(
		app.Section().Class("card login-card").Body(
			logo(),
			app.H1().Text(say(words.ConfirmYourEmail)),
			body,
		),
	)
}

func (p *emailConfirmPage) submit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	send(ctx, &p.apiState, apiCall{method: "POST", path: "/api/email/confirm", body: shared.EmailConfirmRequest{Token: p.token},
		failed: func(ctx app.Context, err error) bool {
			p.token = "" // a link that failed does not work again
			return false
		}}, func(ctx app.Context, _ struct{}) {
		p.done, p.token = true, ""
		ctx.Page().ReplaceURL(mustURL("/email/confirm?done=1"))
		// A signed-in user's settings in this app show the address confirmed.
		var s session
		if ctx.GetState(meState, &s); s.me != nil {
			reloadMe(ctx)
		}
	})
}
