package webapp

import (
	"regexp"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
)

type adminLoginsOnClient struct {
	adminLogins
	clientSide
}

func (c *adminLoginsOnClient) OnPreRender(ctx app.Context) { c.ctx = ctx; c.OnInit() }

// logins is a page of attempts, one per attempted name.
func logins(names ...string) shared.LoginEventPage {
	var p shared.LoginEventPage
	for i, n := range names {
		p.Events = append(p.Events, shared.LoginEvent{ID: int64(len(names) - i), Time: "2026-11-23T10:00:00Z", Username: n,
			Result: shared.ResultFailure, Reason: shared.ReasonUnknownUser, Method: shared.MethodPassword, IP: "192.0.2.9"})
	}
	return p
}

// The platform administrator's "Unknown usernames" filter asks for the
// attempts of no account (the account left out), with the other filters;
// the rows of the account go at once, and an empty answer says no attempts
// match. An account administrator has no such filter.
func TestAdminLogins_ThePlatformAdministratorFiltersUnknownUsernames(t *testing.T) {
	api := newFakeAPI(t)
	api.on("GET /api/admin/logins?account=7&limit=20", answer(200, logins("ursula", "root")))
	api.on("GET /api/admin/logins?unknown=true&limit=20", answer(200, logins("spray-bob", "spray-ann")))
	api.on("GET /api/admin/logins?result=failure&unknown=true&user=nobody&limit=20", answer(200, logins()))
	api.on("GET /api/admin/logins?account=7&from=yesterday&limit=20", answer(400,
		&shared.Error{Code: shared.EInvalid, Message: "Check the filters.", Fields: map[string]string{"from": "Give a date as YYYY-MM-DD."}}))
	c := &adminLoginsOnClient{adminLogins: adminLogins{AccountID: 7, Platform: true}}
	s := open(t, c)
	sameRequests(t, api.sent(), "GET /api/admin/logins?account=7&limit=20")
	html := s.html()
	contains(t, html, `id="logins-unknown"`, `for="logins-unknown"`, "Unknown usernames",
		`aria-describedby="logins-unknown-hint"`, `id="logins-unknown-hint"`, ">ursula<")

	s.do(func(ctx app.Context) { c.unknown = true; c.submit(ctx, noEvent) })
	sameRequests(t, api.sent(), "GET /api/admin/logins?unknown=true&limit=20")
	html = s.html()
	contains(t, html, ">spray-bob<", ">spray-ann<", "No such user")
	lacks(t, html, ">ursula<")

	s.do(func(ctx app.Context) { c.user, c.failedOnly = "nobody", true; c.submit(ctx, noEvent) })
	sameRequests(t, api.sent(), "GET /api/admin/logins?result=failure&unknown=true&user=nobody&limit=20")
	html = s.html()
	lacks(t, html, ">spray-bob<")
	contains(t, html, "No attempts match these filters.")

	// Unchecked: the account's attempts again; a refused bound drops the
	// rows and marks its field.
	s.do(func(ctx app.Context) {
		c.user, c.failedOnly, c.unknown, c.from = "", false, false, "yesterday"
		c.submit(ctx, noEvent)
	})
	sameRequests(t, api.sent(), "GET /api/admin/logins?account=7&from=yesterday&limit=20")
	html = s.html()
	contains(t, html, "Give a date as YYYY-MM-DD.")
	if !attrSet(t, html, "logins-from", "aria-invalid") || attrSet(t, html, "logins-to", "aria-invalid") {
		t.Errorf("the refused bound is not the one marked:\n%s", html)
	}
	lacks(t, html, ">spray-", ">ursula<")

	// An account administrator: no filter, and a stray state cannot send it.
	own := &adminLogins{AccountID: 0, unknown: true}
	if got := own.listPath(); strings.Contains(got, "unknown") {
		t.Errorf("an account administrator's list asks %q", got)
	}
	lacks(t, render(t, &adminLogins{}), `id="logins-unknown"`, "Unknown usernames")
}

// The accounts table and the account's settings say the 2FA adoption in
// words: with (and the share), without, and in their grace period.
func TestAdminAccounts_TheAdoptionIsInWordsWithTheGracePeriod(t *testing.T) {
	api := newFakeAPI(t)
	api.on("GET /api/admin/accounts", answer(200, shared.AccountsPage{Accounts: []shared.AccountSettings{
		{ID: 1, Name: "Default", Users: 1, UsersWith2FA: 1},
		{ID: 7, Name: "Acme", Users: 5, UsersWith2FA: 2, UsersInGrace: 1, Force2FA: true, GraceDays: 7, ChangedAt: "2026-11-23T10:00:00Z"},
		{ID: 8, Name: "Initech"},
	}}))
	c := &adminAccountsOnClient{adminAccounts: adminAccounts{Me: &shared.Me{Username: "root", Role: shared.RolePlatformAdmin, TOTPEnabled: true}}}
	s := open(t, c)
	html := flat(s.html())
	contains(t, html, `<th scope="col">2FA adoption</th>`, `<td data-label="2FA adoption"><ul class="adoption">`,
		"<li>1 with 2FA (100%)</li><li>0 without</li></ul>",
		"<li>2 with 2FA (40%)</li><li>3 without</li><li>1 in grace period</li>", "No users yet")

	a := flat(render(t, &adminAccount{Me: &shared.Me{Username: "root", Role: shared.RoleAdmin, TOTPEnabled: true},
		account: &shared.AccountSettings{ID: 7, Name: "Acme", Users: 5, UsersWith2FA: 2, UsersInGrace: 1, Force2FA: true, GraceDays: 7}}))
	contains(t, a, `id="account-adoption"`, "2FA adoption: ", "<li>3 without</li><li>1 in grace period</li>")
}

// flat is html without the indentation between tags.
func flat(html string) string { return regexp.MustCompile(`>\s+<`).ReplaceAllString(html, "><") }

type adminAccountsOnClient struct {
	adminAccounts
	clientSide
}

func (c *adminAccountsOnClient) OnPreRender(ctx app.Context) { c.ctx = ctx; c.OnMount(ctx) }

// While Force 2FA is on, the grace period can be changed: the same
// confirmation (the count, the days, the server's rule for them), sent
// with force_2fa true; Cancel changes nothing, and a refused change leaves
// the switch on.
func TestAdminAccount_TheGracePeriodChangesWhileForce2FAIsOn(t *testing.T) {
	api := newFakeAPI(t)
	on := shared.AccountSettings{ID: 7, Name: "Acme", Force2FA: true, GraceDays: 3, Users: 5, UsersWith2FA: 2, UsersInGrace: 2, PasskeysAllowed: true}
	api.on("GET /api/admin/accounts", answer(200, shared.AccountsPage{Accounts: []shared.AccountSettings{on}}))
	root := shared.Me{Stage: shared.NextDone, Username: "root", Role: shared.RoleAdmin, TOTPEnabled: true}
	api.on("GET /api/me", answer(200, root))
	a := &adminAccountOnClient{adminAccount: adminAccount{Me: &root}}
	s := open(t, a)
	html := s.html()
	contains(t, html, `id="grace-period"`, "Grace period: 3 days", `id="change-grace-days"`, "Change grace period")
	lacks(t, html, `id="force-2fa-dialog"`)
	api.sent()

	s.do(func(ctx app.Context) { a.changeGrace(ctx, noEvent) })
	html = s.html()
	contains(t, html, `id="force-2fa-dialog"`, "Change the grace period of Acme?", "3 of the 5 users of Acme have no two-factor authentication yet.",
		`id="grace-days"`, `value="3"`, "Save grace period")
	lacks(t, html, `id="change-grace-days"`)
	for _, typed := range []string{"31", "-1", "x", ""} {
		a.graceDays = typed
		s.do(func(ctx app.Context) { a.confirm(ctx, noEvent) })
		contains(t, s.html(), "The grace period is a whole number of days from 0 to 30.")
	}
	s.do(func(ctx app.Context) { a.cancelConfirm(ctx) })
	lacks(t, s.html(), `id="force-2fa-dialog"`)
	sameRequests(t, api.sent(), "GET /api/admin/accounts")

	// The server refuses (say, a proof is too old and cannot be given):
	// the switch stays on.
	api.on("PUT /api/admin/accounts/7/settings", answer(403, &shared.Error{Code: shared.EForbidden, Message: "Not now."}))
	s.do(func(ctx app.Context) { a.changeGrace(ctx, noEvent) })
	a.graceDays = "10"
	s.do(func(ctx app.Context) { a.confirm(ctx, noEvent) })
	if !attrSet(t, s.html(), "force-2fa", "checked") {
		t.Error("a refused change of the days shows the switch off")
	}
	sameRequests(t, api.sent(), "GET /api/admin/accounts", `PUT /api/admin/accounts/7/settings {"force_2fa":true,"grace_days":10}`)

	changed := on
	changed.GraceDays, changed.UsersInGrace = 10, 3
	api.on("PUT /api/admin/accounts/7/settings", answer(200, changed))
	a.graceDays = " 10 "
	s.do(func(ctx app.Context) { a.confirm(ctx, noEvent) })
	html = s.html()
	lacks(t, html, `id="force-2fa-dialog"`)
	contains(t, flat(html), "Grace period: 10 days", "<li>3 in grace period</li>")
	sameRequests(t, api.sent(), `PUT /api/admin/accounts/7/settings {"force_2fa":true,"grace_days":10}`, "GET /api/me")

	// With none, it says so and can still be changed.
	none := render(t, &adminAccount{Me: &root, account: &shared.AccountSettings{ID: 7, Name: "Acme", Force2FA: true}})
	contains(t, none, "No grace period", `id="change-grace-days"`)
	lacks(t, render(t, &adminAccount{Me: &root, account: &shared.AccountSettings{ID: 7, Name: "Acme"}}), `id="change-grace-days"`, `id="grace-period"`)
}

// "Allow sign-in with a passkey alone" is a switch showing the setting,
// saved at once; a refusal puts it back.
func TestAdminAccount_ThePasskeySwitchSavesAtOnce(t *testing.T) {
	api := newFakeAPI(t)
	acc := shared.AccountSettings{ID: 7, Name: "Acme", PasskeysAllowed: true}
	api.on("GET /api/admin/accounts", answer(200, shared.AccountsPage{Accounts: []shared.AccountSettings{acc}}))
	root := shared.Me{Stage: shared.NextDone, Username: "root", Role: shared.RoleAdmin, TOTPEnabled: true}
	changes := 0
	a := &adminAccountOnClient{adminAccount: adminAccount{Me: &root, OnChanged: func(app.Context) { changes++ }}}
	s := open(t, a)
	html := s.html()
	contains(t, html, `id="passkeys-allowed"`, `for="passkeys-allowed"`, "Allow sign-in with a passkey alone",
		`aria-describedby="passkeys-allowed-hint"`, `id="passkeys-allowed-hint"`)
	if !attrSet(t, html, "passkeys-allowed", "checked") || !strings.Contains(html, `role="switch"`) {
		t.Fatalf("the switch does not show On:\n%s", html)
	}
	api.sent()

	off := acc
	off.PasskeysAllowed = false
	api.on("PUT /api/admin/accounts/7/settings", answer(200, off))
	s.do(func(ctx app.Context) { a.togglePasskeys(ctx, noEvent) })
	if attrSet(t, s.html(), "passkeys-allowed", "checked") {
		t.Error("switched off, it shows On")
	}
	sameRequests(t, api.sent(), `PUT /api/admin/accounts/7/settings {"passkeys_allowed":false}`)

	api.on("PUT /api/admin/accounts/7/settings", answer(409, &shared.Error{Code: shared.EConflict, Message: "Not now."}))
	s.do(func(ctx app.Context) { a.togglePasskeys(ctx, noEvent) })
	html = s.html()
	if attrSet(t, html, "passkeys-allowed", "checked") {
		t.Error("a refused switch-on shows On")
	}
	contains(t, html, "Not now.")
	sameRequests(t, api.sent(), `PUT /api/admin/accounts/7/settings {"passkeys_allowed":true}`)
	if changes != 1 {
		t.Errorf("%d changes told, want 1", changes)
	}
}

// The users list filters by 2FA and by the start of a username: Apply reads
// the first page again with both, drops the rows of before, says when
// nothing matches, and the next page keeps the filters; a filter the
// server refuses is marked at its field.
func TestAdminUsers_FilterBy2FAAndUsernamePrefix(t *testing.T) {
	api := newFakeAPI(t)
	all := shared.UsersPage{Users: []shared.AdminUser{{ID: 1, Username: "root", Role: shared.RoleAdmin, TOTPEnabled: true},
		{ID: 2, Username: "ursula", Role: shared.RoleUser}}}
	api.on("GET /api/admin/users?account=7", answer(200, all))
	root := shared.Me{Stage: shared.NextDone, Username: "root", Role: shared.RolePlatformAdmin, TOTPEnabled: true}
	u := &adminUsersOnClient{adminUsers: adminUsers{Me: &root, AccountID: 7}}
	s := open(t, u)
	contains(t, s.html(), `<label for="users-twofa">`, `<label for="users-q">`, `id="users-apply"`, `id="reset-2fa-root"`)
	api.sent()

	api.on("GET /api/admin/users?q=ur&twofa=off&account=7", answer(200, shared.UsersPage{Users: all.Users[1:], Next: "ursula"}))
	u.twoFA, u.prefix = "off", " ur "
	s.do(func(ctx app.Context) { u.filter(ctx, noEvent) })
	html := s.html()
	contains(t, html, `id="more-users"`)
	lacks(t, html, `id="reset-2fa-root"`) // the rows of before went
	api.on("GET /api/admin/users?before=ursula&q=ur&twofa=off&account=7", answer(200, shared.UsersPage{}))
	s.do(func(ctx app.Context) { u.more(ctx, noEvent) })
	sameRequests(t, api.sent(), "GET /api/admin/users?q=ur&twofa=off&account=7", "GET /api/admin/users?before=ursula&q=ur&twofa=off&account=7")

	api.on("GET /api/admin/users?q=zz&account=7", answer(200, shared.UsersPage{}))
	u.twoFA, u.prefix = "", "zz"
	s.do(func(ctx app.Context) { u.filter(ctx, noEvent) })
	contains(t, s.html(), "No users match these filters.")

	api.on("GET /api/admin/users?q=%00&account=7", answer(400, &shared.Error{Code: shared.EInvalid, Message: "Check the filters.",
		Fields: map[string]string{"q": "That is not the beginning of a username."}}))
	u.prefix = "\x00"
	s.do(func(ctx app.Context) { u.filter(ctx, noEvent) })
	html = s.html()
	contains(t, html, "That is not the beginning of a username.", `aria-invalid`, `aria-describedby="users-q-error"`)
	lacks(t, html, `id="more-users"`)
}
