package httpapi

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// invisibleNames of "ACME" read as it does, or reversed: zero-width space,
// zero-width joiner, right-to-left override, word joiner, Hangul filler,
// BOM, a line separator.
var invisibleNames = []string{"AC\u200bME", "ACME\u200d", "\u202eEMCA", "AC\u2060ME", "ACME\u3164", "\ufeffACME", "AC\u2028ME"}

// lookAlikeNames of "ACME" hold only visible characters, and compare as it:
// full-width, in another case, with spaces, or in letters of other scripts
// that look the same (Cyrillic, Greek, one Greek Epsilon, a Braille blank).
var lookAlikeNames = []string{"ａｃｍｅ", "acme", "Acme ", "ACME\u00a0",
	"\u0410\u0421\u041c\u0415", "\u0391\u03f9\u039c\u0395", "ACM\u0395", "ACME\u2800"}

// An account name a person reads in the panel cannot hide characters, and
// cannot be one that looks like another's: created or renamed, the name is
// refused in words, and the database holds the accounts it held.
func TestNames_AccountNamesThatLookLikeAnotherAreRefused(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			e.fixClock()
			e.user("root", shared.RolePlatformAdmin, "Default")
			c := e.browser()
			e.login(c, "root", password)
			var acme, globex shared.AccountSettings
			e.do(c, "POST", "/api/admin/accounts", shared.AccountRequest{Name: "ACME"}).decode(t, &acme)
			e.do(c, "POST", "/api/admin/accounts", shared.AccountRequest{Name: "Globex"}).decode(t, &globex)
			if acme.Name != "ACME" || globex.Name != "Globex" {
				t.Fatalf("accounts: %+v %+v", acme, globex)
			}
			before := storetest.Rows(t, e.st, "SELECT id, name, name_key FROM accounts ORDER BY id")
			rename := fmt.Sprintf("/api/admin/accounts/%d", globex.ID)
			refusal := func(a answer) string { e := a.apiError(t); return e.Message + " " + e.Fields["name"] }
			for _, tc := range []struct {
				names  []string
				status int
				says   string
			}{{invisibleNames, 400, "invisible characters"}, {lookAlikeNames, 409, "looks the same"}} {
				for _, name := range tc.names {
					for _, try := range []struct{ method, path string }{{"POST", "/api/admin/accounts"}, {"PATCH", rename}} {
						a := e.do(c, try.method, try.path, shared.AccountRequest{Name: name})
						if a.status != tc.status || !strings.Contains(refusal(a), tc.says) {
							t.Errorf("%s %s %+q: %d %s", try.method, try.path, name, a.status, a.body)
						}
					}
				}
			}
			if after := storetest.Rows(t, e.st, "SELECT id, name, name_key FROM accounts ORDER BY id"); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Errorf("accounts after the refusals:\n%v\nbefore:\n%v", after, before)
			}
			// A name that only shares the letters is another name.
			if a := e.do(c, "PATCH", rename, shared.AccountRequest{Name: "EMCA"}); a.status != 200 {
				t.Errorf("rename to EMCA: %d %s", a.status, a.body)
			}
		})
	}
}

// A security key's name is read in the user's list and in the notices about
// it: the same rule refuses hidden characters when a key is added and when
// it is renamed, and lets an emoji with its variation selector through.
func TestNames_SecurityKeyNamesRefuseInvisibleCharacters(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newKeyEnv(t, dialect)
			e.fixClock()
			alice := e.user("alice", shared.RoleUser, "Acme")
			c := e.browser()
			e.login(c, "alice", password)
			for _, name := range []string{"Phone\u200b", "\u202eenohP", "Pho\u200dne", "Phone\u2066", "\u3164"} {
				if a := e.do(c, "POST", "/api/2fa/keys/begin", shared.KeyNameRequest{Name: name}); a.status != 400 ||
					!strings.Contains(a.apiError(t).Fields["name"], "invisible characters") {
					t.Errorf("a key named %+q: %d %s", name, a.status, a.body)
				}
			}
			if n := storetest.Rows(t, e.st, "SELECT count(*) FROM webauthn_ceremonies"); n[0][0] != "0" {
				t.Errorf("refused names began %s ceremonies", n[0][0])
			}
			_, added := e.addKey(c, "Phone")
			id := "/api/2fa/methods/" + added.Method.ID
			for _, name := range []string{"Phone\u200b", "\u202eenohP", "Phone\u2028"} {
				if a := e.do(c, "PATCH", id, shared.KeyNameRequest{Name: name}); a.status != 400 ||
					!strings.Contains(a.apiError(t).Fields["name"], "invisible characters") {
					t.Errorf("rename to %+q: %d %s", name, a.status, a.body)
				}
			}
			if a := e.do(c, "PATCH", id, shared.KeyNameRequest{Name: "❤️ Blue YubiKey"}); a.status != 200 {
				t.Errorf("rename to an emoji with its variation selector: %d %s", a.status, a.body)
			}
			creds, _ := e.st.WebAuthnCredentials(context.Background(), alice.ID)
			if len(creds) != 1 || creds[0].Name != "❤️ Blue YubiKey" {
				t.Errorf("stored keys: %+v", creds)
			}
		})
	}
}
