package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/warden-auth/warden/server/auth/passwords"
)

// loginClients is the concurrency of the login phase: enough that while one
// request waits for a commit another hashes.
const loginClients = 8

// benchLogin compares logins per second through the API (2FA off) with raw
// argon2id verifications per second in this process, at the same
// concurrency and with the server's parameters. Goal: ratio >= 0.9.
func benchLogin(ctx context.Context, o options) error {
	h := passwords.NewHasher(passwords.OWASPParams, rand.Reader)
	rawPassword := strongPassword("")
	phc, err := h.Hash(rawPassword)
	if err != nil {
		return err
	}
	fmt.Printf("%d clients, each its own user; argon2id m=%d KiB, t=%d, p=%d; GODEBUG=%q for both; raw hashing and logins alternate\n"+
		"in %d rounds; each round's ratio compares neighbours in time, and the figure is their median\n\n", loginClients, passwords.OWASPParams.Memory,
		passwords.OWASPParams.Time, passwords.OWASPParams.Threads, os.Getenv("GODEBUG"), loginRounds)
	fmt.Println("| database | raw argon2id verifications | logins through the API | p50 / p99 | ratio per round | ratio (median) |")
	fmt.Println("|---|---|---|---|---|---|")
	var cpuRows, conditions []string
	for _, db := range []string{"postgres", "sqlite"} {
		env, drop, err := freshDatabase(ctx, o, db, "bench_login")
		if err != nil {
			return err
		}
		defer drop()
		srv, err := startServer(o, env...)
		if err != nil {
			return err
		}
		// The raw baseline hashes as the server does: as many at once as
		// its slots (the rest of the clients queue, as they do for the
		// server's) and under its memory limit, so both collect as often.
		limitMiB, checks, err := srv.memory()
		if err != nil {
			srv.stop()
			return err
		}
		h.SetConcurrency(checks)
		ownLimit := debug.SetMemoryLimit(limitMiB << 20)
		defer debug.SetMemoryLimit(ownLimit)
		conditions = append(conditions, fmt.Sprintf("%s: %d at once under a %d MiB memory limit", db, checks, limitMiB))
		// A user per client: logins of one user all update one row and
		// queue on its lock, which a real crowd of users does not.
		bodies := make([]string, loginClients)
		for i := range loginClients {
			name := fmt.Sprintf("bench%d", i)
			password, err := createUser(ctx, o, srv, name)
			if err != nil {
				srv.stop()
				return err
			}
			bodies[i] = loginBody(name, password)
		}
		send := func(c *http.Client, i int) (bool, error) {
			return true, call(c, "POST", srv.URL+"/api/login", bodies[i], 200, "")
		}
		load(ctx, loginClients, o.duration/5, send) // warm up: connections, pools, page cache
		var hashes int
		var hashTime time.Duration
		var r result
		var ratios, overs []float64 // per round: logins/s ÷ raw, and the server's CPU per login over the raw CPU per verification
		var rawCPU, apiCPU cpuSample
		profiled := func() error { return nil }
		if o.profile != "" {
			// The whole of the rounds: the server idles (and takes no
			// samples) while this process hashes.
			profiled = srv.profileCPU(2*o.duration, o.profile+"-"+db+".pprof")
		}
		var rawGC, apiGC int64 // collections: this process's while it hashes, the server's while it logs in
		for range loginRounds {
			c0, g0 := sampleCPU(srv.cmd.Process.Pid), ownGCCycles()
			n, el := spin(loginClients, o.duration/loginRounds, func() { h.Verify(rawPassword, phc) })
			c1, g1 := sampleCPU(srv.cmd.Process.Pid), ownGCCycles()
			s1, err := srv.gcCycles()
			if err != nil {
				srv.stop()
				return err
			}
			hashes, hashTime = hashes+n, hashTime+el
			part := load(ctx, loginClients, o.duration/loginRounds, send)
			c2 := sampleCPU(srv.cmd.Process.Pid)
			s2, err := srv.gcCycles()
			if err != nil {
				srv.stop()
				return err
			}
			rawCPU, apiCPU = rawCPU.add(c1.sub(c0)), apiCPU.add(c2.sub(c1))
			rawGC, apiGC = rawGC+g1-g0, apiGC+s2-s1
			r.ok, r.failed, r.elapsed, r.lat = r.ok+part.ok, r.failed+part.failed, r.elapsed+part.elapsed, append(r.lat, part.lat...)
			if r.firstErr == nil {
				r.firstErr = part.firstErr
			}
			ratios = append(ratios, part.rate()/(float64(n)/el.Seconds()))
			overs = append(overs, 100*(perLogin(c2.sub(c1).server.cpu, part.ok)/perLogin(c1.sub(c0).self.cpu, n)-1))
		}
		err = profiled()
		srv.stop()
		if r.failed > 0 {
			return fmt.Errorf("%s logins: %v", db, r)
		}
		if err != nil {
			return fmt.Errorf("%s profile: %w", db, err)
		}
		slices.Sort(r.lat)
		slices.Sort(ratios)
		fmt.Printf("| %s | %.1f/s | %.1f/s | %s / %s | %.2f–%.2f | **%.2f** |\n", db, float64(hashes)/hashTime.Seconds(),
			r.rate(), ms(percentile(r.lat, 0.5)), ms(percentile(r.lat, 0.99)), ratios[0], ratios[len(ratios)-1], median(ratios))
		atLeast("logins/s ÷ raw argon2id, "+db, median(ratios), 0.9, "%.2f")
		// The figure is the median of the rounds' own comparisons, as for
		// the throughput: the machine's load moves both sides' CPU per
		// operation (they share caches and memory bandwidth with it).
		slices.Sort(overs)
		overCPU := median(overs)
		atMost("server CPU per login over a raw verification, "+db, overCPU, 5, "%+.1f%%")
		cpuRows = append(cpuRows, fmt.Sprintf("| %s | %s | %s | %+.0f%% | %+.0f%% to %+.0f%%, **%+.0f%%** | %.2f / %.2f | %s | %s |", db,
			perOp(rawCPU.self, hashes), perOp(apiCPU.server, r.ok), 100*(perLogin(apiCPU.server.cpu, r.ok)/perLogin(rawCPU.self.cpu, hashes)-1),
			overs[0], overs[len(overs)-1], overCPU, float64(rawGC)/float64(max(hashes, 1)), float64(apiGC)/float64(max(r.ok, 1)),
			ms(apiCPU.postgres/time.Duration(max(r.ok, 1))), ms(apiCPU.self.cpu/time.Duration(max(r.ok, 1)))))
	}
	// Where a login's cores go, besides the hash (CPU time per operation, of
	// it the kernel's, and minor page faults; PostgreSQL is every postgres
	// process on this machine). The goal: a login costs the server at most
	// 5% more than the raw verification costs this process.
	fmt.Printf("\nThe server's password checks, and so the raw baseline's (GOGC=%q for both): %s\n", os.Getenv("GOGC"), strings.Join(conditions, "; "))
	fmt.Println("\n| database | per raw verification: CPU (kernel), faults | per login: server | server over raw, whole phase | per round (median) | collections per raw verification / per login | PostgreSQL | load generator |")
	fmt.Println("|---|---|---|---|---|---|---|---|")
	for _, row := range cpuRows {
		fmt.Println(row)
	}
	return nil
}

// perOp is a process's usage per operation: CPU (of it the kernel's) and
// minor page faults.
func perOp(u usage, n int) string {
	n = max(n, 1)
	return fmt.Sprintf("%s (%s), %d", ms(u.cpu/time.Duration(n)), ms(u.sys/time.Duration(n)), u.faults/int64(n))
}

func perLogin(d time.Duration, n int) float64 { return float64(d) / float64(max(n, 1)) }

// loginRounds is how many times the login phase alternates raw hashing and
// logins. The machine's speed drifts (other tenants, turbo): each round's
// ratio compares neighbours in time, and their median is the figure.
const loginRounds = 8

// verifyOnly verifies a password n times from loginClients goroutines, at
// most checks at once: the login phase's raw baseline without the rest of
// the bench, for counting its instructions (docs/bench/instructions.sh).
func verifyOnly(n, checks int) {
	h := passwords.NewHasher(passwords.OWASPParams, rand.Reader)
	h.SetConcurrency(checks)
	password := strongPassword("")
	phc, err := h.Hash(password)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	left := make(chan struct{}, n)
	for range n {
		left <- struct{}{}
	}
	close(left)
	var wg sync.WaitGroup
	for range loginClients {
		wg.Go(func() {
			for range left {
				h.Verify(password, phc)
			}
		})
	}
	wg.Wait()
}
