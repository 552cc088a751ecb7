package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowser_ANoticeShowsOnTheAvatarUntilTheListIsSeen: a change made
// elsewhere (the e-mail address, through the API) makes a notice; the
// avatar shows the count, with it in its accessible name; opening Security
// settings lists the notice in words, and the count goes away, also after
// a reload.
func TestBrowser_ANoticeShowsOnTheAvatarUntilTheListIsSeen(t *testing.T) {
	inst := start(t, "", t.TempDir())
	b := newBrowser(t)
	logIn(b, t, inst.URL, "admin", inst.AdminPassword)
	b.run(t, "no notice yet", waitPath("/"), chromedp.WaitVisible("#avatar", chromedp.ByID))
	var count int
	b.run(t, "count the badges", chromedp.Evaluate(`document.querySelectorAll("#notice-count").length`, &count))
	if count != 0 {
		t.Fatalf("a notice count before any notice: %d", count)
	}

	elsewhere := apiLogin(t, inst.URL, "admin", inst.AdminPassword)
	req, _ := http.NewRequest("PUT", inst.URL+"/api/me/email", strings.NewReader(`{"email":"admin@example.com"}`))
	req.Header.Set("Content-Type", "application/json")
	res, err := elsewhere.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNoContent {
		t.Fatalf("set the address: %d", res.StatusCode)
	}

	var label string
	b.run(t, "the avatar shows the count",
		chromedp.Navigate(inst.URL+"/"),
		waitText("#notice-count", "1"),
		chromedp.AttributeValue("#avatar", "aria-label", &label, nil, chromedp.ByID),
	)
	if label != "Account menu, 1 unread security notice" {
		t.Errorf("the avatar's name: %q", label)
	}
	b.run(t, "the count leads to the list through the menu; the count goes away",
		click("#avatar"),
		waitText("#menu-notices", "1 unread security notice"),
		click("#menu-notices"),
		waitPath("/profile/notices"),
		waitText("#notices", "A link to confirm a new e-mail address was sent"),
		waitText("#notices", "127.0.0.1"),
		chromedp.WaitNotPresent("#notice-count", chromedp.ByID),
	)
	b.run(t, "still read after a reload",
		chromedp.Navigate(inst.URL+"/"),
		chromedp.WaitVisible("#avatar", chromedp.ByID),
		chromedp.Evaluate(`document.querySelectorAll("#notice-count").length`, &count),
	)
	if count != 0 {
		t.Errorf("the count came back after a reload")
	}
	var email string
	b.run(t, "the address waiting for its link is in the E-mail field",
		chromedp.Navigate(inst.URL+"/profile/email"),
		waitTrue(`document.getElementById("email")?.value !== ""`),
		chromedp.Value("#email", &email, chromedp.ByID),
	)
	if email != "admin@example.com" {
		t.Errorf("the E-mail field: %q", email)
	}
}
