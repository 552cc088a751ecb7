package httpapi

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// postForm posts a urlencoded body as a browser posts a form, from the
// server's own origin unless headers say otherwise, without following the
// redirect; it returns the status and where the redirect leads.
func (e *env) postForm(c *http.Client, path, body string, headers ...string) (int, *url.URL) {
	e.t.Helper()
	req, err := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", e.srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	noFollow := *c
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := noFollow.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	loc, _ := url.Parse(res.Header.Get("Location"))
	return res.StatusCode, loc
}

func form(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v.Encode()
}

// TestForms_BeforeTheAppThePasswordAndCodeFormsLogIn: the prerendered forms
// post as any browser does; each step answers 303 to where it leads, sets
// the same cookies as the API, and a mistake sends the browser back to the
// form with the error's code, never with what was typed but the username.
func TestForms_BeforeTheAppThePasswordAndCodeFormsLogIn(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			now := e.fixClock()
			e.user("alice", shared.RoleUser, "Acme")
			e.user("bob", shared.RoleUser, "Acme")

			c := e.browser()
			status, loc := e.postForm(c, "/login", form("username", "Alice", "password", "Sekr1t-guess"))
			if status != http.StatusSeeOther || loc.Path != "/login" || loc.Query().Get("error") != shared.EWrongCredentials ||
				loc.Query().Get("username") != "Alice" || strings.Contains(loc.String(), "Sekr1t") {
				t.Fatalf("wrong password: %d %s", status, loc)
			}
			if rows := storetest.Rows(t, e.st, "SELECT reason FROM login_events WHERE username = 'alice'"); len(rows) != 1 || rows[0][0] != shared.ReasonWrongPassword {
				t.Fatalf("the form's attempt is not in the history like the API's: %v", rows)
			}
			if status, loc = e.postForm(c, "/login", form("username", "bob", "password", password)); status != http.StatusSeeOther || loc.String() != "/" {
				t.Fatalf("bob's login: %d %s", status, loc)
			}
			var me shared.Me
			a := e.do(c, "GET", "/api/me", nil)
			if a.decode(t, &me); a.status != 200 || me.Username != "bob" {
				t.Fatalf("after the form: %d %+v", a.status, me)
			}

			// alice connects 2FA; her next login goes through the code form.
			e.login(c, "alice", password)
			secret := e.enroll(t, c, *now)
			*now = now.Add(time.Minute)
			c = e.browser()
			if status, loc = e.postForm(c, "/login", form("username", "alice", "password", password)); loc.String() != "/login?step=code" {
				t.Fatalf("alice's password: %d %s", status, loc)
			}
			wrong := "000000"
			if wrong == code(t, secret, *now) {
				wrong = "111111"
			}
			if status, loc = e.postForm(c, "/login/code", form("code", wrong)); loc.Query().Get("error") != shared.EWrongCode ||
				loc.Query().Get("step") != "code" || strings.Contains(loc.String(), wrong) {
				t.Fatalf("wrong code: %d %s", status, loc)
			}
			if status, loc = e.postForm(c, "/login/code", form("code", code(t, secret, *now))); loc.String() != "/" {
				t.Fatalf("right code: %d %s", status, loc)
			}
			if a := e.do(c, "GET", "/api/me/logins", nil); a.status != 200 {
				t.Fatalf("after the code form the session is not full: %d %s", a.status, a.body)
			}
			// Once used, the code step is no longer this session's.
			if _, loc = e.postForm(c, "/login/code", form("code", code(t, secret, *now))); loc.Query().Get("error") == "" {
				t.Fatalf("the code form of a full session: %s", loc)
			}
		})
	}
}

// TestForms_RefuseWhatTheAPIRefuses: a form post from another origin is
// refused like any state change; a body that is not exactly the form's
// fields once each (a repeated field, another field, JSON) is refused before
// anything is checked or counted; the code form needs a session at the code
// step.
func TestForms_RefuseWhatTheAPIRefuses(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.user("alice", shared.RoleUser, "Acme")
	c := e.browser()
	if status, _ := e.postForm(c, "/login", form("username", "alice", "password", password),
		"Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site"); status != http.StatusForbidden {
		t.Fatalf("cross-origin form: %d", status)
	}
	for name, body := range map[string]string{
		"repeated username": "username=alice&username=bob&password=" + url.QueryEscape(password),
		"another field":     form("username", "alice", "password", password, "role", "admin"),
	} {
		if _, loc := e.postForm(c, "/login", body); loc.Query().Get("error") != shared.EInvalid {
			t.Errorf("%s: %s", name, loc)
		}
	}
	if _, loc := e.postForm(c, "/login", `{"username":"alice","password":"x"}`, "Content-Type", "application/json"); loc.Query().Get("error") != shared.EInvalid {
		t.Errorf("JSON to the form: %s", loc)
	}
	if rows := storetest.Rows(t, e.st, "SELECT count(*) FROM login_events"); rows[0][0] != "0" {
		t.Fatalf("refused forms left %s login events", rows[0][0])
	}
	if e.sessionCookie(c) != nil {
		t.Fatal("a refused form set a session")
	}
	if _, loc := e.postForm(c, "/login/code", form("code", "123456")); loc.Query().Get("error") != shared.EUnauthenticated || loc.Query().Get("step") != "code" {
		t.Fatalf("code form without a session: %s", loc)
	}
}
