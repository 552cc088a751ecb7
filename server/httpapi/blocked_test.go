package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/internal/testcode"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// flood sends n logins spread over the servers, four at a time on each
// (within what the password checks admit), and returns the statuses
// answered. body makes the i-th attempt's body, ip its X-Forwarded-For ("":
// none).
func flood(t *testing.T, servers []*env, n int, body func(i int) shared.LoginRequest, ip func(i int) string) map[int]int {
	t.Helper()
	var mu sync.Mutex
	statuses := map[int]int{}
	next := make(chan int)
	var wg sync.WaitGroup
	for _, srv := range servers {
		for range 4 {
			wg.Go(func() {
				for i := range next {
					b, _ := json.Marshal(body(i))
					req, _ := http.NewRequest("POST", srv.srv.URL+"/api/login", bytes.NewReader(b))
					req.Header.Set("Content-Type", "application/json")
					if a := ip(i); a != "" {
						req.Header.Set("X-Forwarded-For", a)
					}
					res, err := http.DefaultClient.Do(req)
					if err != nil {
						t.Error(err)
						continue
					}
					res.Body.Close()
					mu.Lock()
					statuses[res.StatusCode]++
					mu.Unlock()
				}
			})
		}
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return statuses
}

// blockedRows are the rows of the history that stand for blocked attempts
// (reason throttled or locked_out), as stored.
func (e *env) blockedRows(t *testing.T) [][]string {
	t.Helper()
	return storetest.Rows(t, e.st, `SELECT coalesce(user_id, 0), username, reason, attempts FROM login_events
		WHERE reason IN (?, ?) ORDER BY id`, shared.ReasonThrottled, shared.ReasonLockedOut)
}

// A network locked by its failures may knock thousands of times: its
// blocked attempts are one row of the history per lock, with their count
// and the last one's time, however many server processes answered them
// (two here, on one database). The row is the network's, no account's: a
// blocked attempt checked no password, and names are the attacker's choice
// (a known user's history gets nothing). The platform administrator sees
// it with the words for it; the next lock is a row of its own.
func TestHistory_ALockedNetworksAttemptsAreOneRowPerLock(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newEnv(t, d)
			now := e.fixClock()
			alice := e.user("alice", shared.RoleUser, "Acme")
			e.user("root", shared.RolePlatformAdmin, "Default")
			second := e.secondServer(t)
			e.api.trustedProxies, second.api.trustedProxies = loopbackProxies, loopbackProxies
			for i := range 20 { // the network's threshold: now it is locked
				e.login(e.browser(), "nobody"+strconv.Itoa(i), "wrong password")
			}
			names := []string{"alice", "nobody", "carol"}
			got := flood(t, []*env{e, second}, 120, func(i int) shared.LoginRequest {
				return shared.LoginRequest{Username: names[i%3], Password: password} // alice's right password too
			}, func(int) string { return "" })
			if got[429] != 120 {
				t.Fatalf("answers to the locked network: %v", got)
			}
			if rows := fmt.Sprint(e.blockedRows(t)); rows != "[[0  throttled 120]]" {
				t.Fatalf("blocked attempts stored: %s", rows)
			}
			if n := storetest.Rows(t, e.st, "SELECT count(*) FROM login_events WHERE user_id = ?", alice.ID)[0][0]; n != "0" {
				t.Fatalf("%s rows in alice's history", n)
			}

			pa := e.browser()
			e.loginFrom(pa, "root", password, "203.0.113.5")
			var blocked []shared.LoginEvent
			for _, ev := range e.adminLogins(t, pa, "unknown=true", 100) {
				if ev.Reason == shared.ReasonThrottled {
					blocked = append(blocked, ev)
				}
			}
			if len(blocked) != 1 || blocked[0].Attempts != 120 || blocked[0].LastTime != now.UTC().Format(time.RFC3339) ||
				words.English.Say(shared.BlockedWords(blocked[0].Reason, blocked[0].Attempts)) != "120 attempts blocked while logins were paused" {
				t.Fatalf("the platform administrator's view: %+v", blocked)
			}

			// The lock ends; the next failure locks again (a longer lock), and
			// its blocked attempts make a second row.
			*now = now.Add(2 * time.Minute)
			if a := e.login(e.browser(), "nobody", "wrong password"); a.status != 401 {
				t.Fatalf("after the lock: %d %s", a.status, a.body)
			}
			flood(t, []*env{second}, 3, func(int) shared.LoginRequest { return shared.LoginRequest{Username: "dave", Password: "x"} },
				func(int) string { return "" })
			if rows := fmt.Sprint(e.blockedRows(t)); rows != "[[0  throttled 120] [0  throttled 3]]" {
				t.Fatalf("after a second lock: %s", rows)
			}
		})
	}
}

// A username locked by failures answers like a wrong password, from any
// network; the attempts it blocks are one row of its owner's history per
// lock, with their count, which the user and their administrator see in
// words, not a row each.
func TestHistory_ALockedUsernamesAttemptsAreOneRowInTheirHistory(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newEnv(t, d)
			now := e.fixClock()
			alice := e.user("alice", shared.RoleUser, "Acme")
			e.user("root", shared.RoleAdmin, "Acme")
			second := e.secondServer(t)
			e.api.trustedProxies, second.api.trustedProxies = loopbackProxies, loopbackProxies
			for i := range 5 { // the username's threshold
				e.loginFrom(e.browser(), "alice", "wrong password", fmt.Sprintf("198.51.100.%d", i+1))
			}
			got := flood(t, []*env{e, second}, 60, func(i int) shared.LoginRequest {
				if i%2 == 0 {
					return shared.LoginRequest{Username: "alice", Password: password}
				}
				return shared.LoginRequest{Username: "Alice", Password: "guess " + strconv.Itoa(i)}
			}, func(i int) string { return fmt.Sprintf("203.0.113.%d", i+1) }) // a network each: none is locked
			if got[401] != 60 {
				t.Fatalf("answers while alice is locked: %v", got)
			}
			want := fmt.Sprintf("[[%d alice throttled 60]]", alice.ID)
			if rows := fmt.Sprint(e.blockedRows(t)); rows != want {
				t.Fatalf("blocked attempts stored: %s, want %s", rows, want)
			}
			if n := storetest.Rows(t, e.st, "SELECT count(*) FROM login_events WHERE user_id = ?", alice.ID)[0][0]; n != "6" {
				t.Fatalf("alice's history has %s rows, want 5 wrong passwords and 1 for the blocked attempts", n)
			}

			words := func(events []shared.LoginEvent) string {
				for _, ev := range events {
					if ev.Attempts > 0 {
						return fmt.Sprintf("%s, the last at %s", words.English.Say(shared.BlockedWords(ev.Reason, ev.Attempts)), ev.LastTime)
					}
				}
				return "none"
			}
			want = "60 attempts blocked while logins were paused, the last at " + now.UTC().Format(time.RFC3339)
			admin := e.browser()
			e.loginFrom(admin, "root", password, "192.0.2.7")
			if got := words(e.adminLogins(t, admin, "user=alice", 100)); got != want {
				t.Fatalf("the administrator's view: %s", got)
			}
			*now = now.Add(2 * time.Minute) // the lock is over
			c := e.browser()
			if a := e.loginFrom(c, "alice", password, "192.0.2.8"); a.status != 200 {
				t.Fatalf("alice after the lock: %d %s", a.status, a.body)
			}
			if got := words(e.readAll(t, c, 100, true)); got != want {
				t.Fatalf("alice's own history: %s", got)
			}
		})
	}
}

// A second step locked by wrong codes refuses (429) every code until the
// lock ends; those attempts are one row of the user's history per lock.
func TestHistory_ALockedSecondStepsAttemptsAreOneRow(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newEnv(t, d)
			now := e.fixClock()
			alice := e.user("alice", shared.RoleUser, "Acme")
			c := e.browser()
			e.login(c, "alice", password)
			secret := e.enroll(t, c, *now)
			c = e.passwordStep(t, "alice")
			for range 5 {
				e.do(c, "POST", "/api/login/totp", shared.CodeRequest{Code: testcode.Wrong(t, secret, *now)})
			}
			for i := range 12 {
				path, code := "/api/login/totp", code(t, secret, *now)
				if i%2 == 1 {
					path, code = "/api/login/recovery", "AAAA-BBBB-CCCC"
				}
				if a := e.do(c, "POST", path, shared.CodeRequest{Code: code}); a.status != 429 {
					t.Fatalf("attempt %d while locked: %d %s", i, a.status, a.body)
				}
			}
			want := fmt.Sprintf("[[%d alice locked_out 12]]", alice.ID)
			if rows := fmt.Sprint(e.blockedRows(t)); rows != want {
				t.Fatalf("blocked attempts stored: %s, want %s", rows, want)
			}
			events, _, _ := e.st.LoginEvents(t.Context(), domain.LoginEventFilter{UserID: alice.ID, Limit: 1})
			if len(events) != 1 || events[0].Attempts != 12 {
				t.Fatalf("the newest row of alice's history: %+v", events)
			}
		})
	}
}
