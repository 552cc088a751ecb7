package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowser_EndAnotherSessionThenTrustThisBrowser: the user sees their two
// sessions in Security settings and ends the other, which answers 401 at
// once; with the account allowing it, they tick "Don't ask for a code on
// this browser" at the second step, and the next login asks for the
// password only. The trusted browser is listed beside the sessions.
func TestBrowser_EndAnotherSessionThenTrustThisBrowser(t *testing.T) {
	inst := start(t, "", t.TempDir())
	elsewhere := apiLogin(t, inst.URL, "admin", inst.AdminPassword)
	if elsewhere == nil || meStatus(t, elsewhere, inst.URL) != 200 {
		t.Fatal("the other session did not start")
	}
	b := newBrowser(t)
	logIn(b, t, inst.URL, "admin", inst.AdminPassword)
	var rows int
	var device string
	b.run(t, "see both sessions",
		waitPath("/"),
		chromedp.Navigate(inst.URL+"/profile/sessions"),
		chromedp.WaitVisible(`#sessions button[id^="end-session-"]`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll("#sessions tbody tr").length`, &rows),
		chromedp.Text(`#sessions tbody tr:first-child td:first-child`, &device, chromedp.ByQuery),
	)
	if rows != 2 || !strings.Contains(device, "Go HTTP client") {
		t.Fatalf("%d session rows, the first %q", rows, device)
	}
	b.run(t, "End asks first; Cancel leaves the session running",
		click(`#sessions button[id^="end-session-"]`),
		chromedp.WaitVisible("#end-session-dialog", chromedp.ByID),
		focusIs("end-session-dialog"),
		click("#end-session-cancel"),
		chromedp.WaitNotPresent("#end-session-dialog", chromedp.ByID),
	)
	if got := meStatus(t, elsewhere, inst.URL); got != 200 {
		t.Fatalf("a cancelled End ended the session: it answers %d", got)
	}
	b.run(t, "end the other session",
		click(`#sessions button[id^="end-session-"]`),
		click("#end-session-confirm"),
		waitText(".sessions [role=status]", "The session was ended."),
		chromedp.WaitNotPresent(`#sessions button[id^="end-session-"]`, chromedp.ByQuery),
		waitText("#sessions", "This session"),
	)
	if got := meStatus(t, elsewhere, inst.URL); got != 401 {
		t.Fatalf("the ended session answers %d, want 401", got)
	}

	b.run(t, "connect an authenticator", click("#nav-security"), waitPath("/profile"), click("#connect-2fa"))
	secret := connectInBrowser(b, t)
	connected := time.Now()
	var days string
	b.run(t, "the account allows trusting a browser for 30 days",
		chromedp.Navigate(inst.URL+"/admin"),
		click("#open-account-1"), // the platform admin opens their own account
		chromedp.WaitVisible("#remember-browser-days", chromedp.ByID),
		chromedp.Evaluate(`(() => { const s = document.getElementById("remember-browser-days"); s.value = "30";
			s.dispatchEvent(new Event("change", {bubbles: true})); return true })()`, nil),
		click("#tab-audit"),
		waitText("#audit-log", "Changed Trust a browser for 2FA"),
		chromedp.Navigate(inst.URL+"/admin"),
		click("#open-account-1"), // the platform admin opens their own account
		chromedp.WaitVisible("#remember-browser-days", chromedp.ByID),
		chromedp.Evaluate(`document.getElementById("remember-browser-days").value`, &days),
	)
	if days != "30" {
		t.Fatalf("the select shows %q after a reload", days)
	}
	b.run(t, "log out", click("#avatar"), click("#menu-logout"), waitPath("/login"))

	logIn(b, t, inst.URL, "admin", inst.AdminPassword)
	next := totpCode(t, secret, connected.Add(30*time.Second))
	b.run(t, "trust this browser at the second step",
		chromedp.WaitVisible("#remember-browser", chromedp.ByID),
		waitText(`label[for="remember-browser"]`, "Don't ask for a code on this browser for 30 days"),
		click("#remember-browser"),
		setInput("code", next),
		waitPath("/"),
		click("#avatar"), click("#menu-logout"), waitPath("/login"),
	)
	logIn(b, t, inst.URL, "admin", inst.AdminPassword)
	b.run(t, "the next login asks for the password only",
		waitPath("/"),
		waitText("#welcome", "admin"),
		chromedp.Navigate(inst.URL+"/profile/sessions"),
		waitText("#trusted-browsers", "Chrome"),
		chromedp.WaitVisible(`#trusted-browsers button[id^="remove-browser-"]`, chromedp.ByQuery),
	)
}
