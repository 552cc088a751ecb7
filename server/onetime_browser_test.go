package main

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowser_TheFirstAdministratorReplacesTheGeneratedPassword: the
// password printed at the first start logs in only to choose a new one;
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
	b.run(t, "a weak password is called weak while typing, in the server's words",
		chromedp.SendKeys("#password-current", oneTime, chromedp.ByID),
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
