package httpapi

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	"github.com/warden-auth/warden/server/internal/softkey"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// loopbackProxies makes the test's own client a trusted proxy (newKeyEnv's
// localhost may be either address), so X-Forwarded-For names the network.
var loopbackProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("::1/128")}

// With the account's passkey sign-in off, a forged answer naming a
// registered credential id is answered exactly as one of a key nobody
// registered: the same status and words (no "switched off" that tells the
// id is someone's), counted toward the sender's network until it is
// throttled, and nothing in the owner's history, which only a verified
// passkey writes to. The owner's own passkey, which verifies, is told the
// truth: they proved they hold it.
func TestPasskey_SwitchedOffAnswersAForgeryAsAnUnknownKey(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newKeyEnv(t, d)
			e.fixClock()
			alice, k, forged := e.keyAndForgery(t)
			if err := e.st.SetPasskeysAllowed(context.Background(), alice.AccountID, false, 0, nil); err != nil {
				t.Fatal(err)
			}
			before := storetest.Rows(t, e.st, "SELECT count(*) FROM login_events WHERE user_id = ?", alice.ID)[0][0]
			unknown, _ := e.assert(e.browser(), "/api/login/passkey/begin", "/api/login/passkey/finish", softkey.New(e.srv.URL))
			if unknown.status != 401 {
				t.Fatalf("an unknown key: %d %s", unknown.status, unknown.body)
			}
			for i := range 19 { // with the unknown key's, the network's threshold of 20
				a, _ := e.assert(e.browser(), "/api/login/passkey/begin", "/api/login/passkey/finish", forged)
				if a.status != unknown.status || string(a.body) != string(unknown.body) {
					t.Fatalf("forgery %d with passkeys off: %d %s, an unknown key: %d %s", i, a.status, a.body, unknown.status, unknown.body)
				}
			}
			if a := e.do(e.browser(), "POST", "/api/login/passkey/begin", "{}"); a.status != 429 {
				t.Fatalf("after 20 refused answers the network may go on: %d %s", a.status, a.body)
			}
			if after := storetest.Rows(t, e.st, "SELECT count(*) FROM login_events WHERE user_id = ?", alice.ID)[0][0]; after != before {
				t.Fatalf("forgeries wrote to alice's history: %s events, %s before", after, before)
			}

			// The owner, from another network, with the key itself.
			e.api.trustedProxies = loopbackProxies
			c := e.browser()
			b := e.do(c, "POST", "/api/login/passkey/begin", "{}", "X-Forwarded-For", "198.51.100.7")
			cred, err := k.Assert(b.body)
			if err != nil {
				t.Fatal(err)
			}
			a := e.do(c, "POST", "/api/login/passkey/finish", shared.CredentialRequest{Credential: cred}, "X-Forwarded-For", "198.51.100.7")
			if a.status != 403 || a.apiError(t).Message != "Passkey sign-in is switched off for your account. Sign in with your password." {
				t.Fatalf("the owner's passkey with passkey sign-in off: %d %s", a.status, a.body)
			}
			if ev := e.lastEvent(alice.ID); ev.Reason != shared.ReasonPasskeysOff || ev.Method != shared.MethodPasskey {
				t.Fatalf("the owner's refusal in the history: %+v", ev)
			}
		})
	}
}

// WebAuthn binds a key to a domain, and browsers refuse an IP address as
// one: reached at an address, every ceremony says so in words (not a 500),
// and nothing is logged as an error, for IPv4 and IPv6 hosts alike.
func TestWebAuthn_AtAnIPAddressSaysWhyAndLogsNoError(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newEnv(t, d) // reached at 127.0.0.1
			e.user("alice", shared.RoleUser, "Acme")
			c := e.browser()
			e.login(c, "alice", password)
			says := func(what string, a answer) {
				t.Helper()
				if a.status != 400 {
					t.Fatalf("%s: %d %s", what, a.status, a.body)
				}
				if err := a.apiError(t); err.Code != shared.ENoWebAuthn || !strings.Contains(err.Message, "IP address") {
					t.Fatalf("%s: %s", what, a.body)
				}
			}
			says("passkey begin", e.do(e.browser(), "POST", "/api/login/passkey/begin", "{}"))
			says("passkey finish", e.do(e.browser(), "POST", "/api/login/passkey/finish", `{"credential":{"id":"AQ","type":"public-key"}}`))
			says("add a key", e.do(c, "POST", "/api/2fa/keys/begin", shared.KeyNameRequest{Name: "Blue"}))
			says("finish adding a key", e.do(c, "POST", "/api/2fa/keys/finish", `{"credential":{"id":"AQ","type":"public-key"}}`))
			for _, host := range []string{"[::1]", "[2001:db8::1]:8443", "192.0.2.1:8000"} {
				says("passkey begin at "+host, e.send("POST", "/api/login/passkey/begin", host, "", "{}"))
			}
			if strings.Contains(e.log.String(), `"level":"ERROR"`) {
				t.Fatalf("logged as an error:\n%s", e.log.String())
			}
			if n := storetest.Rows(t, e.st, "SELECT count(*) FROM webauthn_ceremonies"); n[0][0] != "0" {
				t.Fatalf("%s ceremonies stored for hosts that cannot finish them", n[0][0])
			}
		})
	}
}
