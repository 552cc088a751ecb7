package httpapi

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

const newPassword = "violet tractor umbrella"

// changePassword asks for a password change from the browser.
func (e *env) changePassword(c *http.Client, current, next string) answer {
	e.t.Helper()
	return e.do(c, "POST", "/api/me/password", shared.ChangePasswordRequest{Current: current, New: next})
}

// passwordRow is the user's stored hash and password epoch.
func (e *env) passwordRow(t *testing.T, username string) string {
	t.Helper()
	return fmt.Sprint(storetest.Rows(t, e.st, "SELECT password_hash, password_epoch FROM users WHERE username = ?", username))
}

// auditActions lists the user's audit actions, oldest first.
func (e *env) auditActions(t *testing.T, username string) string {
	t.Helper()
	return fmt.Sprint(storetest.Rows(t, e.st, "SELECT action, detail FROM audit_events WHERE actor_name = ? ORDER BY id", username))
}

// A change with the right current password: the new password logs in and
// the old one does not, every other session of the user ends at once (one
// mid-login too), this one goes on, and other users are untouched.
func TestChangePassword_TheNewPasswordReplacesTheOldAndEndsEveryOtherSession(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			alice := e.user("alice", shared.RoleUser, "Acme")
			e.user("bob", shared.RoleUser, "Acme")
			mine, other, bobs := e.browser(), e.browser(), e.browser()
			for c, name := range map[*http.Client]string{mine: "alice", other: "alice", bobs: "bob"} {
				if a := e.login(c, name, password); a.status != 200 {
					t.Fatalf("login %s: %d %s", name, a.status, a.body)
				}
			}
			otherToken := e.sessionCookie(other).Value
			midLogin := e.sessionAt(alice, domain.StagePasswordOK)

			if a := e.changePassword(mine, password, newPassword); a.status != http.StatusNoContent {
				t.Fatalf("change: %d %s", a.status, a.body)
			}
			e.assertEnded(t, "alice's other browser", otherToken)
			e.assertEnded(t, "alice's session at the second step", midLogin)
			for name, c := range map[string]*http.Client{"this session": mine, "bob's session": bobs} {
				if a := e.do(c, "GET", "/api/me", nil); a.status != 200 {
					t.Errorf("%s after the change: %d %s", name, a.status, a.body)
				}
			}
			if a := e.login(e.browser(), "alice", password); a.status != 401 || a.apiError(t).Code != shared.EWrongCredentials {
				t.Errorf("the old password after the change: %d %s", a.status, a.body)
			}
			if a := e.login(e.browser(), "alice", newPassword); a.status != 200 {
				t.Errorf("the new password: %d %s", a.status, a.body)
			}
			if a := e.login(e.browser(), "bob", password); a.status != 200 {
				t.Errorf("bob's password: %d %s", a.status, a.body)
			}
			if got := e.auditActions(t, "alice"); got != "[["+shared.AuditPasswordChanged+" ]]" {
				t.Errorf("audit: %s", got)
			}
			if got := storetest.Rows(t, e.st, "SELECT password_epoch FROM users ORDER BY username"); fmt.Sprint(got) != "[[1] [0]]" {
				t.Errorf("epochs of alice and bob: %v", got)
			}
		})
	}
}

// A wrong current password is a guess at the password: 401, audited,
// counted toward the username's throttle like at login (after five, even the
// right one is refused, here and at login), and nothing changes.
func TestChangePassword_AWrongCurrentPasswordIsCountedAuditedAndChangesNothing(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			e.fixClock()
			e.user("alice", shared.RoleUser, "Acme")
			thief, owner := e.browser(), e.browser()
			e.login(thief, "alice", password)
			e.login(owner, "alice", password)
			before := e.passwordRow(t, "alice")

			for i := range 5 {
				if a := e.changePassword(thief, fmt.Sprintf("guess %d here", i), newPassword); a.status != 401 || a.apiError(t).Code != shared.EWrongCredentials {
					t.Fatalf("wrong current password %d: %d %s", i, a.status, a.body)
				}
			}
			if a := e.changePassword(thief, password, newPassword); a.status != 429 || a.apiError(t).Code != shared.ERateLimited {
				t.Errorf("the right current password after five wrong ones: %d %s", a.status, a.body)
			}
			if a := e.login(e.browser(), "alice", password); a.status != 401 {
				t.Errorf("a login during the lock: %d %s", a.status, a.body)
			}
			if got := e.passwordRow(t, "alice"); got != before {
				t.Errorf("the password changed: %s, was %s", got, before)
			}
			refused := "[" + strings.TrimSuffix(strings.Repeat("["+shared.AuditPasswordRefused+" "+shared.ReasonWrongPassword+"] ", 5), " ") + "]"
			if got := e.auditActions(t, "alice"); got != refused {
				t.Errorf("audit: %s, want %s", got, refused)
			}
			if a := e.do(owner, "GET", "/api/me", nil); a.status != 200 {
				t.Errorf("the owner's session: %d %s", a.status, a.body)
			}
		})
	}
}

// A refused new password says why in words, under fields.new, and changes
// nothing: no hash, no session ended, no audit row.
func TestChangePassword_AnEasyNewPasswordIsRefusedInWords(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			e.user("alicesmith", shared.RoleUser, "Acme")
			mine, other := e.browser(), e.browser()
			e.login(mine, "alicesmith", password)
			e.login(other, "alicesmith", password)
			before := e.passwordRow(t, "alicesmith")
			for _, tc := range []struct{ next, says string }{
				{"alicesmith", "cannot be your username"},
				{"my AliceSmith key", "cannot contain your username"},
				{"password123", "commonly used password"},
				{"short", "at least 8"},
				{password, "other than your current one"},
			} {
				a := e.changePassword(mine, password, tc.next)
				if a.status != 400 {
					t.Errorf("%q: %d %s", tc.next, a.status, a.body)
					continue
				}
				got := a.apiError(t)
				if got.Code != shared.EInvalid || !strings.Contains(got.Fields["new"], tc.says) || strings.Contains(strings.ToLower(got.Fields["new"]), "invalid") {
					t.Errorf("%q: %+v, want fields.new to say %q", tc.next, got, tc.says)
				}
			}
			if a := e.changePassword(mine, "", newPassword); a.status != 400 || a.apiError(t).Fields["current"] == "" {
				t.Errorf("no current password: %d %s", a.status, a.body)
			}
			if got := e.passwordRow(t, "alicesmith"); got != before {
				t.Errorf("the password changed: %s", got)
			}
			if got := e.auditActions(t, "alicesmith"); got != "[]" {
				t.Errorf("audit: %s", got)
			}
			if a := e.do(other, "GET", "/api/me", nil); a.status != 200 {
				t.Errorf("the other session: %d %s", a.status, a.body)
			}
		})
	}
}

// Whoever learnt the old password and logged in with it holds a device
// cookie that spared them the username's lock. After the change it is void:
// during a lock it gets the same refusal as any browser, even with the new
// password, while the browser that made the change has a new cookie and
// logs in.
func TestChangePassword_ADeviceCookieFromBeforeNoLongerSparesTheLock(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			e.api.trustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
			e.fixClock()
			e.user("alice", shared.RoleUser, "Acme")
			owner, thief := e.browser(), e.browser()
			e.login(owner, "alice", password)
			e.login(thief, "alice", password)
			stolen := e.cookie(thief, deviceCookieName)
			if stolen == "" {
				t.Fatal("no device cookie")
			}
			if a := e.changePassword(owner, password, newPassword); a.status != http.StatusNoContent {
				t.Fatalf("change: %d %s", a.status, a.body)
			}
			for i := range 5 {
				e.do(e.browser(), "POST", "/api/login", shared.LoginRequest{Username: "alice", Password: "guess"},
					"X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i+1))
			}
			if a := e.login(e.withNamedCookie(deviceCookieName, stolen), "alice", newPassword); a.status != 401 || a.apiError(t).Code != shared.EWrongCredentials {
				t.Errorf("the device cookie from before the change, during the lock: %d %s", a.status, a.body)
			}
			if r := e.lastReason(t, "alice"); r != shared.ReasonThrottled {
				t.Errorf("recorded as %q", r)
			}
			if a := e.login(owner, "alice", newPassword); a.status != 200 {
				t.Errorf("the browser that made the change, during the lock: %d %s", a.status, a.body)
			}
		})
	}
}
