package main

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"
)

// virtualAuthenticator gives the browser's tab a platform authenticator of
// Chromium's own (DevTools WebAuthn domain): CTAP2, resident keys, a user
// who is verified, and presence simulated, so a ceremony needs no touch.
func virtualAuthenticator(b *browser, t *testing.T) {
	t.Helper()
	b.run(t, "add a virtual authenticator",
		webauthn.Enable().WithEnableUI(false),
		chromedp.ActionFunc(func(ctx context.Context) error {
			_, err := webauthn.AddVirtualAuthenticator(&webauthn.VirtualAuthenticatorOptions{
				Protocol: webauthn.AuthenticatorProtocolCtap2, Transport: webauthn.AuthenticatorTransportInternal,
				HasResidentKey: true, HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true,
			}).Do(ctx)
			return err
		}),
	)
}

// TestBrowser_AddASecurityKeyLogInWithItAndSignInWithThePasskey: in real
// Chromium with its virtual authenticator, the admin adds a key in
// Security settings (the first factor: recovery codes), logs in with the
// password and the key, then signs in with the passkey alone.
func TestBrowser_AddASecurityKeyLogInWithItAndSignInWithThePasskey(t *testing.T) {
	inst := start(t, "", t.TempDir())
	// A relying party is a domain: localhost, which is also a secure context.
	url := strings.Replace(inst.URL, "127.0.0.1", "localhost", 1)
	b := newBrowser(t)
	b.run(t, "open the login page", chromedp.Navigate(url+"/login"))
	virtualAuthenticator(b, t)
	logIn(b, t, url, "admin", inst.AdminPassword)
	var codes int
	b.run(t, "add a security key",
		waitPath("/"),
		click("#avatar"),
		click("#menu-profile"),
		click("#add-security-key"),
		chromedp.WaitVisible("#security-key-name", chromedp.ByID),
		chromedp.SendKeys("#security-key-name", "Laptop", chromedp.ByID),
		click("#security-key-submit"),
		chromedp.WaitVisible("#recovery-codes", chromedp.ByID),
		chromedp.Evaluate(`document.querySelectorAll("#recovery-codes li").length`, &codes),
		click("#codes-saved"),
		chromedp.WaitEnabled("#codes-continue", chromedp.ByID),
		click("#codes-continue"),
		chromedp.WaitNotPresent("#recovery-codes", chromedp.ByID),
		waitText("#second-factors", "Laptop"),
		waitText("#twofa-status", "On"),
	)
	if codes != 10 {
		t.Fatalf("%d recovery codes shown", codes)
	}
	b.run(t, "log out", click("#avatar"), click("#menu-logout"), waitPath("/login"))

	logIn(b, t, url, "admin", inst.AdminPassword)
	b.run(t, "the second step offers the key first, and it logs in",
		click("#use-security-key"),
		waitPath("/"),
		waitText("#welcome", "admin"),
	)
	b.run(t, "the key was used",
		click("#avatar"), click("#menu-profile"),
		waitText("#second-factors", "last used"),
	)
	b.run(t, "log out again", click("#avatar"), click("#menu-logout"), waitPath("/login"))

	b.run(t, "sign in with the passkey alone",
		chromedp.WaitVisible(`#login-form[data-ready="true"]`, chromedp.ByQuery),
		click("#passkey-login"),
		waitPath("/"),
		waitText("#welcome", "admin"),
	)
	b.run(t, "the admin forces 2FA, which the key satisfies",
		click("#avatar"),
		click("#menu-admin"),
		click("#open-account-1"), // the platform admin opens their own account
		waitPath("/admin"),
		click(`label[for="force-2fa"]`),
		click("#force-2fa-confirm"), // with no grace period: forced at once
		waitText("#policy-changed", "by admin"),
	)
	b.run(t, "removing the last factor asks for the password, warns, then logs out everywhere",
		click("#avatar"), click("#menu-profile"),
		click(`button[id^="remove-factor-key-"]`),
		chromedp.WaitVisible("#remove-factor-password", chromedp.ByID),
		chromedp.SendKeys("#remove-factor-password", inst.AdminPassword, chromedp.ByID),
		click("#remove-factor-password-submit"),
		waitText("#remove-factor-warning", "mandatory"),
		click("#remove-factor-confirm"),
		waitPath("/login"),
		waitText("#login-notice", "logged out everywhere"),
	)
}
