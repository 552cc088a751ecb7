package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
)

func TestThrottles_CountLockExpireAndClear(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		rule := domain.ThrottleRule{Threshold: 3, Window: 10 * time.Minute,
			LockFor: func(n int) time.Duration { return time.Duration(n) * time.Minute }}
		rules := map[string]domain.ThrottleRule{"user:alice": rule, "ip:192.0.2.1": {Threshold: 5, Window: time.Hour, LockFor: rule.LockFor}}
		for i := 1; i <= 2; i++ {
			until, err := s.RecordLoginFailure(ctx, rules, t0)
			if err != nil || !until.IsZero() {
				t.Fatalf("failure %d: %v %v", i, until, err)
			}
		}
		counters, err := s.Throttles(ctx, []string{"user:alice", "ip:192.0.2.1", "user:bob"})
		if err != nil || len(counters) != 2 || counters["user:alice"].Failures != 2 || counters["user:alice"].Locked(t0) {
			t.Fatalf("counters under the threshold: %+v %v", counters, err)
		}
		until, err := s.RecordLoginFailure(ctx, rules, t0)
		if err != nil || !until.Equal(t0.Add(3*time.Minute)) {
			t.Fatalf("third failure: %v %v", until, err)
		}
		got, err := s.ThrottledUntil(ctx, []string{"user:alice", "ip:192.0.2.9"}, t0.Add(time.Minute))
		if err != nil || !got.Equal(t0.Add(3*time.Minute)) {
			t.Fatalf("throttled until: %v %v", got, err)
		}
		if got, _ := s.ThrottledUntil(ctx, []string{"user:bob", "ip:192.0.2.1"}, t0); !got.IsZero() {
			t.Fatalf("keys under their threshold are throttled: %v", got)
		}
		if got, _ := s.ThrottledUntil(ctx, []string{"user:alice"}, t0.Add(3*time.Minute)); !got.IsZero() {
			t.Fatalf("the lock did not end: %v", got)
		}
		// A failure after the window starts the count anew.
		if until, _ := s.RecordLoginFailure(ctx, map[string]domain.ThrottleRule{"user:alice": rule}, t0.Add(time.Hour)); !until.IsZero() {
			t.Fatalf("a failure after the window locked: %v", until)
		}
		// A row still locked survives the sweep; unlocked stale ones go.
		s.RecordLoginFailure(ctx, map[string]domain.ThrottleRule{"user:carol": {Threshold: 1, Window: time.Hour,
			LockFor: func(int) time.Duration { return 24 * time.Hour }}}, t0)
		if n, err := s.DeleteStaleThrottles(ctx, t0.Add(2*time.Hour), t0.Add(2*time.Hour)); err != nil || n != 2 {
			t.Fatalf("sweep: %d %v", n, err)
		}
		if got, _ := s.ThrottledUntil(ctx, []string{"user:carol"}, t0.Add(2*time.Hour)); got.IsZero() {
			t.Fatal("the sweep removed a live lock")
		}
	})
}

func TestUserAndThrottles_ReadsTheUserAndItsCountersInOneGo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		alice := seed(t, s, "alice")
		keys := func(name string) []string { return []string{"user:" + name, "ip:192.0.2.1"} }
		for _, name := range []string{"alice", "nobody"} {
			u, counters, err := s.UserAndThrottles(ctx, name, keys(name))
			if err != nil || len(counters) != 0 || (u != nil) != (name == "alice") {
				t.Fatalf("%s, no counters: %+v %v %v", name, u, counters, err)
			}
		}
		lockAll := domain.ThrottleRule{Threshold: 1, Window: time.Hour, LockFor: func(int) time.Duration { return time.Hour }}
		for _, name := range []string{"alice", "nobody"} {
			if _, err := s.RecordLoginFailure(ctx, map[string]domain.ThrottleRule{"user:" + name: lockAll, "ip:192.0.2.1": lockAll}, t0); err != nil {
				t.Fatal(err)
			}
		}
		u, counters, err := s.UserAndThrottles(ctx, "alice", keys("alice"))
		if err != nil || u == nil || u.ID != alice.ID || u.Account == nil || u.Account.Name != "Acme" {
			t.Fatalf("alice: %+v %v", u, err)
		}
		ip := counters["ip:192.0.2.1"]
		if len(counters) != 2 || counters["user:alice"].Failures != 1 || ip.Failures != 2 || !ip.Locked(t0) {
			t.Fatalf("alice's counters: %+v", counters)
		}
		u, counters, err = s.UserAndThrottles(ctx, "nobody", keys("nobody"))
		if err != nil || u != nil || len(counters) != 2 || !counters["user:nobody"].Locked(t0) {
			t.Fatalf("nobody: %+v %+v %v", u, counters, err)
		}
	})
}

// Concurrent failures on the same keys (a flood of one name from one
// network) all count, none failing: on PostgreSQL, rows written in another
// order by each transaction deadlocked (seen as 500s under a flood).
func TestThrottles_ConcurrentFailuresOnTheSameKeysAllCount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		rule := domain.ThrottleRule{Threshold: 1000, Window: time.Hour, LockFor: func(int) time.Duration { return time.Minute }}
		rules := map[string]domain.ThrottleRule{}
		for _, k := range []string{"user:nobody", "ip:203.0.113.7", "device:a", "user:x"} {
			rules[k] = rule
		}
		const workers, each = 8, 12 // under the counters' cap
		errs := make(chan error, workers*each)
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for range each {
					_, err := s.RecordLoginFailure(ctx, rules, t0)
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("a concurrent failure was not counted: %v", err)
			}
		}
		counters, err := s.Throttles(ctx, []string{"user:nobody", "ip:203.0.113.7"})
		if err != nil || counters["ip:203.0.113.7"].Failures != workers*each {
			t.Fatalf("counted %+v, want %d each: %v", counters, workers*each, err)
		}
	})
}
