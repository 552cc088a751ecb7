package httpapi

import (
	"fmt"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/internal/testcode"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// A thief with a stolen session, past the re-authentication window, cannot
// bind their own authenticator: setup and connect want the password again.
// Wrong passwords count toward the login throttle and are audited; the right
// one opens the window, and connecting ends every other session (the
// thief's included).
func TestReauth_AStolenSessionCannotBindAnAuthenticator(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			now := e.fixClock()
			e.user("alice", shared.RoleUser, "Acme")
			thief, owner := e.browser(), e.browser()
			e.login(thief, "alice", password)
			e.login(owner, "alice", password)

			// The login itself counts, for ten minutes.
			*now = now.Add(9 * time.Minute)
			if a := e.do(thief, "POST", "/api/2fa/setup", nil); a.status != 200 {
				t.Fatalf("setup within the window: %d %s", a.status, a.body)
			}
			*now = now.Add(2 * time.Minute)
			for _, path := range []string{"/api/2fa/setup", "/api/2fa/connect"} {
				a := e.do(thief, "POST", path, shared.CodeRequest{Code: "123456"})
				if a.status != 403 || a.apiError(t).Code != shared.EReauthRequired {
					t.Fatalf("%s past the window: %d %s", path, a.status, a.body)
				}
			}
			if rows := storetest.Rows(t, e.st, "SELECT totp_enabled_at FROM users WHERE username = 'alice'"); rows[0][0] != "" {
				t.Fatal("2FA got connected past the window")
			}

			// Guessing the password: each guess counts and is audited; the
			// fifth locks the username for the proof as for the login.
			for i := range 5 {
				a := e.do(thief, "POST", "/api/me/reauth", shared.ReauthRequest{Password: fmt.Sprintf("guess %d", i)})
				if a.status != 401 || a.apiError(t).Code != shared.EWrongCredentials {
					t.Fatalf("guess %d: %d %s", i+1, a.status, a.body)
				}
			}
			if n := len(storetest.Rows(t, e.st, "SELECT id FROM audit_events WHERE action = 'reauth_refused'")); n != 5 {
				t.Fatalf("%d refused proofs audited, want 5", n)
			}
			if a := e.do(thief, "POST", "/api/me/reauth", shared.ReauthRequest{Password: password}); a.status != 429 {
				t.Fatalf("the right password while throttled: %d %s", a.status, a.body)
			}
			if a := e.login(e.browser(), "alice", password); a.status != 401 {
				t.Fatalf("a login while the proof's guesses lock the username: %d %s", a.status, a.body)
			}

			// The owner proves it is them and connects: every other session ends.
			*now = now.Add(16 * time.Minute)
			e.do(owner, "GET", "/api/me", nil) // still active
			if a := e.do(owner, "POST", "/api/me/reauth", shared.ReauthRequest{Password: password}); a.status != 204 {
				t.Fatalf("the right password: %d %s", a.status, a.body)
			}
			var setup shared.TOTPSetup
			e.do(owner, "POST", "/api/2fa/setup", nil).decode(t, &setup)
			if a := e.do(owner, "POST", "/api/2fa/connect", shared.CodeRequest{Code: code(t, setup.Secret, *now)}); a.status != 200 {
				t.Fatalf("connect after the proof: %d %s", a.status, a.body)
			}
			if a := e.do(thief, "GET", "/api/me", nil); a.status != 401 {
				t.Fatalf("the other session after Connect: %d", a.status)
			}
			if a := e.do(owner, "GET", "/api/me", nil); a.status != 200 {
				t.Fatalf("the session that connected: %d", a.status)
			}
		})
	}
}

// A current code is a proof too, used up like a login's: the same code
// cannot open the window twice. Admin actions that change something need a
// fresh proof as well.
func TestReauth_ACodeProvesOnceAndAdminChangesNeedAProof(t *testing.T) {
	e := newEnv(t, store.SQLite)
	now := e.fixClock()
	ursula := e.user("ursula", shared.RoleUser, "Acme")
	root := e.user("root", shared.RoleAdmin, "Acme")
	admin := e.browser()
	e.login(admin, "root", password)
	secret := e.enroll(t, admin, *now)
	uc := e.browser()
	e.login(uc, "ursula", password)
	e.enroll(t, uc, *now)

	*now = now.Add(11 * time.Minute)
	e.do(admin, "GET", "/api/me", nil)
	for name, a := range map[string]answer{
		"policy": e.setPolicy(t, admin, root.AccountID, true),
		"reset":  e.do(admin, "POST", fmt.Sprintf("/api/admin/users/%d/reset-2fa", ursula.ID), nil),
	} {
		if a.status != 403 || a.apiError(t).Code != shared.EReauthRequired {
			t.Fatalf("%s past the window: %d %s", name, a.status, a.body)
		}
	}
	if a := e.do(admin, "POST", "/api/me/reauth", shared.ReauthRequest{Code: testcode.Wrong(t, secret, *now)}); a.apiError(t).Code != shared.EWrongCode {
		t.Fatalf("a wrong code: %s", a.body)
	}
	c := code(t, secret, *now)
	if a := e.do(admin, "POST", "/api/me/reauth", shared.ReauthRequest{Code: c}); a.status != 204 {
		t.Fatalf("a current code: %d %s", a.status, a.body)
	}
	if a := e.do(admin, "POST", "/api/me/reauth", shared.ReauthRequest{Code: c}); a.apiError(t).Code != shared.EWrongCode {
		t.Fatalf("the same code again: %s", a.body)
	}
	if a := e.setPolicy(t, admin, root.AccountID, true); a.status != 200 {
		t.Fatalf("policy after the proof: %d %s", a.status, a.body)
	}
	if a := e.do(admin, "POST", fmt.Sprintf("/api/admin/users/%d/reset-2fa", ursula.ID), nil); a.status != 204 {
		t.Fatalf("reset after the proof: %d %s", a.status, a.body)
	}
	// Both of the proof's forms at once, or none, are refused.
	for _, body := range []shared.ReauthRequest{{}, {Password: password, Code: c}} {
		if a := e.do(admin, "POST", "/api/me/reauth", body); a.status != 400 {
			t.Fatalf("%+v: %d %s", body, a.status, a.body)
		}
	}
}
