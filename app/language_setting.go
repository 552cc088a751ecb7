package webapp

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// languageSetting is the user's language, in their profile: kept on the
// user (PUT /api/me/language), so that every browser they sign in with and
// the mail they get say it. The page then loads again, all of it in the
// language chosen (the server set the cookie the app reads as it starts).
type languageSetting struct {
	app.Compo
	apiState
}

func (s *languageSetting) OnMount(ctx app.Context) { s.mountedAt(ctx) }

func (s *languageSetting) Render() app.UI {
	return app.Section().ID("language-setting").Class("card").Body(
		app.H2().Text(say(words.ChooseLanguage)),
		app.If(s.errMsg != "", func() app.UI { return app.P().Class("error").Role("alert").Text(s.errMsg) }),
		app.Div().Class("language-choice").Role("group").Aria("label", attr(say(words.ChooseLanguage))).Body(
			app.Range(words.Languages()).Slice(func(i int) app.UI {
				l := words.Languages()[i]
				if l == language() {
					return app.Span().Attr("lang", l.Tag).Aria("current", "true").Text(l.Say(words.LanguageName))
				}
				return app.Button().ID("set-lang-"+l.Tag).Class("link").Type("button").Attr("lang", l.Tag).
					Disabled(s.busy).OnClick(func(ctx app.Context, _ app.Event) { s.choose(ctx, l.Tag) }).Text(l.Say(words.LanguageName))
			}),
		),
	)
}

func (s *languageSetting) choose(ctx app.Context, tag string) {
	send(ctx, &s.apiState, apiCall{method: "PUT", path: "/api/me/language", body: shared.LanguageRequest{Language: tag}},
		func(ctx app.Context, _ struct{}) { ctx.Reload() })
}
