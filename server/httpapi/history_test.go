package httpapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/internal/testclock"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// seedEvents writes n events for u, every third a failure.
func (e *env) seedEvents(u *domain.User, n int) {
	e.t.Helper()
	batch := make([]domain.LoginEvent, 0, 1000)
	flush := func() {
		if err := e.st.RecordLoginEvents(context.Background(), batch); err != nil {
			e.t.Fatal(err)
		}
		batch = batch[:0]
	}
	base := testclock.Base.AddDate(0, -10, 0)
	for i := range n {
		result, reason := shared.ResultSuccess, ""
		if i%3 == 0 {
			result, reason = shared.ResultFailure, shared.ReasonWrongPassword
		}
		batch = append(batch, domain.LoginEvent{CreatedAt: base.Add(time.Duration(i) * time.Minute), UserID: &u.ID,
			AccountID: &u.AccountID, Username: u.Username, IP: "192.0.2.1", UserAgent: "ua",
			Method: shared.MethodPassword, Result: result, Reason: reason})
		if len(batch) == cap(batch) {
			flush()
		}
	}
	flush()
}

// readAll pages through the history with the given page size and filter.
func (e *env) readAll(t *testing.T, c *http.Client, limit int, failedOnly bool) []shared.LoginEvent {
	t.Helper()
	var all []shared.LoginEvent
	cursor := ""
	for pages := 0; ; pages++ {
		q := url.Values{"limit": {strconv.Itoa(limit)}}
		if cursor != "" {
			q.Set("before", cursor)
		}
		if failedOnly {
			q.Set("result", "failure")
		}
		a := e.do(c, "GET", "/api/me/logins?"+q.Encode(), nil)
		if a.status != 200 {
			t.Fatalf("page %d: %d %s", pages, a.status, a.body)
		}
		var page shared.LoginEventPage
		a.decode(t, &page)
		all = append(all, page.Events...)
		if page.Next == "" {
			return all
		}
		cursor = page.Next
		if pages > 20000 {
			t.Fatal("the pages do not end")
		}
	}
}

func TestHistory_PagesThroughTenThousandEventsEachOnceNewestFirst(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			alice := e.user("alice", shared.RoleUser, "Acme")
			bob := e.user("bob", shared.RoleUser, "Acme")
			e.seedEvents(alice, 10000)
			e.seedEvents(bob, 500)
			c := e.browser()
			e.login(c, "alice", password) // one more event: 10,001
			all := e.readAll(t, c, 100, false)
			if len(all) != 10001 {
				t.Fatalf("%d events, want 10001", len(all))
			}
			seen := map[int64]bool{}
			for i, ev := range all {
				if seen[ev.ID] || (i > 0 && ev.ID >= all[i-1].ID) {
					t.Fatalf("event %d (id %d) repeated or out of order", i, ev.ID)
				}
				seen[ev.ID] = true
				if ev.Username != "" {
					t.Fatal("the user's own history carries usernames")
				}
			}
			if all[0].Result != "success" || all[0].Method != "password" || all[0].IP != "127.0.0.1" {
				t.Fatalf("newest event: %+v", all[0])
			}
			fails := e.readAll(t, c, 100, true)
			if len(fails) != 3334 {
				t.Fatalf("%d failures, want 3334", len(fails))
			}
			for _, ev := range fails {
				if ev.Result != "failure" || ev.Reason != shared.ReasonWrongPassword {
					t.Fatalf("filter let through %+v", ev)
				}
			}
		})
	}
}

func TestHistory_AUserSeesOnlyTheirOwnEvents(t *testing.T) {
	e := newEnv(t, store.SQLite)
	alice := e.user("alice", shared.RoleUser, "Acme")
	bob := e.user("bob", shared.RoleUser, "Acme")
	e.seedEvents(alice, 30)
	e.seedEvents(bob, 30)
	c := e.browser()
	e.login(c, "bob", password)
	bobs := e.readAll(t, c, 7, false)
	if len(bobs) != 31 {
		t.Fatalf("bob sees %d events", len(bobs))
	}
	// A cursor taken from anywhere only ever narrows bob's own list.
	a := e.do(c, "GET", "/api/me/logins?before=999999999", nil)
	var page shared.LoginEventPage
	if a.decode(t, &page); a.status != 200 || len(page.Events) != 20 {
		t.Fatalf("a cursor past every event: %d, %d events", a.status, len(page.Events))
	}
	aliceIDs := map[int64]bool{}
	events, _, _ := e.st.LoginEvents(context.Background(), domain.LoginEventFilter{UserID: alice.ID, Limit: 100})
	for _, ev := range events {
		aliceIDs[ev.ID] = true
	}
	for _, ev := range append(bobs, page.Events...) {
		if aliceIDs[ev.ID] {
			t.Fatalf("bob saw alice's event %d", ev.ID)
		}
	}
	for _, bad := range []string{"limit=0", "limit=1000", "before=abc", "result=maybe"} {
		field, _, _ := strings.Cut(bad, "=")
		if a := e.do(c, "GET", "/api/me/logins?"+bad, nil); a.status != 400 || a.apiError(t).Code != shared.EInvalid || a.apiError(t).Fields[field] == "" {
			t.Errorf("%s: %d %s", bad, a.status, a.body)
		}
	}
}

func TestClientIP_BelievesXForwardedForOnlyFromTrustedProxies(t *testing.T) {
	s := &Server{trustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}}
	for _, tc := range []struct{ remote, xff, want string }{
		{"203.0.113.5:1234", "", "203.0.113.5"},
		{"203.0.113.5:1234", "198.51.100.1", "203.0.113.5"}, // not a proxy: header ignored
		{"10.1.2.3:443", "198.51.100.1", "198.51.100.1"},
		{"10.1.2.3:443", "6.6.6.6, 198.51.100.1", "198.51.100.1"},  // the client's own prefix is not believed
		{"10.1.2.3:443", "198.51.100.1, 10.9.9.9", "198.51.100.1"}, // through two trusted proxies
		{"10.1.2.3:443", "garbage, 198.51.100.1", "198.51.100.1"},  // right-most untrusted wins
		{"10.1.2.3:443", "198.51.100.1, garbage", "10.1.2.3"},      // unreadable hop: stop trusting
		{"10.1.2.3:443", "10.4.4.4", "10.1.2.3"},                   // only proxies: the nearest
		{"[::1]:80", "2001:db8::7", "2001:db8::7"},
		{"[::ffff:10.1.2.3]:80", "::ffff:198.51.100.9", "198.51.100.9"}, // IPv4-mapped forms
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.remote
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if got := s.clientIP(r); got != tc.want {
			t.Errorf("remote %s, XFF %q: %s, want %s", tc.remote, tc.xff, got, tc.want)
		}
	}
}
