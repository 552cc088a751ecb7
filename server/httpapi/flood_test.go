package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/auth/passwords"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// floodIP is the attacker's network in these tests, userIP another one's.
const floodIP, userIP = "203.0.113.7", "198.51.100.4"

// fromNetworks makes the test server believe X-Forwarded-For from the test's
// own connections, so that requests can come from any network.
func (e *env) fromNetworks() {
	e.api.trustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
}

// postFrom sends a login from ip on a connection of its own and returns the
// status; safe from any goroutine (it reports no test failure itself).
func (e *env) postFrom(ip string, req shared.LoginRequest) int {
	body, _ := json.Marshal(req)
	r, _ := http.NewRequest("POST", e.srv.URL+"/api/login", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Forwarded-For", ip)
	res, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(r)
	if err != nil {
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}

// One network floods the login while its checks are held in their slots
// (the Hashing hook): with unknown usernames, or with the right password of
// an account the attacker has. It gets its share of the places and the rest
// of its requests are refused at once, and a user on another network still
// logs in, with the history saying so. Before each network had a share,
// the flood took every place and the user got 503.
func TestAttack_OneNetworkFloodingTheLoginLeavesOthersTheirTurn(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		for _, flood := range []shared.LoginRequest{
			{Username: "nobody", Password: "a guess at some password"},
			{Username: "carol", Password: password},
		} {
			t.Run(dialect+"/"+flood.Username, func(t *testing.T) {
				e := newEnv(t, dialect)
				e.fromNetworks()
				e.user("alice", shared.RoleUser, "Acme")
				e.user("carol", shared.RoleUser, "Acme")
				e.svc.Hasher.SetConcurrency(2) // 18 places: 4 a network; 2 slots: 1 a network
				held, release := make(chan string, 100), make(chan struct{})
				var once sync.Once
				let := func() { once.Do(func() { close(release) }) }
				t.Cleanup(let) // before the server's own, which waits for the held requests
				e.svc.Hasher.Hashing = func(network string) {
					if network == "ip:"+floodIP {
						held <- network
						<-release
					}
				}
				const requests, share = 30, 4
				statuses := make(chan int, requests)
				for range requests {
					go func() { statuses <- e.postFrom(floodIP, flood) }()
				}
				// Those past the network's share come back at once.
				shed := 0
				guard := time.After(10 * time.Second) // only if the share is not kept
			waiting:
				for shed < requests-share {
					select {
					case s := <-statuses:
						if s != http.StatusServiceUnavailable {
							t.Fatalf("a flood request past the share: %d, want 503", s)
						}
						shed++
					case <-guard:
						break waiting
					}
				}
				<-held // one of the network's checks runs, held
				a := e.do(e.browser(), "POST", "/api/login", shared.LoginRequest{Username: "alice", Password: password},
					"X-Forwarded-For", userIP)
				if a.status != http.StatusOK {
					t.Fatalf("the user on another network while the flood holds its share (%d of %d flood requests shed): %d %s",
						shed, requests, a.status, a.body)
				}
				let()
				want := http.StatusUnauthorized
				if flood.Username == "carol" {
					want = http.StatusOK
				}
				for range share {
					if s := <-statuses; s != want {
						t.Errorf("an admitted flood request: %d, want %d", s, want)
					}
				}
				rows := storetest.Rows(t, e.st, "SELECT ip, result, count(*) FROM login_events GROUP BY ip, result ORDER BY ip")
				if got := fmt.Sprint(rows); got != fmt.Sprintf("[[%s success 1] [%s %s %d]]", userIP, floodIP, map[bool]string{true: "success", false: "failure"}[want == 200], share) {
					t.Fatalf("history: %s (the user's success, and only the flood's admitted attempts)", got)
				}
			})
		}
	}
}

// A network that is locked (20 failures) is answered 429 without taking a
// place among the password checks: with every place taken by others, it
// still gets its 429 and Retry-After, not 503, and its attempts are in the
// history as throttled, in the lock's one row. Before, it took a place first and got 503 with the
// places full, and while they were free its refusals filled them.
func TestAttack_ALockedNetworkIsRefusedWithoutTakingAPlace(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			e.fromNetworks()
			e.user("alice", shared.RoleUser, "Acme")
			e.svc.Hasher.SetConcurrency(1)
			for i := range 20 { // the network's threshold
				if s := e.postFrom(floodIP, shared.LoginRequest{Username: fmt.Sprintf("guess%d", i), Password: "wrong password"}); s != http.StatusUnauthorized {
					t.Fatalf("failure %d: %d", i+1, s)
				}
			}
			if s := e.postFrom(floodIP, shared.LoginRequest{Username: "alice", Password: password}); s != http.StatusTooManyRequests {
				t.Fatalf("once locked: %d, want 429", s)
			}
			var places []*passwords.Place
			for i := 0; ; i++ { // every place, by networks of their own
				p, err := e.svc.Hasher.Admit(fmt.Sprintf("10.0.%d.%d", i/200, i%200))
				if err != nil {
					break
				}
				places = append(places, p)
			}
			defer func() {
				for _, p := range places {
					p.Done()
				}
			}()
			a := e.do(e.browser(), "POST", "/api/login", shared.LoginRequest{Username: "alice", Password: password}, "X-Forwarded-For", floodIP)
			if a.status != http.StatusTooManyRequests || a.apiError(t).Code != shared.ERateLimited || a.header.Get("Retry-After") == "" {
				t.Fatalf("the locked network with every place taken: %d %s, Retry-After %q", a.status, a.body, a.header.Get("Retry-After"))
			}
			// Both refusals are the lock's one row (item 4 of the outside
			// findings), counted, not a row each.
			if rows := storetest.Rows(t, e.st, "SELECT count(*), sum(attempts) FROM login_events WHERE ip = ? AND reason = ?", floodIP, shared.ReasonThrottled); rows[0][0] != "1" || rows[0][1] != "2" {
				t.Fatalf("throttled attempts in the history: %s rows of %s attempts, want 1 row of 2", rows[0][0], rows[0][1])
			}
		})
	}
}
