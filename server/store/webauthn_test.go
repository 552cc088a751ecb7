package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
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
		if _, err := removeTOTP(s, ctx, u.ID, 0, false, t0, nil); err != nil {
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
		// On PostgreSQL every finish has found the ceremony before any
		// deletes it.
		var won atomic.Int32
		raceAt(t, s, store.PointCeremonyRead, 10, func(int) {
			if _, err := s.TakeCeremony(ctx, "c1", "passkey", 0, t0); err == nil {
				won.Add(1)
			} else if !errors.Is(err, domain.ErrNotFound) {
				t.Error(err)
			}
		})
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

// A passkey sign-in's challenge is spent once, of racing finishes by one;
// it stays spent until its end, when the sweep removes it.
func TestWebAuthn_AChallengeIsSpentOnceUntilItsEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		var wg sync.WaitGroup
		var won atomic.Int32
		for range 10 {
			wg.Go(func() {
				if err := s.SpendChallenge(ctx, "c1", t0.Add(6*time.Minute)); err == nil {
					won.Add(1)
				} else if !errors.Is(err, domain.ErrReplay) {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if won.Load() != 1 {
			t.Fatalf("%d finishes spent one challenge", won.Load())
		}
		if err := s.SpendChallenge(ctx, "c2", t0.Add(7*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if n, err := s.DeleteExpiredCeremonies(ctx, t0.Add(6*time.Minute)); n != 1 || err != nil {
			t.Fatalf("sweep at the first's end: %d %v", n, err)
		}
		if err := s.SpendChallenge(ctx, "c2", t0.Add(7*time.Minute)); !errors.Is(err, domain.ErrReplay) {
			t.Fatalf("the second, before its end: %v", err)
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

func TestWebAuthn_AKeyProofMovesItsCounterOnceForReauthAndRegenerate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := seed(t, s, "alice")
		s.AddWebAuthnCredential(ctx, key(u, "one"), nil, 0, nil, nil)
		creds, _ := s.WebAuthnCredentials(ctx, u.ID)
		step := secondStep(u, "h1", 0)
		step.TOTPStep = nil
		if err := s.CompleteLoginStep(ctx, step); err != nil {
			t.Fatal(err)
		}
		sess, err := s.SessionByTokenHash(ctx, []byte("h1"), t0)
		if err != nil {
			t.Fatal(err)
		}
		proof := domain.Proof{SecurityKey: &domain.SecurityKeyUse{ID: creds[0].ID, Old: 0, New: 3}}
		if err := s.MarkReauth(ctx, sess.ID, u.ID, proof, shared.MethodSecurityKey, t0); err != nil {
			t.Fatal(err)
		}
		// The same reading of the counter again: a replay, on both routes.
		if err := s.MarkReauth(ctx, sess.ID, u.ID, proof, shared.MethodSecurityKey, t0); !errors.Is(err, domain.ErrReplay) {
			t.Fatalf("reauth with a stale counter: %v", err)
		}
		if err := s.RegenerateRecoveryCodes(ctx, u.ID, proof, []string{"k:x"}, t0, nil); !errors.Is(err, domain.ErrReplay) {
			t.Fatalf("regenerate with a stale counter: %v", err)
		}
		// Another user's key id moves nothing of theirs.
		bob := seed(t, s, "bob")
		if err := s.RegenerateRecoveryCodes(ctx, bob.ID, domain.Proof{SecurityKey: &domain.SecurityKeyUse{ID: creds[0].ID, Old: 3, New: 4}},
			[]string{"k:x"}, t0, nil); !errors.Is(err, domain.ErrReplay) {
			t.Fatalf("another user's key: %v", err)
		}
		if err := s.RegenerateRecoveryCodes(ctx, u.ID, domain.Proof{SecurityKey: &domain.SecurityKeyUse{ID: creds[0].ID, Old: 3, New: 4}},
			[]string{"k:x", "k:y"}, t0, nil); err != nil {
			t.Fatal(err)
		}
		if codes, _ := s.RecoveryCodes(ctx, u.ID); len(codes) != 2 {
			t.Fatalf("codes after regenerate: %+v", codes)
		}
		if creds, _ = s.WebAuthnCredentials(ctx, u.ID); creds[0].SignCount != 4 {
			t.Fatalf("counter: %d", creds[0].SignCount)
		}
	})
}

func TestWebAuthn_ASessionKeepsOnlyItsLatestCeremonyOfEachKind(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := seed(t, s, "alice")
		step := secondStep(u, "h1", 0)
		step.TOTPStep = nil
		if err := s.CompleteLoginStep(ctx, step); err != nil {
			t.Fatal(err)
		}
		sess, _ := s.SessionByTokenHash(ctx, []byte("h1"), t0)
		save := func(challenge, kind string, session *int64) {
			t.Helper()
			if err := s.SaveCeremony(ctx, &domain.WebAuthnCeremony{Challenge: challenge, Kind: kind, SessionID: session, UserID: &u.ID,
				Data: []byte("{}"), ExpiresAt: t0.Add(5 * time.Minute)}); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 50 {
			save(fmt.Sprintf("p%d", i), "proof", &sess.ID)
		}
		save("r1", "register", &sess.ID)
		save("n1", "passkey", nil)
		save("n2", "passkey", nil)
		if rows := storetest.Rows(t, s, "SELECT challenge FROM webauthn_ceremonies ORDER BY challenge"); len(rows) != 4 {
			t.Fatalf("ceremonies kept: %v", rows)
		}
		if _, err := s.TakeCeremony(ctx, "p48", "proof", sess.ID, t0); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("a replaced challenge: %v", err)
		}
		if _, err := s.TakeCeremony(ctx, "p49", "proof", sess.ID, t0); err != nil {
			t.Fatalf("the latest: %v", err)
		}
	})
}
