package webapp

import (
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
)

// shell is the frame of every signed-in page: the header with the avatar
// menu, then the page's content. Until the user is known it shows a quiet
// placeholder, so a signed-out visitor never sees a page's data.
func shell(me *shared.Me, errMsg string, content func(me *shared.Me) app.UI) app.UI {
	var body app.UI
	switch {
	case errMsg != "":
		body = app.P().Class("error").Role("alert").Text(errMsg)
	case me == nil:
		body = app.P().Class("muted").Text("Loading…")
	default:
		body = content(me)
	}
	return app.Div().Class("layout").Body(
		&appHeader{Me: me},
		app.Main().Class("content").Body(body),
	)
}

// appHeader is the top bar: the product's name, and in the upper right the
// user's initials, which open the account menu.
type appHeader struct {
	app.Compo
	Me *shared.Me

	open bool
}

func (h *appHeader) Render() app.UI {
	return app.Header().Class("app-header").Body(
		app.A().Class("brand").Href("/").Text("Warden"),
		app.If(h.Me != nil, func() app.UI {
			return app.Div().Class("account").Body(
				app.Button().ID("avatar").Class("avatar").Type("button").
					Aria("label", "Account menu").Aria("haspopup", "menu").
					Aria("expanded", strconv.FormatBool(h.open)).Aria("controls", "account-menu").
					Title("%s", h.Me.Username).
					OnClick(h.toggle).
					Text(initials(h.Me.Username)),
				app.If(h.open, func() app.UI { return h.menu() }),
			)
		}),
	)
}

func (h *appHeader) menu() app.UI {
	return app.Div().ID("account-menu").Class("menu").Role("menu").Body(
		app.P().Class("menu-user").Body(
			app.Strong().Text(h.Me.Username),
			app.Span().Class("muted").Text(h.Me.Account),
		),
		app.A().ID("menu-profile").Role("menuitem").Href("/profile").Text("My profile"),
		app.If(h.Me.Role == shared.RoleAdmin, func() app.UI {
			return app.A().ID("menu-admin").Role("menuitem").Href("/admin").Text("Administration")
		}),
		app.Button().ID("menu-logout").Role("menuitem").Type("button").OnClick(h.logout).Text("Log out"),
	)
}

func (h *appHeader) toggle(ctx app.Context, e app.Event) { h.open = !h.open }

func (h *appHeader) logout(ctx app.Context, e app.Event) {
	ctx.Async(func() {
		// Even if the server cannot be reached the user wants out: go to the
		// login page, where the session (if still alive) is replaced.
		callAPI(ctx, "POST", "/api/logout", nil, nil)
		ctx.Dispatch(func(ctx app.Context) { navigate(ctx, "/login") })
	})
}
