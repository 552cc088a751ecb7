package httpapi

import (
	"fmt"
	"github.com/warden-auth/warden/server/internal/testclock"
	"net/http"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/store"
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
	enrolling := e.sessionCookie(user).Value
	e.enroll(t, user, *now)
	if e.sessionCookie(user).Value == enrolling {
		t.Fatal("connecting did not rotate the enrolling session")
	}
	if a := e.do(user, "GET", "/api/me/logins", nil); a.status != 200 {
		t.Fatalf("after connecting: %d %s", a.status, a.body)
	}
	if a := e.do(e.withCookie(enrolling), "GET", "/api/me", nil); a.status != 401 {
		t.Fatalf("the enrolling token still works: %d", a.status)
	}
}

func TestDisconnect_UnderThePolicyWarnsThenLogsOutEverywhere(t *testing.T) {
	e := newEnv(t, store.SQLite)
	now := e.fixClock()
	u := e.user("ursula", shared.RoleUser, "Acme")
	e.user("bob", shared.RoleUser, "Acme")
	first, second, bob := e.browser(), e.browser(), e.browser()
	e.login(first, "ursula", password)
	secret := e.enroll(t, first, *now)
	*now = now.Add(time.Minute)
	e.login(second, "ursula", password)
	e.do(second, "POST", "/api/login/totp", shared.CodeRequest{Code: code(t, secret, *now)})
	e.login(bob, "bob", password)
	if _, err := e.st.SetForceTwoFactor(t.Context(), u.AccountID, true, 0, *now, nil); err != nil {
		t.Fatal(err)
	}

	if a := e.do(first, "POST", "/api/2fa/disconnect", shared.DisconnectRequest{Password: "wrong password"}); a.status != 401 {
		t.Fatalf("wrong password: %d", a.status)
	}
	if a := e.do(first, "POST", "/api/2fa/disconnect", map[string]any{}); a.status != 400 {
		t.Fatalf("no password: %d", a.status)
	}
	a := e.do(first, "POST", "/api/2fa/disconnect", shared.DisconnectRequest{Password: password})
	if a.status != 409 || a.apiError(t).Code != shared.EConfirmRequired {
		t.Fatalf("without confirm: %d %s", a.status, a.body)
	}
	if a := e.do(second, "GET", "/api/me/logins", nil); a.status != 200 {
		t.Fatalf("the warning changed something: %d", a.status)
	}
	a = e.do(first, "POST", "/api/2fa/disconnect", shared.DisconnectRequest{Password: password, Confirm: true})
	var res shared.DisconnectResponse
	a.decode(t, &res)
	if a.status != 200 || !res.LoggedOut {
		t.Fatalf("confirmed: %d %s", a.status, a.body)
	}
	for name, c := range map[string]*http.Client{"the session that asked": first, "her other session": second} {
		if a := e.do(c, "GET", "/api/me", nil); a.status != 401 {
			t.Errorf("%s survived: %d", name, a.status)
		}
	}
	if a := e.do(bob, "GET", "/api/me", nil); a.status != 200 {
		t.Fatalf("another user's session ended: %d", a.status)
	}
	var lr shared.LoginResponse
	e.login(first, "ursula", password).decode(t, &lr)
	if lr.Next != shared.NextEnroll {
		t.Fatalf("next login: %+v", lr)
	}
}

func TestDisconnect_WithoutThePolicyKeepsTheSession(t *testing.T) {
	e := newEnv(t, store.SQLite)
	now := e.fixClock()
	e.user("ursula", shared.RoleUser, "Acme")
	c := e.browser()
	e.login(c, "ursula", password)
	e.enroll(t, c, *now)
	var res shared.DisconnectResponse
	a := e.do(c, "POST", "/api/2fa/disconnect", shared.DisconnectRequest{Password: password})
	a.decode(t, &res)
	var me shared.Me
	e.do(c, "GET", "/api/me", nil).decode(t, &me)
	if a.status != 200 || res.LoggedOut || me.TOTPEnabled || me.RecoveryCodesLeft != 0 {
		t.Fatalf("disconnect: %d %s; me %+v", a.status, a.body, me)
	}
	if a := e.do(c, "POST", "/api/2fa/disconnect", shared.DisconnectRequest{Password: password}); a.status != 409 {
		t.Fatalf("disconnect twice: %d", a.status)
	}
	var lr shared.LoginResponse
	e.login(c, "ursula", password).decode(t, &lr)
	if lr.Next != shared.NextDone {
		t.Fatalf("login after disconnect: %+v", lr)
	}
}

func TestAdmin_ResetEndsTheUsersSessionsAndIsAudited(t *testing.T) {
	e := newEnv(t, store.SQLite)
	now := e.fixClock()
	e.user("root", shared.RoleAdmin, "Acme")
	ursula := e.user("ursula", shared.RoleUser, "Acme")
	e.user("gadmin", shared.RoleAdmin, "Globex")
	admin, user, other := e.browser(), e.browser(), e.browser()
	e.login(admin, "root", password)
	e.login(user, "ursula", password)
	e.enroll(t, user, *now)
	e.login(other, "gadmin", password)

	var users []shared.AdminUser
	e.do(admin, "GET", "/api/admin/users", nil).decode(t, &users)
	if len(users) != 2 || users[1].Username != "ursula" || !users[1].TOTPEnabled || users[1].RecoveryCodesLeft != 10 {
		t.Fatalf("users: %+v", users)
	}
	// Another account's admin cannot see or touch Acme's users.
	if a := e.do(other, "POST", fmt.Sprintf("/api/admin/users/%d/reset-2fa", ursula.ID), nil); a.status != 404 {
		t.Fatalf("reset across accounts: %d", a.status)
	}
	if a := e.do(other, "GET", fmt.Sprintf("/api/admin/users?account=%d", ursula.AccountID), nil); a.status != 404 {
		t.Fatalf("list across accounts: %d", a.status)
	}
	if a := e.setPolicy(t, other, ursula.AccountID, true); a.status != 404 {
		t.Fatalf("policy across accounts: %d", a.status)
	}
	if a := e.do(admin, "POST", fmt.Sprintf("/api/admin/users/%d/reset-2fa", ursula.ID), nil); a.status != 204 {
		t.Fatalf("reset: %d %s", a.status, a.body)
	}
	if a := e.do(user, "GET", "/api/me", nil); a.status != 401 {
		t.Fatalf("the reset user's session lives: %d", a.status)
	}
	e.do(admin, "GET", "/api/admin/users", nil).decode(t, &users)
	if users[1].TOTPEnabled || users[1].RecoveryCodesLeft != 0 {
		t.Fatalf("after reset: %+v", users[1])
	}
	var audit shared.AuditPage
	e.do(admin, "GET", "/api/admin/audit", nil).decode(t, &audit)
	if len(audit.Events) != 2 || audit.Events[0].Action != store.AuditTwoFactorReset || audit.Events[0].Actor != "root" ||
		audit.Events[0].Target != "ursula" || audit.Events[0].IP != "127.0.0.1" || audit.Events[1].Action != store.AuditConnected {
		t.Fatalf("audit: %+v", audit.Events)
	}
	var globex shared.AuditPage
	e.do(other, "GET", "/api/admin/audit", nil).decode(t, &globex)
	if len(globex.Events) != 0 {
		t.Fatalf("Globex sees Acme's audit log: %+v", globex.Events)
	}
}

func TestAdmin_LoginAttemptsOfTheAccountFilteredByUserResultAndTime(t *testing.T) {
	e := newEnv(t, store.SQLite)
	now := e.fixClock()
	e.user("root", shared.RoleAdmin, "Acme")
	e.user("ursula", shared.RoleUser, "Acme")
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
	if got := page("user=Ursula&result=failure"); len(got) != 1 || got[0].Reason != store.ReasonWrongPassword {
		t.Fatalf("ursula's failures: %+v", got)
	}
	if got := page("since=" + testclock.At(10*time.Minute).Format(time.RFC3339)); len(got) != 2 {
		t.Fatalf("since: %+v", got)
	}
	if got := page("until=" + testclock.At(10*time.Minute).Format(time.RFC3339)); len(got) != 1 || got[0].Username != "root" {
		t.Fatalf("until: %+v", got)
	}
	if got := page("user=gus"); len(got) != 0 {
		t.Fatalf("another account's user: %+v", got)
	}
	if a := e.do(admin, "GET", "/api/admin/logins?since=yesterday", nil); a.status != 400 {
		t.Fatalf("bad date: %d", a.status)
	}
}
