package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// floodClients is how many connections the attacking network floods the
// login with, each sending the next request as soon as it has an answer
// (Retry-After ignored), as in the outside tester's attack (issue 22).
const floodClients = 300

// The attacker's network, each flood's its own (a lock from the first must
// not answer the second), and the user's.
const (
	floodUnknownAddr = "127.0.0.66"
	floodRightAddr   = "127.0.0.67"
	floodUserAddr    = "127.0.0.77"
)

// benchFlood measures what one network flooding the login leaves to a
// user on another: the attacker's floodClients connections send logins as
// fast as they are answered, first with unknown usernames (its network is
// soon locked), then with the right password of an account it has, while
// the user logs in once a second. Goal: >= 95% of the user's logins
// succeed, on each database. Each flood lasts twice the load phase.
func benchFlood(ctx context.Context, o options) error {
	fmt.Printf("%d connections from %s (unknown usernames) or %s (an account's right password), Retry-After ignored;\n"+
		"the user logs in from %s once a second; each flood %.0f s\n\n", floodClients, floodUnknownAddr, floodRightAddr, floodUserAddr,
		(2 * o.duration).Seconds())
	fmt.Println("| database | flood | the user's logins that succeeded | their latency p50 / max | the flood's answers |")
	fmt.Println("|---|---|---|---|---|")
	for _, db := range []string{"postgres", "sqlite"} {
		env, drop, err := freshDatabase(ctx, o, db, "bench_flood")
		if err != nil {
			return err
		}
		defer drop()
		if err := floodOn(ctx, o, db, env); err != nil {
			return fmt.Errorf("%s: %w", db, err)
		}
	}
	return nil
}

func floodOn(ctx context.Context, o options, db string, env []string) error {
	srv, err := startServer(o, env...)
	if err != nil {
		return err
	}
	defer srv.stop()
	user, err := createUser(ctx, o, srv, "legit")
	if err != nil {
		return err
	}
	theirs, err := createUser(ctx, o, srv, "taken")
	if err != nil {
		return err
	}
	for _, flood := range []struct {
		name, addr string
		body       func() string
	}{
		{"unknown usernames", floodUnknownAddr, func() string { return loginBody("nobody-"+strings.ToLower(rand.Text()[:8]), "a guess") }},
		{"an account's right password", floodRightAddr, func() string { return loginBody("taken", theirs) }},
	} {
		fctx, stop := context.WithTimeout(ctx, 2*o.duration)
		answers := floodLogins(fctx, srv.URL, flood.addr, flood.body)
		ok, tries, lat, firstErr := loginEverySecond(fctx, srv.URL, loginBody("legit", user))
		stop()
		counts := <-answers
		slices.Sort(lat)
		share := 100 * float64(ok) / float64(max(tries, 1))
		atLeast(fmt.Sprintf("a user's logins while one network floods (%s), %s", flood.name, db), share, 95, "%.0f%%")
		fmt.Printf("| %s | %s | **%.0f%%** (%d of %d) | %s / %s | %s |\n", db, flood.name, share, ok, tries,
			ms(percentile(lat, 0.5)), ms(percentile(lat, 1)), counts)
		if tries == 0 {
			return errors.New("the user never tried")
		}
		if ok < tries {
			fmt.Printf("(the user's first failure: %v)\n", firstErr)
		}
	}
	return nil
}

// floodLogins sends logins from addr on floodClients connections until ctx
// ends, and then reports how they were answered.
func floodLogins(ctx context.Context, base, addr string, body func() string) <-chan string {
	out := make(chan string, 1)
	var mu sync.Mutex
	statuses := map[string]int{}
	var wg sync.WaitGroup
	for range floodClients {
		wg.Go(func() {
			c := clientFrom(addr)
			c.Timeout = 0 // the flood's own requests end with ctx
			for ctx.Err() == nil {
				req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/login", strings.NewReader(body()))
				req.Header.Set("Content-Type", "application/json")
				what := "connection failed"
				if res, err := c.Do(req); err == nil {
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
					what = fmt.Sprint(res.StatusCode)
				} else if ctx.Err() != nil {
					break
				}
				mu.Lock()
				statuses[what]++
				mu.Unlock()
			}
		})
	}
	start := time.Now()
	go func() {
		wg.Wait()
		secs := time.Since(start).Seconds()
		var parts []string
		for what, n := range statuses {
			parts = append(parts, fmt.Sprintf("%s: %.0f/s", what, float64(n)/secs))
		}
		slices.Sort(parts)
		out <- strings.Join(parts, ", ")
	}()
	return out
}

// loginEverySecond logs the user in once a second until ctx ends, each
// time from a new browser on the user's own address, and returns how many
// logins succeeded, of how many, their latencies and the first failure.
func loginEverySecond(ctx context.Context, base, body string) (ok, tries int, lat []time.Duration, first error) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ok, tries, lat, first
		case <-tick.C:
		}
		c := clientFrom(floodUserAddr)
		c.Timeout = 10 * time.Second
		t0 := time.Now()
		err := call(c, "POST", base+"/api/login", body, 200, "")
		c.CloseIdleConnections()
		if ctx.Err() != nil && err != nil {
			return ok, tries, lat, first // cut off by the end of the flood
		}
		tries++
		if err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		ok++
		lat = append(lat, time.Since(t0))
	}
}
