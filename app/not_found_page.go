package webapp

import (
	"net/url"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared/words"
)

// notFoundPage is every path no other route takes: it says so in the
// product's own frame, with a title, and links home. The server answers it
// with 404 (see NotFound); in the app, a link to nowhere lands here too.
type notFoundPage struct{ app.Compo }

func (p *notFoundPage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle(say(words.TitleNotFound))
	if !app.IsClient {
		// go-app writes the page's path into its og:url: any path leads
		// here, so on the server it goes as a value from a request does.
		ctx.Page().ReplaceURL(&url.URL{Path: attr(ctx.Page().URL().Path)})
	}
}

func (p *notFoundPage) Render() app.UI {
	return app.Main().Class("login").Body(
		app.Section().Class("card login-card not-found").Body(
			logo(),
			app.H1().Text(say(words.PageNotFound)),
			app.P().Text(say(words.PageNotFoundText)),
			app.P().Body(app.A().ID("not-found-home").Class("button primary").Href("/").Text(say(words.GoHome))),
		),
	)
}

// logo is the product's mark at the top of the pages outside the app's
// frame. go-app drops an empty alt, so the mark is named.
func logo() app.UI { return app.Img().Class("logo").Src("/web/icon.svg").Alt(say(words.ProductName)) }
