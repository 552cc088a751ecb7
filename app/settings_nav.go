package webapp

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared/words"
)

// section is one part of a settings page with an address of its own (as
// GitHub's "Password and authentication", "Sessions"): a person finds it
// in the navigation, links to it, and it is a screen, not a stretch of one
// long card.
type section struct {
	href string        // its address
	id   string        // the navigation link's element id
	name words.Message // the link's words and the section's heading
}

// profileSections are My profile's sections; the first is /profile itself
// (two-factor authentication), where the login sends a forced setup.
var profileSections = []section{
	{"/profile", "nav-security", words.SectionSecurity},
	{"/profile/password", "nav-password", words.Password},
	{"/profile/email", "nav-email", words.Email},
	{"/profile/sessions", "nav-sessions", words.Sessions},
	{"/profile/notices", "nav-notices", words.SecurityNotices},
	{"/profile/history", "nav-history", words.LoginHistory},
}

// profilePaths are the addresses of My profile's sections, each a page.
func profilePaths() []string {
	paths := make([]string, len(profileSections))
	for i, s := range profileSections {
		paths[i] = s.href
	}
	return paths
}

// sectionNav is a settings page's navigation: beside the section on a
// desktop, a row of tabs above it on a phone (styles.css, .section-nav),
// the current section marked for screen readers (aria-current) and eyes.
func sectionNav(label words.Message, sections []section, current string) app.UI {
	return app.Nav().Class("section-nav").Aria("label", say(label)).Body(
		app.Ul().Body(app.Range(sections).Slice(func(i int) app.UI {
			s := sections[i]
			a := app.A().ID(s.id).Href(s.href).Text(say(s.name))
			if s.href == current {
				a = a.Aria("current", "page").Class("current")
			}
			return app.Li().Body(a)
		})),
	)
}
