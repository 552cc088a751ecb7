package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The administrator forces 2FA with a three-day grace period, after the
// confirmation says how many users it concerns; the user who logs in sees
// the banner with their deadline, may open the setup from it or skip it for
// the session; with the server's clock four days on, the setup window is
// forced at login, as without a grace period.
func TestBrowser_ForceTwoFactorWithAGracePeriodShowsTheBannerThenForcesTheSetup(t *testing.T) {
	clock := &movedClock{}
	dir := t.TempDir()
	inst := startOn(t, withClock(context.Background(), clock.now), "", dir)
	addUser(t, inst, dir, "ursula", ursulasPassword)
	b := newBrowser(t)

	logIn(b, t, inst.URL, "admin", inst.AdminPassword)
	b.run(t, "admin opens Security settings", waitPath("/"), chromedp.Navigate(inst.URL+"/profile"),
		click("#connect-2fa"))
	connectInBrowser(b, t)
	var switchOff bool
	b.run(t, "admin switches Force 2FA on: the confirmation counts the users without 2FA",
		waitText("#twofa-status", "On"),
		click("#avatar"),
		click("#menu-admin"),
		click("#open-account-1"), // the platform admin opens their own account
		waitPath("/admin"),
		click("#tab-users"),
		waitText("#users-table", "ursula"),
		click("#tab-settings"),
		click(`label[for="force-2fa"]`),
		waitText("#force-2fa-count", "1 of the 2 users of Default has no two-factor authentication yet."),
		focusIs("force-2fa-dialog"),
		jsBool(`document.getElementById("force-2fa").checked === false`, &switchOff),
		setInput("grace-days", "3"),
		click("#force-2fa-confirm"),
		waitText("#grace-period", "Grace period: 3 days"),
		waitText("#policy-changed", "by admin"),
		chromedp.WaitNotPresent("#force-2fa-dialog", chromedp.ByID),
		click("#avatar"),
		click("#menu-logout"),
		waitPath("/login"),
	)
	if !switchOff {
		t.Error("the switch showed On while the confirmation asked")
	}

	loggedIn := time.Now()
	logIn(b, t, inst.URL, "ursula", ursulasPassword)
	var deadline, label string
	b.run(t, "ursula is in the app, with the banner and her deadline",
		waitPath("/"),
		waitText("#welcome", "ursula"),
		waitText("#twofa-banner", "Set up two-factor authentication by"),
		chromedp.Text("#twofa-deadline", &deadline, chromedp.ByID),
		chromedp.Evaluate(`(() => { const b = document.getElementById("twofa-banner");
			return b.tagName + ":" + document.getElementById(b.getAttribute("aria-labelledby")).textContent; })()`, &label),
	)
	// The deadline is three days after her login, in the browser's zone
	// (the test's, here).
	want := []string{}
	for _, at := range []time.Time{loggedIn, time.Now()} {
		want = append(want, at.Add(72*time.Hour).Format("2 Jan 2006, 15:04"))
	}
	if deadline != want[0] && deadline != want[1] {
		t.Errorf("the banner's deadline %q, want %q", deadline, want)
	}
	if !strings.HasPrefix(label, "SECTION:Set up two-factor authentication by") {
		t.Errorf("the banner is not a region named by its text: %q", label)
	}
	b.run(t, "Set up now opens the setup window, on My profile too; the banner stays until it is done",
		click("#avatar"),
		click("#menu-profile"),
		waitText("#twofa-status", "Off"),
		click("#twofa-setup-now"),
		chromedp.WaitVisible("#qr-code", chromedp.ByID),
		chromedp.WaitVisible("#twofa-banner", chromedp.ByID),
		chromedp.Navigate(inst.URL+"/"),
		click("#twofa-setup-now"),
		waitPath("/profile"),
		chromedp.WaitVisible("#qr-code", chromedp.ByID),
		chromedp.Navigate(inst.URL+"/"),
		waitText("#welcome", "ursula"),
		click("#twofa-skip"),
		chromedp.WaitNotPresent("#twofa-banner", chromedp.ByID),
		click("#avatar"),
		click("#menu-profile"),
		waitPath("/profile"),
		waitText("#twofa-status", "Off"),
	)
	var present bool
	b.run(t, "skipped, the banner stays away for the session",
		chromedp.Reload(),
		waitText("#twofa-status", "Off"),
		jsBool(`document.getElementById("twofa-banner") !== null`, &present),
	)
	if present {
		t.Error("the skipped banner came back on a reload")
	}

	// Four days on, her session has expired and her deadline has passed.
	clock.moveAhead(4 * 24 * time.Hour)
	logIn(b, t, inst.URL, "ursula", ursulasPassword)
	b.run(t, "past the deadline, the setup window is forced",
		waitPath("/profile"),
		chromedp.WaitVisible("#qr-code", chromedp.ByID),
		waitText("#security-settings", "Your account requires two-factor authentication."),
		jsBool(`document.getElementById("twofa-banner") !== null`, &present),
	)
	if present {
		t.Error("the banner shows while the setup is forced")
	}
}
