package webapp

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// shell is the frame of every signed-in page: the header with the avatar
// menu, then the page's content. Until the user is known it shows a quiet
// placeholder, so a signed-out visitor never sees a page's data.
func shell(me *shared.Me, errMsg string, content func(me *shared.Me) app.UI) app.UI {
	var body app.UI
	switch {
	case errMsg != "":
		// The server could not be reached (offline, or down): say so, and
		// offer to ask again rather than leave a dead page.
		body = app.Div().Class("load-error").Body(
			app.P().Class("error").Role("alert").Text(errMsg),
			app.Button().ID("retry").Class("secondary").Type("button").OnClick(retryMe).Text(say(words.TryAgain)),
		)
	case me == nil:
		body = app.P().Class("muted").Text(say(words.Loading))
	default:
		body = content(me)
	}
	return app.Div().Class("layout").Body(
		&appHeader{Me: me},
		app.If(me != nil && me.TwoFADeadline != "", func() app.UI { return &twofaBanner{Me: me} }),
		app.Main().Class("content").Body(body),
	)
}
