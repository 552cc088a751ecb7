package webapp

import (
	"slices"
	"strconv"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
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
		app.A().Class("brand").Href("/").Text(say(words.ProductName)),
		app.If(h.Me != nil, func() app.UI {
			return app.Div().Class("account").Body(
				app.Button().ID("avatar").Class("avatar").Type("button").
					Aria("label", avatarLabel(h.Me.UnreadNotices)).Aria("haspopup", "menu").
					Aria("expanded", strconv.FormatBool(h.open)).Aria("controls", "account-menu").
					Title("%s", attr(h.Me.Username)).
					OnClick(h.toggle).OnKeyDown(h.avatarKey).
					Text(initials(h.Me.Username)),
				// The count is in the avatar's name; the badge over it is for
				// the eye, outside the button so that the button's text stays
				// its initials (WCAG 2.5.3, label in name).
				app.If(h.Me.UnreadNotices > 0, func() app.UI {
					return app.Span().ID("notice-count").Class("notice-count").Aria("hidden", "true").
						Text(min(h.Me.UnreadNotices, 99))
				}),
				app.If(h.open, func() app.UI { return h.menu() }),
			)
		}),
		app.If(h.logoutErr != "", func() app.UI {
			return app.Div().ID("logout-error").Class("error").Role("alert").Body(
				app.Text(h.logoutErr+" "),
				app.Button().ID("logout-retry").Type("button").OnClick(h.logout).Disabled(h.busy).Text(say(words.TryAgain)),
			)
		}),
	)
}

// avatarLabel is the avatar's accessible name, with the unread notices.
func avatarLabel(unread int) string {
	if unread == 0 {
		return say(words.AccountMenu)
	}
	return say(words.AccountMenuUnread(unread))
}

// menu is the open account menu, a menu as WAI-ARIA's menu button pattern
// has it: the focus moves into it, the arrow keys, Home and End move
// between its items, Escape closes it and gives the focus back to the
// avatar, Tab or a click anywhere else closes it.
func (h *appHeader) menu() app.UI {
	links := h.menuLinks()
	return app.Div().Body(
		// A click outside the menu lands here, and closes it.
		app.Div().ID("menu-backdrop").Class("menu-backdrop").OnClick(func(ctx app.Context, e app.Event) { h.open = false }),
		app.Div().Class("menu").OnKeyDown(h.menuKey).Body(
			app.P().Class("menu-user").Body(
				app.Strong().Text(h.Me.Username),
				app.Span().Class("muted").Text(h.Me.Account),
			),
			app.Div().ID("account-menu").Role("menu").Aria("label", say(words.AccountMenu)).Body(
				app.Range(links).Slice(func(i int) app.UI {
					return app.A().ID(links[i].id).Role("menuitem").TabIndex(-1).Href(links[i].href).Text(links[i].label)
				}),
				app.Button().ID("menu-logout").Role("menuitem").TabIndex(-1).Type("button").OnClick(h.logout).Text(say(words.LogOut)),
			),
		),
	)
}

// menuLink is a page the account menu leads to.
type menuLink struct{ id, href, label string }

// menuLinks are the menu's pages, in order: My profile; the unread
// security notices, where the avatar's red count leads; the panel.
func (h *appHeader) menuLinks() []menuLink {
	links := []menuLink{{"menu-profile", "/profile", say(words.MyProfile)}}
	if n := h.Me.UnreadNotices; n > 0 {
		links = append(links, menuLink{"menu-notices", "/profile/notices", say(words.UnreadNoticesItem(n))})
	}
	if shared.IsAdministrator(h.Me.Role) {
		links = append(links, menuLink{"menu-admin", "/admin", say(words.MenuAdministration)})
	}
	return links
}

// menuItems are the ids of the menu's items, in order: its pages, then Log
// out.
func (h *appHeader) menuItems() []string {
	var ids []string
	for _, l := range h.menuLinks() {
		ids = append(ids, l.id)
	}
	return append(ids, "menu-logout")
}

func (h *appHeader) toggle(ctx app.Context, e app.Event) {
	if h.open {
		h.open = false
		return
	}
	h.openAt(ctx, 0)
}

// openAt opens the menu with the focus on its item i (-1: the last).
func (h *appHeader) openAt(ctx app.Context, i int) {
	items := h.menuItems()
	h.open = true
	h.focus(ctx, items[(i+len(items))%len(items)])
}

// avatarKey opens the menu from the keyboard at its first item (Arrow
// Down) or its last (Arrow Up); Enter and Space click.
func (h *appHeader) avatarKey(ctx app.Context, e app.Event) {
	switch e.Get("key").String() {
	case "ArrowDown":
		e.PreventDefault()
		h.openAt(ctx, 0)
	case "ArrowUp":
		e.PreventDefault()
		h.openAt(ctx, -1)
	}
}

func (h *appHeader) menuKey(ctx app.Context, e app.Event) {
	items := h.menuItems()
	at := slices.Index(items, focusedID())
	next := -1
	switch e.Get("key").String() {
	case "Escape":
		e.PreventDefault()
		h.open = false
		focusNow("avatar")
		return
	case "Tab":
		h.open = false // the focus goes on to the next element by itself
		return
	case "ArrowDown":
		next = (at + 1) % len(items)
	case "ArrowUp":
		next = (at - 1 + len(items)) % len(items)
		if at < 0 {
			next = len(items) - 1
		}
	case "Home":
		next = 0
	case "End":
		next = len(items) - 1
	default:
		return
	}
	e.PreventDefault()
	focusNow(items[next])
}

// logout ends the session on the server, and only then leaves for the login
// page: showing "logged out" while the session lives on (offline, server
// down) would leave a shared computer signed in. Until the server answers,
// the header says so, offers to try again, and tries again by itself.
func (h *appHeader) logout(ctx app.Context, e app.Event) {
	if h.busy {
		return
	}
	logOut(ctx, &h.apiState, func(ctx app.Context, err error) bool {
		h.logoutErr = say(words.LogoutFailed(errorMessage(err)))
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
