package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The platform administrator's story (issue 16): the panel opens on every
// account; they create one, open it, see its users, rename it and disable a
// user after a confirmation; the accounts say their 2FA adoption in words,
// and a password sprayed at a name no user has shows in the login attempts
// under "Unknown usernames".
func TestBrowser_PlatformAdminCreatesAndOpensAnAccount(t *testing.T) {
	dir := t.TempDir()
	inst := start(t, "", dir)
	b := newBrowser(t)
	logIn(b, t, inst.URL, "admin", inst.AdminPassword)
	b.run(t, "the panel opens on the accounts",
		waitPath("/"),
		chromedp.Navigate(inst.URL+"/admin"),
		waitText("#accounts-table", "Default"),
	)
	b.run(t, "create an account",
		setInput("account-name", "Initech"),
		click("#new-account"),
		waitText("#accounts-table", "Initech"),
	)
	addUser(t, inst, dir, "ivan", "copper kettle meadow", "--account", "initech")
	var passkeysOn bool
	b.run(t, "open it and see its users",
		chromedp.Navigate(inst.URL+"/admin"),
		waitText("#accounts-table", "Initech"),
		click("#open-account-2"),
		waitText("#account-settings h2", "Initech"),
		jsBool(`document.getElementById("passkeys-allowed").checked`, &passkeysOn),
		click("#tab-users"),
		waitText("#users-table", "ivan"),
	)
	if !passkeysOn {
		t.Error(`an account made in the panel has "Allow sign-in with a passkey alone" off (README: on by default)`)
	}
	b.run(t, "rename it",
		click("#tab-settings"),
		chromedp.WaitVisible("#rename-account", chromedp.ByID),
		setInput("rename-account", "Initrode"),
		click("#rename-account-submit"),
		waitText("#account-settings h2", "Initrode"),
	)
	b.run(t, "disable ivan, after a confirmation",
		click("#tab-users"),
		click("#disable-ivan"),
		waitText("#confirm-change-dialog", "Disable ivan?"),
		click("#confirm-change"),
		waitText("#users-table", "Disabled"),
		click("#tab-audit"),
		waitText("#audit-log", "Disabled the user"),
	)
	b.run(t, "back to every account",
		click("#back-to-accounts"),
		waitText("#accounts-table", "Initrode"),
		waitText("#accounts-table", "0 with 2FA (0%)"),
		waitText("#accounts-table", "1 without"),
	)
	res, err := http.Post(inst.URL+"/api/login", "application/json", strings.NewReader(`{"username":"spray-victor","password":"Winter2026!"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("the sprayed login: %d", res.StatusCode)
	}
	b.run(t, "the sprayed name shows under Unknown usernames",
		click("#open-account-2"),
		click("#tab-logins"),
		waitText("#admin-logins", "ivan"),
		click("#logins-unknown"),
		click("#logins-apply"),
		waitText("#admin-logins", "spray-victor"),
		waitText("#admin-logins", "No such user"),
	)
}
