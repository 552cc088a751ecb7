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

func key(u *domain.User, id string) *domain.WebAuthnCredential {
	return &domain.WebAuthnCredential{UserID: u.ID, Name: id, CredentialID: []byte(id), PublicKey: []byte("cose"), AddedAt: t0}
}

func TestWebAuthn_TheFirstKeyBringsCodesAndTheLastCannotGoAlone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := seed(t, s, "alice")
		if first, err := s.AddWebAuthnCredential(ctx, key(u, "one"), []string{"k:a", "k:b"}, 0, nil, nil); err != nil || !first {
			t.Fatalf("first key: %v %v", first, err)
		}
		if first, err := s.AddWebAuthnCredential(ctx, key(u, "two"), []string{"k:x"}, 0, nil, nil); err != nil || first {
			t.Fatalf("second key: %v %v", first, err)
		}
		if _, err := s.AddWebAuthnCredential(ctx, key(seed(t, s, "bob"), "one"), nil, 0, nil, nil); !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("a credential id twice: %v", err)
		}
		if n, _ := s.RecoveryCodesLeft(ctx, u.ID); n != 2 {
			t.Fatalf("codes: %d", n)
		}
		got, _ := s.UserByID(ctx, u.ID)
		if got.SecurityKeys != 2 || !got.TwoFactorEnabled() {
			t.Fatalf("counted: %d", got.SecurityKeys)
		}
		creds, _ := s.WebAuthnCredentials(ctx, u.ID)
		if err := s.RemoveWebAuthnCredential(ctx, u.ID+1, creds[0].ID, t0, nil); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("another user's key: %v", err)
		}
		// Two removals racing for the last two keys: one wins, the other
		// is told it would be the last.
		var wg sync.WaitGroup
		var conflicts atomic.Int32
		for _, c := range creds {
			wg.Go(func() {
				if err := s.RemoveWebAuthnCredential(ctx, u.ID, c.ID, t0, nil); errors.Is(err, domain.ErrConflict) {
					conflicts.Add(1)
				} else if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		got, _ = s.UserByID(ctx, u.ID)
		if conflicts.Load() != 1 || got.SecurityKeys != 1 {
			t.Fatalf("race: %d conflicts, %d keys left", conflicts.Load(), got.SecurityKeys)
		}
		// RemoveTOTP is 2FA off: the keys go too.
		if _, err := s.RemoveTOTP(ctx, u.ID, 0, false, t0, nil); err != nil {
			t.Fatal(err)
		}
		got, _ = s.UserByID(ctx, u.ID)
		creds, _ = s.WebAuthnCredentials(ctx, u.ID)
		if got.TwoFactorEnabled() || len(creds) != 0 {
			t.Fatalf("after RemoveTOTP: %d keys, %+v", got.SecurityKeys, creds)
		}
	})
}

func TestWebAuthn_ACeremonyIsTakenOnceBeforeItExpires(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		save := func(challenge string, session *int64) {
			t.Helper()
			if err := s.SaveCeremony(ctx, &domain.WebAuthnCeremony{Challenge: challenge, Kind: "passkey", SessionID: session,
				Data: []byte("{}"), ExpiresAt: t0.Add(5 * time.Minute)}); err != nil {
				t.Fatal(err)
			}
		}
		save("c1", nil)
		var wg sync.WaitGroup
		var won atomic.Int32
		for range 10 {
			wg.Go(func() {
				if _, err := s.TakeCeremony(ctx, "c1", "passkey", 0, t0); err == nil {
					won.Add(1)
				} else if !errors.Is(err, domain.ErrNotFound) {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if won.Load() != 1 {
			t.Fatalf("%d finishes took one ceremony", won.Load())
		}
		save("c2", nil)
		if _, err := s.TakeCeremony(ctx, "c2", "register", 0, t0); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("another kind: %v", err)
		}
		if _, err := s.TakeCeremony(ctx, "c2", "passkey", 0, t0.Add(5*time.Minute)); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("expired: %v", err)
		}
		if n, err := s.DeleteExpiredCeremonies(ctx, t0.Add(5*time.Minute)); n != 1 || err != nil {
			t.Fatalf("sweep: %d %v", n, err)
		}
	})
}

func TestWebAuthn_AKeyLoginMovesItsCounterOnlyFromWhereItWasRead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := seed(t, s, "alice")
		s.AddWebAuthnCredential(ctx, key(u, "one"), nil, 0, nil, nil)
		creds, _ := s.WebAuthnCredentials(ctx, u.ID)
		step := secondStep(u, "h1", 0)
		step.TOTPStep, step.SecurityKey = nil, &domain.SecurityKeyUse{ID: creds[0].ID, Old: 0, New: 5}
		if err := s.CompleteLoginStep(ctx, step); err != nil {
			t.Fatal(err)
		}
		// A racing request read the counter at 0 too: it loses.
		step = secondStep(u, "h2", 0)
		step.TOTPStep, step.SecurityKey = nil, &domain.SecurityKeyUse{ID: creds[0].ID, Old: 0, New: 6}
		if err := s.CompleteLoginStep(ctx, step); !errors.Is(err, domain.ErrReplay) {
			t.Fatalf("a stale counter: %v", err)
		}
		if _, err := s.SessionByTokenHash(ctx, []byte("h2"), t0); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("the losing step left a session: %v", err)
		}
		creds, _ = s.WebAuthnCredentials(ctx, u.ID)
		if creds[0].SignCount != 5 || creds[0].LastUsedAt == nil {
			t.Fatalf("after: %+v", creds[0])
		}
		// Another user's key id is not this user's to move.
		bob := seed(t, s, "bob")
		step = secondStep(bob, "h3", 0)
		step.TOTPStep, step.SecurityKey = nil, &domain.SecurityKeyUse{ID: creds[0].ID, Old: 5, New: 7}
		if err := s.CompleteLoginStep(ctx, step); !errors.Is(err, domain.ErrReplay) {
			t.Fatalf("another user's key: %v", err)
		}
	})
}
