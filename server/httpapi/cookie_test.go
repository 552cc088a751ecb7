package httpapi

import (
	"net/http"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/shared"
)

// A browser whose clock is days off keeps a fresh session for exactly its
// lifetime and loses it after. The client is net/http's cookie jar, which
// follows RFC 6265 on the real clock; the server's clock is set three days
// ahead of it, and three days behind, which is the same as the client's
// clock being off the other way.
func TestSession_CookieLivesItsLifetimeOnAClientClockDaysOff(t *testing.T) {
	for name, skew := range map[string]time.Duration{"client behind": 72 * time.Hour, "client ahead": -72 * time.Hour} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, store.SQLite)
			serverNow := time.Now().Add(skew)
			e.svc.Now = func() time.Time { return serverNow }
			// Long enough that a loaded machine gets from the login to
			// the first use well within it.
			const lifetime = 4 * time.Second
			e.svc.SessionMax = lifetime
			e.user("alice", shared.RoleUser, "Acme")
			c := e.browser()

			a := e.login(c, "alice", password)
			if a.status != 200 {
				t.Fatalf("login: %d %s", a.status, a.body)
			}
			if a := e.do(c, "GET", "/api/me", nil); a.status != 200 {
				t.Fatalf("fresh session: %d %s (the client dropped its cookie)", a.status, a.body)
			}

			// The server's clock stands still, so it would still take the
			// token: only the client's own count of Max-Age can end it.
			time.Sleep(lifetime + 200*time.Millisecond)
			if ck := e.sessionCookie(c); ck != nil {
				t.Fatalf("the client still holds the cookie after its lifetime: %v", ck)
			}
			if a := e.do(c, "GET", "/api/me", nil); a.status != 401 {
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
