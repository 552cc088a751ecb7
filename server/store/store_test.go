package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/internal/testclock"
	"github.com/warden-auth/warden/shared"

	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
)

var t0 = testclock.At(-30 * time.Minute)

// seed creates an account and a user in it.
func seed(t testing.TB, s *store.Store, username string) *domain.User {
	t.Helper()
	ctx := context.Background()
	acc, err := s.AccountByName(ctx, "Acme")
	if errors.Is(err, domain.ErrNotFound) {
		acc, err = s.CreateAccount(ctx, "Acme", t0)
	}
	if err != nil {
		t.Fatal(err)
	}
	u := &domain.User{AccountID: acc.ID, Username: username, PasswordHash: "$argon2id$x", Role: "user", CreatedAt: t0}
	if err := s.CreateUser(ctx, u, nil); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestMigrate_IsIdempotentAndConcurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if err := s.Ping(ctx); err != nil {
			t.Fatalf("ping: %v", err)
		}
		// Open already migrated; more runs, also at once, apply nothing.
		var wg sync.WaitGroup
		errs := make(chan error, 3)
		for range 3 {
			wg.Go(func() {
				applied, err := s.Migrate(ctx)
				if err == nil && len(applied) > 0 {
					err = errors.New("re-applied migrations")
				}
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestAccounts_CreateFindListAndConflict(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a, err := s.CreateAccount(ctx, "Acme", t0)
		if err != nil || a.ID == 0 {
			t.Fatalf("create: %v, id %d", err, a.ID)
		}
		if _, err := s.CreateAccount(ctx, "Acme", t0); !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("duplicate name: got %v, want ErrConflict", err)
		}
		if _, err := s.CreateAccount(ctx, "Globex", t0); err != nil {
			t.Fatal(err)
		}
		got, err := s.AccountByName(ctx, "Acme")
		if err != nil || got.ID != a.ID || !got.CreatedAt.Equal(t0) || got.ForceTwoFactor {
			t.Fatalf("by name: %+v, %v", got, err)
		}
		if _, err := s.AccountByName(ctx, "Nope"); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("missing: got %v, want ErrNotFound", err)
		}
		root := &domain.User{AccountID: a.ID, Username: "root", PasswordHash: "$argon2id$x", Role: "admin", CreatedAt: t0}
		if err := s.CreateUser(ctx, root, nil); err != nil {
			t.Fatal(err)
		}
		changed, err := s.SetForceTwoFactor(ctx, a.ID, true, root.ID, t0.Add(time.Hour), nil)
		if err != nil || !changed.ForceTwoFactor || changed.Name != "Acme" || *changed.ForceChangedByID != root.ID ||
			!changed.ForceChangedAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("set policy: %+v, %v", changed, err)
		}
		if _, err := s.SetForceTwoFactor(ctx, 9999, true, root.ID, t0, nil); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("policy of a missing account: %v", err)
		}
		all, err := s.Accounts(ctx)
		if err != nil || len(all) != 2 || all[0].Name != "Acme" || !all[0].ForceTwoFactor || all[1].Name != "Globex" {
			t.Fatalf("list: %+v, %v", all, err)
		}
	})
}

func TestUsers_CreateFindCountAndUpdate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		n, err := s.CountUsers(ctx)
		if err != nil || n != 0 {
			t.Fatalf("count empty: %d, %v", n, err)
		}
		u := seed(t, s, "alice")
		dup := &domain.User{AccountID: u.AccountID, Username: "alice", PasswordHash: "h", Role: "user", CreatedAt: t0}
		if err := s.CreateUser(ctx, dup, nil); !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("duplicate username: got %v, want ErrConflict", err)
		}
		byName, err := s.UserByUsername(ctx, "alice")
		if err != nil || byName.ID != u.ID || byName.Account == nil || byName.Account.Name != "Acme" {
			t.Fatalf("by name: %+v, %v", byName, err)
		}
		if byName.TwoFactorEnabled() || byName.TOTPSecret != nil || byName.LastLoginAt != nil {
			t.Fatalf("fresh user has 2FA state: %+v", byName)
		}
		if _, err := s.UserByUsername(ctx, "bob"); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("missing: got %v", err)
		}
		if err := s.SetPasswordHash(ctx, u.ID, "wrong old", "$argon2id$stale", t0); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("upgrade of a hash that changed meanwhile: got %v", err)
		}
		if err := s.SetPasswordHash(ctx, u.ID, u.PasswordHash, "$argon2id$new", t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		byID, err := s.UserByID(ctx, u.ID)
		if err != nil || byID.PasswordHash != "$argon2id$new" || !byID.UpdatedAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("after updates: %+v, %v", byID, err)
		}
		if err := s.SetPasswordHash(ctx, 9999, "", "x", t0); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("update missing user: got %v", err)
		}
		if n, _ := s.CountUsers(ctx); n != 1 {
			t.Fatalf("count: %d", n)
		}
	})
}

func TestSessions_LifecycleAndExpiry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		alice, bob := seed(t, s, "alice"), seed(t, s, "bob")
		mk := func(u *domain.User, hash string, expires time.Time) *domain.Session {
			sess := &domain.Session{TokenHash: []byte(hash), UserID: u.ID, Stage: domain.StageFull,
				CreatedAt: t0, LastSeenAt: t0, ExpiresAt: expires, IP: "192.0.2.1", UserAgent: "test"}
			if err := s.CreateSession(ctx, sess); err != nil {
				t.Fatal(err)
			}
			return sess
		}
		a1 := mk(alice, "a1", t0.Add(time.Hour))
		mk(alice, "a2", t0.Add(time.Hour))
		mk(bob, "b1", t0.Add(time.Minute))

		got, err := s.SessionByTokenHash(ctx, []byte("a1"), t0)
		if err != nil || got.ID != a1.ID || got.User == nil || got.User.Username != "alice" ||
			got.User.Account == nil || got.User.Account.Name != "Acme" || !bytes.Equal(got.TokenHash, []byte("a1")) {
			t.Fatalf("by hash: %+v, %v", got, err)
		}
		// Absolute expiry is enforced by the lookup itself.
		if _, err := s.SessionByTokenHash(ctx, []byte("b1"), t0.Add(time.Minute)); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("expired session found: %v", err)
		}
		if err := s.TouchSession(ctx, a1.ID, t0.Add(30*time.Minute)); err != nil {
			t.Fatal(err)
		}
		got, _ = s.SessionByTokenHash(ctx, []byte("a1"), t0)
		if !got.LastSeenAt.Equal(t0.Add(30 * time.Minute)) {
			t.Fatalf("touch: last seen %v", got.LastSeenAt)
		}
		if err := s.DeleteSession(ctx, []byte("a1")); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteSession(ctx, []byte("a1")); err != nil {
			t.Fatalf("deleting twice must not fail: %v", err)
		}
		if _, err := s.SessionByTokenHash(ctx, []byte("a1"), t0); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("deleted session found: %v", err)
		}
		// Expired (b1) and idle (a2, last seen at t0) sessions are swept.
		n, err := s.DeleteExpiredSessions(ctx, t0.Add(2*time.Minute), t0.Add(time.Second))
		if err != nil || n != 2 {
			t.Fatalf("sweep: %d, %v", n, err)
		}
		mk(alice, "a3", t0.Add(time.Hour))
		mk(alice, "a4", t0.Add(time.Hour))
		mk(bob, "b2", t0.Add(time.Hour))
		if n, err := s.DeleteUserSessions(ctx, alice.ID); err != nil || n != 2 {
			t.Fatalf("delete alice's sessions: %d, %v", n, err)
		}
		if _, err := s.SessionByTokenHash(ctx, []byte("b2"), t0); err != nil {
			t.Fatalf("bob's session must survive: %v", err)
		}
	})
}

func TestLoginEvents_KeysetPagesNewestFirstPerUser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		alice, bob := seed(t, s, "alice"), seed(t, s, "bob")
		for i := range 25 {
			u, result := alice, shared.ResultSuccess
			if i%5 == 0 {
				u = bob
			}
			if i%2 == 0 {
				result = shared.ResultFailure
			}
			e := &domain.LoginEvent{CreatedAt: t0.Add(time.Duration(i) * time.Second), AccountID: &u.AccountID,
				UserID: &u.ID, Username: u.Username, IP: "192.0.2.1", UserAgent: "ua",
				Method: shared.MethodPassword, Result: result}
			if err := s.RecordLoginEvent(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		var all []domain.LoginEvent
		var cursor int64
		for pages := 0; ; pages++ {
			page, next, err := s.LoginEvents(ctx, domain.LoginEventFilter{UserID: alice.ID, Before: cursor, Limit: 7})
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, page...)
			if next == 0 {
				break
			}
			cursor = next
			if pages > 10 {
				t.Fatal("pagination does not end")
			}
		}
		if len(all) != 20 {
			t.Fatalf("alice has %d events, want 20", len(all))
		}
		for i, e := range all {
			if *e.UserID != alice.ID {
				t.Fatalf("event %d belongs to user %d", i, *e.UserID)
			}
			if i > 0 && e.ID >= all[i-1].ID {
				t.Fatalf("not newest first at %d", i)
			}
		}
		fails, _, err := s.LoginEvents(ctx, domain.LoginEventFilter{UserID: alice.ID, Limit: 100, OnlyFails: true})
		if err != nil || len(fails) != 10 {
			t.Fatalf("failures only: %d, %v", len(fails), err)
		}
		for _, e := range fails {
			if e.Result != shared.ResultFailure {
				t.Fatalf("filter let through %+v", e)
			}
		}
	})
}

func TestCompleteLoginStep_WritesAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := seed(t, s, "alice")
		sess := func(hash string) *domain.Session {
			return &domain.Session{TokenHash: []byte(hash), UserID: u.ID, Stage: domain.StagePasswordOK,
				CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(time.Hour), IP: "192.0.2.1", UserAgent: "ua"}
		}
		event := func() *domain.LoginEvent {
			return &domain.LoginEvent{CreatedAt: t0, UserID: &u.ID, AccountID: &u.AccountID, Username: "alice",
				IP: "192.0.2.1", UserAgent: "ua", Method: shared.MethodPassword, Result: shared.ResultSuccess}
		}
		first, firstEvent := sess("first"), event()
		if err := s.CompleteLoginStep(ctx, domain.LoginStep{Session: first, Event: firstEvent}); err != nil {
			t.Fatal(err)
		}
		if first.ID == 0 || firstEvent.ID == 0 {
			t.Fatalf("the step did not return its ids: session %d, event %d", first.ID, firstEvent.ID)
		}
		later := t0.Add(time.Minute)
		rule := domain.ThrottleRule{Threshold: 1, Window: time.Hour, LockFor: func(int) time.Duration { return time.Hour }}
		s.RecordLoginFailure(ctx, map[string]domain.ThrottleRule{"user:alice": rule}, t0)
		full := sess("second")
		full.Stage = domain.StageFull
		if err := s.CompleteLoginStep(ctx, domain.LoginStep{EndSession: []byte("first"), Session: full, Event: event(),
			LoggedInAt: &later, ClearThrottle: "user:alice"}); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.ThrottledUntil(ctx, []string{"user:alice"}, t0); !got.IsZero() {
			t.Fatal("the step did not clear the throttle")
		}
		if _, err := s.SessionByTokenHash(ctx, []byte("first"), t0); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("the replaced session lives: %v", err)
		}
		got, err := s.SessionByTokenHash(ctx, []byte("second"), t0)
		if err != nil || got.Stage != domain.StageFull || got.User.LastLoginAt == nil || !got.User.LastLoginAt.Equal(later) {
			t.Fatalf("new session: %+v, %v", got, err)
		}
		// A step that fails at its last write (the event breaks a CHECK
		// constraint) leaves no trace: the old session survives, the new one
		// does not exist.
		bad := event()
		bad.Result = "maybe"
		if err := s.CompleteLoginStep(ctx, domain.LoginStep{EndSession: []byte("second"), Session: sess("third"), Event: bad}); err == nil {
			t.Fatal("an invalid event was stored")
		}
		if _, err := s.SessionByTokenHash(ctx, []byte("third"), t0); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("half a step was written: %v", err)
		}
		if _, err := s.SessionByTokenHash(ctx, []byte("second"), t0); err != nil {
			t.Fatalf("a failed step ended the old session: %v", err)
		}
		events, _, _ := s.LoginEvents(ctx, domain.LoginEventFilter{UserID: u.ID, Limit: 10})
		if len(events) != 2 {
			t.Fatalf("%d events after two good steps and one failed", len(events))
		}
	})
}

func TestPing_ReportsAClosedDatabaseAsUnavailable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		s.Close()
		if err := s.Ping(context.Background()); !errors.Is(err, domain.ErrUnavailable) {
			t.Fatalf("ping after close: %v, want ErrUnavailable", err)
		}
	})
}

func TestLoginEvents_RetentionDeletesOnlyOldEventsInBatches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := seed(t, s, "alice")
		var events []domain.LoginEvent
		for i := range 12000 {
			events = append(events, domain.LoginEvent{CreatedAt: t0.Add(time.Duration(i) * time.Second), UserID: &u.ID,
				AccountID: &u.AccountID, Username: "alice", IP: "192.0.2.1", UserAgent: "ua",
				Method: shared.MethodPassword, Result: shared.ResultSuccess})
		}
		for i := 0; i < len(events); i += 1000 { // SQLite caps the variables of one statement
			if err := s.RecordLoginEvents(ctx, events[i:i+1000]); err != nil {
				t.Fatal(err)
			}
		}
		n, err := s.DeleteLoginEventsBefore(ctx, t0.Add(11000*time.Second))
		if err != nil || n != 11000 {
			t.Fatalf("deleted %d, %v; want 11000", n, err)
		}
		left, _, _ := s.LoginEvents(ctx, domain.LoginEventFilter{UserID: u.ID, Limit: 100})
		if len(left) != 100 || !left[len(left)-1].CreatedAt.Equal(t0.Add(11900*time.Second)) {
			t.Fatalf("survivors: %d, oldest on the page %v", len(left), left[len(left)-1].CreatedAt)
		}
	})
}

// A password change is all or nothing: the new hash, the epoch counted, every
// other session of the user ended and the audit row; a change whose proof is
// no longer the stored hash (another change came first) does none of it.
func TestChangePassword_ReplacesTheHashAndEndsTheOtherSessionsAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		alice, bob := seed(t, s, "alice"), seed(t, s, "bob")
		var kept *domain.Session
		for _, tok := range []struct {
			u    *domain.User
			hash string
		}{{alice, "a1"}, {alice, "a2"}, {alice, "a3"}, {bob, "b1"}} {
			sess := &domain.Session{TokenHash: []byte(tok.hash), UserID: tok.u.ID, Stage: domain.StageFull,
				CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(time.Hour), IP: "192.0.2.1", UserAgent: "test"}
			if err := s.CreateSession(ctx, sess); err != nil {
				t.Fatal(err)
			}
			if tok.hash == "a2" {
				kept = sess
			}
		}
		audit := func() *domain.AuditEvent {
			return &domain.AuditEvent{CreatedAt: t0, AccountID: alice.AccountID, ActorID: &alice.ID, ActorName: "alice",
				Action: shared.AuditPasswordChanged, TargetID: &alice.ID, TargetName: "alice"}
		}
		ended, err := s.ChangePassword(ctx, alice.ID, alice.PasswordHash, "$argon2id$new", kept.ID, t0.Add(time.Minute), audit())
		if err != nil || ended != 2 {
			t.Fatalf("change: ended %d, %v", ended, err)
		}
		if _, err := s.ChangePassword(ctx, alice.ID, alice.PasswordHash, "$argon2id$stale", 0, t0, audit()); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("a second change proved by the old hash: %v", err)
		}
		want := [][]string{{"$argon2id$new", "1"}}
		if got := storetest.Rows(t, s, "SELECT password_hash, password_epoch FROM users WHERE id = ?", alice.ID); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("alice's row: %v, want %v", got, want)
		}
		if got := storetest.Rows(t, s, "SELECT token_hash FROM sessions ORDER BY id"); len(got) != 2 {
			t.Fatalf("sessions left: %v (want a2 and bob's)", got)
		}
		for _, h := range []string{"a2", "b1"} {
			if _, err := s.SessionByTokenHash(ctx, []byte(h), t0); err != nil {
				t.Fatalf("session %s must survive: %v", h, err)
			}
		}
		if got := storetest.Rows(t, s, "SELECT password_epoch FROM users WHERE id = ?", bob.ID); got[0][0] != "0" {
			t.Fatalf("bob's epoch: %v", got)
		}
		events, _, err := s.AuditEvents(ctx, alice.AccountID, 0, 10)
		if err != nil || len(events) != 1 || events[0].Action != shared.AuditPasswordChanged {
			t.Fatalf("audit: %+v, %v", events, err)
		}
	})
}

// removeTOTP switches the user's 2FA off as the rules do (package factor):
// SwitchOff and every factor's wipe, with the audit event, in one
// transaction.
func removeTOTP(s *store.Store, ctx context.Context, userID, byAdminID int64, endSessions bool, now time.Time, audit *domain.AuditEvent) (int64, error) {
	var ended int64
	err := s.InTx(ctx, func(ctx context.Context) error {
		var err error
		if ended, err = s.SwitchOff(ctx, userID, byAdminID, endSessions, now); err != nil {
			return err
		}
		for _, wipe := range []func() error{
			func() error { return s.WipeTOTP(ctx, userID, now) },
			func() error { return s.WipeWebAuthnCredentials(ctx, userID) },
			func() error { return s.WipeRecoveryCodes(ctx, userID, now) },
		} {
			if err := wipe(); err != nil {
				return err
			}
		}
		if audit == nil {
			return nil
		}
		return s.RecordAudit(ctx, audit)
	})
	return ended, err
}
