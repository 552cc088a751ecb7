package httpapi

import (
	"testing"
	"time"

	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// A username with a NUL or another invisible character in it was found as
// "vic" by the database while its throttle counted under another key: with
// the right password it logged in through vic's lock, and wrong guesses
// through it were never throttled. Such names are refused before anything
// is hashed, counted or recorded.
func TestLogin_InvisibleCharactersCannotGetAroundAUsernamesLock(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			now := e.fixClock()
			e.user("vic", shared.RoleUser, "Acme")
			for i := range 5 {
				if a := e.login(e.browser(), "vic", "wrong password"); a.apiError(t).Code != shared.EWrongCredentials {
					t.Fatalf("failure %d: %s", i+1, a.body)
				}
			}
			events := func() int { return len(storetest.Rows(t, e.st, "SELECT id FROM login_events")) }
			throttle := func() string {
				return storetest.Rows(t, e.st, "SELECT failures FROM login_throttles WHERE key = 'user:vic'")[0][0]
			}
			before, counted := events(), throttle()
			for _, name := range []string{"vic\x00", "\x00vic", "v\x00ic", "vic\u200b", "\u202evic", "vic\x7f", "vic\u0085", " vic\t"} {
				for _, pw := range []string{password, "another wrong one"} {
					a := e.login(e.browser(), name, pw)
					if a.status != 400 || a.apiError(t).Code != shared.EInvalid {
						t.Fatalf("%q with password %q: %d %s", name, pw, a.status, a.body)
					}
				}
			}
			if n := events(); n != before {
				t.Fatalf("the refused names recorded %d login events", n-before)
			}
			if got := throttle(); got != counted {
				t.Fatalf("vic's failure count went from %s to %s", counted, got)
			}
			// vic's lock holds for the real name, and ends as usual.
			if a := e.login(e.browser(), "vic", password); a.apiError(t).Code != shared.EWrongCredentials {
				t.Fatalf("the right password while locked: %s", a.body)
			}
			*now = now.Add(61 * time.Second)
			if a := e.login(e.browser(), "VIC ", password); a.status != 200 {
				t.Fatalf("after the lock: %d %s", a.status, a.body)
			}
		})
	}
}
