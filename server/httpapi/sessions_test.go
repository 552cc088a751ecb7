package httpapi

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/internal/testclock"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

const (
	firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
	safari  = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)

func (e *env) sessions(t *testing.T, c *http.Client) shared.Sessions {
	t.Helper()
	var out shared.Sessions
	a := e.do(c, "GET", "/api/me/sessions", nil)
	if a.status != 200 {
		t.Fatalf("sessions: %d %s", a.status, a.body)
	}
	a.decode(t, &out)
	return out
}

// A user sees their sessions with device and IP, ends one and then all the
// others after proving it is them; the ended ones answer 401 at once.
// Another user's ids are not found and change nothing, and no id is a token.
func TestSessions_ListEndOneEndOthersAndOthersIdsAreNotFound(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			now := e.fixClock()
			alice := e.user("alice", shared.RoleUser, "Acme")
			e.user("bob", shared.RoleUser, "Acme")
			a, b, c, bob := e.browser(), e.browser(), e.browser(), e.browser()
			e.do(a, "POST", "/api/login", shared.LoginRequest{Username: "alice", Password: password}, "User-Agent", firefox)
			*now = now.Add(time.Minute)
			e.do(b, "POST", "/api/login", shared.LoginRequest{Username: "alice", Password: password}, "User-Agent", safari)
			e.login(c, "alice", password)
			e.login(bob, "bob", password)

			raw := e.do(a, "GET", "/api/me/sessions", nil)
			list := e.sessions(t, a)
			if len(list.Sessions) != 3 || len(list.TrustedBrowsers) != 0 {
				t.Fatalf("alice's sessions: %s", raw.body)
			}
			first, second := list.Sessions[0], list.Sessions[1]
			if !first.Current || second.Current || list.Sessions[2].Current || first.Device != "Firefox on Linux" ||
				second.Device != "Safari on iOS" || first.IP != "127.0.0.1" || first.CreatedAt != testclock.Base.UTC().Format(time.RFC3339) ||
				first.LastSeenAt != testclock.Base.Add(time.Minute).UTC().Format(time.RFC3339) {
				t.Fatalf("sessions: %+v", list.Sessions)
			}
			// No token, and no hash of one, is on the wire.
			for _, cl := range []*http.Client{a, b, c} {
				tok := e.sessionCookie(cl).Value
				h := core.HashToken(tok)
				for _, secret := range []string{tok, hex.EncodeToString(h), base64.StdEncoding.EncodeToString(h), base64.RawURLEncoding.EncodeToString(h)} {
					if strings.Contains(string(raw.body), secret) {
						t.Fatalf("the sessions list carries a token or its hash: %s", raw.body)
					}
				}
			}
			bobsID := e.sessions(t, bob).Sessions[0].ID

			// Past the re-authentication window, ending wants the proof.
			*now = now.Add(11 * time.Minute)
			for _, try := range []struct{ method, path string }{
				{"DELETE", fmt.Sprintf("/api/me/sessions/%d", second.ID)},
				{"POST", "/api/me/sessions/end-others"},
			} {
				if r := e.do(a, try.method, try.path, nil); r.status != 403 || r.apiError(t).Code != shared.EReauthRequired {
					t.Fatalf("%s %s past the window: %d %s", try.method, try.path, r.status, r.body)
				}
			}
			if r := e.do(b, "GET", "/api/me", nil); r.status != 200 {
				t.Fatalf("b after refused ends: %d", r.status)
			}
			if r := e.do(a, "POST", "/api/me/reauth", shared.ReauthRequest{Password: password}); r.status != 204 {
				t.Fatalf("reauth: %d %s", r.status, r.body)
			}

			// Bob's id and ids that are no id: not found; bob is still in.
			for _, id := range []string{fmt.Sprint(bobsID), "999999", "abc", "0", "-1", "1e3", "%00"} {
				if r := e.do(a, "DELETE", "/api/me/sessions/"+id, nil); r.status != 404 {
					t.Fatalf("alice ending session %q: %d %s", id, r.status, r.body)
				}
			}
			if r := e.do(bob, "GET", "/api/me", nil); r.status != 200 {
				t.Fatalf("bob after alice tried his id: %d", r.status)
			}

			if r := e.do(a, "DELETE", fmt.Sprintf("/api/me/sessions/%d", second.ID), nil); r.status != 204 {
				t.Fatalf("end one: %d %s", r.status, r.body)
			}
			if r := e.do(b, "GET", "/api/me", nil); r.status != 401 {
				t.Fatalf("the ended session: %d", r.status)
			}
			if r := e.do(a, "DELETE", fmt.Sprintf("/api/me/sessions/%d", second.ID), nil); r.status != 404 {
				t.Fatalf("ending it again: %d", r.status)
			}
			var ended shared.EndedSessions
			r := e.do(a, "POST", "/api/me/sessions/end-others", nil)
			r.decode(t, &ended)
			if r.status != 200 || ended.Ended != 1 {
				t.Fatalf("end others: %d %s", r.status, r.body)
			}
			for name, cl := range map[string]*http.Client{"c": c, "b": b} {
				if r := e.do(cl, "GET", "/api/me", nil); r.status != 401 {
					t.Fatalf("%s after end others: %d", name, r.status)
				}
			}
			if r := e.do(a, "GET", "/api/me", nil); r.status != 200 {
				t.Fatalf("the session that ended the others: %d", r.status)
			}
			if r := e.do(bob, "GET", "/api/me", nil); r.status != 200 {
				t.Fatalf("bob after alice's end others: %d", r.status)
			}
			if got := len(e.sessions(t, a).Sessions); got != 1 {
				t.Fatalf("alice has %d sessions, want 1", got)
			}
			if got := e.auditActions(t, "alice"); !strings.Contains(got, shared.AuditSessionEnded) || !strings.Contains(got, shared.AuditSessionsEnded) {
				t.Fatalf("audit: %s", got)
			}
			// Each ending is a notice that says how many ended; ending
			// none (nothing left to end) is no news.
			e.do(a, "POST", "/api/me/sessions/end-others", nil)
			rows := storetest.Rows(t, e.st, "SELECT kind, detail FROM notices WHERE user_id = ? ORDER BY id", alice.ID)
			if got := fmt.Sprint(rows); got != "[[sessions_ended 1] [sessions_ended 1]]" {
				t.Fatalf("alice's notices: %s", got)
			}
		})
	}
}

// trustLogin logs c in as username with a code, trusting the browser.
func (e *env) trustLogin(t *testing.T, c *http.Client, username, secret string, now time.Time) {
	t.Helper()
	var lr shared.LoginResponse
	a := e.login(c, username, password)
	a.decode(t, &lr)
	if lr.Next != shared.NextTOTP || lr.RememberBrowserDays != 30 {
		t.Fatalf("password step: %s", a.body)
	}
	if a := e.do(c, "POST", "/api/login/totp", shared.SecondStepRequest{Code: code(t, secret, now), RememberBrowser: true}); a.status != 200 {
		t.Fatalf("code with remember: %d %s", a.status, a.body)
	}
	if e.cookie(c, trustCookieName) == "" {
		t.Fatal("no trust cookie")
	}
}

func (e *env) next(t *testing.T, c *http.Client, username, pw string) string {
	t.Helper()
	var lr shared.LoginResponse
	a := e.login(c, username, pw)
	if a.status != 200 {
		return fmt.Sprint(a.status)
	}
	a.decode(t, &lr)
	return lr.Next
}

// A browser trusted at the second step skips the code for its user only,
// while the account allows it, until it is removed, the password changes
// or it expires; the history names such logins.
func TestTrustedBrowser_SkipsTheCodeOnlyForItsUserWhileAllowed(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			now := e.fixClock()
			root := e.user("root", shared.RoleAdmin, "Acme")
			admin := e.browser()
			e.login(admin, "root", password)
			e.enroll(t, admin, *now)
			aliceHome, secret, _ := e.connected(t, now)
			e.user("bob", shared.RoleUser, "Acme")
			bobHome := e.browser()
			e.login(bobHome, "bob", password)
			bobSecret := e.enroll(t, bobHome, *now)
			settings := fmt.Sprintf("/api/admin/accounts/%d/settings", root.AccountID)

			// Off by default: the step does not offer it and refuses it.
			br := e.browser()
			var lr shared.LoginResponse
			e.login(br, "alice", password).decode(t, &lr)
			if lr.Next != shared.NextTOTP || lr.RememberBrowserDays != 0 {
				t.Fatalf("password step, setting off: %+v", lr)
			}
			*now = now.Add(30 * time.Second)
			a := e.do(br, "POST", "/api/login/totp", shared.SecondStepRequest{Code: code(t, secret, *now), RememberBrowser: true})
			if a.status != 400 || a.apiError(t).Fields["remember_browser"] == "" {
				t.Fatalf("remember while off: %d %s", a.status, a.body)
			}

			// The setting takes 0, 7 or 30 only, and keeps force_2fa as it is.
			for _, bad := range []string{`{"remember_browser_days":3}`, `{"remember_browser_days":-7}`, `{"remember_browser_days":"30"}`, `{}`} {
				if a := e.do(admin, "PUT", settings, bad); a.status != 400 {
					t.Fatalf("settings %s: %d %s", bad, a.status, a.body)
				}
			}
			var got shared.AccountSettings
			a = e.do(admin, "PUT", settings, map[string]int{"remember_browser_days": 30})
			a.decode(t, &got)
			if a.status != 200 || got.RememberBrowserDays != 30 || got.Force2FA {
				t.Fatalf("settings: %d %s", a.status, a.body)
			}
			var page shared.AccountsPage
			e.do(admin, "GET", "/api/admin/accounts", nil).decode(t, &page)
			if list := page.Accounts; len(list) != 1 || list[0].RememberBrowserDays != 30 {
				t.Fatalf("accounts: %+v", page)
			}

			// Trust this browser, log out, log in again: no code.
			*now = now.Add(30 * time.Second)
			e.trustLogin(t, br, "alice", secret, *now)
			e.do(br, "POST", "/api/logout", nil)
			if n := e.next(t, br, "alice", password); n != shared.NextDone {
				t.Fatalf("trusted browser: next %s", n)
			}
			if r := e.do(br, "GET", "/api/me", nil); r.status != 200 {
				t.Fatalf("trusted login's session: %d", r.status)
			}
			if got := storetest.Rows(t, e.st, "SELECT method, result FROM login_events WHERE username = 'alice' ORDER BY id DESC"); got[0][0] != shared.MethodTrustedBrowser || got[0][1] != shared.ResultSuccess {
				t.Fatalf("history: %v", got)
			}
			// A wrong password is still wrong there.
			if n := e.next(t, br, "alice", "wrong password!"); n != "401" {
				t.Fatalf("wrong password on a trusted browser: %s", n)
			}
			// Bob on alice's trusted browser still needs his code, and a
			// trust cookie alone gives no session.
			if n := e.next(t, br, "bob", password); n != shared.NextTOTP {
				t.Fatalf("bob on alice's trusted browser: next %s", n)
			}
			if r := e.do(e.withNamedCookie(trustCookieName, e.cookie(br, trustCookieName)), "GET", "/api/me", nil); r.status != 401 {
				t.Fatalf("the trust cookie as a session: %d", r.status)
			}

			// Listed beside the sessions; bob cannot remove it, alice can.
			trusted := e.sessions(t, aliceHome).TrustedBrowsers
			if len(trusted) != 1 || trusted[0].Device != "Go HTTP client" {
				t.Fatalf("trusted browsers: %+v", trusted)
			}
			if r := e.do(bobHome, "DELETE", fmt.Sprintf("/api/me/trusted-browsers/%d", trusted[0].ID), nil); r.status != 404 {
				t.Fatalf("bob removing alice's browser: %d", r.status)
			}
			if n := e.next(t, br, "alice", password); n != shared.NextDone {
				t.Fatalf("after bob's try: next %s", n)
			}

			// The account turns it off: the code is asked again; back on,
			// the trust counts again (it was not given for longer).
			e.do(admin, "PUT", settings, map[string]int{"remember_browser_days": 0})
			if n := e.next(t, br, "alice", password); n != shared.NextTOTP {
				t.Fatalf("setting off: next %s", n)
			}
			e.do(admin, "PUT", settings, map[string]int{"remember_browser_days": 30})
			if n := e.next(t, br, "alice", password); n != shared.NextDone {
				t.Fatalf("setting on again: next %s", n)
			}

			*now = now.Add(time.Minute)
			if r := e.do(aliceHome, "POST", "/api/me/reauth", shared.ReauthRequest{Password: password}); r.status != 204 {
				t.Fatalf("reauth: %d", r.status)
			}
			if r := e.do(aliceHome, "DELETE", fmt.Sprintf("/api/me/trusted-browsers/%d", trusted[0].ID), nil); r.status != 204 {
				t.Fatalf("remove: %d %s", r.status, r.body)
			}
			if n := e.next(t, br, "alice", password); n != shared.NextTOTP {
				t.Fatalf("removed: next %s", n)
			}

			// A password change removes every trusted browser.
			*now = now.Add(30 * time.Second)
			e.trustLogin(t, br, "alice", secret, *now)
			const newPassword = "a brand new passphrase here"
			if r := e.changePassword(aliceHome, password, newPassword); r.status != 204 {
				t.Fatalf("change: %d %s", r.status, r.body)
			}
			if n := e.next(t, br, "alice", newPassword); n != shared.NextTOTP {
				t.Fatalf("after the password change: next %s", n)
			}

			// Bob's trust expires after 30 days.
			*now = now.Add(30 * time.Second)
			bobBr := e.browser()
			e.trustLogin(t, bobBr, "bob", bobSecret, *now)
			*now = now.Add(30*24*time.Hour - time.Minute)
			if n := e.next(t, bobBr, "bob", password); n != shared.NextDone {
				t.Fatalf("bob's trust before its end: next %s", n)
			}
			*now = now.Add(time.Minute)
			if n := e.next(t, bobBr, "bob", password); n != shared.NextTOTP {
				t.Fatalf("bob's trust after 30 days: next %s", n)
			}
			if rows := storetest.Rows(t, e.st, "SELECT id FROM trusted_browsers"); len(rows) != 1 {
				t.Fatalf("trusted browsers stored: %v", rows)
			}
			if _, err := e.svc.Sweep(context.Background()); err != nil {
				t.Fatal(err)
			}
			if rows := storetest.Rows(t, e.st, "SELECT id FROM trusted_browsers"); len(rows) != 0 {
				t.Fatalf("expired trusted browsers after the sweep: %v", rows)
			}
		})
	}
}

// An admin's reset of a user's 2FA, and the user's own Disconnect, remove
// their trusted browsers; "End all others" does too.
func TestTrustedBrowser_EndsWithResetDisconnectAndEndOthers(t *testing.T) {
	e := newEnv(t, store.SQLite)
	now := e.fixClock()
	root := e.user("root", shared.RoleAdmin, "Acme")
	admin := e.browser()
	e.login(admin, "root", password)
	e.enroll(t, admin, *now)
	e.do(admin, "PUT", fmt.Sprintf("/api/admin/accounts/%d/settings", root.AccountID), map[string]int{"remember_browser_days": 30})
	home, secret, _ := e.connected(t, now)
	alice := mustUser(t, e, "alice")
	count := func() int {
		return len(storetest.Rows(t, e.st, "SELECT id FROM trusted_browsers WHERE user_id = ?", alice.ID))
	}

	*now = now.Add(30 * time.Second)
	e.trustLogin(t, e.browser(), "alice", secret, *now)
	if r := e.do(home, "POST", "/api/me/sessions/end-others", nil); r.status != 200 || count() != 0 {
		t.Fatalf("end others: %d %s, %d trusted left", r.status, r.body, count())
	}

	*now = now.Add(30 * time.Second)
	e.trustLogin(t, e.browser(), "alice", secret, *now)
	if r := e.do(admin, "POST", fmt.Sprintf("/api/admin/users/%d/reset-2fa", alice.ID), nil); r.status != 204 || count() != 0 {
		t.Fatalf("reset: %d %s, %d trusted left", r.status, r.body, count())
	}
}

// Odd bodies and cookies at the second step: a duplicated or mistyped
// remember_browser is refused in words before the code is looked at, and a
// forged, another user's or garbled trust cookie only means a code is due.
func TestTrustedBrowser_OddRequestsAndCookiesGetNoSkip(t *testing.T) {
	e := newEnv(t, store.SQLite)
	now := e.fixClock()
	root := e.user("root", shared.RoleAdmin, "Acme")
	admin := e.browser()
	e.login(admin, "root", password)
	e.enroll(t, admin, *now)
	e.do(admin, "PUT", fmt.Sprintf("/api/admin/accounts/%d/settings", root.AccountID), map[string]int{"remember_browser_days": 7})
	_, secret, _ := e.connected(t, now)

	br := e.browser()
	e.login(br, "alice", password)
	*now = now.Add(30 * time.Second)
	c := code(t, secret, *now)
	for _, body := range []string{
		`{"code":"` + c + `","remember_browser":true,"remember_browser":false}`,
		`{"code":"` + c + `","remember_browser":"yes"}`,
		`{"code":"` + c + `","remember_browser":1}`,
		`{"code":"` + c + `","remember_browser\u0000":true}`,
	} {
		if a := e.do(br, "POST", "/api/login/totp", body); a.status != 400 {
			t.Fatalf("%s: %d %s", body, a.status, a.body)
		}
	}
	// The code was not spent by the refusals: it still logs in.
	if a := e.do(br, "POST", "/api/login/totp", shared.SecondStepRequest{Code: c, RememberBrowser: true}); a.status != 200 {
		t.Fatalf("the code after the refusals: %d %s", a.status, a.body)
	}
	good := e.cookie(br, trustCookieName)
	for name, value := range map[string]string{
		"forged":          strings.Repeat("A", len(good)),
		"truncated":       good[:len(good)-1],
		"control bytes":   good[:40] + "\x01\x02\x7f",
		"another user's":  "", // root has no trust: his own cookie jar is empty of one
		"the right token": good,
	} {
		if name == "another user's" {
			if n := e.next(t, e.withNamedCookie(trustCookieName, good), "root", password); n != shared.NextTOTP {
				t.Fatalf("alice's trust for root: next %s", n)
			}
			continue
		}
		want := shared.NextTOTP
		if name == "the right token" {
			want = shared.NextDone
		}
		if n := e.next(t, e.withNamedCookie(trustCookieName, value), "alice", password); n != want {
			t.Fatalf("%s trust cookie: next %s, want %s", name, n, want)
		}
	}
	// The trust is for 7 days, as the account said.
	if got := storetest.Rows(t, e.st, "SELECT expires_at FROM trusted_browsers"); len(got) != 1 {
		t.Fatalf("trusted browsers: %v", got)
	}
	if tb := e.sessions(t, br).TrustedBrowsers; len(tb) != 1 || tb[0].ExpiresAt != now.Add(7*24*time.Hour).UTC().Format(time.RFC3339) {
		t.Fatalf("trusted browsers listed: %+v", tb)
	}
}
