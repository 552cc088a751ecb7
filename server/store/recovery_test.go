package store_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
)

func TestRecoveryCodes_ConnectStoresRegenerateReplacesLoginSpends(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := seed(t, s, "alice")
		s.SetPendingTOTP(ctx, u.ID, []byte("sealed"), t0)
		if err := s.ConnectTOTP(ctx, u.ID, 100, []string{"k:a", "k:b", "k:c"}, 0, t0, nil); err != nil {
			t.Fatal(err)
		}
		codes, err := s.RecoveryCodes(ctx, u.ID)
		if err != nil || len(codes) != 3 || codes[0].CodeHash != "k:a" || codes[0].UsedAt != nil {
			t.Fatalf("after connect: %+v %v", codes, err)
		}
		step := secondStep(u, "h1", 101)
		step.TOTPStep, step.RecoveryCodeID = nil, &codes[1].ID
		if err := s.CompleteLoginStep(ctx, step); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.RecoveryCodesLeft(ctx, u.ID); n != 2 {
			t.Fatalf("left after spending one: %d", n)
		}
		step = secondStep(u, "h2", 102)
		step.TOTPStep, step.RecoveryCodeID = nil, &codes[1].ID
		if err := s.CompleteLoginStep(ctx, step); !errors.Is(err, domain.ErrReplay) {
			t.Fatalf("spending twice: %v", err)
		}
		if err := s.RegenerateRecoveryCodes(ctx, u.ID, stepProof(100), []string{"k:x"}, t0, nil); !errors.Is(err, domain.ErrReplay) {
			t.Fatalf("regenerate with a used step: %v", err)
		}
		if err := s.RegenerateRecoveryCodes(ctx, u.ID, stepProof(105), []string{"k:x", "k:y"}, t0, nil); err != nil {
			t.Fatal(err)
		}
		codes, _ = s.RecoveryCodes(ctx, u.ID)
		if len(codes) != 2 || codes[0].CodeHash != "k:x" {
			t.Fatalf("after regenerate: %+v", codes)
		}
	})
}

func TestRecoveryCodes_TwentyRacersForOneCodeHaveOneWinner(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := seed(t, s, "alice")
		s.SetPendingTOTP(ctx, u.ID, []byte("sealed"), t0)
		s.ConnectTOTP(ctx, u.ID, 100, []string{"k:a", "k:b"}, 0, t0, nil)
		codes, _ := s.RecoveryCodes(ctx, u.ID)
		var wins atomic.Int32
		var wg sync.WaitGroup
		for i := range 20 {
			wg.Go(func() {
				step := secondStep(u, "racer-"+string(rune('a'+i)), 0)
				step.TOTPStep, step.RecoveryCodeID = nil, &codes[0].ID
				step.Session.CreatedAt = t0.Add(time.Second)
				switch err := s.CompleteLoginStep(ctx, step); {
				case err == nil:
					wins.Add(1)
				case !errors.Is(err, domain.ErrReplay):
					t.Errorf("racer %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		if wins.Load() != 1 {
			t.Fatalf("%d winners", wins.Load())
		}
		if n, _ := s.RecoveryCodesLeft(ctx, u.ID); n != 1 {
			t.Fatalf("left: %d, want 1", n)
		}
	})
}

func stepProof(step int64) domain.Proof { return domain.Proof{TOTPStep: &step} }
