package main

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowser_TheFirstAdministratorReplacesTheGeneratedPassword: the
// password printed at the first start logs in only to choose a new one,
// without typing it again;
// the strength hint comes from the server while typing; the app opens after
// the change, and the printed password no longer works.
func TestBrowser_TheFirstAdministratorReplacesTheGeneratedPassword(t *testing.T) {
	inst := startOneTime(t, "", t.TempDir())
	oneTime := inst.AdminPassword
	const chosen = "Velvet-Orbit-Canyon-7319"
	b := newBrowser(t)
	logIn(b, t, inst.URL, "admin", oneTime)
	b.run(t, "the login asks for a new password",
		waitPath("/login"),
		chromedp.WaitVisible("#password-new", chromedp.ByID),
		waitText("h1", "Choose a new password"),
	)
	b.run(t, "the app's other pages send the session back to the step",
		chromedp.Navigate(inst.URL+"/profile"),
		waitPath("/login"),
		chromedp.WaitVisible("#password-new", chromedp.ByID),
	)
	b.run(t, "the one-time password the login just proved is not asked again",
		chromedp.WaitNotPresent("#password-current", chromedp.ByID),
	)
	b.run(t, "a weak password is called weak while typing, in the server's words",
		chromedp.SendKeys("#password-new", "admin2026", chromedp.ByID),
		waitText("#password-strength", "username"),
	)
	b.run(t, "a strong one is good to use",
		setInput("password-new", chosen),
		waitText("#password-strength", "Good to use"),
		chromedp.SendKeys("#password-repeat", chosen, chromedp.ByID),
		click("#password-submit"),
		waitPath("/"),
		chromedp.WaitVisible("#avatar", chromedp.ByID),
	)
	if apiLogin(t, inst.URL, "admin", oneTime) != nil {
		t.Error("the one-time password still logs in")
	}
	if c := apiLogin(t, inst.URL, "admin", chosen); c == nil || meStatus(t, c, inst.URL) != 200 {
		t.Error("the chosen password does not lead into the app")
	}
}

// TestBrowser_OnASlowLinkAOneTimePasswordLeadsToItsStep: before the app has
// arrived, the prerendered form's login with a one-time password shows the
// new-password step in place (it says the page is getting ready); the app
// then takes that step over on the same document and the login goes on.
func TestBrowser_OnASlowLinkAOneTimePasswordLeadsToItsStep(t *testing.T) {
	inst := startOneTime(t, "", t.TempDir())
	const chosen = "Velvet-Orbit-Canyon-7319"
	b := newBrowser(t)
	b.run(t, "slow link", slowLink())
	b.run(t, "open /login and type at once",
		chromedp.Navigate(inst.URL+"/login"),
		chromedp.WaitVisible("#password", chromedp.ByID),
		chromedp.SendKeys("#username", "admin", chromedp.ByID),
		chromedp.SendKeys("#password", inst.AdminPassword+"\r", chromedp.ByID),
		chromedp.WaitVisible("#new-password-loading", chromedp.ByID),
	)
	appNotRunning(t, b, "the new-password step")
	var path string
	b.run(t, "where the one-time password led", chromedp.Evaluate(`location.pathname + location.search`, &path))
	if path != "/login?step=new-password" {
		t.Fatalf("after the one-time password the page is at %s", path)
	}
	b.run(t, "the app arrives and takes the step over",
		chromedp.WaitVisible("#password-new", chromedp.ByID),
		chromedp.SendKeys("#password-new", chosen, chromedp.ByID),
		chromedp.SendKeys("#password-repeat", chosen, chromedp.ByID),
		click("#password-submit"),
		waitPath("/"),
		waitText("#welcome", "admin"),
	)
	oneDocument(t, b)
}
