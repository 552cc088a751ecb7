package webapp

import (
	"net/url"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// profilePage is "My profile": who the user is and their security
// settings, a section at a time (settings_nav.go), each at its address.
type profilePage struct {
	signedInPage
	section   string // the section's address, one of profileSections
	openSetup bool
	page      *PageData // what the server put into this page, if anything
	setupErr  string    // the error of a setup code posted before the app ran
}

// OnInit reads the address the browser opened, and what the server put
// into the page, before the first render: the app's first page is then the
// server's (the setup window with its key, or the codes), with the same
// fields for what was typed to be carried into (takeover_js.go), not a
// loader until the server has said who is signed in.
func (p *profilePage) OnInit() {
	if app.IsClient {
		p.readURL(app.Window().URL())
	}
}

// OnNav reads ?setup=1, which the login page adds for a user who must set
// up 2FA before anything else.
func (p *profilePage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle(say(words.TitleProfile))
	p.readURL(ctx.Page().URL())
}

func (p *profilePage) readURL(u *url.URL) {
	p.section = u.Path
	// Only the security section sets up 2FA.
	p.openSetup = u.Path == "/profile" && u.Query().Get("setup") == "1"
	if !p.openSetup {
		return
	}
	p.setupErr = formError(u.Query())
	if d := takePageData(u); d != nil {
		p.page = d
		// The user the server lent (or, in the browser, put into the
		// page): the page is the setup itself, not a loader.
		if d.Me != nil && p.me == nil {
			p.me, p.status = d.Me, meKnown
		}
	}
}

func (p *profilePage) Render() app.UI {
	return shell(p.me, p.errMsg, func(me *shared.Me) app.UI {
		// While enrolling the setup is all this session may do: no other
		// section. The setup keeps its place in the page when the
		// enrolment ends (its codes are still on screen), so only the
		// navigation comes and goes.
		enrolling := me.Stage == shared.NextEnroll
		layout, nav := "settings", sectionNav(words.MyProfile, profileSections, p.section)
		if enrolling {
			layout, nav = "settings alone", app.Div()
		}
		return app.Div().Body(
			app.H1().Class("page-title").Text(say(words.MyProfile)),
			app.Div().Class(layout).Body(nav, app.Div().Class("settings-main").Body(p.content(me))),
		)
	})
}

// content is the section the address names.
func (p *profilePage) content(me *shared.Me) app.UI {
	var c app.UI
	switch p.section {
	case "/profile/password":
		c = &changePassword{}
	case "/profile/email":
		c = &emailAddress{Me: me}
	case "/profile/sessions":
		c = &sessionsList{}
	case "/profile/notices":
		c = &securityNotices{}
	case "/profile/history":
		c = &loginHistory{}
	}
	if c == nil || me.Stage == shared.NextEnroll { // /profile, or enrolling
		return p.security(me)
	}
	return app.Section().Class("card").Body(c)
}

// security is who the user is, and their two-factor authentication.
func (p *profilePage) security(me *shared.Me) app.UI {
	return app.Div().Body(
		app.Section().Class("card").Aria("label", say(words.MyProfile)).Body(
			app.Dl().Class("facts").Body(
				app.Dt().Text(say(words.Username)), app.Dd().ID("profile-username").Text(me.Username),
				app.Dt().Text(say(words.Account)), app.Dd().ID("profile-account").Text(me.Account),
				app.Dt().Text(say(words.Role)), app.Dd().ID("profile-role").Text(roleName(me.Role)),
			),
		),
		&securitySettings{Me: me, OpenSetup: p.openSetup, Page: p.page, SetupError: p.setupErr},
		app.If(me.Stage != shared.NextEnroll, func() app.UI { return &languageSetting{} }),
	)
}
