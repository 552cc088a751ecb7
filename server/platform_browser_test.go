package main

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// The platform administrator's story (issue 16): the panel opens on every
// account; they create one, open it, see its users, rename it and disable a
// user after a confirmation.
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
	b.run(t, "open it and see its users",
		chromedp.Navigate(inst.URL+"/admin"),
		waitText("#accounts-table", "Initech"),
		click("#open-account-2"),
		waitText("#account-settings h2", "Initech"),
		waitText("#users-table", "ivan"),
	)
	b.run(t, "rename it",
		setInput("rename-account", "Initrode"),
		click("#rename-account-submit"),
		waitText("#account-settings h2", "Initrode"),
	)
	b.run(t, "disable ivan, after a confirmation",
		click("#disable-ivan"),
		waitText("#confirm-change-dialog", "Disable ivan?"),
		click("#confirm-change"),
		waitText("#users-table", "Disabled"),
		waitText("#audit-log", "Disabled the user"),
	)
	b.run(t, "back to every account",
		click("#back-to-accounts"),
		waitText("#accounts-table", "Initrode"),
	)
}
