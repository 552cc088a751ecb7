package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
)

// A grace start is written once, only while the account forces 2FA with a
// grace period, also by a login step; switching the policy off forgets it.
func TestGrace_StartsOnceOnlyUnderAGracePeriodAndSwitchingOffForgetsIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		alice, bob := seed(t, s, "alice"), seed(t, s, "bob")
		if _, err := s.StartGrace(ctx, alice.ID, t0); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("start without the policy: %v", err)
		}
		days := 0
		if _, err := s.SetTwoFactorPolicy(ctx, alice.AccountID, true, &days, 0, t0, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.StartGrace(ctx, alice.ID, t0); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("start with 0 days: %v", err)
		}
		days = 3
		a, err := s.SetTwoFactorPolicy(ctx, alice.AccountID, true, &days, 0, t0, nil)
		if err != nil || a.GraceDays != 3 || !a.ForceTwoFactor {
			t.Fatalf("policy: %+v %v", a, err)
		}
		if got, err := s.StartGrace(ctx, alice.ID, t0.Add(time.Hour)); err != nil || !got.Equal(t0.Add(time.Hour)) {
			t.Fatalf("first start: %v %v", got, err)
		}
		if got, err := s.StartGrace(ctx, alice.ID, t0.Add(2*time.Hour)); err != nil || !got.Equal(t0.Add(time.Hour)) {
			t.Fatalf("a later start replaced the first: %v %v", got, err)
		}
		// A login step writes it beside last_login_at, in one statement on
		// PostgreSQL.
		at := t0.Add(3 * time.Hour)
		if err := s.CompleteLoginStep(ctx, domain.LoginStep{
			Session: &domain.Session{TokenHash: []byte("b"), UserID: bob.ID, Stage: domain.StageFull, CreatedAt: at, LastSeenAt: at,
				ExpiresAt: at.Add(time.Hour), IP: "ip", UserAgent: "ua"},
			Event:      &domain.LoginEvent{CreatedAt: at, UserID: &bob.ID, Username: "bob", Result: "success", Method: "password"},
			LoggedInAt: &at, StartGrace: &at,
		}); err != nil {
			t.Fatal(err)
		}
		u, err := s.UserByID(ctx, bob.ID)
		if err != nil || u.GraceStartedAt == nil || !u.GraceStartedAt.Equal(at) || u.LastLoginAt == nil || !u.LastLoginAt.Equal(at) {
			t.Fatalf("bob after the login step: %+v %v", u, err)
		}
		// Changing the days keeps the starts, and when the switch went on;
		// switching off forgets the starts.
		days = 7
		if a, err := s.SetTwoFactorPolicy(ctx, alice.AccountID, true, &days, 0, t0.Add(5*time.Hour), nil); err != nil ||
			a.ForceChangedAt == nil || !a.ForceChangedAt.Equal(t0) || a.GraceDays != 7 {
			t.Fatalf("the days changed: %+v %v", a, err)
		}
		if u, _ := s.UserByID(ctx, alice.ID); u.GraceStartedAt == nil {
			t.Fatal("changing the days forgot alice's start")
		}
		if st, err := s.AccountStats(ctx); err != nil || st[alice.AccountID].Users != 2 || len(st[alice.AccountID].GraceStarts) != 2 {
			t.Fatalf("stats with two grace periods running: %+v %v", st, err)
		}
		a, err = s.SetForceTwoFactor(ctx, alice.AccountID, false, 0, t0.Add(6*time.Hour), nil)
		if err != nil || a.GraceDays != 7 || a.ForceChangedAt == nil || !a.ForceChangedAt.Equal(t0.Add(6*time.Hour)) {
			t.Fatalf("off: %+v %v", a, err)
		}
		for _, id := range []int64{alice.ID, bob.ID} {
			if u, _ := s.UserByID(ctx, id); u.GraceStartedAt != nil {
				t.Errorf("user %d kept a start after the switch went off: %v", id, u.GraceStartedAt)
			}
		}
		if st, err := s.AccountStats(ctx); err != nil || st[alice.AccountID].Users != 2 || st[alice.AccountID].UsersWith2FA != 0 ||
			len(st[alice.AccountID].GraceStarts) != 0 {
			t.Fatalf("stats after the switch went off: %+v %v", st, err)
		}
	})
}
