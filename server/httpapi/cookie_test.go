package httpapi

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/shared"
)

// A browser whose clock is days off keeps a fresh session for exactly its
// lifetime and loses it after. The client is net/http's cookie jar, which
// follows RFC 6265 on its own clock; the server's clock is three days ahead
// of it, and three days behind, which is the same as the client's clock
// being off the other way. The jar keeps time in a testing/synctest bubble,
// whose clock starts at 2000-01-01 UTC and moves only when the test sleeps,
// so the lifetime passes at once and exactly.
func TestSession_CookieLivesItsLifetimeOnAClientClockDaysOff(t *testing.T) {
	bubbleStart := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	for name, skew := range map[string]time.Duration{"client behind": 72 * time.Hour, "client ahead": -72 * time.Hour} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, store.SQLite)
			serverNow := bubbleStart.Add(skew)
			e.svc.Now = func() time.Time { return serverNow }
			const lifetime = 4 * time.Hour
			e.svc.SessionMax = lifetime
			e.user("alice", shared.RoleUser, "Acme")
			a := e.login(e.browser(), "alice", password)
			if a.status != 200 {
				t.Fatalf("login: %d %s", a.status, a.body)
			}
			site, _ := url.Parse(e.srv.URL)
			// The server's clock stands still, so it would still take the
			// token: only the client's own count of Max-Age can end it.
			var fresh, old []*http.Cookie
			synctest.Test(t, func(t *testing.T) {
				jar, _ := cookiejar.New(nil)
				jar.SetCookies(site, (&http.Response{Header: a.header}).Cookies())
				fresh = jar.Cookies(site)
				time.Sleep(lifetime - time.Second)
				if !slices.ContainsFunc(jar.Cookies(site), func(c *http.Cookie) bool { return c.Name == cookieName }) {
					t.Error("the client dropped the cookie before its lifetime")
				}
				time.Sleep(2 * time.Second)
				old = jar.Cookies(site)
			})
			if a := e.do(e.withCookies(fresh), "GET", "/api/me", nil); a.status != 200 {
				t.Fatalf("fresh session: %d %s (the client dropped its cookie)", a.status, a.body)
			}
			if slices.ContainsFunc(old, func(c *http.Cookie) bool { return c.Name == cookieName }) {
				t.Fatalf("the client still holds the cookie after its lifetime: %v", old)
			}
			if a := e.do(e.withCookies(old), "GET", "/api/me", nil); a.status != 401 {
				t.Fatalf("after its lifetime: %d %s", a.status, a.body)
			}

			// What made it so: a relative lifetime, and a date only as a fallback.
			var set *http.Cookie
			for _, ck := range (&http.Response{Header: a.header}).Cookies() {
				if ck.Name == cookieName {
					set = ck
				}
			}
			if set == nil || set.MaxAge != int(lifetime/time.Second) || set.Expires.IsZero() {
				t.Fatalf("Set-Cookie %v: want Max-Age=%d and an Expires fallback", a.header.Values("Set-Cookie"), int(lifetime/time.Second))
			}
		})
	}
}

// withCookies returns a fresh client that presents these cookies.
func (e *env) withCookies(cookies []*http.Cookie) *http.Client {
	c := e.browser()
	site, _ := url.Parse(e.srv.URL)
	c.Jar.SetCookies(site, cookies)
	return c
}
