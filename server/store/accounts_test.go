package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

func TestAdmin_UsersRemoveTOTPAndTheAuditLog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		alice, bob := seed(t, s, "alice"), seed(t, s, "bob")
		acc, err := s.AccountByID(ctx, alice.AccountID)
		if err != nil || acc.Name != "Acme" {
			t.Fatalf("account by id: %+v %v", acc, err)
		}
		if _, err := s.AccountByID(ctx, 9999); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("missing account: %v", err)
		}
		if err := s.SetPendingTOTP(ctx, alice.ID, []byte("sealed"), t0); err != nil {
			t.Fatal(err)
		}
		if err := s.ConnectTOTP(ctx, alice.ID, 100, []string{"k:a", "k:b"}, 0, t0, &domain.AuditEvent{CreatedAt: t0, AccountID: alice.AccountID,
			ActorID: &alice.ID, ActorName: "alice", Action: shared.AuditConnected, TargetID: &alice.ID, TargetName: "alice"}); err != nil {
			t.Fatal(err)
		}
		for _, sess := range []struct {
			hash string
			user int64
		}{{"a1", alice.ID}, {"a2", alice.ID}, {"b1", bob.ID}} {
			if err := s.CreateSession(ctx, &domain.Session{TokenHash: []byte(sess.hash), UserID: sess.user, Stage: domain.StageFull,
				CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(time.Hour), IP: "ip", UserAgent: "ua"}); err != nil {
				t.Fatal(err)
			}
		}

		users, err := s.AccountUsers(ctx, domain.UserFilter{AccountID: alice.AccountID})
		if err != nil || len(users) != 2 || users[0].Username != "alice" || users[0].RecoveryCodesLeft != 2 ||
			!users[0].TwoFactorEnabled() || users[1].RecoveryCodesLeft != 0 {
			t.Fatalf("account users: %+v %v", users, err)
		}
		ended, err := removeTOTP(s, ctx, alice.ID, 0, true, t0.Add(time.Minute), &domain.AuditEvent{CreatedAt: t0.Add(time.Minute),
			AccountID: alice.AccountID, ActorName: "command line", Action: shared.AuditTwoFactorReset, TargetID: &alice.ID, TargetName: "alice"})
		if err != nil || ended != 2 {
			t.Fatalf("remove: ended %d, %v", ended, err)
		}
		got, _ := s.UserByID(ctx, alice.ID)
		if got.TwoFactorEnabled() || got.TOTPSecret != nil || got.TOTPLastStep != 100 {
			t.Fatalf("after remove: %+v (the last step must stay)", got)
		}
		if n, _ := s.RecoveryCodesLeft(ctx, alice.ID); n != 0 {
			t.Fatalf("codes left after remove: %d", n)
		}
		if _, err := s.SessionByTokenHash(ctx, []byte("b1"), t0); err != nil {
			t.Fatalf("bob's session ended: %v", err)
		}
		if _, err := removeTOTP(s, ctx, 9999, 0, true, t0, nil); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("remove for nobody: %v", err)
		}
		events, next, err := s.AuditEvents(ctx, alice.AccountID, 0, 1)
		if err != nil || len(events) != 1 || events[0].Action != shared.AuditTwoFactorReset || events[0].ActorID != nil || next == 0 {
			t.Fatalf("audit page 1: %+v %d %v", events, next, err)
		}
		events, next, _ = s.AuditEvents(ctx, alice.AccountID, next, 1)
		if len(events) != 1 || events[0].Action != shared.AuditConnected || *events[0].ActorID != alice.ID || next != 0 {
			t.Fatalf("audit page 2: %+v %d", events, next)
		}
	})
}

func TestLoginEvents_ByAccountAndTimeRange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		alice := seed(t, s, "alice")
		for i := range 6 {
			if err := s.RecordLoginEvent(ctx, &domain.LoginEvent{CreatedAt: t0.Add(time.Duration(i) * time.Hour), UserID: &alice.ID,
				AccountID: &alice.AccountID, Username: "alice", IP: "ip", UserAgent: "ua", Method: shared.MethodPassword, Result: shared.ResultSuccess}); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.RecordLoginEvent(ctx, &domain.LoginEvent{CreatedAt: t0, Username: "mallory", IP: "ip", UserAgent: "ua",
			Method: shared.MethodPassword, Result: shared.ResultFailure, Reason: shared.ReasonUnknownUser}); err != nil {
			t.Fatal(err)
		}
		got, _, err := s.LoginEvents(ctx, domain.LoginEventFilter{AccountID: alice.AccountID, Limit: 100,
			Since: t0.Add(2 * time.Hour), Until: t0.Add(5 * time.Hour)})
		if err != nil || len(got) != 3 || !got[0].CreatedAt.Equal(t0.Add(4*time.Hour)) {
			t.Fatalf("range: %+v %v", got, err)
		}
		// The store has no sentinel for this programming error; its message is the contract.
		if _, _, err := s.LoginEvents(ctx, domain.LoginEventFilter{Limit: 10}); err == nil || !strings.Contains(err.Error(), "needs a user or an account") {
			t.Fatalf("a page over every account: %v", err)
		}
	})
}

// The username filter is a prefix: LIKE's own % and _ (and the escape) in it
// stand for themselves, on both databases.
func TestLoginEvents_UsernamePrefixMatchesLiterally(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		alice := seed(t, s, "alice")
		for _, name := range []string{"ursula", "ursa_x", `ur\sa`, "bob"} {
			if err := s.RecordLoginEvent(ctx, &domain.LoginEvent{CreatedAt: t0, UserID: &alice.ID, AccountID: &alice.AccountID,
				Username: name, IP: "ip", UserAgent: "ua", Method: shared.MethodPassword, Result: shared.ResultFailure}); err != nil {
				t.Fatal(err)
			}
		}
		for prefix, want := range map[string]int{"ur": 3, "urs": 2, "ursa_": 1, "ur_": 0, "%": 0, "u%": 0, `ur\`: 1, "": 4} {
			got, _, err := s.LoginEvents(ctx, domain.LoginEventFilter{AccountID: alice.AccountID, Limit: 100, UsernamePrefix: prefix})
			if err != nil || len(got) != want {
				t.Errorf("prefix %q: %d events (%v), want %d", prefix, len(got), err, want)
			}
		}
	})
}
