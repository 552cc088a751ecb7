package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
)

func TestThrottles_CountLockExpireAndClear(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		rule := store.ThrottleRule{Threshold: 3, Window: 10 * time.Minute,
			LockFor: func(n int) time.Duration { return time.Duration(n) * time.Minute }}
		rules := map[string]store.ThrottleRule{"user:alice": rule, "ip:192.0.2.1": {Threshold: 5, Window: time.Hour, LockFor: rule.LockFor}}
		for i := 1; i <= 2; i++ {
			until, err := s.RecordLoginFailure(ctx, rules, t0)
			if err != nil || !until.IsZero() {
				t.Fatalf("failure %d: %v %v", i, until, err)
			}
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
		if until, _ := s.RecordLoginFailure(ctx, map[string]store.ThrottleRule{"user:alice": rule}, t0.Add(time.Hour)); !until.IsZero() {
			t.Fatalf("a failure after the window locked: %v", until)
		}
		// A row still locked survives the sweep; unlocked stale ones go.
		s.RecordLoginFailure(ctx, map[string]store.ThrottleRule{"user:carol": {Threshold: 1, Window: time.Hour,
			LockFor: func(int) time.Duration { return 24 * time.Hour }}}, t0)
		if n, err := s.DeleteStaleThrottles(ctx, t0.Add(2*time.Hour), t0.Add(2*time.Hour)); err != nil || n != 2 {
			t.Fatalf("sweep: %d %v", n, err)
		}
		if got, _ := s.ThrottledUntil(ctx, []string{"user:carol"}, t0.Add(2*time.Hour)); got.IsZero() {
			t.Fatal("the sweep removed a live lock")
		}
	})
}
