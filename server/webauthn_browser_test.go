package main

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"
	"github.com/warden-auth/warden/shared/words"
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

	logIn(b, t, url, "admin", inst.AdminPassword)
	b.run(t, "the forced setup offers a key instead of the app, and the key alone ends it",
		waitPath("/profile"),
		chromedp.WaitVisible("#connect-window", chromedp.ByID),
		click("#setup-use-key"),
		chromedp.WaitNotPresent("#connect-window", chromedp.ByID),
		chromedp.WaitVisible("#security-key-name", chromedp.ByID),
		chromedp.SendKeys("#security-key-name", "Forced key", chromedp.ByID),
		click("#security-key-submit"),
		chromedp.WaitVisible("#recovery-codes", chromedp.ByID),
		click("#codes-saved"),
		chromedp.WaitEnabled("#codes-continue", chromedp.ByID),
		click("#codes-continue"),
		waitPath("/"),
		waitText("#welcome", "admin"),
	)
	b.run(t, "log out after the setup", click("#avatar"), click("#menu-logout"), waitPath("/login"))

	logIn(b, t, url, "admin", inst.AdminPassword)
	b.run(t, "a reload at the second step still offers the key first",
		chromedp.WaitVisible("#use-security-key", chromedp.ByID),
		chromedp.Reload(),
		chromedp.WaitVisible(`#code-form[data-ready="true"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#use-security-key", chromedp.ByID),
		click("#use-security-key"),
		waitPath("/"),
		waitText("#welcome", "admin"),
	)
	b.run(t, "rename the key in Security settings",
		click("#avatar"), click("#menu-profile"),
		click(`button[id^="rename-factor-key-"]`),
		chromedp.WaitVisible("#rename-factor-name", chromedp.ByID),
		setInput("rename-factor-name", "\u0001"),
		click("#rename-factor-submit"),
		waitText("#rename-factor-error", "name"),
	)
	c := &a11yChecker{b: b, axe: loadAxe(t), lang: words.English}
	c.check(t, "a key's name refused")
	b.run(t, "rename the key with a good name",
		setInput("rename-factor-name", "Desk key"),
		click("#rename-factor-submit"),
		chromedp.WaitNotPresent("#rename-factor-form", chromedp.ByID),
		waitText("#second-factors", "Desk key"),
	)
	var fresh int
	b.run(t, "regenerate the recovery codes with the key",
		click("#regenerate-codes"),
		chromedp.WaitVisible("#regenerate-with-key", chromedp.ByID),
	)
	c.check(t, "Regenerate with a key")
	b.run(t, "touch the key to regenerate",
		click("#regenerate-with-key"),
		chromedp.WaitVisible("#recovery-codes", chromedp.ByID),
		chromedp.Evaluate(`document.querySelectorAll("#recovery-codes li").length`, &fresh),
	)
	if fresh != 10 {
		t.Fatalf("%d new recovery codes shown", fresh)
	}
}

// Opened at an IP address, where browsers refuse WebAuthn, the app offers
// no passkey sign-in and no "Add a security key", and says why where the
// key would be; the same server at localhost offers both.
func TestBrowser_NoKeyButtonsAtAnIPAddress(t *testing.T) {
	inst := start(t, "", t.TempDir()) // at 127.0.0.1
	b := newBrowser(t)
	var passkeyButton, addButton bool
	b.run(t, "the login page at an address, once the app runs",
		chromedp.Navigate(inst.URL+"/login"),
		chromedp.WaitVisible(`#login-form[data-ready="true"]`, chromedp.ByQuery),
		jsBool(`document.getElementById("passkey-login") !== null`, &passkeyButton),
	)
	logIn(b, t, inst.URL, "admin", inst.AdminPassword)
	b.run(t, "Security settings at an address",
		waitPath("/"),
		click("#avatar"),
		click("#menu-profile"),
		waitText(".second-factors", "not at an IP address"),
		jsBool(`document.getElementById("add-security-key") !== null`, &addButton),
	)
	if passkeyButton || addButton {
		t.Fatalf("key buttons at an IP address: passkey sign-in %v, add a key %v", passkeyButton, addButton)
	}
	b.run(t, "at localhost both are offered",
		click("#avatar"), click("#menu-logout"), waitPath("/login"),
		chromedp.Navigate(strings.Replace(inst.URL, "127.0.0.1", "localhost", 1)+"/login"),
		chromedp.WaitVisible("#passkey-login", chromedp.ByID),
	)
}
