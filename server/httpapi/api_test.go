package httpapi

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/warden-auth/warden/server/auth/passwords"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

func TestLogin_SucceedsAndMeAnswersWithTheUser(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			e.user("alice", shared.RoleAdmin, "Acme")
			c := e.browser()
			a := e.login(c, "Alice", password)
			var lr shared.LoginResponse
			a.decode(t, &lr)
			if a.status != 200 || lr.Next != shared.NextDone {
				t.Fatalf("login: %d %s", a.status, a.body)
			}
			setCookie := a.header.Get("Set-Cookie")
			for _, attr := range []string{"HttpOnly", "SameSite=Lax", "Path=/", "Expires="} {
				if !strings.Contains(setCookie, attr) {
					t.Errorf("session cookie lacks %s: %s", attr, setCookie)
				}
			}
			if strings.Contains(setCookie, "Secure") {
				t.Errorf("plain-HTTP cookie marked Secure: %s", setCookie)
			}
			a = e.do(c, "GET", "/api/me", nil)
			var me shared.Me
			a.decode(t, &me)
			want := shared.Me{Stage: shared.NextDone, Username: "alice", Role: shared.RoleAdmin, Account: "Acme"}
			if a.status != 200 || me != want {
				t.Fatalf("me: %d %+v, want %+v", a.status, me, want)
			}
			if a.header.Get("Cache-Control") != "no-store" {
				t.Errorf("API answer may be cached: %q", a.header.Get("Cache-Control"))
			}
		})
	}
}

func TestLogin_WrongPasswordAndUnknownUserGetTheSameAnswer(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.user("alice", shared.RoleUser, "Acme")
	wrong := e.login(e.browser(), "alice", "wrong password")
	unknown := e.login(e.browser(), "nobody", "wrong password")
	if wrong.status != http.StatusUnauthorized || unknown.status != wrong.status || string(unknown.body) != string(wrong.body) {
		t.Fatalf("wrong password: %d %s; unknown user: %d %s", wrong.status, wrong.body, unknown.status, unknown.body)
	}
	if e := wrong.apiError(t); e.Code != shared.EWrongCredentials {
		t.Fatalf("code %q", e.Code)
	}
	if wrong.header.Get("Set-Cookie") != "" || unknown.header.Get("Set-Cookie") != "" {
		t.Fatal("a failed login set a cookie")
	}
}

func TestLogin_EachAttemptIsALoginEventWithClientDetails(t *testing.T) {
	e := newEnv(t, store.SQLite)
	alice := e.user("alice", shared.RoleUser, "Acme")
	e.do(e.browser(), "POST", "/api/login", shared.LoginRequest{Username: "alice", Password: "nope-nope"}, "User-Agent", "Firefox/140")
	e.do(e.browser(), "POST", "/api/login", shared.LoginRequest{Username: "alice", Password: password}, "User-Agent", "Firefox/140")
	events, _, err := e.st.LoginEvents(t.Context(), domain.LoginEventFilter{UserID: alice.ID, Limit: 10})
	if err != nil || len(events) != 2 {
		t.Fatalf("events: %v %v", events, err)
	}
	if events[0].Result != shared.ResultSuccess || events[1].Reason != shared.ReasonWrongPassword ||
		events[0].IP != "127.0.0.1" || events[0].UserAgent != "Firefox/140" {
		t.Fatalf("events: %+v", events)
	}
	if strings.Contains(e.log.String(), password) || strings.Contains(e.log.String(), "nope-nope") {
		t.Fatal("a password reached the log")
	}
}

func TestLogout_EndsTheSessionOnTheServer(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.user("alice", shared.RoleUser, "Acme")
	c := e.browser()
	e.login(c, "alice", password)
	token := e.sessionCookie(c).Value
	a := e.do(c, "POST", "/api/logout", nil)
	if a.status != http.StatusNoContent || !strings.Contains(a.header.Get("Set-Cookie"), "Max-Age=0") {
		t.Fatalf("logout: %d, Set-Cookie %q", a.status, a.header.Get("Set-Cookie"))
	}
	// The browser forgot the cookie; an attacker who copied it gets nothing.
	e.assertEnded(t, "the cookie after logout", token)
	if a := e.do(e.browser(), "POST", "/api/logout", nil); a.status != http.StatusNoContent {
		t.Fatalf("logout without a session: %d", a.status)
	}
}

func TestLogin_RotatesTheSessionTokenAndEndsTheOldSession(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.user("alice", shared.RoleUser, "Acme")
	e.user("mallory", shared.RoleUser, "Acme")
	c := e.browser()
	e.login(c, "alice", password)
	first := e.sessionCookie(c).Value
	e.login(c, "alice", password)
	second := e.sessionCookie(c).Value
	if first == second {
		t.Fatal("token not rotated")
	}
	e.assertEnded(t, "the replaced token", first)

	// Session fixation with a real session: mallory logs in as himself and
	// slips his full session's token into alice's browser. Her login ends
	// his session instead of carrying on in it.
	m := e.browser()
	e.login(m, "mallory", password)
	planted := e.sessionCookie(m).Value
	victim := e.withCookie(planted)
	if a := e.login(victim, "alice", password); a.status != 200 {
		t.Fatalf("alice's login: %d %s", a.status, a.body)
	}
	if got := e.sessionCookie(victim).Value; got == planted {
		t.Fatal("login kept the planted token")
	}
	e.assertEnded(t, "mallory's planted session", planted)
	var me shared.Me
	if a := e.do(victim, "GET", "/api/me", nil); a.status != 200 {
		t.Fatalf("the victim's browser after login: %d %s", a.status, a.body)
	} else if a.decode(t, &me); me.Username != "alice" {
		t.Fatalf("the victim's browser after login is %s's", me.Username)
	}
}

func TestMe_WithoutSessionIsUnauthenticated(t *testing.T) {
	e := newEnv(t, store.SQLite)
	for name, c := range map[string]*http.Client{"no cookie": e.browser(), "forged cookie": e.withCookie("x")} {
		a := e.do(c, "GET", "/api/me", nil)
		if a.status != http.StatusUnauthorized || a.apiError(t).Code != shared.EUnauthenticated {
			t.Errorf("%s: %d %s", name, a.status, a.body)
		}
	}
}

func TestLogin_BadInputIsAClear4xx(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.user("alice", shared.RoleUser, "Acme")
	long := strings.Repeat("a", 70<<10)
	for _, tc := range []struct {
		name, contentType, body string
		status                  int
		code, field             string
	}{
		{"malformed JSON", "application/json", `{"username": "alice",`, 400, shared.EInvalid, ""},
		{"not an object", "application/json", `["alice"]`, 400, shared.EInvalid, ""},
		{"unknown field", "application/json", `{"username":"alice","password":"x","admin":true}`, 400, shared.EInvalid, "admin"},
		{"wrong type", "application/json", `{"username":42,"password":"x"}`, 400, shared.EInvalid, "username"},
		{"trailing data", "application/json", `{"username":"alice","password":"12345678"} {}`, 400, shared.EInvalid, ""},
		{"empty body", "application/json", ``, 400, shared.EInvalid, ""},
		{"wrong content type", "text/plain", `{"username":"alice","password":"12345678"}`, 415, shared.EUnsupportedMedia, ""},
		{"form post", "application/x-www-form-urlencoded", `username=alice&password=12345678`, 415, shared.EUnsupportedMedia, ""},
		{"no content type", "", `{"username":"alice","password":"12345678"}`, 415, shared.EUnsupportedMedia, ""},
		{"body over 64 KiB", "application/json", `{"username":"alice","password":"` + long + `"}`, 413, shared.ETooLarge, ""},
		{"empty username", "application/json", `{"username":"","password":"12345678"}`, 400, shared.EInvalid, "username"},
		{"blank username", "application/json", `{"username":"   ","password":"12345678"}`, 400, shared.EInvalid, "username"},
		{"empty password", "application/json", `{"username":"alice","password":""}`, 400, shared.EInvalid, "password"},
		{"overlong username", "application/json", `{"username":"` + strings.Repeat("a", 100) + `","password":"12345678"}`, 400, shared.EInvalid, "username"},
		{"overlong password", "application/json", `{"username":"alice","password":"` + strings.Repeat("p", 300) + `"}`, 400, shared.EInvalid, "password"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := e.do(e.browser(), "POST", "/api/login", tc.body, "Content-Type", tc.contentType)
			if a.status != tc.status {
				t.Fatalf("status %d, want %d: %s", a.status, tc.status, a.body)
			}
			got := a.apiError(t)
			if got.Code != tc.code || (tc.field != "" && got.Fields[tc.field] == "") {
				t.Fatalf("error %+v, want code %s and a message for %q", got, tc.code, tc.field)
			}
		})
	}
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	e := newEnv(t, store.SQLite)
	for _, tc := range []struct{ method, path string }{
		{"GET", "/login"}, {"GET", "/api/me"}, {"POST", "/api/login"}, {"GET", "/api/nope"}, {"GET", "/healthz"},
	} {
		a := e.do(e.browser(), tc.method, tc.path, nil)
		h := a.header
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self' 'wasm-unsafe-eval'", "frame-ancestors 'none'", "default-src 'self'", "style-src 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s %s: CSP %q lacks %q", tc.method, tc.path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "'unsafe-eval'") {
			t.Errorf("%s %s: CSP allows inline code: %q", tc.method, tc.path, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" || h.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s %s: headers %v", tc.method, tc.path, h)
		}
	}
}

func TestUnknownRoutesAndMethodsAnswerJSON(t *testing.T) {
	e := newEnv(t, store.SQLite)
	a := e.do(e.browser(), "GET", "/api/does-not-exist", nil)
	if a.status != 404 || a.apiError(t).Code != shared.ENotFound {
		t.Fatalf("unknown route: %d %s", a.status, a.body)
	}
	a = e.do(e.browser(), "GET", "/api/login", nil)
	if a.status != 405 || a.apiError(t).Code != shared.EMethodNotAllowed || a.header.Get("Allow") != "POST" {
		t.Fatalf("wrong method: %d %s %v", a.status, a.body, a.header)
	}
}

func TestHealthAndReadiness(t *testing.T) {
	e := newEnv(t, store.SQLite)
	if a := e.do(e.browser(), "GET", "/healthz", nil); a.status != 200 {
		t.Fatalf("healthz: %d", a.status)
	}
	if a := e.do(e.browser(), "GET", "/readyz", nil); a.status != 200 {
		t.Fatalf("readyz: %d", a.status)
	}
	e.st.Close()
	if a := e.do(e.browser(), "GET", "/readyz", nil); a.status != 503 {
		t.Fatalf("readyz with the database gone: %d %s", a.status, a.body)
	}
	if a := e.do(e.browser(), "GET", "/healthz", nil); a.status != 200 {
		t.Fatalf("healthz must not depend on the database: %d", a.status)
	}
	// With the database gone, the API says so clearly instead of failing.
	a := e.login(e.browser(), "alice", password)
	if a.status != 503 || a.apiError(t).Code != shared.EUnavailable || a.header.Get("Retry-After") == "" {
		t.Fatalf("login with the database gone: %d %s", a.status, a.body)
	}
}

// TestLogin_ABurstPastTheQueueIsShedBeforeAnyWork: while the password checks
// already admitted fill every slot and its queue, a login is answered 503
// at once, with Retry-After and Connection: close (the client need not hold
// a connection while it waits), and it leaves no trace: no login event and
// nothing counted toward any throttle, so a burst cannot lock anyone out.
// Once places are free, the same login works.
func TestLogin_ABurstPastTheQueueIsShedBeforeAnyWork(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			e.user("alice", shared.RoleUser, "Acme")
			e.svc.Hasher.SetConcurrency(1)
			var places []*passwords.Place
			for len(places) < 1000 { // from networks of their own, each within its share
				p, err := e.svc.Hasher.Admit(fmt.Sprintf("10.0.%d.%d", len(places)/200, len(places)%200))
				if err != nil {
					break
				}
				places = append(places, p)
			}
			for range 3 {
				a := e.login(e.browser(), "alice", "wrong password")
				if a.status != http.StatusServiceUnavailable || a.apiError(t).Code != shared.EUnavailable ||
					a.header.Get("Retry-After") != "2" || !a.close {
					t.Fatalf("login past the queue: %d %s, Retry-After %q, close %v", a.status, a.body, a.header.Get("Retry-After"), a.close)
				}
			}
			if rows := storetest.Rows(t, e.st, "SELECT count(*) FROM login_events"); rows[0][0] != "0" {
				t.Fatalf("shed logins left %s login events", rows[0][0])
			}
			if rows := storetest.Rows(t, e.st, "SELECT count(*) FROM login_throttles"); rows[0][0] != "0" {
				t.Fatalf("shed logins counted toward %s throttles", rows[0][0])
			}
			for _, p := range places {
				p.Done()
			}
			if a := e.login(e.browser(), "alice", password); a.status != 200 {
				t.Fatalf("login once places are free: %d %s", a.status, a.body)
			}
		})
	}
}
