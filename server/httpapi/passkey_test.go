package httpapi

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/internal/softkey"
	"github.com/warden-auth/warden/server/store"
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

// passkeyCeremonyCookie is the sealed ceremony a passkey sign-in's begin
// answered with, checked for what keeps it to its finish: HttpOnly (no
// script reads it), SameSite=Strict, for the ceremony's five minutes.
func passkeyCeremonyCookie(t *testing.T, a answer) *http.Cookie {
	t.Helper()
	for _, ck := range (&http.Response{Header: a.header}).Cookies() {
		if ck.Name == passkeyCookieName {
			if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/" || ck.MaxAge != 300 || ck.Value == "" {
				t.Fatalf("the ceremony's cookie: %+v", ck)
			}
			return ck
		}
	}
	t.Fatalf("the begin set no ceremony cookie: %v", a.header.Values("Set-Cookie"))
	return nil
}

// finishWith sends a passkey finish with only this ceremony cookie, as a
// replaying attacker who copied it would.
func (e *env) finishWith(ceremony string, cred []byte) answer {
	e.t.Helper()
	return e.do(e.browser(), "POST", "/api/login/passkey/finish", shared.CredentialRequest{Credential: cred},
		"Cookie", passkeyCookieName+"="+ceremony)
}

// tableRows counts the rows of every table of the database.
func (e *env) tableRows(t *testing.T, dialect string) map[string]string {
	t.Helper()
	list := "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
	if dialect == store.SQLite {
		list = "SELECT name FROM sqlite_master WHERE type = 'table'"
	}
	counts := map[string]string{}
	for _, row := range storetest.Rows(t, e.st, list) {
		counts[row[0]] = storetest.Rows(t, e.st, `SELECT count(*) FROM "`+row[0]+`"`)[0][0]
	}
	return counts
}

// Anyone may begin a passkey sign-in, so a begin keeps nothing on the
// server: its challenge travels sealed in the browser's cookie. 200 begins
// from 40 networks leave every table as it was (no ceremony row, no
// throttle counter), and none is told to wait.
func TestPasskey_BeginsStoreNothing(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newKeyEnv(t, d)
			e.fixClock()
			e.api.trustedProxies = loopbackProxies
			before := e.tableRows(t, d)
			var begun []answer
			for i := range 200 {
				ip := fmt.Sprintf("198.51.100.%d", i%40+1)
				a := e.do(e.browser(), "POST", "/api/login/passkey/begin", "{}", "X-Forwarded-For", ip)
				if a.status != 200 {
					t.Fatalf("begin %d from %s: %d %s", i, ip, a.status, a.body)
				}
				begun = append(begun, a)
			}
			if after := e.tableRows(t, d); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Fatalf("begins wrote rows:\nbefore %v\nafter  %v", before, after)
			}
			for _, a := range begun {
				passkeyCeremonyCookie(t, a)
			}
		})
	}
}

// A sealed ceremony's answer works once, also on another server process
// and for a key without a sign counter (whose counter cannot tell a
// replay): the same cookie and answer again, the same cookie with a fresh
// answer, and both at once on two servers get one sign-in between them.
func TestPasskey_ASealedCeremonyWorksOnce(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newKeyEnv(t, d)
			e.fixClock()
			alice := e.user("alice", shared.RoleUser, "Acme")
			c := e.browser()
			e.login(c, "alice", password)
			k := softkey.New(e.srv.URL)
			k.Step = 0 // no counter: only the spent challenge stops a replay
			a := e.do(c, "POST", "/api/2fa/keys/begin", shared.KeyNameRequest{Name: "Phone"})
			reg, err := k.Register(a.body)
			if err != nil {
				t.Fatal(err)
			}
			if a := e.do(c, "POST", "/api/2fa/keys/finish", shared.CredentialRequest{Credential: reg}); a.status != 200 {
				t.Fatalf("add the key: %d %s", a.status, a.body)
			}
			second := e.secondServer(t)
			second.srv.URL = strings.Replace(second.srv.URL, "127.0.0.1", "localhost", 1)
			sessions := func() string {
				return storetest.Rows(t, e.st, "SELECT count(*) FROM sessions WHERE user_id = ?", alice.ID)[0][0]
			}

			begin := e.do(e.browser(), "POST", "/api/login/passkey/begin", "{}")
			ceremony := passkeyCeremonyCookie(t, begin).Value
			cred, _ := k.Assert(begin.body)
			if a := e.finishWith(ceremony, cred); a.status != 200 {
				t.Fatalf("the first finish: %d %s", a.status, a.body)
			}
			signedIn := sessions()
			again, _ := k.Assert(begin.body) // a fresh answer to the same challenge
			for name, replay := range map[string]answer{
				"the same answer":                    e.finishWith(ceremony, cred),
				"the same answer on a second server": second.finishWith(ceremony, cred),
				"a fresh answer":                     second.finishWith(ceremony, again),
			} {
				if replay.status != 401 || replay.apiError(t).Code != shared.EWrongCode {
					t.Fatalf("%s: %d %s", name, replay.status, replay.body)
				}
			}
			if got := sessions(); got != signedIn {
				t.Fatalf("replays made sessions: %s, %s after the sign-in", got, signedIn)
			}
			spent := storetest.Rows(t, e.st, "SELECT challenge FROM webauthn_spent_challenges")
			if len(spent) != 1 || !strings.Contains(string(begin.body), spent[0][0]) {
				t.Fatalf("spent challenges: %v", spent)
			}

			// Racing finishes of one ceremony on two servers: one wins.
			begin = e.do(e.browser(), "POST", "/api/login/passkey/begin", "{}")
			ceremony = passkeyCeremonyCookie(t, begin).Value
			cred, _ = k.Assert(begin.body)
			results := make(chan int, 2)
			for _, srv := range []*env{e, second} {
				go func() { results <- srv.finishWith(ceremony, cred).status }()
			}
			if r1, r2 := <-results, <-results; (r1 == 200) == (r2 == 200) {
				t.Fatalf("racing finishes: %d and %d", r1, r2)
			}
		})
	}
}

// A ceremony expires five minutes after its begin, by the server's clock
// (not the cookie's Max-Age, which a browser keeps as it likes); an altered
// or made-up ceremony is refused as an expired one, and counts toward the
// network's throttle.
func TestPasskey_AnExpiredOrTamperedCeremonyIsRefused(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newKeyEnv(t, d)
			now := e.fixClock()
			_, k, _ := e.keyAndForgery(t)
			begin := e.do(e.browser(), "POST", "/api/login/passkey/begin", "{}")
			ceremony := passkeyCeremonyCookie(t, begin).Value
			*now = now.Add(5 * time.Minute)
			cred, _ := k.Assert(begin.body)
			if a := e.finishWith(ceremony, cred); a.status != 401 || !strings.Contains(a.apiError(t).Message, "expired") {
				t.Fatalf("after five minutes: %d %s", a.status, a.body)
			}
			begin = e.do(e.browser(), "POST", "/api/login/passkey/begin", "{}")
			ceremony = passkeyCeremonyCookie(t, begin).Value
			*now = now.Add(5*time.Minute - time.Second)
			cred, _ = k.Assert(begin.body)
			raw, _ := base64.RawURLEncoding.DecodeString(ceremony)
			sealedCodes, err := e.svc.Recovery.SealShown(1, []string{"aaaa-bbbb-cccc"}) // by the same keys
			if err != nil {
				t.Fatal(err)
			}
			for name, forged := range map[string]string{
				"a flipped bit":          base64.RawURLEncoding.EncodeToString(append(raw[:len(raw)-1:len(raw)-1], raw[len(raw)-1]^1)),
				"cut short":              ceremony[:len(ceremony)/2],
				"not base64":             "!!" + ceremony,
				"empty":                  "",
				"sealed for another use": sealedCodes,
			} {
				if a := e.finishWith(forged, cred); a.status != 401 || a.apiError(t).Code != shared.EWrongCode {
					t.Fatalf("%s: %d %s", name, a.status, a.body)
				}
			}
			if a := e.finishWith(ceremony, cred); a.status != 200 {
				t.Fatalf("the untouched ceremony, a second before it expires: %d %s", a.status, a.body)
			}
			// Six refusals from this network (the expired ceremony and five
			// forged ones; the success counts nothing): its counter says so.
			if got := storetest.Rows(t, e.st, "SELECT failures FROM login_throttles WHERE key LIKE 'ip:%'"); fmt.Sprint(got) != "[[6]]" {
				t.Fatalf("the network's count: %v", got)
			}
		})
	}
}
