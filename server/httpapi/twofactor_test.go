package httpapi

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/internal/testcode"

	"github.com/pquerna/otp/totp"

	"github.com/warden-auth/warden/server/internal/testclock"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// fixClock replaces the server's clock with one the test moves.
func (e *env) fixClock() *time.Time {
	now := testclock.Base
	e.svc.Now = func() time.Time { return now }
	return &now
}

func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTwoFactor_ConnectThenEveryLoginNeedsTheCode(t *testing.T) {
	e := newEnv(t, store.SQLite)
	now := e.fixClock()
	e.user("alice", shared.RoleUser, "Acme")
	c := e.browser()
	e.login(c, "alice", password)

	a := e.do(c, "POST", "/api/2fa/setup", nil)
	var setup shared.TOTPSetup
	a.decode(t, &setup)
	png, _ := base64.StdEncoding.DecodeString(setup.QRPNG)
	if a.status != 200 || len(setup.Secret) != 32 || !strings.HasPrefix(setup.OTPAuthURL, "otpauth://totp/Warden:alice?") ||
		!strings.HasPrefix(string(png), "\x89PNG") {
		t.Fatalf("setup: %d %s", a.status, a.body)
	}
	if a := e.do(c, "POST", "/api/2fa/connect", shared.CodeRequest{Code: testcode.Wrong(t, setup.Secret, *now)}); a.status != 401 || a.apiError(t).Code != shared.EWrongCode {
		t.Fatalf("connect with a wrong code: %d %s", a.status, a.body)
	}
	if a := e.do(c, "POST", "/api/2fa/connect", shared.CodeRequest{Code: code(t, setup.Secret, *now)}); a.status != 200 {
		t.Fatalf("connect: %d %s", a.status, a.body)
	}
	// From here on the secret must never appear again.
	var seen []string
	record := func(a answer) answer { seen = append(seen, string(a.body)); return a }

	var me shared.Me
	record(e.do(c, "GET", "/api/me", nil)).decode(t, &me)
	if !me.TOTPEnabled || me.TOTPEnabledAt != testclock.Base.Format(time.RFC3339) {
		t.Fatalf("me after connect: %+v", me)
	}
	if a := record(e.do(c, "POST", "/api/2fa/setup", nil)); a.status != 409 || a.apiError(t).Code != shared.EConflict {
		t.Fatalf("setup while connected: %d %s", a.status, a.body)
	}
	e.do(c, "POST", "/api/logout", nil)

	*now = now.Add(time.Minute)
	var lr shared.LoginResponse
	a = record(e.login(c, "alice", password))
	a.decode(t, &lr)
	if lr.Next != shared.NextTOTP {
		t.Fatalf("login with 2FA on: %s", a.body)
	}
	passwordCookie := e.sessionCookie(c).Value
	// A session waiting for its code reaches nothing else.
	for _, rt := range e.api.routes() {
		if rt.access == signingIn {
			e.checkSigningIn(t, noFollow(c), rt, false)
		} else if rt.access != public && rt.access != secondStep {
			if a := record(e.do(c, rt.method, rt.pattern, "{}")); a.status != 401 || a.apiError(t).Code != shared.EUnauthenticated {
				t.Errorf("%s %s with the password only: %d %s", rt.method, rt.pattern, a.status, a.body)
			}
		}
	}
	if a := record(e.do(c, "POST", "/api/login/totp", shared.CodeRequest{Code: "12345"})); a.status != 400 || a.apiError(t).Code != shared.EInvalid {
		t.Fatalf("malformed code: %d %s", a.status, a.body)
	}
	good := code(t, setup.Secret, *now)
	if a := record(e.do(c, "POST", "/api/login/totp", shared.CodeRequest{Code: good[:3] + " " + good[3:]})); a.status != 200 {
		t.Fatalf("second step: %d %s", a.status, a.body)
	}
	if e.sessionCookie(c).Value == passwordCookie {
		t.Fatal("the token was not rotated after the code")
	}
	e.assertEnded(t, "the password-step session after the second step", passwordCookie)
	if a := record(e.do(c, "GET", "/api/me", nil)); a.status != 200 {
		t.Fatalf("me after the second step: %d", a.status)
	}
	for _, body := range append(seen, e.log.String()) {
		if strings.Contains(body, setup.Secret) || strings.Contains(body, "otpauth") {
			t.Fatalf("the secret reappeared: %s", body)
		}
	}
}

func TestTwoFactor_LockoutAnswers429WithRetryAfter(t *testing.T) {
	e := newEnv(t, store.SQLite)
	now := e.fixClock()
	u := e.user("alice", shared.RoleUser, "Acme")
	setup, _ := e.svc.TOTP.Setup(t.Context(), u)
	c := e.browser()
	e.login(c, "alice", password)
	e.do(c, "POST", "/api/2fa/connect", shared.CodeRequest{Code: code(t, setup.Secret, *now)})
	e.do(c, "POST", "/api/logout", nil)
	*now = now.Add(time.Minute)

	// Five wrong codes, from five different browsers: the count is the user's.
	var a answer
	for i := range 5 {
		b := e.browser()
		e.login(b, "alice", password)
		a = e.do(b, "POST", "/api/login/totp", shared.CodeRequest{Code: testcode.Wrong(t, setup.Secret, *now)})
		if i < 4 && (a.status != 401 || a.apiError(t).Code != shared.EWrongCode) {
			t.Fatalf("wrong code %d: %d %s", i+1, a.status, a.body)
		}
	}
	if a.status != http.StatusTooManyRequests || a.header.Get("Retry-After") != "60" || a.apiError(t).RetryAfter != 60 || a.apiError(t).Code != shared.ERateLimited {
		t.Fatalf("fifth wrong code: %d %v %s", a.status, a.header, a.body)
	}
	e.login(c, "alice", password)
	if a := e.do(c, "POST", "/api/login/totp", shared.CodeRequest{Code: code(t, setup.Secret, *now)}); a.status != 429 || a.apiError(t).Code != shared.ERateLimited {
		t.Fatalf("right code while locked: %d %s", a.status, a.body)
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

	if a := e.do(first, "POST", "/api/2fa/disconnect", shared.DisconnectRequest{Password: "wrong password"}); a.status != 401 ||
		a.apiError(t).Code != shared.EWrongCredentials {
		t.Fatalf("wrong password: %d %s", a.status, a.body)
	}
	if a := e.do(first, "POST", "/api/2fa/disconnect", map[string]any{}); a.status != 400 ||
		a.apiError(t).Code != shared.EInvalid || a.apiError(t).Fields["password"] == "" {
		t.Fatalf("no password: %d %s", a.status, a.body)
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
		if a := e.do(c, "GET", "/api/me", nil); a.status != 401 || a.apiError(t).Code != shared.EUnauthenticated {
			t.Errorf("%s survived: %d %s", name, a.status, a.body)
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
	if a.status != 200 || res.LoggedOut {
		t.Fatalf("disconnect: %d %s", a.status, a.body)
	}
	// The same session goes on, now without 2FA.
	var me shared.Me
	m := e.do(c, "GET", "/api/me", nil)
	m.decode(t, &me)
	if m.status != 200 || me.Username != "ursula" || me.TOTPEnabled || me.RecoveryCodesLeft != 0 {
		t.Fatalf("after disconnect: %d %s", m.status, m.body)
	}
	if a := e.do(c, "POST", "/api/2fa/disconnect", shared.DisconnectRequest{Password: password}); a.status != 409 ||
		a.apiError(t).Code != shared.EConflict {
		t.Fatalf("disconnect twice: %d %s", a.status, a.body)
	}
	var lr shared.LoginResponse
	e.login(c, "ursula", password).decode(t, &lr)
	if lr.Next != shared.NextDone {
		t.Fatalf("login after disconnect: %+v", lr)
	}
}

// The authenticator app's row in the list of second factors says when a
// code of it last logged in (GitHub's "Last used"), as a key's does: never
// before the first code login, then the time of the latest; wrong and
// replayed codes move nothing.
func TestTwoFactor_TheAppSaysWhenItWasLastUsed(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			now := e.fixClock()
			e.user("alice", shared.RoleUser, "Acme")
			c := e.browser()
			e.login(c, "alice", password)
			secret := e.enroll(t, c, *now)
			appLastUsed := func() string {
				t.Helper()
				var ms shared.MethodsResponse
				e.do(c, "GET", "/api/2fa/methods", nil).decode(t, &ms)
				if len(ms.Methods) != 1 || ms.Methods[0].ID != shared.TOTPMethodID {
					t.Fatalf("methods: %+v", ms)
				}
				return ms.Methods[0].LastUsedAt
			}
			if got := appLastUsed(); got != "" {
				t.Fatalf("used before any code login: %q", got)
			}
			for i := range 3 {
				*now = now.Add(time.Minute)
				e.login(c, "alice", password)
				if a := e.do(c, "POST", "/api/login/totp", shared.CodeRequest{Code: code(t, secret, *now)}); a.status != 200 {
					t.Fatalf("code login %d: %d %s", i, a.status, a.body)
				}
				if got, want := appLastUsed(), now.UTC().Format(time.RFC3339); got != want {
					t.Fatalf("after code login %d: last used %q, want %q", i, got, want)
				}
			}
			used := appLastUsed()
			*now = now.Add(time.Minute)
			other := e.browser()
			e.login(other, "alice", password)
			for _, refused := range []string{testcode.Wrong(t, secret, now.Add(-time.Minute)), code(t, secret, now.Add(-time.Minute))} {
				if a := e.do(other, "POST", "/api/login/totp", shared.CodeRequest{Code: refused}); a.status != 401 {
					t.Fatalf("refused code: %d %s", a.status, a.body)
				}
			}
			if got := appLastUsed(); got != used {
				t.Fatalf("a refused code moved the last use: %q, was %q", got, used)
			}
			if u, err := e.st.UserByUsername(context.Background(), "alice"); err != nil || u.TOTPLastUsedAt == nil ||
				!u.TOTPLastUsedAt.Equal(now.Add(-time.Minute)) {
				t.Fatalf("the last use stored: %+v %v", u, err)
			}
		})
	}
}
