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

func mkSession(t *testing.T, s *store.Store, u *domain.User, hash string, expires time.Time) *domain.Session {
	t.Helper()
	sess := &domain.Session{TokenHash: []byte(hash), UserID: u.ID, Stage: domain.StageFull,
		CreatedAt: t0, LastSeenAt: t0, ExpiresAt: expires, IP: "192.0.2.1", UserAgent: "test " + hash}
	if err := s.CreateSession(context.Background(), sess); err != nil {
		t.Fatal(err)
	}
	return sess
}

func mkTrust(t *testing.T, s *store.Store, u *domain.User, hash string, expires time.Time) *domain.TrustedBrowser {
	t.Helper()
	tb := &domain.TrustedBrowser{TokenHash: []byte(hash), UserID: u.ID, CreatedAt: t0, LastUsedAt: t0,
		ExpiresAt: expires, IP: "192.0.2.9", UserAgent: "trust " + hash}
	// Trust is only ever given with a login step, as the app gives it.
	step := domain.LoginStep{
		Session: &domain.Session{TokenHash: []byte("s-" + hash), UserID: u.ID, Stage: domain.StageFull,
			CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(time.Hour), IP: "192.0.2.9", UserAgent: "x"},
		Event:        &domain.LoginEvent{CreatedAt: t0, UserID: &u.ID, AccountID: &u.AccountID, Username: u.Username, Method: shared.MethodTOTP, Result: shared.ResultSuccess},
		TrustBrowser: tb,
	}
	if err := s.CompleteLoginStep(context.Background(), step); err != nil {
		t.Fatal(err)
	}
	if tb.ID == 0 {
		t.Fatal("the trusted browser got no id")
	}
	return tb
}

func audit(u *domain.User, action string) *domain.AuditEvent {
	return &domain.AuditEvent{CreatedAt: t0, AccountID: u.AccountID, ActorID: &u.ID, ActorName: u.Username, Action: action}
}

func TestUserSessions_ListEndOneAndEndOthersStayWithinTheUser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		alice, bob := seed(t, s, "alice"), seed(t, s, "bob")
		a1 := mkSession(t, s, alice, "a1", t0.Add(time.Hour))
		a2 := mkSession(t, s, alice, "a2", t0.Add(time.Hour))
		mkSession(t, s, alice, "a3", t0.Add(time.Minute)) // expires first
		a4 := mkSession(t, s, alice, "a4", t0.Add(time.Hour))
		b1 := mkSession(t, s, bob, "b1", t0.Add(time.Hour))
		mkTrust(t, s, alice, "ta", t0.Add(24*time.Hour))
		tbBob := mkTrust(t, s, bob, "tb", t0.Add(24*time.Hour))

		list, err := s.UserSessions(ctx, alice.ID, t0.Add(2*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		// a1, a2, a4 and the session of mkTrust's login; not the expired a3.
		if len(list) != 4 || list[0].ID != a1.ID || list[1].ID != a2.ID || list[2].ID != a4.ID || list[0].UserAgent != "test a1" {
			t.Fatalf("alice's sessions: %+v", list)
		}
		// Bob's session by id, through alice: not found, and still there.
		if err := s.DeleteUserSession(ctx, alice.ID, b1.ID, audit(alice, shared.AuditSessionEnded)); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("alice ended bob's session: %v", err)
		}
		if _, err := s.SessionByTokenHash(ctx, []byte("b1"), t0); err != nil {
			t.Fatalf("bob's session: %v", err)
		}
		if err := s.DeleteUserSession(ctx, alice.ID, a2.ID, audit(alice, shared.AuditSessionEnded)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionByTokenHash(ctx, []byte("a2"), t0); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("ended session found: %v", err)
		}
		if err := s.DeleteUserSession(ctx, alice.ID, a2.ID, nil); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("ending twice: %v", err)
		}
		// End others: a3 (expired, still a row), a4 and the trust login's
		// session end; a1 stays; alice's trusted browser goes, bob's stays.
		n, err := s.EndOtherSessions(ctx, alice.ID, a1.ID, audit(alice, shared.AuditSessionsEnded))
		if err != nil || n != 3 {
			t.Fatalf("end others: %d, %v", n, err)
		}
		if got := storetest.Rows(t, s, "SELECT id FROM sessions WHERE user_id = ?", alice.ID); len(got) != 1 {
			t.Fatalf("alice's sessions left: %v", got)
		}
		if got, _ := s.TrustedBrowsers(ctx, alice.ID, t0); len(got) != 0 {
			t.Fatalf("alice's trusted browsers left: %+v", got)
		}
		if got, _ := s.TrustedBrowsers(ctx, bob.ID, t0); len(got) != 1 || got[0].ID != tbBob.ID {
			t.Fatalf("bob's trusted browsers: %+v", got)
		}
		if _, err := s.SessionByTokenHash(ctx, []byte("b1"), t0); err != nil {
			t.Fatalf("bob's session: %v", err)
		}
		events, _, err := s.AuditEvents(ctx, alice.AccountID, 0, 10)
		if err != nil || len(events) != 2 || events[0].Action != shared.AuditSessionsEnded {
			t.Fatalf("audit: %+v, %v", events, err)
		}
	})
}

func TestTrustedBrowser_LookupIsBoundToItsUserAndExpires(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		alice, bob := seed(t, s, "alice"), seed(t, s, "bob")
		ta := mkTrust(t, s, alice, "ta", t0.Add(time.Hour))
		if got, err := s.TrustedBrowser(ctx, alice.ID, []byte("ta"), t0); err != nil || got.ID != ta.ID {
			t.Fatalf("alice's: %+v, %v", got, err)
		}
		if _, err := s.TrustedBrowser(ctx, bob.ID, []byte("ta"), t0); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("alice's token matched bob: %v", err)
		}
		if _, err := s.TrustedBrowser(ctx, alice.ID, []byte("ta"), t0.Add(time.Hour)); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("expired trust matched: %v", err)
		}
		// Its use is recorded with the login it spared a code.
		used := domain.LoginStep{
			Session: &domain.Session{TokenHash: []byte("s2"), UserID: alice.ID, Stage: domain.StageFull,
				CreatedAt: t0.Add(time.Minute), LastSeenAt: t0, ExpiresAt: t0.Add(time.Hour), IP: "x", UserAgent: "x"},
			Event:              &domain.LoginEvent{CreatedAt: t0, UserID: &alice.ID, Username: "alice", Method: shared.MethodTrustedBrowser, Result: shared.ResultSuccess},
			UsedTrustedBrowser: &ta.ID,
		}
		if err := s.CompleteLoginStep(ctx, used); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.TrustedBrowser(ctx, alice.ID, []byte("ta"), t0); !got.LastUsedAt.Equal(t0.Add(time.Minute)) {
			t.Fatalf("last used: %v", got.LastUsedAt)
		}
		// Removal by id is within the user too.
		if err := s.DeleteTrustedBrowser(ctx, bob.ID, ta.ID, audit(bob, shared.AuditBrowserRemoved)); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("bob removed alice's browser: %v", err)
		}
		if err := s.DeleteTrustedBrowser(ctx, alice.ID, ta.ID, audit(alice, shared.AuditBrowserRemoved)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TrustedBrowser(ctx, alice.ID, []byte("ta"), t0); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("removed trust matched: %v", err)
		}
		mkTrust(t, s, bob, "tb", t0.Add(time.Minute))
		mkTrust(t, s, alice, "tc", t0.Add(time.Hour))
		if n, err := s.DeleteExpiredTrustedBrowsers(ctx, t0.Add(time.Minute)); err != nil || n != 1 {
			t.Fatalf("sweep: %d, %v", n, err)
		}
	})
}

func TestTrustedBrowsers_EndWithAPasswordChangeAnd2FAOff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		alice, bob := seed(t, s, "alice"), seed(t, s, "bob")
		mkTrust(t, s, alice, "ta", t0.Add(time.Hour))
		mkTrust(t, s, bob, "tb", t0.Add(time.Hour))
		if _, err := s.ChangePassword(ctx, alice.ID, alice.PasswordHash, "$argon2id$new", 0, t0, audit(alice, shared.AuditPasswordChanged)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TrustedBrowser(ctx, alice.ID, []byte("ta"), t0); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("trust outlived the password change: %v", err)
		}
		if _, err := removeTOTP(s, ctx, bob.ID, 0, false, t0, audit(bob, shared.AuditDisconnected)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TrustedBrowser(ctx, bob.ID, []byte("tb"), t0); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("trust outlived 2FA: %v", err)
		}
	})
}

func TestSetRememberBrowserDays_IsScopedToTheAdminsAccountAndChecked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		alice := seed(t, s, "alice")
		a, err := s.SetRememberBrowserDays(ctx, alice.AccountID, 30, 0, audit(alice, shared.AuditTrustPolicy))
		if err != nil || a.RememberBrowserDays != 30 || a.Name != "Acme" {
			t.Fatalf("set: %+v, %v", a, err)
		}
		// alice is no admin: the statement finds no account of hers.
		if _, err := s.SetRememberBrowserDays(ctx, alice.AccountID, 7, alice.ID, nil); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("a user changed the setting: %v", err)
		}
		// The database refuses other values too.
		if _, err := s.SetRememberBrowserDays(ctx, alice.AccountID, 3, 0, nil); err == nil {
			t.Fatal("3 days stored")
		}
		if got, _ := s.AccountByID(ctx, alice.AccountID); got.RememberBrowserDays != 30 {
			t.Fatalf("days now %d", got.RememberBrowserDays)
		}
	})
}
