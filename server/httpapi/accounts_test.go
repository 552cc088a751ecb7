package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/internal/testclock"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// enroll connects an authenticator for the browser's user and returns the
// secret.
func (e *env) enroll(t *testing.T, c *http.Client, now time.Time) string {
	t.Helper()
	var setup shared.TOTPSetup
	e.do(c, "POST", "/api/2fa/setup", nil).decode(t, &setup)
	if a := e.do(c, "POST", "/api/2fa/connect", shared.CodeRequest{Code: code(t, setup.Secret, now)}); a.status != 200 {
		t.Fatalf("connect: %d %s", a.status, a.body)
	}
	return setup.Secret
}

func (e *env) setPolicy(t *testing.T, admin *http.Client, accountID int64, on bool) answer {
	t.Helper()
	return e.do(admin, "PUT", fmt.Sprintf("/api/admin/accounts/%d/settings", accountID), map[string]bool{"force_2fa": on})
}

func TestPolicy_SwitchedOnRefusesOldSessionsAtOnceAndEnrollsAtLogin(t *testing.T) {
	e := newEnv(t, store.SQLite)
	now := e.fixClock()
	adminUser := e.user("root", shared.RoleAdmin, "Acme")
	e.user("ursula", shared.RoleUser, "Acme")
	admin, user := e.browser(), e.browser()
	e.login(admin, "root", password)
	e.enroll(t, admin, *now)
	e.login(user, "ursula", password)
	if a := e.do(user, "GET", "/api/me/logins", nil); a.status != 200 {
		t.Fatalf("before the policy: %d", a.status)
	}

	a := e.setPolicy(t, admin, adminUser.AccountID, true)
	var settings shared.AccountSettings
	a.decode(t, &settings)
	if a.status != 200 || !settings.Force2FA || settings.ChangedBy != "root" || settings.ChangedAt != testclock.Base.Format(time.RFC3339) {
		t.Fatalf("switch on: %d %s", a.status, a.body)
	}
	// Ursula's session from before is refused on every route but setup.
	for _, rt := range e.api.routes() {
		if rt.access == signedIn || rt.access == adminOnly {
			if a := e.do(user, rt.method, rt.pattern, "{}"); a.status != 403 || a.apiError(t).Code != shared.EEnrollmentRequired {
				t.Errorf("%s %s: %d %s", rt.method, rt.pattern, a.status, a.body)
			}
		}
	}
	// Her next login opens setup; connecting makes the session full.
	var lr shared.LoginResponse
	e.login(user, "ursula", password).decode(t, &lr)
	if lr.Next != shared.NextEnroll {
		t.Fatalf("login under the policy: %+v", lr)
	}
	var me shared.Me
	if e.do(user, "GET", "/api/me", nil).decode(t, &me); me.Stage != shared.NextEnroll {
		t.Fatalf("/api/me of the enrolling session: %+v", me)
	}
	enrolling := e.sessionCookie(user).Value
	e.enroll(t, user, *now)
	if e.do(user, "GET", "/api/me", nil).decode(t, &me); me.Stage != shared.NextDone {
		t.Fatalf("/api/me once connected: %+v", me)
	}
	if e.sessionCookie(user).Value == enrolling {
		t.Fatal("connecting did not rotate the enrolling session")
	}
	if a := e.do(user, "GET", "/api/me/logins", nil); a.status != 200 {
		t.Fatalf("after connecting: %d %s", a.status, a.body)
	}
	if a := e.do(e.withCookie(enrolling), "GET", "/api/me", nil); a.status != 401 || a.apiError(t).Code != shared.EUnauthenticated {
		t.Fatalf("the enrolling token still works: %d %s", a.status, a.body)
	}
}

func TestAdmin_ResetEndsTheUsersSessionsAndIsAudited(t *testing.T) {
	e := newEnv(t, store.SQLite)
	now := e.fixClock()
	e.user("root", shared.RoleAdmin, "Acme")
	ursula := e.user("ursula", shared.RoleUser, "Acme")
	admin, user, phone := e.browser(), e.browser(), e.browser()
	e.login(admin, "root", password)
	e.login(user, "ursula", password)
	secret := e.enroll(t, user, *now)
	*now = now.Add(time.Minute)
	e.login(phone, "ursula", password)
	if a := e.do(phone, "POST", "/api/login/totp", shared.CodeRequest{Code: code(t, secret, *now)}); a.status != 200 {
		t.Fatalf("second session: %d %s", a.status, a.body)
	}

	var page shared.UsersPage
	e.do(admin, "GET", "/api/admin/users", nil).decode(t, &page)
	users := page.Users
	if len(users) != 2 || users[1].Username != "ursula" || !users[1].TOTPEnabled || users[1].RecoveryCodesLeft != 10 {
		t.Fatalf("users: %+v", users)
	}
	if a := e.do(admin, "POST", fmt.Sprintf("/api/admin/users/%d/reset-2fa", ursula.ID), nil); a.status != 204 {
		t.Fatalf("reset: %d %s", a.status, a.body)
	}
	for name, c := range map[string]*http.Client{"her first session": user, "her second session": phone} {
		if a := e.do(c, "GET", "/api/me", nil); a.status != 401 || a.apiError(t).Code != shared.EUnauthenticated {
			t.Errorf("%s lives: %d %s", name, a.status, a.body)
		}
	}
	e.do(admin, "GET", "/api/admin/users", nil).decode(t, &page)
	users = page.Users
	if users[1].TOTPEnabled || users[1].RecoveryCodesLeft != 0 {
		t.Fatalf("after reset: %+v", users[1])
	}
	var audit shared.AuditPage
	if a := e.do(admin, "GET", "/api/admin/audit", nil); a.status != 200 {
		t.Fatalf("audit: %d %s", a.status, a.body)
	} else {
		a.decode(t, &audit)
	}
	if len(audit.Events) != 4 || audit.Events[0].Action != shared.AuditTwoFactorReset || audit.Events[0].Actor != "root" ||
		audit.Events[0].Target != "ursula" || audit.Events[0].IP != "127.0.0.1" || audit.Events[1].Action != shared.AuditConnected ||
		audit.Events[2].Action != shared.AuditUserCreated || audit.Events[2].Target != "ursula" || audit.Events[3].Target != "root" {
		t.Fatalf("audit: %+v", audit.Events)
	}
	var lr shared.LoginResponse
	e.login(user, "ursula", password).decode(t, &lr)
	if lr.Next != shared.NextDone {
		t.Fatalf("login after the reset: %+v", lr)
	}
}

// accountRows is every stored row that belongs to an account, as text by
// table: the account with its settings, its users with their 2FA state,
// their recovery codes, sessions and throttles, and the account's login and
// audit events (also those naming its users from elsewhere).
func accountRows(t *testing.T, st *store.Store, accountID int64) map[string][]string {
	t.Helper()
	users := fmt.Sprintf("(SELECT id FROM users WHERE account_id = %d)", accountID)
	out := map[string][]string{}
	for table, where := range map[string]string{
		"accounts":        fmt.Sprintf("id = %d", accountID),
		"users":           fmt.Sprintf("account_id = %d", accountID),
		"recovery_codes":  "user_id IN " + users,
		"sessions":        "user_id IN " + users,
		"login_events":    fmt.Sprintf("account_id = %d OR user_id IN %s", accountID, users),
		"audit_events":    fmt.Sprintf("account_id = %d OR actor_id IN %s OR target_id IN %s", accountID, users, users),
		"login_throttles": fmt.Sprintf("key IN (SELECT 'user:' || username FROM users WHERE account_id = %d)", accountID),
	} {
		out[table] = []string{} // listed even when empty, so rows that appear later are compared
		for _, row := range storetest.Rows(t, st, "SELECT * FROM "+table+" WHERE "+where+" ORDER BY 1") {
			out[table] = append(out[table], fmt.Sprintf("%q", row))
		}
	}
	return out
}

// assertRowsUnchanged checks that what accountRows read of the named
// account after is what it read before.
func assertRowsUnchanged(t *testing.T, account string, before, after map[string][]string) {
	t.Helper()
	for table := range before {
		if !slices.Equal(before[table], after[table]) {
			t.Errorf("%s's %s changed:\nbefore %q\nafter  %q", account, table, before[table], after[table])
		}
	}
}

func TestAdmin_AnotherAccountsAdminIsRefusedAndChangesNothing(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			now := e.fixClock()
			root := e.user("root", shared.RoleAdmin, "Acme")
			ursula := e.user("ursula", shared.RoleUser, "Acme")
			e.user("gadmin", shared.RoleAdmin, "Globex")
			e.user("gus", shared.RoleUser, "Globex")
			// Acme has everything an attack could change: 2FA with recovery
			// codes, sessions, the policy switched on, login and audit events,
			// and a throttle counter.
			admin, user, other := e.browser(), e.browser(), e.browser()
			e.login(admin, "root", password)
			e.enroll(t, admin, *now)
			e.login(user, "ursula", password)
			e.enroll(t, user, *now)
			if a := e.setPolicy(t, admin, root.AccountID, true); a.status != 200 {
				t.Fatalf("Acme's policy: %d %s", a.status, a.body)
			}
			e.login(e.browser(), "ursula", "wrong password")
			e.login(other, "gadmin", password)
			before := accountRows(t, e.st, root.AccountID)
			if len(before["accounts"]) != 1 || len(before["users"]) != 2 || len(before["recovery_codes"]) != 20 ||
				len(before["sessions"]) != 2 || len(before["login_events"]) < 3 || len(before["audit_events"]) != 5 ||
				len(before["login_throttles"]) != 1 {
				t.Fatalf("Acme's rows before: %v", before)
			}

			// Each refusal is the answer for an id that does not exist, so
			// Globex cannot even tell that Acme's ids are taken.
			const missing = 1 << 40
			refused := []struct{ method, path, missingPath string }{
				{"POST", fmt.Sprintf("/api/admin/users/%d/reset-2fa", ursula.ID), fmt.Sprintf("/api/admin/users/%d/reset-2fa", missing)},
				{"POST", fmt.Sprintf("/api/admin/users/%d/reset-2fa", root.ID), ""},
				{"GET", fmt.Sprintf("/api/admin/users?account=%d", root.AccountID), fmt.Sprintf("/api/admin/users?account=%d", missing)},
				{"PUT", fmt.Sprintf("/api/admin/accounts/%d/settings", root.AccountID), fmt.Sprintf("/api/admin/accounts/%d/settings", missing)},
				{"POST", fmt.Sprintf("/api/admin/users/%d/unlock", ursula.ID), fmt.Sprintf("/api/admin/users/%d/unlock", missing)},
				{"GET", fmt.Sprintf("/api/admin/logins?account=%d", root.AccountID), fmt.Sprintf("/api/admin/logins?account=%d", missing)},
				{"GET", fmt.Sprintf("/api/admin/audit?account=%d", root.AccountID), fmt.Sprintf("/api/admin/audit?account=%d", missing)},
			}
			for _, r := range refused {
				for _, on := range []bool{false, true} {
					a := e.do(other, r.method, r.path, map[string]bool{"force_2fa": on})
					if a.status != 404 || a.apiError(t).Code != shared.ENotFound {
						t.Errorf("%s %s: %d %s", r.method, r.path, a.status, a.body)
					}
					if r.missingPath != "" {
						if m := e.do(other, r.method, r.missingPath, map[string]bool{"force_2fa": on}); m.status != a.status || string(m.body) != string(a.body) {
							t.Errorf("%s %s answers %d %s, but an id that does not exist %d %s", r.method, r.path, a.status, a.body, m.status, m.body)
						}
					}
				}
			}
			// Changing Acme's users answers as for a user that does not exist.
			for _, body := range []string{`{"role":"admin"}`, `{"role":"user"}`, `{"disabled":true}`, `{"role":"platform_admin","disabled":true}`} {
				for _, id := range []int64{ursula.ID, root.ID} {
					a := e.do(other, "PATCH", fmt.Sprintf("/api/admin/users/%d", id), body)
					m := e.do(other, "PATCH", fmt.Sprintf("/api/admin/users/%d", missing), body)
					if a.status != 404 || a.apiError(t).Code != shared.ENotFound || m.status != a.status || string(m.body) != string(a.body) {
						t.Errorf("PATCH user %d %s: %d %s (missing: %d %s)", id, body, a.status, a.body, m.status, m.body)
					}
				}
			}
			// Creating and renaming accounts is the platform administrator's.
			if a := e.do(other, "POST", "/api/admin/accounts", `{"name":"Acme"}`); a.status != 403 || a.apiError(t).Code != shared.EForbidden {
				t.Errorf("create an account: %d %s", a.status, a.body)
			}
			for _, id := range []int64{root.AccountID, missing} {
				if a := e.do(other, "PATCH", fmt.Sprintf("/api/admin/accounts/%d", id), `{"name":"Hacked"}`); a.status != 403 || a.apiError(t).Code != shared.EForbidden {
					t.Errorf("rename account %d: %d %s", id, a.status, a.body)
				}
			}
			// What Globex may read is its own account only.
			var accounts shared.AccountsPage
			if a := e.do(other, "GET", "/api/admin/accounts", nil); a.status != 200 {
				t.Errorf("accounts: %d %s", a.status, a.body)
			} else if a.decode(t, &accounts); len(accounts.Accounts) != 1 || accounts.Accounts[0].Name != "Globex" {
				t.Errorf("accounts: %s", a.body)
			}
			var page shared.UsersPage
			if a := e.do(other, "GET", "/api/admin/users", nil); a.status != 200 {
				t.Errorf("users: %d %s", a.status, a.body)
			} else if a.decode(t, &page); len(page.Users) != 2 || page.Users[0].Username != "gadmin" || page.Users[1].Username != "gus" {
				t.Errorf("users: %s", a.body)
			}
			for _, query := range []string{"", "user=ursula", "user=root&result=failure"} {
				var logins shared.LoginEventPage
				a := e.do(other, "GET", "/api/admin/logins?"+query, nil)
				if a.status != 200 {
					t.Errorf("logins?%s: %d %s", query, a.status, a.body)
					continue
				}
				a.decode(t, &logins)
				for _, ev := range logins.Events {
					if ev.Username != "gadmin" {
						t.Errorf("logins?%s shows %+v", query, ev)
					}
				}
			}
			var audit shared.AuditPage
			if a := e.do(other, "GET", "/api/admin/audit", nil); a.status != 200 {
				t.Errorf("audit: %d %s", a.status, a.body)
			} else if a.decode(t, &audit); slices.ContainsFunc(audit.Events, func(ev shared.AuditEvent) bool { return ev.Action != shared.AuditUserCreated }) {
				t.Errorf("Globex's audit log after refused attempts: %s", a.body)
			}

			assertRowsUnchanged(t, "Acme", before, accountRows(t, e.st, root.AccountID))
			if a := e.do(user, "GET", "/api/me", nil); a.status != 200 {
				t.Fatalf("ursula's session: %d %s", a.status, a.body)
			}
		})
	}
}

func TestAdmin_LoginAttemptsOfTheAccountFilteredByUserResultAndTime(t *testing.T) {
	e := newEnv(t, store.SQLite)
	now := e.fixClock()
	e.user("root", shared.RoleAdmin, "Acme")
	e.user("ursula", shared.RoleUser, "Acme")
	e.user("ursa_x", shared.RoleUser, "Acme")
	e.user("gus", shared.RoleUser, "Globex")
	admin := e.browser()
	e.login(admin, "root", password)
	*now = now.Add(20 * time.Minute) // within the admin session's idle limit
	e.login(e.browser(), "ursula", "wrong password")
	e.login(e.browser(), "ursula", password)
	e.login(e.browser(), "gus", password)
	page := func(query string) []shared.LoginEvent {
		var p shared.LoginEventPage
		a := e.do(admin, "GET", "/api/admin/logins?"+query, nil)
		if a.status != 200 {
			t.Fatalf("%s: %d %s", query, a.status, a.body)
		}
		a.decode(t, &p)
		return p.Events
	}
	if all := page(""); len(all) != 3 || all[0].Username != "ursula" {
		t.Fatalf("all: %+v", all) // gus is in Globex: not listed
	}
	if got := page("user=Ursula&result=failure"); len(got) != 1 || got[0].Reason != shared.ReasonWrongPassword {
		t.Fatalf("ursula's failures: %+v", got)
	}
	if got := page("from=" + testclock.At(10*time.Minute).Format(time.RFC3339)); len(got) != 2 {
		t.Fatalf("from: %+v", got)
	}
	if got := page("to=" + testclock.At(10*time.Minute).Format(time.RFC3339)); len(got) != 1 || got[0].Username != "root" {
		t.Fatalf("to: %+v", got)
	}
	if got := page("user=gus"); len(got) != 0 {
		t.Fatalf("another account's user: %+v", got)
	}
	// The user filter matches a prefix of the attempted name; its % and _
	// are themselves, not patterns.
	e.login(e.browser(), "ursa_x", "wrong password")
	if got := page("user=URS"); len(got) != 3 {
		t.Fatalf("prefix urs: %+v", got)
	}
	if got := page("user=ursa_"); len(got) != 1 || got[0].Username != "ursa_x" {
		t.Fatalf("prefix ursa_: %+v", got)
	}
	for _, pattern := range []string{"%25", "u%25a", "_rsula", "ur_"} {
		if got := page("user=" + pattern); len(got) != 0 {
			t.Fatalf("user=%s matched as a pattern: %+v", pattern, got)
		}
	}
	for _, bound := range []string{"from", "to"} {
		a := e.do(admin, "GET", "/api/admin/logins?"+bound+"=yesterday", nil)
		if a.status != 400 || a.apiError(t).Code != shared.EInvalid || a.apiError(t).Fields[bound] == "" {
			t.Fatalf("bad %s date: %d %s", bound, a.status, a.body)
		}
	}
}

// Every new account allows passkey sign-in (README): one made in the panel
// (POST /api/admin/accounts), one `server account create` makes, and one
// `server user create --account NEW` makes on the way (the command line's
// own test runs the commands themselves).
func TestAccounts_EveryNewAccountAllowsPasskeySignIn(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			e.user("root", shared.RolePlatformAdmin, "Default")
			pa := e.browser()
			e.login(pa, "root", password)
			var made shared.AccountSettings
			if a := e.do(pa, "POST", "/api/admin/accounts", shared.AccountRequest{Name: "Initech"}); a.status != 201 {
				t.Fatalf("create: %d %s", a.status, a.body)
			} else if a.decode(t, &made); !made.PasskeysAllowed {
				t.Fatalf("the panel's new account: %+v", made)
			}
			if _, err := e.svc.Accounts.CreateAccount(context.Background(), nil, "Hooli", core.Client{}); err != nil {
				t.Fatal(err)
			}
			e.user("ivan", shared.RoleUser, "Umbrella")
			rows := storetest.Rows(t, e.st, "SELECT name FROM accounts WHERE passkeys_allowed ORDER BY id")
			if got := fmt.Sprint(rows); got != "[[Default] [Initech] [Hooli] [Umbrella]]" {
				t.Fatalf("passkey sign-in of new accounts: %s", got)
			}
		})
	}
}
