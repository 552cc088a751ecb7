package main

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/warden-auth/warden/server/internal/mailsink"
	"github.com/warden-auth/warden/shared"
)

// TestBrowser_ANewAddressIsConfirmedFromTheLinkInTheMail: a user sets a new
// e-mail address in Security settings; the server mails a link to it (a
// real SMTP server here); opening the link confirms nothing until its
// button is pressed; then the page says so, and Security settings show the
// address confirmed.
func TestBrowser_ANewAddressIsConfirmedFromTheLinkInTheMail(t *testing.T) {
	box := mailsink.Start(t, "127.0.0.1:0")
	inst := start(t, "", t.TempDir(), "SMTP_URL", "smtp://"+box.Addr, "MAIL_FROM", "Warden <warden@example.com>")
	b := newBrowser(t)
	logIn(b, t, inst.URL, "admin", inst.AdminPassword)
	const address = "admin@example.com"
	b.run(t, "set the address",
		waitPath("/"),
		chromedp.Navigate(inst.URL+"/profile/email"),
		waitText("#email-status", "Notices are not sent by e-mail now."),
		setInput("email", address),
		click("#email-submit"),
		waitText("#email-changed", "We sent a link to "+address),
		waitText("#email-pending", address+" is not confirmed yet"),
	)
	mails, err := box.WaitFor(address, 1, 30*time.Second) // the server's mail loop runs every 2 s
	if err != nil {
		t.Fatal(err)
	}
	link := mails[0].Link()
	if link == "" {
		t.Fatalf("the mail carries no link:\n%s", mails[0].Body())
	}
	b.run(t, "open the link, and let the app take the page over",
		chromedp.Navigate(link),
		chromedp.WaitVisible(`#email-confirm-form[data-ready="true"]`, chromedp.ByQuery),
	)
	me := func() shared.Me {
		t.Helper()
		c := apiLogin(t, inst.URL, "admin", inst.AdminPassword)
		res, err := c.Get(inst.URL + "/api/me")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var m shared.Me
		if res.StatusCode != http.StatusOK || json.NewDecoder(res.Body).Decode(&m) != nil {
			t.Fatalf("me: %d", res.StatusCode)
		}
		return m
	}
	if m := me(); m.Email != "" || m.EmailPending != address {
		t.Fatalf("opening the link confirmed it: %+v", m)
	}
	b.run(t, "confirm",
		click("#email-confirm-submit"),
		waitText("#email-confirmed", "Your e-mail address is confirmed."),
	)
	if m := me(); m.Email != address || m.EmailPending != "" || m.EmailVerifiedAt == "" {
		t.Fatalf("after the button: %+v", m)
	}
	b.run(t, "the settings say so",
		chromedp.Navigate(inst.URL+"/profile/email"),
		waitText("#email-status", "Notices go to "+address+" (confirmed)."),
		chromedp.WaitNotPresent("#email-resend", chromedp.ByID),
	)
	b.run(t, "the link works once",
		chromedp.Navigate(link),
		click("#email-confirm-submit"),
		waitText("#email-confirm-error", "This link does not work"),
	)
}
