package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// oneTimePassword is what an administrator gave: strong, but seen by them.
const oneTimePassword = "QZ7KWM4TRX2PLV9NHB3C"

// mustChange is the user's stored one-time flag, as the database says it.
func (e *env) mustChange(t *testing.T, username string) string {
	t.Helper()
	return fmt.Sprint(storetest.Rows(t, e.st, "SELECT password_must_change FROM users WHERE username = ?", username)[0][0])
}

// loginOneTime logs in with the one-time password, checks that the
// session may only change it, and returns the browser.
func (e *env) loginOneTime(t *testing.T, username string) *http.Client {
	t.Helper()
	c := e.browser()
	var lr shared.LoginResponse
	if a := e.login(c, username, oneTimePassword); a.status != 200 {
		t.Fatalf("login with the one-time password: %d %s", a.status, a.body)
	} else if a.decode(t, &lr); lr.Next != shared.NextChangePassword {
		t.Fatalf("login with the one-time password: next %q", lr.Next)
	}
	var me shared.Me
	if a := e.do(c, "GET", "/api/me", nil); a.status != 200 {
		t.Fatalf("me: %d %s", a.status, a.body)
	} else if a.decode(t, &me); me.Stage != shared.NextChangePassword {
		t.Fatalf("me's stage: %q", me.Stage)
	}
	return c
}

// After the one-time password is replaced, the login goes on to the step
// it would have had: full without 2FA, the second step with 2FA, enrollment
// when the account forces 2FA; the flag is cleared in the database, the
// session has a new token, and the one-time password no longer logs in.
func TestOneTimePassword_ChangedLeadsToTheUsualNextStep(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		for _, tc := range []struct {
			name string
			next string
		}{{"no 2FA", shared.NextDone}, {"2FA on", shared.NextTOTP}, {"forced 2FA", shared.NextEnroll}} {
			t.Run(dialect+" "+tc.name, func(t *testing.T) {
				e := newEnv(t, dialect)
				now := e.fixClock()
				ctx := context.Background()
				var secret string
				switch tc.next {
				case shared.NextTOTP:
					_, secret, _ = e.connected(t, now)
				case shared.NextEnroll:
					u := e.user("alice", shared.RoleUser, "Acme")
					if _, err := e.st.SetForceTwoFactor(ctx, u.AccountID, true, 0, *now, nil); err != nil {
						t.Fatal(err)
					}
				default:
					e.user("alice", shared.RoleUser, "Acme")
				}
				alice, err := e.st.UserByUsername(ctx, "alice")
				if err != nil {
					t.Fatal(err)
				}
				if err := e.svc.Accounts.SetOneTimePassword(ctx, nil, alice.ID, oneTimePassword, core.Client{}); err != nil {
					t.Fatal(err)
				}
				if got := e.mustChange(t, "alice"); got != "true" && got != "1" {
					t.Fatalf("flag after the one-time password was set: %s", got)
				}
				c := e.loginOneTime(t, "alice")
				before := e.sessionCookie(c).Value

				var lr shared.LoginResponse
				if a := e.changePassword(c, oneTimePassword, newPassword); a.status != 200 {
					t.Fatalf("change: %d %s", a.status, a.body)
				} else if a.decode(t, &lr); lr.Next != tc.next {
					t.Fatalf("next after the change: %q, want %q", lr.Next, tc.next)
				}
				e.assertEnded(t, "the password_change session", before)
				if got := e.mustChange(t, "alice"); got != "false" && got != "0" {
					t.Errorf("flag after the change: %s", got)
				}
				switch tc.next {
				case shared.NextTOTP:
					// Still no way around the second step.
					if a := e.do(c, "GET", "/api/me", nil); a.status != 401 {
						t.Errorf("me before the code: %d %s", a.status, a.body)
					}
					*now = now.Add(30 * time.Second)
					if a := e.do(c, "POST", "/api/login/totp", shared.CodeRequest{Code: code(t, secret, *now)}); a.status != 200 {
						t.Fatalf("the code after the change: %d %s", a.status, a.body)
					}
				case shared.NextEnroll:
					if a := e.do(c, "GET", "/api/me/logins", nil); a.status != 403 || a.apiError(t).Code != shared.EEnrollmentRequired {
						t.Errorf("history while enrolling: %d %s", a.status, a.body)
					}
				}
				if tc.next != shared.NextEnroll {
					var me shared.Me
					if a := e.do(c, "GET", "/api/me", nil); a.status != 200 {
						t.Fatalf("me at the end: %d %s", a.status, a.body)
					} else if a.decode(t, &me); me.Stage != shared.NextDone {
						t.Errorf("stage at the end: %q", me.Stage)
					}
				}
				// The one-time password is spent: no login, and not the
				// proof of another change either.
				if a := e.login(e.browser(), "alice", oneTimePassword); a.status != 401 || a.apiError(t).Code != shared.EWrongCredentials {
					t.Errorf("the one-time password again: %d %s", a.status, a.body)
				}
				var lr2 shared.LoginResponse
				if a := e.login(e.browser(), "alice", newPassword); a.status != 200 {
					t.Errorf("the new password: %d %s", a.status, a.body)
				} else if a.decode(t, &lr2); lr2.Next == shared.NextChangePassword {
					t.Errorf("the new password asks for another change")
				}
			})
		}
	}
}

// The one-time session's change follows the rules of any change: the
// one-time password is the proof (wrong ones counted and locked as at
// login), the new one must be strong and not the one-time one.
func TestOneTimePassword_TheChangeFollowsThePasswordRules(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			e.fixClock()
			ctx := context.Background()
			if _, err := e.svc.Accounts.CreateOneTimeUser(ctx, "alice", oneTimePassword, shared.RoleUser, "Acme", ""); err != nil {
				t.Fatal(err)
			}
			c := e.loginOneTime(t, "alice")
			for _, tc := range []struct{ current, next, field, want string }{
				{oneTimePassword, oneTimePassword, "new", "Choose a password other than your current one."},
				{oneTimePassword, "password123", "new", "commonly used password"},
				{oneTimePassword, "alice-rules-all", "new", "username"},
			} {
				a := e.changePassword(c, tc.current, tc.next)
				if a.status != 400 || !strings.Contains(a.apiError(t).Fields[tc.field], tc.want) {
					t.Errorf("new %q: %d %s", tc.next, a.status, a.body)
				}
			}
			for i := range 5 {
				if a := e.changePassword(c, "not the one-time one", newPassword); a.status != 401 || a.apiError(t).Code != shared.EWrongCredentials {
					t.Fatalf("wrong current %d: %d %s", i, a.status, a.body)
				}
			}
			// Five wrong proofs lock the username, as five wrong logins do.
			if a := e.changePassword(c, oneTimePassword, newPassword); a.status == 200 {
				t.Errorf("the change went through the lock: %d %s", a.status, a.body)
			}
			if got := e.mustChange(t, "alice"); got != "true" && got != "1" {
				t.Errorf("flag after refused changes: %s", got)
			}
		})
	}
}

// An administrator's one-time password: only in their own account, strong,
// audited, and every session of the user ends.
func TestOneTimePassword_SetByAnAdministrator(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			ctx := context.Background()
			adam := e.user("adam", shared.RoleAdmin, "Acme")
			eve := e.user("eve", shared.RoleAdmin, "Other")
			alice := e.user("alice", shared.RoleUser, "Acme")
			c := e.browser()
			e.login(c, "alice", password)
			token := e.sessionCookie(c).Value
			if err := e.svc.Accounts.SetOneTimePassword(ctx, eve, alice.ID, oneTimePassword, core.Client{}); shared.ErrorCode(err) != shared.EForbidden && shared.ErrorCode(err) != shared.ENotFound {
				t.Errorf("another account's admin: %v", err)
			}
			if err := e.svc.Accounts.SetOneTimePassword(ctx, adam, alice.ID, "alicealice1", core.Client{}); shared.ErrorCode(err) != shared.EInvalid {
				t.Errorf("a weak one-time password: %v", err)
			}
			if a := e.do(c, "GET", "/api/me", nil); a.status != 200 {
				t.Fatalf("refused attempts ended the session: %d", a.status)
			}
			if err := e.svc.Accounts.SetOneTimePassword(ctx, adam, alice.ID, oneTimePassword, core.Client{IP: "192.0.2.1"}); err != nil {
				t.Fatal(err)
			}
			e.assertEnded(t, "alice's session", token)
			if got := fmt.Sprint(storetest.Rows(t, e.st, "SELECT action, actor_name, target_name FROM audit_events WHERE action = ?", shared.AuditPasswordSet)); got != "[[password_set adam alice]]" {
				t.Errorf("audit: %s", got)
			}
			if a := e.login(e.browser(), "alice", password); a.status != 401 {
				t.Errorf("the old password: %d", a.status)
			}
			e.loginOneTime(t, "alice")
		})
	}
}

// The strength hint scores with the rules a change applies, bounds its
// input, and never writes the password to the log.
func TestPasswordStrength_ScoresWithTheServersRules(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.user("alice", shared.RoleUser, "Acme")
	if a := e.do(e.browser(), "POST", "/api/password/strength", shared.PasswordStrengthRequest{Password: "x"}); a.status != 401 {
		t.Errorf("without a session: %d", a.status)
	}
	c := e.browser()
	e.login(c, "alice", password)
	for _, tc := range []struct {
		req  shared.PasswordStrengthRequest
		ok   bool
		warn string
	}{
		{shared.PasswordStrengthRequest{Password: "short"}, false, "at least 8"},
		{shared.PasswordStrengthRequest{Password: "password1"}, false, "commonly used"},
		{shared.PasswordStrengthRequest{Password: "alice2026x"}, false, "username"},
		{shared.PasswordStrengthRequest{Password: "acmeacme99"}, false, "easy to guess"},
		{shared.PasswordStrengthRequest{Password: "bob-the-builder", Username: "bob"}, false, "username"},
		{shared.PasswordStrengthRequest{Password: newPassword}, true, ""},
	} {
		var got shared.PasswordStrength
		a := e.do(c, "POST", "/api/password/strength", tc.req)
		if a.decode(t, &got); a.status != 200 || got.OK != tc.ok || !strings.Contains(got.Warning, tc.warn) ||
			(tc.ok && got.Score < 3) || (!tc.ok && (got.Score > 2 || len(got.Suggestions) == 0)) {
			t.Errorf("%+v: %d %s", tc.req, a.status, a.body)
		}
		if strings.Contains(e.log.String(), tc.req.Password) {
			t.Errorf("the password %q is in the log", tc.req.Password)
		}
	}
	if a := e.do(c, "POST", "/api/password/strength", shared.PasswordStrengthRequest{Password: strings.Repeat("a", 257)}); a.status != 400 {
		t.Errorf("a password past the limit: %d %s", a.status, a.body)
	}
}

// Before the app runs, the login form leads a one-time password to the
// app's step that replaces it.
func TestOneTimePassword_TheFormLeadsToTheNewPasswordStep(t *testing.T) {
	e := newEnv(t, "sqlite")
	if _, err := e.svc.Accounts.CreateOneTimeUser(context.Background(), "alice", oneTimePassword, shared.RoleUser, "Acme", ""); err != nil {
		t.Fatal(err)
	}
	c := e.browser()
	if status, loc := e.postForm(c, "/login", form("username", "alice", "password", oneTimePassword)); status != http.StatusSeeOther || loc.String() != nextPages[shared.NextChangePassword] {
		t.Fatalf("form login: %d %s", status, loc)
	}
	var me shared.Me
	if e.do(c, "GET", "/api/me", nil).decode(t, &me); me.Stage != shared.NextChangePassword {
		t.Errorf("stage after the form: %q", me.Stage)
	}
}

// A login with a one-time password from a browser and network the user has
// not used is news like any other: the password step decides it (Login), and
// the step that completes the login tells, whether that is the replacement
// itself or the code step after it. Nothing is told before the login is
// complete.
func TestOneTimePassword_LoginFromANewBrowserMakesTheNoticeWhenComplete(t *testing.T) {
	const newPassword = "correct horse battery staple 42"
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newEnv(t, d)
			now := e.fixClock()
			ctx := context.Background()
			_, secret, _ := e.connected(t, now) // alice, with 2FA, from 127.0.0.1
			e.api.trustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
			adam := e.user("adam", shared.RoleAdmin, "Acme")
			bob := e.user("bob", shared.RoleUser, "Acme")
			alice, _ := e.st.UserByUsername(ctx, "alice")
			e.loginFrom(e.browser(), "bob", password, "198.51.100.1")
			for _, u := range []*domain.User{alice, bob} {
				if err := e.svc.Accounts.SetOneTimePassword(ctx, adam, u.ID, oneTimePassword, core.Client{}); err != nil {
					t.Fatal(err)
				}
			}
			// bob, without 2FA: the replacement completes the login.
			c := e.browser()
			if a := e.loginFrom(c, "bob", oneTimePassword, "203.0.113.9"); a.status != 200 {
				t.Fatalf("login: %d %s", a.status, a.body)
			}
			wantKinds(t, "bob's one-time password step", e.noticeKinds(t, bob), map[string]int{})
			a := e.do(c, "POST", "/api/me/password", shared.ChangePasswordRequest{Current: oneTimePassword, New: newPassword}, "X-Forwarded-For", "203.0.113.9")
			if a.status != 200 || !strings.Contains(string(a.body), `"next":"done"`) {
				t.Fatalf("change: %d %s", a.status, a.body)
			}
			wantKinds(t, "bob's replacement", e.noticeKinds(t, bob), map[string]int{shared.NoticeNewBrowserLogin: 1})
			if rows := storetest.Rows(t, e.st, "SELECT ip FROM notices WHERE user_id = ?", bob.ID); rows[0][0] != "203.0.113.9" {
				t.Fatalf("notice from %v", rows)
			}
			// alice, with 2FA: the code step after the replacement tells.
			c = e.browser()
			e.loginFrom(c, "alice", oneTimePassword, "203.0.113.9")
			a = e.do(c, "POST", "/api/me/password", shared.ChangePasswordRequest{Current: oneTimePassword, New: newPassword}, "X-Forwarded-For", "203.0.113.9")
			if a.status != 200 || !strings.Contains(string(a.body), `"next":"totp"`) {
				t.Fatalf("alice's change: %d %s", a.status, a.body)
			}
			before := e.noticeKinds(t, alice)[shared.NoticeNewBrowserLogin]
			*now = now.Add(time.Minute)
			if a := e.do(c, "POST", "/api/login/totp", shared.CodeRequest{Code: code(t, secret, *now)}, "X-Forwarded-For", "203.0.113.9"); a.status != 200 {
				t.Fatalf("code: %d %s", a.status, a.body)
			}
			if got := e.noticeKinds(t, alice)[shared.NoticeNewBrowserLogin]; before != 0 || got != 1 {
				t.Fatalf("alice's new_browser_login notices: %d before the code, %d after", before, got)
			}
		})
	}
}

// The forced change does not ask again for the one-time password the login
// proved seconds before: the password_change session is that proof, within
// ReauthWindow of its login. As an attacker would try it: the same change
// without the current password is refused to a full session, and to a
// password_change session past the window; a password_change session
// changes its own user's password only; and the new password still may
// not be the one-time one. The database says what changed.
func TestOneTimePassword_TheLoginIsTheProofForAShortTime(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			now := e.fixClock()
			ctx := context.Background()
			oneTime := func(name string) {
				u := e.user(name, shared.RoleUser, "Acme")
				if err := e.svc.Accounts.SetOneTimePassword(ctx, nil, u.ID, oneTimePassword, core.Client{}); err != nil {
					t.Fatal(err)
				}
			}
			refusedForCurrent := func(what string, a answer) {
				t.Helper()
				if a.status != 400 || a.apiError(t).Fields["current"] == "" {
					t.Errorf("%s without the current password: %d %s", what, a.status, a.body)
				}
			}

			// A full session: the current password, as ever.
			e.user("bob", shared.RoleUser, "Acme")
			full := e.browser()
			e.login(full, "bob", password)
			before := e.passwordRow(t, "bob")
			refusedForCurrent("a full session", e.changePassword(full, "", newPassword))
			if e.passwordRow(t, "bob") != before {
				t.Errorf("a full session changed the password without the current one")
			}

			// Mallory's password_change session changes hers, not alice's.
			oneTime("alice")
			oneTime("mallory")
			aliceBefore := e.passwordRow(t, "alice")
			m := e.loginOneTime(t, "mallory")
			if a := e.changePassword(m, "", oneTimePassword); a.status != 400 || a.apiError(t).Fields["new"] == "" {
				t.Errorf("the one-time password as the new one: %d %s", a.status, a.body)
			}
			var lr shared.LoginResponse
			if a := e.changePassword(m, "", newPassword); a.status != 200 {
				t.Fatalf("mallory's change without the current password: %d %s", a.status, a.body)
			} else if a.decode(t, &lr); lr.Next != shared.NextDone {
				t.Errorf("next: %q", lr.Next)
			}
			if e.passwordRow(t, "alice") != aliceBefore || e.mustChange(t, "alice") == "false" || e.mustChange(t, "alice") == "0" {
				t.Errorf("mallory's change touched alice: %s", e.mustChange(t, "alice"))
			}
			if got := e.mustChange(t, "mallory"); got != "false" && got != "0" {
				t.Errorf("mallory's flag after the change: %s", got)
			}
			if a := e.login(e.browser(), "mallory", newPassword); a.status != 200 {
				t.Errorf("mallory's new password: %d %s", a.status, a.body)
			}

			// Past the window, the session is no proof any more.
			c := e.loginOneTime(t, "alice")
			*now = now.Add(e.svc.ReauthWindow)
			refusedForCurrent("a password_change session past the window", e.changePassword(c, "", newPassword))
			if e.passwordRow(t, "alice") != aliceBefore {
				t.Errorf("the change past the window went through")
			}
			if a := e.changePassword(c, oneTimePassword, newPassword); a.status != 200 {
				t.Errorf("with the current password past the window: %d %s", a.status, a.body)
			}
		})
	}
}
