package webapp

import (
	"net/url"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared/words"
)

// languageSwitch chooses the language before signing in: for each language
// a plain form the server answers (POST /lang/{tag} sets the lang cookie
// and sends the browser back with a 303), so that it works before the app
// runs as after. Each language is named in itself; the one being read is
// marked, not offered.
type languageSwitch struct {
	app.Compo
	Back string // the page to come back to
}

func (s *languageSwitch) Render() app.UI {
	return app.Div().ID("language-switch").Class("alt-action").Role("group").
		Aria("label", attr(say(words.ChooseLanguage))).Body(
		app.Range(words.Languages()).Slice(func(i int) app.UI {
			l := words.Languages()[i]
			name := l.Say(words.LanguageName)
			if l == language() {
				return app.Span().Attr("lang", l.Tag).Aria("current", "true").Text(name + " ")
			}
			return app.Form().Class("inline").Method("post").Action(attr("/lang/" + l.Tag + "?back=" + url.QueryEscape(s.Back))).Body(
				app.Button().ID("lang-"+l.Tag).Class("link").Type("submit").Attr("lang", l.Tag).Text(name),
			)
		}),
	)
}
