package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/internal/softkey"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// newKeyEnv is newEnv reached as localhost: a WebAuthn relying party is a
// domain, never an IP address.
func newKeyEnv(t *testing.T, dialect string) *env {
	e := newEnv(t, dialect)
	e.srv.URL = strings.Replace(e.srv.URL, "127.0.0.1", "localhost", 1)
	return e
}

// addKey adds a software key named name for the signed-in client c, and
// returns it with the finish's answer.
func (e *env) addKey(c *http.Client, name string) (*softkey.Key, shared.KeyAddedResponse) {
	e.t.Helper()
	k := softkey.New(e.srv.URL)
	a := e.do(c, "POST", "/api/2fa/keys/begin", shared.KeyNameRequest{Name: name})
	if a.status != 200 {
		e.t.Fatalf("keys/begin: %d %s\n%s", a.status, a.body, e.log.String())
	}
	cred, err := k.Register(a.body)
	if err != nil {
		e.t.Fatal(err)
	}
	a = e.do(c, "POST", "/api/2fa/keys/finish", shared.CredentialRequest{Credential: cred})
	if a.status != 200 {
		e.t.Fatalf("keys/finish: %d %s", a.status, a.body)
	}
	var added shared.KeyAddedResponse
	json.Unmarshal(a.body, &added)
	return k, added
}

// assert begins a ceremony at begin and answers it with k; it returns the
// finish's answer and the assertion sent.
func (e *env) assert(c *http.Client, begin, finish string, k *softkey.Key) (answer, []byte) {
	e.t.Helper()
	a := e.do(c, "POST", begin, "{}")
	if a.status != 200 {
		e.t.Fatalf("%s: %d %s", begin, a.status, a.body)
	}
	cred, err := k.Assert(a.body)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.do(c, "POST", finish, shared.CredentialRequest{Credential: cred}), cred
}

func (e *env) lastEvent(userID int64) domain.LoginEvent {
	e.t.Helper()
	events, _, err := e.st.LoginEvents(context.Background(), domain.LoginEventFilter{UserID: userID, Limit: 1})
	if err != nil || len(events) == 0 {
		e.t.Fatalf("events: %v %v", events, err)
	}
	return events[0]
}

func TestSecurityKey_AddThenLogInWithPasswordAndKey(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newKeyEnv(t, d)
			alice := e.user("alice", shared.RoleUser, "Acme")
			c := e.browser()
			e.login(c, "alice", password)
			k, added := e.addKey(c, "Blue key")
			if len(added.RecoveryCodes) != 10 || added.Method.Name != "Blue key" || added.Method.Kind != shared.FactorSecurityKey || !added.Method.Passkey {
				t.Fatalf("first key: %+v", added)
			}
			// A second key is not the first factor: the codes stay.
			_, second := e.addKey(c, "Spare")
			if second.RecoveryCodes != nil {
				t.Fatalf("second key made new codes: %+v", second)
			}
			var ms shared.MethodsResponse
			e.do(c, "GET", "/api/2fa/methods", nil).decode(t, &ms)
			if len(ms.Methods) != 2 || ms.Methods[0].Name != "Blue key" || ms.Methods[1].Name != "Spare" || ms.Methods[0].LastUsedAt != "" {
				t.Fatalf("methods: %+v", ms)
			}
			var me shared.Me
			e.do(c, "GET", "/api/me", nil).decode(t, &me)
			if !me.TOTPEnabled || me.RecoveryCodesLeft != 10 || me.SecurityKeys != 2 || me.TOTPEnabledAt != "" {
				t.Fatalf("me with keys: %+v", me)
			}
			e.do(c, "POST", "/api/logout", nil)

			a := e.login(c, "alice", password)
			var lr shared.LoginResponse
			a.decode(t, &lr)
			if lr.Next != shared.NextTOTP || len(lr.Methods) != 1 || lr.Methods[0] != shared.FactorSecurityKey {
				t.Fatalf("password step of a key user: %s", a.body)
			}
			if a := e.do(c, "GET", "/api/me", nil); a.status != 401 {
				t.Fatalf("me before the key: %d", a.status)
			}
			a, _ = e.assert(c, "/api/login/key/begin", "/api/login/key/finish", k)
			if a.status != 200 || !strings.Contains(string(a.body), `"next":"done"`) {
				t.Fatalf("key step: %d %s", a.status, a.body)
			}
			if a := e.do(c, "GET", "/api/me", nil); a.status != 200 {
				t.Fatalf("me after the key: %d %s", a.status, a.body)
			}
			if ev := e.lastEvent(alice.ID); ev.Method != shared.MethodSecurityKey || ev.Result != shared.ResultSuccess {
				t.Fatalf("event: %+v", ev)
			}
			e.do(c, "GET", "/api/2fa/methods", nil).decode(t, &ms)
			if ms.Methods[0].LastUsedAt == "" || ms.Methods[1].LastUsedAt != "" {
				t.Fatalf("last used: %+v", ms)
			}
			creds, _ := e.st.WebAuthnCredentials(context.Background(), alice.ID)
			if creds[0].SignCount != 1 {
				t.Fatalf("sign count stored: %d", creds[0].SignCount)
			}
			// Rename; a name of control characters is refused in words.
			if a := e.do(c, "PATCH", "/api/2fa/methods/"+ms.Methods[1].ID, shared.KeyNameRequest{Name: "Desk"}); a.status != 200 || !strings.Contains(string(a.body), `"name":"Desk"`) {
				t.Fatalf("rename: %d %s", a.status, a.body)
			}
			if a := e.do(c, "PATCH", "/api/2fa/methods/"+ms.Methods[1].ID, shared.KeyNameRequest{Name: "a\x00b"}); a.status != 400 || a.apiError(t).Fields["name"] == "" {
				t.Fatalf("rename with NUL: %d %s", a.status, a.body)
			}
			// The admin table shows the user's methods.
			admins, _ := e.st.AccountUsers(context.Background(), domain.UserFilter{AccountID: alice.AccountID})
			if admins[0].SecurityKeys != 2 {
				t.Fatalf("listing: %+v", admins[0])
			}
		})
	}
}

func TestSecurityKey_ReplayedAssertionAndForeignKeyAreRefused(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newKeyEnv(t, d)
			alice := e.user("alice", shared.RoleUser, "Acme")
			e.user("bob", shared.RoleUser, "Acme")
			ca, cb := e.browser(), e.browser()
			e.login(ca, "alice", password)
			k, _ := e.addKey(ca, "Alice's")
			e.login(cb, "bob", password)
			bobKey, _ := e.addKey(cb, "Bob's")
			e.do(ca, "POST", "/api/logout", nil)

			e.login(ca, "alice", password)
			a, used := e.assert(ca, "/api/login/key/begin", "/api/login/key/finish", k)
			if a.status != 200 {
				t.Fatalf("key step: %d %s", a.status, a.body)
			}
			// The same assertion again, in a new second step: its
			// challenge was taken.
			e.do(ca, "POST", "/api/logout", nil)
			e.login(ca, "alice", password)
			e.do(ca, "POST", "/api/login/key/begin", "{}")
			a = e.do(ca, "POST", "/api/login/key/finish", shared.CredentialRequest{Credential: used})
			if a.status != 401 || a.apiError(t).Code != shared.EWrongCode {
				t.Fatalf("replayed assertion: %d %s", a.status, a.body)
			}
			if ev := e.lastEvent(alice.ID); ev.Reason != shared.ReasonStaleKeyRequest {
				t.Fatalf("replay event: %+v", ev)
			}
			// Bob's key is useless at Alice's second step, even signing her challenge.
			a, _ = e.assert(ca, "/api/login/key/begin", "/api/login/key/finish", bobKey)
			if a.status != 401 || a.apiError(t).Code != shared.EWrongCode {
				t.Fatalf("bob's key for alice: %d %s", a.status, a.body)
			}
			if ev := e.lastEvent(alice.ID); ev.Reason != shared.ReasonWrongKey {
				t.Fatalf("foreign key event: %+v", ev)
			}
			u, _ := e.st.UserByID(context.Background(), alice.ID)
			if u.FailedCodeCount != 2 {
				t.Fatalf("failures counted toward the lockout: %d", u.FailedCodeCount)
			}
			// A challenge of another session is not this one's: Bob's
			// begun ceremony cannot be finished in Alice's session.
			e.do(cb, "POST", "/api/logout", nil)
			e.login(cb, "bob", password)
			b := e.do(cb, "POST", "/api/login/key/begin", "{}")
			cred, _ := k.Assert(b.body)
			if a := e.do(ca, "POST", "/api/login/key/finish", shared.CredentialRequest{Credential: cred}); a.status != 401 {
				t.Fatalf("another session's challenge: %d %s", a.status, a.body)
			}
			// Garbage is refused in words, not a 500.
			for _, junk := range []string{`{"credential":{}}`, `{"credential":"\u0000"}`, `{"credential":null}`, `{"credential":{"id":"x","type":"public-key","response":{}}}`} {
				if a := e.do(ca, "POST", "/api/login/key/finish", junk); a.status != 400 {
					t.Fatalf("junk %s: %d %s", junk, a.status, a.body)
				}
			}
			// Finally the right key still works.
			if a, _ := e.assert(ca, "/api/login/key/begin", "/api/login/key/finish", k); a.status != 200 {
				t.Fatalf("the right key after failures: %d %s", a.status, a.body)
			}
		})
	}
}

func TestSecurityKey_ClonedKeyIsRefusedAndRecorded(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newKeyEnv(t, d)
			alice := e.user("alice", shared.RoleUser, "Acme")
			c := e.browser()
			e.login(c, "alice", password)
			k, _ := e.addKey(c, "Key")
			copyOfKey := k.Clone()
			e.do(c, "POST", "/api/logout", nil)
			e.login(c, "alice", password)
			if a, _ := e.assert(c, "/api/login/key/begin", "/api/login/key/finish", k); a.status != 200 {
				t.Fatalf("genuine: %d %s", a.status, a.body)
			}
			e.do(c, "POST", "/api/logout", nil)
			e.login(c, "alice", password)
			a, _ := e.assert(c, "/api/login/key/begin", "/api/login/key/finish", copyOfKey)
			if a.status != 401 || !strings.Contains(a.apiError(t).Message, "copy") {
				t.Fatalf("clone: %d %s", a.status, a.body)
			}
			if ev := e.lastEvent(alice.ID); ev.Reason != shared.ReasonClonedKey || ev.Result != shared.ResultFailure || ev.Method != shared.MethodSecurityKey {
				t.Fatalf("clone event: %+v", ev)
			}
			creds, _ := e.st.WebAuthnCredentials(context.Background(), alice.ID)
			if creds[0].SignCount != 1 {
				t.Fatalf("the clone moved the counter: %d", creds[0].SignCount)
			}
		})
	}
}

func TestPasskey_SignsInAloneUnlessTheAccountSwitchedItOff(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newKeyEnv(t, d)
			alice := e.user("alice", shared.RoleUser, "Acme")
			c := e.browser()
			e.login(c, "alice", password)
			k, _ := e.addKey(c, "Phone")
			e.do(c, "POST", "/api/logout", nil)

			fresh := e.browser()
			a, used := e.assert(fresh, "/api/login/passkey/begin", "/api/login/passkey/finish", k)
			if a.status != 200 || !strings.Contains(string(a.body), `"next":"done"`) {
				t.Fatalf("passkey: %d %s", a.status, a.body)
			}
			if a := e.do(fresh, "GET", "/api/me", nil); a.status != 200 {
				t.Fatalf("me after passkey: %d %s", a.status, a.body)
			}
			if ev := e.lastEvent(alice.ID); ev.Method != shared.MethodPasskey || ev.Result != shared.ResultSuccess || ev.Username != "alice" {
				t.Fatalf("event: %+v", ev)
			}
			// Replayed: the challenge is gone.
			if a := e.do(e.browser(), "POST", "/api/login/passkey/finish", shared.CredentialRequest{Credential: used}); a.status != 401 {
				t.Fatalf("replayed passkey: %d %s", a.status, a.body)
			}
			// Without user verification a passkey is one factor only: refused.
			k.Verified = false
			if a, _ := e.assert(e.browser(), "/api/login/passkey/begin", "/api/login/passkey/finish", k); a.status != 401 {
				t.Fatalf("passkey without UV: %d %s", a.status, a.body)
			}
			k.Verified = true
			// An unknown key.
			if a, _ := e.assert(e.browser(), "/api/login/passkey/begin", "/api/login/passkey/finish", softkey.New(e.srv.URL)); a.status != 401 {
				t.Fatalf("unknown passkey: %d %s", a.status, a.body)
			}
			// The account's admin switches passkey sign-in off.
			e.user("root", shared.RoleAdmin, "Acme")
			admin := e.browser()
			e.login(admin, "root", password)
			path := "/api/admin/accounts/" + strconv.FormatInt(alice.AccountID, 10) + "/settings"
			var settings shared.AccountSettings
			if a := e.do(admin, "PUT", path, `{"passkeys_allowed":false}`); a.status != 200 {
				t.Fatalf("switch off: %d %s", a.status, a.body)
			} else if a.decode(t, &settings); settings.PasskeysAllowed || settings.Force2FA {
				t.Fatalf("settings: %+v", settings)
			}
			a, _ = e.assert(e.browser(), "/api/login/passkey/begin", "/api/login/passkey/finish", k)
			if a.status != 403 {
				t.Fatalf("passkey switched off: %d %s", a.status, a.body)
			}
			if ev := e.lastEvent(alice.ID); ev.Reason != shared.ReasonPasskeysOff {
				t.Fatalf("off event: %+v", ev)
			}
			// The key still serves as the second factor.
			e.login(c, "alice", password)
			if a, _ := e.assert(c, "/api/login/key/begin", "/api/login/key/finish", k); a.status != 200 {
				t.Fatalf("second step with passkeys off: %d %s", a.status, a.body)
			}
			// An administrator's reset removes every factor: the key too.
			if a := e.do(admin, "POST", "/api/admin/users/"+strconv.FormatInt(alice.ID, 10)+"/reset-2fa", "{}"); a.status != 200 && a.status != 204 {
				t.Fatalf("reset: %d %s", a.status, a.body)
			}
			if creds, _ := e.st.WebAuthnCredentials(context.Background(), alice.ID); len(creds) != 0 {
				t.Fatalf("keys after the reset: %+v", creds)
			}
			var lr shared.LoginResponse
			if e.login(c, "alice", password).decode(t, &lr); lr.Next != shared.NextDone {
				t.Fatalf("login after the reset: %+v", lr)
			}
		})
	}
}

func TestSecurityKey_RemovingTheLastFactorIsDisconnect(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newKeyEnv(t, d)
			now := e.fixClock()
			alice := e.user("alice", shared.RoleUser, "Acme")
			c, other := e.browser(), e.browser()
			e.login(c, "alice", password)
			k, _ := e.addKey(c, "One")
			e.addKey(c, "Two")
			ctx := context.Background()
			if _, err := e.st.SetForceTwoFactor(ctx, alice.AccountID, true, 0, *now, nil); err != nil {
				t.Fatal(err)
			}
			e.login(other, "alice", password)
			if a, _ := e.assert(other, "/api/login/key/begin", "/api/login/key/finish", k); a.status != 200 {
				t.Fatalf("other session: %d %s", a.status, a.body)
			}
			var ms shared.MethodsResponse
			e.do(c, "GET", "/api/2fa/methods", nil).decode(t, &ms)
			// Removing needs a recent proof.
			*now = now.Add(e.svc.ReauthWindow)
			if a := e.do(c, "DELETE", "/api/2fa/methods/"+ms.Methods[0].ID, "{}"); a.status != 403 || a.apiError(t).Code != shared.EReauthRequired {
				t.Fatalf("remove without a recent proof: %d %s", a.status, a.body)
			}
			e.do(c, "POST", "/api/me/reauth", shared.ReauthRequest{Password: password})
			e.do(other, "POST", "/api/me/reauth", shared.ReauthRequest{Password: password})
			// Another user's key id is not found.
			if a := e.do(other, "DELETE", "/api/2fa/methods/key-999", "{}"); a.status != 404 {
				t.Fatalf("no such key: %d %s", a.status, a.body)
			}
			var gone shared.DisconnectResponse
			if a := e.do(c, "DELETE", "/api/2fa/methods/"+ms.Methods[0].ID, "{}"); a.status != 200 {
				t.Fatalf("remove one of two: %d %s", a.status, a.body)
			} else if a.decode(t, &gone); gone.LoggedOut {
				t.Fatal("removing one of two logged out")
			}
			last := "/api/2fa/methods/" + ms.Methods[1].ID
			// The last one switches 2FA off: the password first, as for Disconnect.
			if a := e.do(c, "DELETE", last, `{"confirm":true}`); a.status != 400 || a.apiError(t).Fields["password"] == "" {
				t.Fatalf("the last factor without the password: %d %s", a.status, a.body)
			}
			if a := e.do(c, "DELETE", last, shared.RemoveMethodRequest{Password: "not the password", Confirm: true}); a.apiError(t).Code != shared.EWrongCredentials {
				t.Fatalf("the last factor with a wrong password: %d %s", a.status, a.body)
			}
			if creds, _ := e.st.WebAuthnCredentials(ctx, alice.ID); len(creds) != 1 {
				t.Fatalf("keys after the refusals: %d", len(creds))
			}
			if a := e.do(c, "DELETE", last, shared.RemoveMethodRequest{Password: password}); a.status != 409 || a.apiError(t).Code != shared.EConfirmRequired {
				t.Fatalf("the last factor under Force 2FA: %d %s", a.status, a.body)
			}
			if a := e.do(c, "DELETE", last, shared.RemoveMethodRequest{Password: password, Confirm: true}); a.status != 200 {
				t.Fatalf("the last factor confirmed: %d %s", a.status, a.body)
			} else if a.decode(t, &gone); !gone.LoggedOut {
				t.Fatal("not logged out")
			}
			for _, cl := range []*http.Client{c, other} {
				if a := e.do(cl, "GET", "/api/me", nil); a.status != 401 {
					t.Fatalf("a session lived on: %d", a.status)
				}
			}
			u, _ := e.st.UserByID(ctx, alice.ID)
			left, _ := e.st.RecoveryCodesLeft(ctx, alice.ID)
			creds, _ := e.st.WebAuthnCredentials(ctx, alice.ID)
			if u.TwoFactorEnabled() || left != 0 || len(creds) != 0 {
				t.Fatalf("after removing the last: keys %d, codes %d, %+v", u.SecurityKeys, left, creds)
			}
			// Next login: the forced setup window, which offers a key.
			var lr shared.LoginResponse
			e.login(c, "alice", password).decode(t, &lr)
			if lr.Next != shared.NextEnroll {
				t.Fatalf("login after: %+v", lr)
			}
			if _, added := e.addKey(c, "Three"); len(added.RecoveryCodes) != 10 {
				t.Fatalf("enrolling with a key: %+v", added)
			}
			if a := e.do(c, "GET", "/api/me/logins", nil); a.status != 200 {
				t.Fatalf("enrolled with a key, still not full: %d %s", a.status, a.body)
			}
		})
	}
}

func TestSecurityKey_AnswersForAnotherSiteAreRefused(t *testing.T) {
	e := newKeyEnv(t, "sqlite")
	alice := e.user("alice", shared.RoleUser, "Acme")
	c := e.browser()
	e.login(c, "alice", password)
	// A phishing page's origin in clientDataJSON: the browser would put it
	// there, and the registration does not verify.
	phished := softkey.New("http://localhost.evil.example")
	a := e.do(c, "POST", "/api/2fa/keys/begin", shared.KeyNameRequest{Name: "Phished"})
	cred, _ := phished.Register(a.body)
	if a := e.do(c, "POST", "/api/2fa/keys/finish", shared.CredentialRequest{Credential: cred}); a.status != 401 {
		t.Fatalf("registration from another origin: %d %s", a.status, a.body)
	}
	k, _ := e.addKey(c, "Real")
	e.do(c, "POST", "/api/logout", nil)
	e.login(c, "alice", password)
	// Signed for another relying party id.
	a = e.do(c, "POST", "/api/login/key/begin", "{}")
	var opts struct {
		PublicKey struct {
			Challenge string `json:"challenge"`
		} `json:"publicKey"`
	}
	a.decode(t, &opts)
	k.Counter++
	cred, _ = k.Sign("evil.example", opts.PublicKey.Challenge)
	if a := e.do(c, "POST", "/api/login/key/finish", shared.CredentialRequest{Credential: cred}); a.status != 401 {
		t.Fatalf("assertion for another RP id: %d %s", a.status, a.body)
	}
	if ev := e.lastEvent(alice.ID); ev.Reason != shared.ReasonWrongKey {
		t.Fatalf("event: %+v", ev)
	}
	// A credential object with a name twice is refused before anything.
	if a := e.do(c, "POST", "/api/login/key/finish", `{"credential":{"id":"a","id":"b"}}`); a.status != 400 {
		t.Fatalf("duplicate names: %d %s", a.status, a.body)
	}
}

func TestRelyingParty_IsPublicURLElseTheRequestsHost(t *testing.T) {
	s := &Server{}
	r := httptest.NewRequest("POST", "http://login.example.test:8443/api/login/passkey/begin", nil)
	if rp := s.relyingParty(r); rp.ID != "login.example.test" || rp.Origin != "http://login.example.test:8443" {
		t.Fatalf("from the request: %+v", rp)
	}
	s.publicURL, _ = url.Parse("https://Login.Example.com")
	if rp := s.relyingParty(r); rp.ID != "login.example.com" || rp.Origin != "https://login.example.com" {
		t.Fatalf("from PUBLIC_URL: %+v", rp)
	}
}

// A passkey proves the user, not that they replaced the one-time password
// an administrator gave them: no session of any stage, the refusal in the
// history, the key's counter and last login unmoved; after the replacement
// the passkey signs in again.
func TestPasskey_RefusedWhileAOneTimePasswordWaitsToBeReplaced(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newKeyEnv(t, d)
			ctx := context.Background()
			adam := e.user("adam", shared.RoleAdmin, "Acme")
			alice := e.user("alice", shared.RoleUser, "Acme")
			c := e.browser()
			e.login(c, "alice", password)
			k, _ := e.addKey(c, "Phone")
			if err := e.svc.Accounts.SetOneTimePassword(ctx, adam, alice.ID, oneTimePassword, core.Client{}); err != nil {
				t.Fatal(err)
			}
			before, _ := e.st.UserByID(ctx, alice.ID)
			keysBefore, _ := e.st.WebAuthnCredentials(ctx, alice.ID)
			fresh := e.browser()
			a, _ := e.assert(fresh, "/api/login/passkey/begin", "/api/login/passkey/finish", k)
			if a.status != 403 || !strings.Contains(a.apiError(t).Message, "new password") {
				t.Fatalf("passkey with a pending one-time password: %d %s", a.status, a.body)
			}
			if a := e.do(fresh, "GET", "/api/me", nil); a.status != 401 {
				t.Fatalf("a session after the refusal: %d %s", a.status, a.body)
			}
			if ev := e.lastEvent(alice.ID); ev.Result != shared.ResultFailure || ev.Reason != shared.ReasonMustChange || ev.Method != shared.MethodPasskey {
				t.Fatalf("history: %+v", ev)
			}
			after, _ := e.st.UserByID(ctx, alice.ID)
			keysAfter, _ := e.st.WebAuthnCredentials(ctx, alice.ID)
			if !after.PasswordMustChange || !sameTime(before.LastLoginAt, after.LastLoginAt) || keysAfter[0].SignCount != keysBefore[0].SignCount {
				t.Fatalf("after the refusal: must change %v, last login %v -> %v, counter %d -> %d", after.PasswordMustChange,
					before.LastLoginAt, after.LastLoginAt, keysBefore[0].SignCount, keysAfter[0].SignCount)
			}
			// The one-time password replaced, the passkey works again.
			e.login(c, "alice", oneTimePassword)
			if a := e.do(c, "POST", "/api/me/password", shared.ChangePasswordRequest{Current: oneTimePassword, New: "correct horse battery staple 42"}); a.status != 200 {
				t.Fatalf("change: %d %s", a.status, a.body)
			}
			if a, _ := e.assert(e.browser(), "/api/login/passkey/begin", "/api/login/passkey/finish", k); a.status != 200 {
				t.Fatalf("passkey after the replacement: %d %s", a.status, a.body)
			}
		})
	}
}

// A disabled user's passkey is refused as their password is: the answer
// Login gives, a failure in the history, no session, no last login.
func TestPasskey_RefusedForADisabledUser(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newKeyEnv(t, d)
			ctx := context.Background()
			adam := e.user("adam", shared.RoleAdmin, "Acme")
			alice := e.user("alice", shared.RoleUser, "Acme")
			c := e.browser()
			e.login(c, "alice", password)
			k, _ := e.addKey(c, "Phone")
			on := true
			if _, err := e.svc.Accounts.ChangeUser(ctx, adam, alice.ID, shared.UserPatch{Disabled: &on}, core.Client{}); err != nil {
				t.Fatal(err)
			}
			before, _ := e.st.UserByID(ctx, alice.ID)
			fresh := e.browser()
			a, _ := e.assert(fresh, "/api/login/passkey/begin", "/api/login/passkey/finish", k)
			if a.status == 200 || a.apiError(t).Code != shared.EAccountDisabled {
				t.Fatalf("disabled user's passkey: %d %s", a.status, a.body)
			}
			if pw := e.login(e.browser(), "alice", password); pw.apiError(t).Code != shared.EAccountDisabled {
				t.Fatalf("the password's answer differs: %d %s", pw.status, pw.body)
			}
			ev := e.lastEvent(alice.ID)
			if ev.Result != shared.ResultFailure || ev.Reason != shared.ReasonDisabled {
				t.Fatalf("history: %+v", ev)
			}
			if n := storetest.Rows(t, e.st, "SELECT count(*) FROM login_events WHERE user_id = ? AND method = ? AND result = ?",
				alice.ID, shared.MethodPasskey, shared.ResultSuccess); n[0][0] != "0" {
				t.Fatalf("%s passkey successes recorded", n[0][0])
			}
			if a := e.do(fresh, "GET", "/api/me", nil); a.status != 401 {
				t.Fatalf("a session: %d", a.status)
			}
			if after, _ := e.st.UserByID(ctx, alice.ID); !sameTime(before.LastLoginAt, after.LastLoginAt) {
				t.Fatalf("last login moved: %v -> %v", before.LastLoginAt, after.LastLoginAt)
			}
		})
	}
}

// A passkey sign-in from a browser and network the user has not used is
// news as a password's is (isNewBrowser); from a known one it is not.
func TestPasskey_FromANewBrowserMakesANotice(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newKeyEnv(t, d)
			e.api.trustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("::1/128")}
			alice := e.user("alice", shared.RoleUser, "Acme")
			c := e.browser()
			e.loginFrom(c, "alice", password, "198.51.100.1")
			k, _ := e.addKey(c, "Phone")
			passkey := func(c *http.Client, ip string) {
				t.Helper()
				a := e.do(c, "POST", "/api/login/passkey/begin", "{}", "X-Forwarded-For", ip, "User-Agent", firefoxUA)
				cred, err := k.Assert(a.body)
				if err != nil {
					t.Fatal(err)
				}
				if a := e.do(c, "POST", "/api/login/passkey/finish", shared.CredentialRequest{Credential: cred}, "X-Forwarded-For", ip, "User-Agent", firefoxUA); a.status != 200 {
					t.Fatalf("passkey: %d %s", a.status, a.body)
				}
			}
			passkey(e.browser(), "198.51.100.1") // the network of the first login: no news
			if n := e.noticeKinds(t, alice)[shared.NoticeNewBrowserLogin]; n != 0 {
				t.Fatalf("%d new_browser_login notices from a known network", n)
			}
			passkey(e.browser(), "203.0.113.9")
			rows := storetest.Rows(t, e.st, "SELECT ip, device FROM notices WHERE user_id = ? AND kind = ?", alice.ID, shared.NoticeNewBrowserLogin)
			if len(rows) != 1 || rows[0][0] != "203.0.113.9" || !strings.Contains(rows[0][1], "Firefox") {
				t.Fatalf("new_browser_login notices after a passkey from a new network: %v", rows)
			}
		})
	}
}

// Adding a key is told to the user: the first factor as 2FA connected, which
// also ends every other session (as connecting the app does); a further key
// as security_key_added, naming it, the sessions left alone. A password
// change leaves the keys (and so passkey sign-in) as they are.
func TestSecurityKey_AddingOneMakesANoticeAndTheFirstEndsOtherSessions(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newKeyEnv(t, d)
			ctx := context.Background()
			alice := e.user("alice", shared.RoleUser, "Acme")
			c, other := e.browser(), e.browser()
			e.login(c, "alice", password)
			e.login(other, "alice", password)
			k, _ := e.addKey(c, "Phone")
			wantKinds(t, "the first key", e.noticeKinds(t, alice), map[string]int{shared.NoticeTwoFactorConnected: 1})
			if a := e.do(other, "GET", "/api/me", nil); a.status != 401 {
				t.Fatalf("another session outlived the first factor: %d", a.status)
			}
			if a := e.do(c, "GET", "/api/me", nil); a.status != 200 {
				t.Fatalf("the adding session ended: %d", a.status)
			}
			if a, _ := e.assert(other, "/api/login/passkey/begin", "/api/login/passkey/finish", k); a.status != 200 {
				t.Fatalf("passkey: %d %s", a.status, a.body)
			}
			e.addKey(c, "Spare key")
			wantKinds(t, "a second key", e.noticeKinds(t, alice), map[string]int{shared.NoticeTwoFactorConnected: 1, shared.NoticeSecurityKeyAdded: 1})
			if rows := storetest.Rows(t, e.st, "SELECT detail FROM notices WHERE user_id = ? AND kind = ?", alice.ID, shared.NoticeSecurityKeyAdded); rows[0][0] != "Spare key" {
				t.Fatalf("security_key_added notice: %v", rows)
			}
			if a := e.do(other, "GET", "/api/me", nil); a.status != 200 {
				t.Fatalf("a second key ended another session: %d", a.status)
			}
			if a := e.changePassword(c, password, "correct horse battery staple 42"); a.status != 200 && a.status != 204 {
				t.Fatalf("change: %d %s", a.status, a.body)
			}
			if creds, _ := e.st.WebAuthnCredentials(ctx, alice.ID); len(creds) != 2 {
				t.Fatalf("keys after a password change: %d", len(creds))
			}
			kinds := e.noticeKinds(t, alice)
			if kinds[shared.NoticePasswordChanged] != 1 {
				t.Fatalf("notices after the password change: %v", kinds)
			}
		})
	}
}

// sameTime reports whether two optional times are both unset or equal.
func sameTime(a, b *time.Time) bool { return (a == nil) == (b == nil) && (a == nil || a.Equal(*b)) }

// keyAndForgery gives alice (a user of Acme) a key, and returns her, the key
// and a forgery of it: another private key with the key's id and handle.
func (e *env) keyAndForgery(t *testing.T) (*domain.User, *softkey.Key, *softkey.Key) {
	t.Helper()
	alice := e.user("alice", shared.RoleUser, "Acme")
	c := e.browser()
	e.login(c, "alice", password)
	k, _ := e.addKey(c, "Phone")
	forged := softkey.New(e.srv.URL)
	forged.ID, forged.UserHandle = k.ID, k.UserHandle
	return alice, k, forged
}

// Credential ids are not secret, so anyone may answer a passkey challenge
// for one: answers that do not verify show in the owner's history and count
// toward the sender's network, never toward the owner's code lockout (a
// stranger could lock them out for good), also with passkeys switched off.
func TestPasskey_ForgedAnswersCountTowardTheNetworkNotTheOwner(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newKeyEnv(t, d)
			e.fixClock()
			alice, _, forged := e.keyAndForgery(t)
			for i := range 20 { // the network's threshold
				if a, _ := e.assert(e.browser(), "/api/login/passkey/begin", "/api/login/passkey/finish", forged); a.status == 200 {
					t.Fatalf("forged answer %d: %d %s", i, a.status, a.body)
				}
			}
			if a := e.do(e.browser(), "POST", "/api/login/passkey/begin", nil); a.status != 429 {
				t.Fatalf("after 20 forged answers the network may go on: %d %s", a.status, a.body)
			}
			if got := fmt.Sprint(storetest.Rows(t, e.st, "SELECT failed_code_count, locked_until FROM users WHERE id = ?", alice.ID)); got != "[[0 ]]" {
				t.Fatalf("alice's code lockout after forged answers: %s", got)
			}
			if n := storetest.Rows(t, e.st, "SELECT count(*) FROM login_events WHERE user_id = ? AND reason = ?", alice.ID, shared.ReasonWrongKey); n[0][0] == "0" {
				t.Fatal("the forged answers are not in alice's history")
			}
		})
	}
}
