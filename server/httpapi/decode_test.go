package httpapi

import (
	"strings"
	"testing"

	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// A body that a proxy in front could read one way and this server another
// (a member given twice, a name in another case, bytes that are not UTF-8)
// is refused with 400 before anything is done with it.
func TestDecode_ABodyWithTwoReadingsIsRefused(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.user("vic", shared.RoleUser, "Acme")
	for body, field := range map[string]string{
		`{"username":"mallory","username":"vic","password":"` + password + `"}`: "username",
		`{"username":"vic","password":"wrong","password":"` + password + `"}`:   "password",
		`{"USERNAME":"vic","password":"` + password + `"}`:                      "USERNAME",
		`{"username":"vic","Password":"` + password + `"}`:                      "Password",
		`{"username":"vic","password":"` + password + `","Username":"mallory"}`: "Username",
		`{"username":"vic","pass\u0077ord":"x","password":"` + password + `"}`:  "password",
		"{\"username\":\"vic\xff\",\"password\":\"" + password + "\"}":          "",
		`{"username":"vic","password":"` + password + `"} {}`:                   "",
		`[{"username":"vic","password":"` + password + `"}]`:                    "",
		`"vic"`: "",
	} {
		c := e.browser()
		a := e.do(c, "POST", "/api/login", body)
		if a.status != 400 {
			t.Errorf("%s: %d %s", body, a.status, a.body)
			continue
		}
		got := a.apiError(t)
		if got.Code != shared.EInvalid || (field != "" && got.Fields[field] == "") || strings.Contains(string(a.body), "jsontext") {
			t.Errorf("%s: %+v", body, got)
		}
		if e.sessionCookie(c) != nil {
			t.Errorf("%s: a session was set", body)
		}
	}
	if rows := storetest.Rows(t, e.st, "SELECT id FROM login_events"); len(rows) != 0 {
		t.Fatalf("refused bodies recorded %d login events", len(rows))
	}
	// A field of the wrong kind is named, in JSON's words.
	a := e.do(e.browser(), "POST", "/api/login", `{"username":"vic","password":7}`)
	if got := a.apiError(t); a.status != 400 || got.Fields["password"] != "Expected a string." {
		t.Fatalf("a number for the password: %d %s", a.status, a.body)
	}
	// The same request, written once, logs in.
	if a := e.do(e.browser(), "POST", "/api/login", `{"username":"vic","password":"`+password+`"}`); a.status != 200 {
		t.Fatalf("a plain body: %d %s", a.status, a.body)
	}
}
