package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/internal/softkey"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// keyProof begins a proof at /api/me/reauth/key/begin and answers it with k.
func (e *env) keyProof(c *http.Client, k *softkey.Key) json.RawMessage {
	e.t.Helper()
	a := e.do(c, "POST", "/api/me/reauth/key/begin", "{}")
	if a.status != 200 {
		e.t.Fatalf("reauth/key/begin: %d %s", a.status, a.body)
	}
	cred, err := k.Assert(a.body)
	if err != nil {
		e.t.Fatal(err)
	}
	return cred
}

// A user with security keys only proves it is them with a key: once per
// challenge, with their own key, from the session that asked.
func TestReauth_AKeyOnlyUserProvesWithTheirKeyOnce(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newKeyEnv(t, d)
			now := e.fixClock()
			alice := e.user("alice", shared.RoleUser, "Acme")
			e.user("bob", shared.RoleUser, "Acme")
			c, other, cb := e.browser(), e.browser(), e.browser()
			e.login(c, "alice", password)
			k, _ := e.addKey(c, "Blue key")
			e.login(cb, "bob", password)
			bobKey, _ := e.addKey(cb, "Bob's")
			e.login(other, "alice", password)
			e.assert(other, "/api/login/key/begin", "/api/login/key/finish", k)

			*now = now.Add(11 * time.Minute)
			if a := e.do(c, "POST", "/api/2fa/keys/begin", shared.KeyNameRequest{Name: "Spare"}); a.apiError(t).Code != shared.EReauthRequired {
				t.Fatalf("adding a key past the window: %d %s", a.status, a.body)
			}
			// A code is no proof for a user without the app.
			if a := e.do(c, "POST", "/api/me/reauth", shared.ReauthRequest{Code: "123456"}); a.status != 409 {
				t.Fatalf("a code without the app: %d %s", a.status, a.body)
			}
			cred := e.keyProof(c, k)
			if a := e.do(c, "POST", "/api/me/reauth", shared.ReauthRequest{Credential: cred}); a.status != 204 {
				t.Fatalf("the key: %d %s", a.status, a.body)
			}
			if a := e.do(c, "POST", "/api/2fa/keys/begin", shared.KeyNameRequest{Name: "Spare"}); a.status != 200 {
				t.Fatalf("adding a key after the proof: %d %s", a.status, a.body)
			}
			creds, _ := e.st.WebAuthnCredentials(context.Background(), alice.ID)
			if creds[0].SignCount != 2 {
				t.Fatalf("the proof did not move the counter: %d", creds[0].SignCount)
			}

			*now = now.Add(11 * time.Minute)
			e.do(c, "GET", "/api/me", nil)
			// The same answer again: its challenge was taken.
			if a := e.do(c, "POST", "/api/me/reauth", shared.ReauthRequest{Credential: cred}); a.status != 401 || a.apiError(t).Code != shared.EWrongCode {
				t.Fatalf("a replayed answer: %d %s", a.status, a.body)
			}
			// Bob's key signing Alice's challenge.
			if a := e.do(c, "POST", "/api/me/reauth", shared.ReauthRequest{Credential: e.keyProof(c, bobKey)}); a.status != 401 || a.apiError(t).Code != shared.EWrongCode {
				t.Fatalf("bob's key: %d %s", a.status, a.body)
			}
			// Alice's own key, for a challenge her other session asked for.
			if a := e.do(c, "POST", "/api/me/reauth", shared.ReauthRequest{Credential: e.keyProof(other, k)}); a.status != 401 {
				t.Fatalf("another session's challenge: %d %s", a.status, a.body)
			}
			// A second-step challenge is no proof (bob's session at the second step).
			e.do(cb, "POST", "/api/logout", nil)
			e.login(cb, "bob", password)
			b := e.do(cb, "POST", "/api/login/key/begin", "{}")
			bobCred, _ := bobKey.Assert(b.body)
			if a := e.do(cb, "POST", "/api/me/reauth", shared.ReauthRequest{Credential: bobCred}); a.status != 401 {
				t.Fatalf("reauth at the second step: %d %s", a.status, a.body)
			}
			if a := e.do(c, "POST", "/api/2fa/keys/begin", shared.KeyNameRequest{Name: "Spare"}); a.apiError(t).Code != shared.EReauthRequired {
				t.Fatalf("the refused proofs opened the window: %d %s", a.status, a.body)
			}
			if n := len(storetest.Rows(t, e.st, "SELECT id FROM audit_events WHERE action = 'reauth_refused' AND detail IN ('stale_key_request', 'wrong_key')")); n != 3 {
				t.Fatalf("%d refused key proofs audited, want 3", n)
			}
			u, _ := e.st.UserByID(context.Background(), alice.ID)
			if u.FailedCodeCount != 3 {
				t.Fatalf("refused proofs counted toward the lockout: %d", u.FailedCodeCount)
			}
			// Odd bodies get words, not a 500.
			for _, body := range []string{`{"credential":{}}`, `{"credential":"\u0000"}`, `{"password":"x","credential":{"id":"x"}}`,
				`{"credential":{"id":"x","type":"public-key","response":{}}}`} {
				if a := e.do(c, "POST", "/api/me/reauth", body); a.status != 400 || a.apiError(t).Message == "" {
					t.Fatalf("%s: %d %s", body, a.status, a.body)
				}
			}
			if a := e.do(c, "POST", "/api/me/reauth", shared.ReauthRequest{Credential: e.keyProof(c, k)}); a.status != 204 {
				t.Fatalf("the right key after failures: %d %s", a.status, a.body)
			}
		})
	}
}

// Regenerate takes a key's answer in place of a code, so a user with keys
// only can replace their recovery codes.
func TestRecoveryCodes_AKeyOnlyUserRegeneratesThemWithTheirKey(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newKeyEnv(t, d)
			alice := e.user("alice", shared.RoleUser, "Acme")
			e.user("bob", shared.RoleUser, "Acme")
			c, cb := e.browser(), e.browser()
			e.login(c, "alice", password)
			k, added := e.addKey(c, "Blue key")
			e.login(cb, "bob", password)
			bobKey, _ := e.addKey(cb, "Bob's")

			if a := e.do(c, "POST", "/api/2fa/recovery-codes", shared.RegenerateCodesRequest{Code: "123456"}); a.status != 409 {
				t.Fatalf("a code without the app: %d %s", a.status, a.body)
			}
			cred := e.keyProof(c, k)
			var fresh shared.ConnectResponse
			if a := e.do(c, "POST", "/api/2fa/recovery-codes", shared.RegenerateCodesRequest{Credential: cred}); a.status != 200 {
				t.Fatalf("regenerate with the key: %d %s", a.status, a.body)
			} else {
				a.decode(t, &fresh)
			}
			if len(fresh.RecoveryCodes) != 10 || fresh.RecoveryCodes[0] == added.RecoveryCodes[0] {
				t.Fatalf("new codes: %+v", fresh)
			}
			if a := e.do(c, "POST", "/api/2fa/recovery-codes", shared.RegenerateCodesRequest{Credential: cred}); a.status != 401 || a.apiError(t).Code != shared.EWrongCode {
				t.Fatalf("the same answer again: %d %s", a.status, a.body)
			}
			if a := e.do(c, "POST", "/api/2fa/recovery-codes", shared.RegenerateCodesRequest{Credential: e.keyProof(c, bobKey)}); a.status != 401 {
				t.Fatalf("bob's key: %d %s", a.status, a.body)
			}
			if a := e.do(c, "POST", "/api/2fa/recovery-codes", `{"code":"123456","credential":{"id":"x"}}`); a.status != 400 {
				t.Fatalf("both proofs: %d %s", a.status, a.body)
			}
			if n := len(storetest.Rows(t, e.st, "SELECT id FROM audit_events WHERE action = 'recovery_codes_regenerate_refused'")); n != 2 {
				t.Fatalf("%d refused regenerations audited, want 2", n)
			}
			// The old set is dead, the new one logs in.
			e.do(c, "POST", "/api/logout", nil)
			e.login(c, "alice", password)
			if a := e.do(c, "POST", "/api/login/recovery", shared.CodeRequest{Code: added.RecoveryCodes[1]}); a.status != 401 {
				t.Fatalf("an old code: %d %s", a.status, a.body)
			}
			if a := e.do(c, "POST", "/api/login/recovery", shared.CodeRequest{Code: fresh.RecoveryCodes[1]}); a.status != 200 {
				t.Fatalf("a new code: %d %s", a.status, a.body)
			}
			if ev := e.lastEvent(alice.ID); ev.Method != shared.MethodRecoveryCode {
				t.Fatalf("event: %+v", ev)
			}
		})
	}
}

// A page reloaded at the second step asks again which factors to offer.
func TestLogin_TheSecondStepTellsItsMethodsAgain(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newKeyEnv(t, d)
			e.user("alice", shared.RoleUser, "Acme")
			c := e.browser()
			if a := e.do(c, "GET", "/api/login/methods", nil); a.status != 401 {
				t.Fatalf("without a session: %d %s", a.status, a.body)
			}
			e.login(c, "alice", password)
			k, _ := e.addKey(c, "Blue key")
			e.do(c, "POST", "/api/logout", nil)
			e.login(c, "alice", password)
			var lr shared.LoginResponse
			e.do(c, "GET", "/api/login/methods", nil).decode(t, &lr)
			if lr.Next != shared.NextTOTP || len(lr.Methods) != 1 || lr.Methods[0] != shared.FactorSecurityKey {
				t.Fatalf("methods at the second step: %+v", lr)
			}
			e.assert(c, "/api/login/key/begin", "/api/login/key/finish", k)
			if a := e.do(c, "GET", "/api/login/methods", nil); a.status == 200 {
				t.Fatalf("a full session: %d %s", a.status, a.body)
			}
		})
	}
}
