package main

import (
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// apiLogin logs in through the JSON API with a client of its own and
// returns it, or nil when the password is refused.
func apiLogin(t *testing.T, base, username, password string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	res, err := c.Post(base+"/api/login", "application/json",
		strings.NewReader(`{"username":"`+username+`","password":"`+password+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil
	}
	return c
}

func meStatus(t *testing.T, c *http.Client, base string) int {
	t.Helper()
	res, err := c.Get(base + "/api/me")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestBrowser_ChangeThePasswordAndTheOtherSessionEnds: in Security settings,
// the user changes the password; their session elsewhere is over at once,
// the old password no longer logs in and the new one does.
func TestBrowser_ChangeThePasswordAndTheOtherSessionEnds(t *testing.T) {
	inst := start(t, "", t.TempDir())
	const newPassword = "Velvet-Orbit-Canyon-7319"
	elsewhere := apiLogin(t, inst.URL, "admin", inst.AdminPassword)
	if elsewhere == nil || meStatus(t, elsewhere, inst.URL) != 200 {
		t.Fatal("the other session did not start")
	}
	b := newBrowser(t)
	logIn(b, t, inst.URL, "admin", inst.AdminPassword)
	b.run(t, "change the password",
		waitPath("/"),
		chromedp.Navigate(inst.URL+"/profile/password"),
		chromedp.WaitVisible("#password-current", chromedp.ByID),
		chromedp.SendKeys("#password-current", inst.AdminPassword, chromedp.ByID),
		chromedp.SendKeys("#password-new", newPassword, chromedp.ByID),
		chromedp.SendKeys("#password-repeat", newPassword, chromedp.ByID),
		click("#password-submit"),
		waitText("#password-changed", "Your password is changed"),
	)
	if got := meStatus(t, elsewhere, inst.URL); got != http.StatusUnauthorized {
		t.Errorf("the other session after the change: %d, want 401", got)
	}
	if apiLogin(t, inst.URL, "admin", inst.AdminPassword) != nil {
		t.Error("the old password still logs in")
	}
	if apiLogin(t, inst.URL, "admin", newPassword) == nil {
		t.Error("the new password does not log in")
	}
	b.run(t, "this session goes on", chromedp.Navigate(inst.URL+"/profile"), chromedp.WaitVisible("#twofa-status", chromedp.ByID))
}
