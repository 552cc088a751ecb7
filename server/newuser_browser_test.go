package main

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The platform administrator's story of issue 16 from the start: they
// create an account, open it (the address keeps it across a reload and
// Back), create a user there with the New user form and read the one-time
// password shown once, and force 2FA with a three-day grace period. The new
// user logs in with the one-time password, chooses their own, and sees the
// banner; past the deadline the login leads to the setup window.
func TestBrowser_PlatformAdminCreatesAUserWhoGetsAGracePeriod(t *testing.T) {
	clock := &movedClock{}
	dir := t.TempDir()
	inst := startOn(t, withClock(context.Background(), clock.now), "", dir)
	b := newBrowser(t)

	logIn(b, t, inst.URL, "admin", inst.AdminPassword)
	b.run(t, "the admin connects 2FA, as Force 2FA asks of them", waitPath("/"),
		chromedp.Navigate(inst.URL+"/profile"), click("#connect-2fa"))
	connectInBrowser(b, t)
	var address string
	b.run(t, "create an account and open it: the address names it",
		waitText("#twofa-status", "On"),
		chromedp.Navigate(inst.URL+"/admin"),
		waitText("#accounts-table", "Default"),
		setInput("account-name", "Initech"),
		click("#new-account"),
		waitText("#accounts-table", "Initech"),
		click("#open-account-2"),
		waitText("#account-settings h2", "Initech"),
		chromedp.Evaluate(`location.pathname + location.search`, &address),
	)
	if address != "/admin?account=2" {
		t.Fatalf("the opened account's address: %s", address)
	}
	b.run(t, "a reload keeps the account open; Back leads to every account and Forward to it again",
		chromedp.Reload(),
		waitText("#account-settings h2", "Initech"),
		click("#back-to-accounts"),
		waitText("#accounts-table", "Initech"),
		chromedp.NavigateBack(),
		waitText("#account-settings h2", "Initech"),
		chromedp.Navigate(inst.URL+"/admin?account=99"),
		waitText("#account-settings", "There is no such account."),
		chromedp.Navigate(inst.URL+"/admin?account=2"),
		waitText("#account-settings h2", "Initech"),
	)
	var oneTime string
	b.run(t, "New user: the form, then the one-time password once",
		click("#tab-users"),
		waitPath("/admin"),
		click("#new-user"),
		focusIs("new-user-username"),
		setInput("new-user-username", "Nora"),
		chromedp.SetValue("#new-user-role", "user", chromedp.ByID),
		setInput("new-user-email", "nora@example.com"),
		click("#new-user-submit"),
		waitText("#one-time-password-box", "nora must change it at their first login"),
		focusIs("one-time-password-box"),
		chromedp.Text("#one-time-password", &oneTime, chromedp.ByID),
		waitText("#users-table", "nora@example.com"),
	)
	if len(oneTime) < 20 {
		t.Fatalf("the one-time password: %q", oneTime)
	}
	b.run(t, "the e-mail column's Edit changes nora's address",
		click("#one-time-password-done"),
		focusIs("new-user"),
		click("#email-nora"),
		focusIs("user-email"),
		setInput("user-email", "nora@initech.example"),
		click("#save-email"),
		waitText("#email-pending-nora", "Not confirmed yet: nora@initech.example"),
		chromedp.WaitVisible("#resend-email-nora", chromedp.ByID),
		focusIs("email-nora"),
	)
	b.run(t, "force 2FA with three days of grace, then log out",
		click("#tab-settings"),
		click(`label[for="force-2fa"]`),
		waitText("#force-2fa-count", "1 of the 1 user of Initech has no two-factor authentication yet."),
		setInput("grace-days", "3"),
		click("#force-2fa-confirm"),
		waitText("#grace-period", "Grace period: 3 days"),
		click("#avatar"),
		click("#menu-logout"),
		waitPath("/login"),
	)

	const chosen = "Velvet-Orbit-Canyon-7319"
	logIn(b, t, inst.URL, "nora", oneTime)
	b.run(t, "nora replaces the one-time password and sees the banner",
		chromedp.WaitVisible("#password-new", chromedp.ByID),
		chromedp.WaitNotPresent("#password-current", chromedp.ByID),
		chromedp.SendKeys("#password-new", chosen, chromedp.ByID),
		chromedp.SendKeys("#password-repeat", chosen, chromedp.ByID),
		click("#password-submit"),
		waitPath("/"),
		waitText("#welcome", "nora"),
		waitText("#twofa-banner", "Set up two-factor authentication by"),
		click("#avatar"),
		click("#menu-logout"),
		waitPath("/login"),
	)

	clock.moveAhead(4 * 24 * time.Hour)
	logIn(b, t, inst.URL, "nora", chosen)
	b.run(t, "past the deadline, the setup window is forced",
		waitPath("/profile"),
		chromedp.WaitVisible("#qr-code", chromedp.ByID),
		waitText("#security-settings", "Your account requires two-factor authentication."),
	)
}
