package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/warden-auth/warden/server/auth"
)

// loginClients is the concurrency of the login phase: enough that while one
// request waits for a commit another hashes.
const loginClients = 8

// benchLogin compares logins per second through the API (2FA off) with raw
// argon2id verifications per second in this process, at the same
// concurrency and with the server's parameters. Goal: ratio >= 0.9.
func benchLogin(ctx context.Context, o options) error {
	h := auth.NewHasher(auth.OWASPParams, rand.Reader)
	phc, err := h.Hash(benchPassword)
	if err != nil {
		return err
	}
	fmt.Printf("%d clients; argon2id m=%d KiB, t=%d, p=%d; raw hashing and logins alternate in %d rounds, so that\n"+
		"a change in the machine's load hits both alike\n\n", loginClients, auth.OWASPParams.Memory, auth.OWASPParams.Time, auth.OWASPParams.Threads, loginRounds)
	fmt.Println("| database | raw argon2id verifications | logins through the API | p50 / p99 | ratio |")
	fmt.Println("|---|---|---|---|---|")
	for _, db := range []string{"postgres", "sqlite"} {
		var env []string
		if db == "postgres" {
			s, err := openSchema(ctx, o.dbURL, "bench_login", true)
			if err != nil {
				return err
			}
			defer s.drop(ctx)
			env = append(env, "DATABASE_URL="+s.url)
		}
		if err := createUser(ctx, o, "bench", env...); err != nil {
			return err
		}
		srv, err := startServer(o, env...)
		if err != nil {
			return err
		}
		body := fmt.Sprintf(`{"username":"bench","password":%q}`, benchPassword)
		send := func(c *http.Client, _ int) (bool, error) {
			return true, call(c, "POST", srv.URL+"/api/login", body, 200, "")
		}
		load(ctx, loginClients, o.duration/5, send) // warm up: connections, pools, page cache
		var hashes int
		var hashTime time.Duration
		var r result
		for range loginRounds {
			n, el := spin(loginClients, o.duration/loginRounds, func() { h.Verify(benchPassword, phc) })
			hashes, hashTime = hashes+n, hashTime+el
			part := load(ctx, loginClients, o.duration/loginRounds, send)
			r.ok, r.failed, r.elapsed, r.lat = r.ok+part.ok, r.failed+part.failed, r.elapsed+part.elapsed, append(r.lat, part.lat...)
			if r.firstErr == nil {
				r.firstErr = part.firstErr
			}
		}
		srv.stop()
		if r.failed > 0 {
			return fmt.Errorf("%s logins: %v", db, r)
		}
		slices.Sort(r.lat)
		raw := float64(hashes) / hashTime.Seconds()
		fmt.Printf("| %s | %.1f/s | %.1f/s | %s / %s | **%.2f** |\n", db, raw, r.rate(),
			ms(percentile(r.lat, 0.5)), ms(percentile(r.lat, 0.99)), r.rate()/raw)
	}
	return nil
}

// loginRounds is how many times the login phase alternates raw hashing and
// logins.
const loginRounds = 3
