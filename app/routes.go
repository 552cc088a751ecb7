// Package webapp is Warden's go-app frontend: its pages, their routes and the
// handler configuration the server serves them with. The wasm main is in
// app/wasm; the server registers the same routes, so every page is
// prerendered there.
package webapp

import (
	"slices"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// Paths lists every page route: My profile is one per section.
var Paths = append([]string{"/", "/login", "/admin", "/email/confirm", shared.AppSignInConfirm}, profilePaths()...)

// NotFound reports whether path is none of the pages: the server answers it
// with the not-found page and a 404.
func NotFound(path string) bool { return !slices.Contains(Paths, path) }

// Routes registers every page with go-app.
func Routes() {
	app.Route("/", func() app.Composer { return &homePage{} })
	app.Route("/login", func() app.Composer { return &loginPage{} })
	for _, p := range profilePaths() {
		app.Route(p, func() app.Composer { return &profilePage{} })
	}
	app.Route("/admin", func() app.Composer { return &adminPage{} })
	app.Route("/email/confirm", func() app.Composer { return &emailConfirmPage{} })
	app.Route(shared.AppSignInConfirm, func() app.Composer { return &appSignInConfirmPage{} })
	// Last: go-app tries the exact routes first, then these in order.
	app.RouteWithRegexp("^/", func() app.Composer { return &notFoundPage{} })
}

// navigate is how pages send the user elsewhere: ctx.Navigate, but home
// is the application's sign-in that sent the browser to the login, if one
// waits (appSignIn). go-app's test engine has no routes and keeps no
// record of a navigation, so tests replace it to see where the app went.
var navigate = func(ctx app.Context, u string) {
	if isHome(u) && resumeAppSignIn(ctx) {
		return
	}
	ctx.Navigate(u)
}

// isHome reports whether u is the home page, with or without a query.
func isHome(u string) bool { return u == "/" || strings.HasPrefix(u, "/?") }

// Handler returns the PWA's configuration. Icons and styles are local files:
// go-app's defaults point at remote URLs, which the CSP and offline use both
// forbid. The server adds Version, Resources and WasmContentLength.
func Handler() *app.Handler {
	return &app.Handler{
		Name:            say(words.ProductName),
		ShortName:       say(words.ProductName),
		Title:           say(words.ProductName),
		Description:     say(words.AppDescription),
		Lang:            "en",
		BackgroundColor: "#f6f7f9",
		ThemeColor:      "#1f3a8a",
		LoadingLabel:    say(words.AppLoading),
		Icon: app.Icon{
			Default:  "/web/icon-192.png",
			Large:    "/web/icon-512.png",
			Maskable: "/web/icon-512.png",
			SVG:      "/web/icon.svg",
		},
		Styles: []string{"/web/styles.css"},
		// Makes the prerendered forms work before the wasm arrives, and
		// keeps what was typed when the app takes over (web/early.js).
		Scripts: []string{"/web/early.js"},
		// Every page's shell opens offline, not only "/", with the logo the
		// pages show (go-app caches the other icons itself).
		CacheableResources: append([]string{"/web/icon.svg"}, Paths...),
	}
}
