package webapp

import (
	"strconv"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
)

// appHeader is the top bar: the product's name, and in the upper right the
// user's initials, which open the account menu.
type appHeader struct {
	app.Compo
	apiState // the logout
	Me       *shared.Me

	open      bool
	logoutErr string // why the last try to log out failed; kept while trying again
}

// logoutRetry is how long the app waits before it tries again to log out,
// on its own, after the server could not be reached (0: it does not).
var logoutRetry = 5 * time.Second

func (h *appHeader) OnMount(ctx app.Context) { h.mountedAt(ctx) }

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
		app.If(h.logoutErr != "", func() app.UI {
			return app.Div().ID("logout-error").Class("error").Role("alert").Body(
				app.Text(h.logoutErr+" "),
				app.Button().ID("logout-retry").Type("button").OnClick(h.logout).Disabled(h.busy).Text("Try again"),
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

// logout ends the session on the server, and only then leaves for the login
// page: showing "logged out" while the session lives on (offline, server
// down) would leave a shared computer signed in. Until the server answers,
// the header says so, offers to try again, and tries again by itself.
func (h *appHeader) logout(ctx app.Context, e app.Event) {
	if h.busy {
		return
	}
	logOut(ctx, &h.apiState, func(ctx app.Context, err error) bool {
		h.logoutErr = "Logging out failed, and you are still logged in: " + errorMessage(err)
		if logoutRetry > 0 {
			ctx.After(logoutRetry, func(ctx app.Context) {
				if h.logoutErr != "" {
					h.logout(ctx, e)
				}
			})
		}
		return true
	})
}

// initials is what the avatar shows: the first letter of up to two parts of
// the username ("ann-marie" -> "AM", "alice" -> "A").
func initials(username string) string {
	var out []rune
	start := true
	for _, r := range username {
		if r == '.' || r == '_' || r == '-' || r == ' ' {
			start = true
			continue
		}
		if start && len(out) < 2 {
			if r >= 'a' && r <= 'z' {
				r -= 'a' - 'A'
			}
			out = append(out, r)
		}
		start = false
	}
	if len(out) == 0 {
		return "?"
	}
	return string(out)
}
