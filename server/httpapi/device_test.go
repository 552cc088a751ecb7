package httpapi

import (
	"fmt"
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// Five wrong passwords from anywhere lock a username. Its owner's browser,
// which logged in before and holds the device cookie, is spared that lock
// and keeps logging in; every other browser, a forged cookie and another
// username's cookie are not. A device that guesses wrong itself is locked
// like a username would be.
func TestLogin_AnAttackerWhoLocksAUsernameDoesNotLockOutItsOwnersBrowser(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			e.api.trustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
			now := e.fixClock()
			e.user("alice", shared.RoleUser, "Acme")
			e.user("bob", shared.RoleUser, "Acme")
			owner, bobs := e.browser(), e.browser()
			if a := e.login(owner, "alice", password); a.status != 200 {
				t.Fatalf("first login: %d %s", a.status, a.body)
			}
			e.login(bobs, "bob", password)
			device := e.cookie(owner, deviceCookieName)
			if device == "" {
				t.Fatal("no device cookie after a right password")
			}

			for i := range 5 { // from five addresses: only the username's count locks
				e.do(e.browser(), "POST", "/api/login", shared.LoginRequest{Username: "alice", Password: "guess"},
					"X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i+1))
			}
			for name, c := range map[string]*http.Client{
				"a new browser":             e.browser(),
				"a forged device cookie":    e.withNamedCookie(deviceCookieName, device[:len(device)-1]+other(device[len(device)-1:], "0", "1")),
				"bob's device cookie":       e.withNamedCookie(deviceCookieName, e.cookie(bobs, deviceCookieName)),
				"alice's cookie, bad nonce": e.withNamedCookie(deviceCookieName, other(device[:1], "A", "B")+device[1:]),
			} {
				if a := e.login(c, "alice", password); a.status != 401 || a.apiError(t).Code != shared.EWrongCredentials {
					t.Errorf("%s during the lock: %d %s", name, a.status, a.body)
				}
			}
			if a := e.login(owner, "alice", password); a.status != 200 {
				t.Fatalf("the owner's browser during the lock: %d %s", a.status, a.body)
			}

			// The device's own wrong guesses lock the device, not beyond.
			for range 5 {
				e.login(owner, "alice", "guess")
			}
			if a := e.login(owner, "alice", password); a.apiError(t).Code != shared.EWrongCredentials {
				t.Fatalf("a device after its own five failures: %d %s", a.status, a.body)
			}
			if r := e.lastReason(t, "alice"); r != shared.ReasonThrottled {
				t.Fatalf("recorded as %q", r)
			}
			*now = now.Add(16 * time.Minute)
			if a := e.login(owner, "alice", password); a.status != 200 {
				t.Fatalf("the device after its lock: %d %s", a.status, a.body)
			}
		})
	}
}

// other returns a or, if c is a, b: a character certain to differ from c.
func other(c, a, b string) string {
	if c == a {
		return b
	}
	return a
}

// cookie returns the value of the named cookie the client holds, "" if none.
func (e *env) cookie(c *http.Client, name string) string {
	req, _ := http.NewRequest("GET", e.srv.URL, nil)
	for _, ck := range c.Jar.Cookies(req.URL) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// withNamedCookie is a fresh client that holds only this cookie.
func (e *env) withNamedCookie(name, value string) *http.Client {
	c := e.browser()
	req, _ := http.NewRequest("GET", e.srv.URL, nil)
	c.Jar.SetCookies(req.URL, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
	return c
}
