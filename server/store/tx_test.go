package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// A step that writes several concerns, each through the methods of its own
// store interface, commits once (InTx): every write made with the step's
// context joins its transaction, the methods that run a transaction of
// their own too, so a failure after some of them leaves nothing of any,
// and a success leaves all.
func TestInTx_AStepAcrossConcernsCommitsOnceOrNotAtAll(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		alice := seed(t, s, "alice")
		if err := s.SetPendingTOTP(ctx, alice.ID, []byte("sealed"), t0); err != nil {
			t.Fatal(err)
		}
		if err := s.ConnectTOTP(ctx, alice.ID, 100, []string{"k:a", "k:b"}, 0, t0, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateSession(ctx, &domain.Session{TokenHash: []byte("a1"), UserID: alice.ID, Stage: domain.StageFull,
			CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(time.Hour), IP: "ip", UserAgent: "ua"}); err != nil {
			t.Fatal(err)
		}
		audit := &domain.AuditEvent{CreatedAt: t0, AccountID: alice.AccountID, ActorName: "command line", Action: shared.AuditTwoFactorReset,
			TargetID: &alice.ID, TargetName: "alice"}
		switchOff := func(ctx context.Context) error {
			if _, err := s.SwitchOff(ctx, alice.ID, 0, true, t0); err != nil {
				return err
			}
			if err := s.WipeTOTP(ctx, alice.ID, t0); err != nil {
				return err
			}
			if err := s.WipeWebAuthnCredentials(ctx, alice.ID); err != nil { // a transaction of its own, joined
				return err
			}
			if err := s.WipeRecoveryCodes(ctx, alice.ID, t0); err != nil {
				return err
			}
			return s.RecordAudit(ctx, audit)
		}
		late := errors.New("the step's last part fails")
		err := s.InTx(ctx, func(ctx context.Context) error {
			if err := switchOff(ctx); err != nil {
				return err
			}
			return late
		})
		if !errors.Is(err, late) {
			t.Fatalf("the failed step: %v", err)
		}
		u, _ := s.UserByID(ctx, alice.ID)
		left, _ := s.RecoveryCodesLeft(ctx, alice.ID)
		_, sessErr := s.SessionByTokenHash(ctx, []byte("a1"), t0)
		events, _, _ := s.AuditEvents(ctx, alice.AccountID, 0, 10)
		if !u.TOTPConnected() || left != 2 || sessErr != nil || len(events) != 0 {
			t.Fatalf("a failed step left some of its writes: app %v, codes %d, session %v, audit %d",
				u.TOTPConnected(), left, sessErr, len(events))
		}

		if err := s.InTx(ctx, switchOff); err != nil {
			t.Fatal(err)
		}
		u, _ = s.UserByID(ctx, alice.ID)
		left, _ = s.RecoveryCodesLeft(ctx, alice.ID)
		_, sessErr = s.SessionByTokenHash(ctx, []byte("a1"), t0)
		events, _, _ = s.AuditEvents(ctx, alice.AccountID, 0, 10)
		if u.TwoFactorEnabled() || left != 0 || !errors.Is(sessErr, domain.ErrNotFound) || len(events) != 1 {
			t.Fatalf("a step that succeeded left out some of its writes: 2FA %v, codes %d, session %v, audit %d",
				u.TwoFactorEnabled(), left, sessErr, len(events))
		}
	})
}
