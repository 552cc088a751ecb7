package store_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

func TestTOTP_PendingSecretBecomesTheSecretOnConnect(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := seed(t, s, "alice")
		if err := s.ConnectTOTP(ctx, u.ID, 100, nil, 0, t0, nil); !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("connect without a pending secret: %v", err)
		}
		if err := s.SetPendingTOTP(ctx, u.ID, []byte("sealed-1"), t0); err != nil {
			t.Fatal(err)
		}
		if err := s.SetPendingTOTP(ctx, u.ID, []byte("sealed-2"), t0); err != nil {
			t.Fatal(err)
		}
		if err := s.ConnectTOTP(ctx, u.ID, 100, nil, 0, t0.Add(time.Minute), nil); err != nil {
			t.Fatal(err)
		}
		got, _ := s.UserByID(ctx, u.ID)
		if string(got.TOTPSecret) != "sealed-2" || got.TOTPPendingSecret != nil || !got.TwoFactorEnabled() ||
			got.TOTPLastStep != 100 || !got.TOTPEnabledAt.Equal(t0.Add(time.Minute)) {
			t.Fatalf("after connect: %+v", got)
		}
		// Re-sealing swaps only the value it was given (a concurrent re-seal
		// that got there first is left alone).
		if err := s.ResealTOTP(ctx, u.ID, []byte("not-the-current"), []byte("x")); err != nil {
			t.Fatal(err)
		}
		if err := s.ResealTOTP(ctx, u.ID, []byte("sealed-2"), []byte("sealed-2b")); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.UserByID(ctx, u.ID); string(got.TOTPSecret) != "sealed-2b" {
			t.Fatalf("after reseal: %q", got.TOTPSecret)
		}
		if err := s.SetPendingTOTP(ctx, u.ID, []byte("sealed-3"), t0); !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("a new setup while connected: %v", err)
		}
		if err := s.ConnectTOTP(ctx, u.ID, 200, nil, 0, t0, nil); !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("connect twice: %v", err)
		}
		if err := s.SetPendingTOTP(ctx, 9999, []byte("x"), t0); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("setup for a missing user: %v", err)
		}
	})
}

// secondStep is a successful TOTP login step for u at step.
func secondStep(u *domain.User, hash string, step int64) domain.LoginStep {
	return domain.LoginStep{
		Session: &domain.Session{TokenHash: []byte(hash), UserID: u.ID, Stage: domain.StageFull, CreatedAt: t0,
			LastSeenAt: t0, ExpiresAt: t0.Add(time.Hour), IP: "192.0.2.1", UserAgent: "ua"},
		Event: &domain.LoginEvent{CreatedAt: t0, UserID: &u.ID, AccountID: &u.AccountID, Username: u.Username,
			IP: "192.0.2.1", UserAgent: "ua", Method: shared.MethodTOTP, Result: shared.ResultSuccess},
		Proof: domain.Proof{TOTPStep: &step},
	}
}

func TestTOTP_AStepIsAcceptedOnceAndNeverAnEarlierOne(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := seed(t, s, "alice")
		s.SetPendingTOTP(ctx, u.ID, []byte("sealed"), t0)
		s.ConnectTOTP(ctx, u.ID, 100, nil, 0, t0, nil)
		if err := s.CompleteLoginStep(ctx, secondStep(u, "h100", 100)); !errors.Is(err, domain.ErrReplay) {
			t.Fatalf("the connecting code's step logged in: %v", err)
		}
		if err := s.CompleteLoginStep(ctx, secondStep(u, "h101", 101)); err != nil {
			t.Fatal(err)
		}
		for _, step := range []int64{101, 100, 50} {
			if err := s.CompleteLoginStep(ctx, secondStep(u, "again", step)); !errors.Is(err, domain.ErrReplay) {
				t.Fatalf("step %d after 101: %v", step, err)
			}
		}
		if _, err := s.SessionByTokenHash(ctx, []byte("again"), t0); !errors.Is(err, domain.ErrNotFound) {
			t.Fatal("a replayed step created a session")
		}
	})
}

func TestTOTP_ConcurrentUsesOfOneStepHaveExactlyOneWinner(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := seed(t, s, "alice")
		s.SetPendingTOTP(ctx, u.ID, []byte("sealed"), t0)
		s.ConnectTOTP(ctx, u.ID, 100, nil, 0, t0, nil)
		var wins, replays atomic.Int32
		var wg sync.WaitGroup
		for i := range 20 {
			wg.Go(func() {
				err := s.CompleteLoginStep(ctx, secondStep(u, "race-"+string(rune('a'+i)), 101))
				switch {
				case err == nil:
					wins.Add(1)
				case errors.Is(err, domain.ErrReplay):
					replays.Add(1)
				default:
					t.Errorf("racer %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		if wins.Load() != 1 || replays.Load() != 19 {
			t.Fatalf("%d winners and %d replays, want 1 and 19", wins.Load(), replays.Load())
		}
	})
}

func TestTOTP_FailuresLockAndSuccessResets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := seed(t, s, "alice")
		s.SetPendingTOTP(ctx, u.ID, []byte("sealed"), t0)
		s.ConnectTOTP(ctx, u.ID, 100, nil, 0, t0, nil)
		lockFor := func(n int) time.Duration { return time.Duration(n) * time.Minute }
		for i := 1; i <= 4; i++ {
			f, err := s.RecordCodeFailure(ctx, u.ID, t0, 5, lockFor, nil)
			if err != nil || f.Count != i || f.LockedUntil != nil {
				t.Fatalf("failure %d: %+v %v", i, f, err)
			}
		}
		f, err := s.RecordCodeFailure(ctx, u.ID, t0, 5, lockFor, nil)
		if err != nil || f.Count != 5 || f.LockedUntil == nil || !f.LockedUntil.Equal(t0.Add(5*time.Minute)) {
			t.Fatalf("fifth failure: %+v %v", f, err)
		}
		// While locked even the right code is refused, and nothing is written.
		if err := s.CompleteLoginStep(ctx, secondStep(u, "locked", 101)); !errors.Is(err, domain.ErrLocked) {
			t.Fatalf("right code while locked: %v", err)
		}
		// After the lock, the right code works and clears the count.
		step := secondStep(u, "after", 101)
		step.Session.CreatedAt = t0.Add(5 * time.Minute)
		if err := s.CompleteLoginStep(ctx, step); err != nil {
			t.Fatalf("right code after the lock: %v", err)
		}
		got, _ := s.UserByID(ctx, u.ID)
		if got.FailedCodeCount != 0 || got.LockedUntil != nil {
			t.Fatalf("success did not reset: %+v", got)
		}
	})
}

func TestTOTP_TheFailureCountIsCapped(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	u := seed(t, s, "alice")
	var f domain.CodeFailure
	for range store.MaxCountedFailures + 5 {
		f, _ = s.RecordCodeFailure(ctx, u.ID, t0, 5, func(int) time.Duration { return time.Minute }, nil)
	}
	if f.Count != store.MaxCountedFailures {
		t.Fatalf("count %d, want the cap %d", f.Count, store.MaxCountedFailures)
	}
}

// An attempt is counted before its code is compared, and only while no lock
// runs; the lock and its notice are written by the failure that starts it,
// not again by one that finds it running.
func TestTOTP_ReserveCountsOnlyWhileUnlockedAndTheLockIsToldOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := seed(t, s, "alice")
		s.SetPendingTOTP(ctx, u.ID, []byte("sealed"), t0)
		s.ConnectTOTP(ctx, u.ID, 100, nil, 0, t0, nil)
		lockFor := func(n int) time.Duration { return time.Duration(n) * time.Minute }
		notice := func() *domain.Notice { return notice(u, shared.NoticeSecondStepLocked, false) }
		var counts []int
		for range 3 { // three attempts reserved at once, before any is compared
			n, err := s.ReserveCodeAttempt(ctx, u.ID, t0)
			if err != nil {
				t.Fatal(err)
			}
			counts = append(counts, n)
		}
		if !slices.Equal(counts, []int{1, 2, 3}) {
			t.Fatalf("reserved counts %v", counts)
		}
		// With a threshold of 2, the second and third are wrong: one lock.
		// The lock's length is of the count as the row has it (3).
		for _, n := range counts[1:] {
			f, err := s.LockCodes(ctx, u.ID, n, t0, 2, lockFor, notice())
			if err != nil || f.LockedUntil == nil || !f.LockedUntil.Equal(t0.Add(3*time.Minute)) {
				t.Fatalf("lock at %d: %+v %v", n, f, err)
			}
		}
		if _, err := s.ReserveCodeAttempt(ctx, u.ID, t0.Add(time.Minute)); !errors.Is(err, domain.ErrLocked) {
			t.Fatalf("reserve while locked: %v", err)
		}
		got, _ := s.UserByID(ctx, u.ID)
		if got.FailedCodeCount != 3 || !got.LockedUntil.Equal(t0.Add(3*time.Minute)) {
			t.Fatalf("after: %+v", got)
		}
		if rows := storetest.Rows(t, s, "SELECT count(*) FROM notices WHERE user_id = ? AND kind = ?", u.ID, shared.NoticeSecondStepLocked); rows[0][0] != "1" {
			t.Fatalf("%s lock notices, want 1", rows[0][0])
		}
		// After the lock the next attempt is reserved again, and a failure
		// starts a new lock, told again.
		if n, err := s.ReserveCodeAttempt(ctx, u.ID, t0.Add(3*time.Minute)); err != nil || n != 4 {
			t.Fatalf("reserve after the lock: %d %v", n, err)
		}
		if f, err := s.LockCodes(ctx, u.ID, 4, t0.Add(3*time.Minute), 2, lockFor, notice()); err != nil || !f.LockedUntil.Equal(t0.Add(7*time.Minute)) {
			t.Fatalf("the next lock: %+v %v", f, err)
		}
		if rows := storetest.Rows(t, s, "SELECT count(*) FROM notices WHERE user_id = ? AND kind = ?", u.ID, shared.NoticeSecondStepLocked); rows[0][0] != "2" {
			t.Fatalf("%s lock notices, want 2", rows[0][0])
		}
		// A success between a reservation and its failure cleared the run:
		// the failure counts in the new one, and locks nothing yet.
		n, _ := s.ReserveCodeAttempt(ctx, u.ID, t0.Add(8*time.Minute))
		if err := s.CompleteLoginStep(ctx, secondStep(u, "won", 200)); err == nil {
			t.Fatal("a login step at t0 while locked")
		}
		step := secondStep(u, "won", 200)
		step.Session.CreatedAt = t0.Add(8 * time.Minute)
		if err := s.CompleteLoginStep(ctx, step); err != nil {
			t.Fatal(err)
		}
		if f, err := s.LockCodes(ctx, u.ID, n, t0.Add(8*time.Minute), 3, lockFor, notice()); err != nil || f.LockedUntil != nil || f.Count != 1 || n != 5 {
			t.Fatalf("a failure after a success: %+v %v (reserved %d)", f, err, n)
		}
		if _, err := s.ReserveCodeAttempt(ctx, 9999, t0); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("reserve for nobody: %v", err)
		}
	})
}
