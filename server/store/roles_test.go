package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// An install from before platform administration keeps its users, roles and
// sessions; the first administrator of its Default account (the one the
// first start made) becomes the platform administrator, not an older
// administrator of a tenant's account, and at once every connection (not
// just the one that migrated) stores the new role.
func TestMigrateRoles_KeepsDataAndPromotesTheDefaultAccountsFirstAdmin(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			s, ids := oldInstall(t, d, []oldUser{{"Acme", "tenant", "admin"}, {"Default", "root", "admin"},
				{"Default", "second", "admin"}, {"Default", "ursula", "user"}})
			// The old schema's columns only (oldInstall).
			if _, err := s.DB().NewRaw("INSERT INTO sessions (token_hash, user_id, stage, created_at, last_seen_at, expires_at, ip, user_agent) "+
				"VALUES (?, ?, ?, ?, ?, ?, 'ip', 'ua')", []byte("tok"), ids[3], domain.StageFull, t0, t0, t0.Add(time.Hour)).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			for i, want := range []string{shared.RoleAdmin, shared.RolePlatformAdmin, shared.RoleAdmin, shared.RoleUser} {
				u, err := s.UserByID(ctx, ids[i])
				if err != nil || u.Role != want || u.Disabled() {
					t.Fatalf("user %d after the migration: %+v %v, want role %s", i, u, err, want)
				}
			}
			if _, err := s.SessionByTokenHash(ctx, []byte("tok"), t0); err != nil {
				t.Fatalf("the session did not survive the migration: %v", err)
			}
			root, _ := s.UserByID(ctx, ids[1])
			// Many connections at once: none may hold the old CHECK.
			var wg sync.WaitGroup
			errs := make(chan error, 8)
			for i := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs <- s.CreateUser(ctx, &domain.User{AccountID: root.AccountID, Username: fmt.Sprintf("p%d", i), PasswordHash: "$argon2id$x",
						Role: shared.RolePlatformAdmin, CreatedAt: t0}, nil)
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatalf("store a platform_admin after the migration: %v", err)
				}
			}
			if err := s.CreateUser(ctx, &domain.User{AccountID: root.AccountID, Username: "bad", PasswordHash: "x", Role: "root", CreatedAt: t0}, nil); err == nil {
				t.Fatal("an unknown role was stored: the CHECK is gone")
			}
		})
	}
}

// Without a Default account no tenant's administrator is made the platform
// administrator: the command line names one (server user set-role).
func TestMigrateRoles_PromotesNobodyWithoutTheDefaultAccount(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			s, ids := oldInstall(t, d, []oldUser{{"Acme", "tenant", "admin"}, {"Globex", "other", "admin"}})
			if _, err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			for i, id := range ids {
				if u, err := s.UserByID(ctx, id); err != nil || u.Role != shared.RoleAdmin {
					t.Fatalf("user %d after the migration: %+v %v, want role admin", i, u, err)
				}
			}
			var n int
			if err := s.DB().NewRaw("SELECT count(*) FROM users WHERE role = ?", shared.RolePlatformAdmin).Scan(ctx, &n); err != nil || n != 0 {
				t.Fatalf("platform administrators after the migration: %d %v, want none", n, err)
			}
		})
	}
}

type oldUser struct{ account, name, role string }

// oldInstall is a store migrated to just before the roles, with users (and
// their accounts, made in order of first mention), returning their ids.
func oldInstall(t *testing.T, d string, users []oldUser) (*store.Store, []int64) {
	t.Helper()
	ctx := context.Background()
	url, dir := storetest.URL(t, d)
	s, err := store.Open(ctx, url, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.MigrateBefore(ctx, "20261201000040"); err != nil {
		t.Fatal(err)
	}
	// The old schema lacks later columns: write the old ones only, in SQL
	// rather than through today's models.
	accounts := map[string]int64{}
	var ids []int64
	for _, u := range users {
		if _, ok := accounts[u.account]; !ok {
			var id int64
			if err := s.DB().NewRaw("INSERT INTO accounts (name, created_at) VALUES (?, ?) RETURNING id", u.account, t0).
				Scan(ctx, &id); err != nil {
				t.Fatal(err)
			}
			accounts[u.account] = id
		}
		var id int64
		if err := s.DB().NewRaw("INSERT INTO users (account_id, username, password_hash, role, created_at, updated_at) "+
			"VALUES (?, ?, '$argon2id$x', ?, ?, ?) RETURNING id", accounts[u.account], u.name, u.role, t0, t0).Scan(ctx, &id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return s, ids
}

func TestAccounts_NamesUniqueRegardlessOfCaseRenameAndStats(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		alice := seed(t, s, "alice")
		seed(t, s, "bob")
		audit := func(action string) *domain.AuditEvent {
			return &domain.AuditEvent{CreatedAt: t0, ActorName: "command line", Action: action}
		}
		globex, err := s.CreateAccountAudited(ctx, "Globex", t0, audit(shared.AuditAccountCreated))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateAccountAudited(ctx, "ACME", t0, audit(shared.AuditAccountCreated)); !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("ACME beside Acme: %v", err)
		}
		if _, err := s.RenameAccount(ctx, globex.ID, "acme", audit(shared.AuditAccountRenamed)); !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("rename to acme beside Acme: %v", err)
		}
		if a, err := s.AccountByName(ctx, "gLoBeX"); err != nil || a.ID != globex.ID {
			t.Fatalf("by name in another case: %+v %v", a, err)
		}
		ev := audit(shared.AuditAccountRenamed)
		ev.AccountID = globex.ID
		if a, err := s.RenameAccount(ctx, globex.ID, "Globex Corp", ev); err != nil || a.Name != "Globex Corp" {
			t.Fatalf("rename: %+v %v", a, err)
		}
		if _, err := s.RenameAccount(ctx, 9999, "Nobody", audit(shared.AuditAccountRenamed)); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("rename a missing account: %v", err)
		}
		if err := s.SetPendingTOTP(ctx, alice.ID, []byte("sealed"), t0); err != nil {
			t.Fatal(err)
		}
		if err := s.ConnectTOTP(ctx, alice.ID, 1, nil, 0, t0, nil); err != nil {
			t.Fatal(err)
		}
		stats, err := s.AccountStats(ctx)
		if err != nil || fmt.Sprint(stats[alice.AccountID]) != fmt.Sprint(domain.AccountStats{Users: 2, UsersWith2FA: 1}) ||
			fmt.Sprint(stats[globex.ID]) != fmt.Sprint(domain.AccountStats{}) {
			t.Fatalf("stats: %+v %v", stats, err)
		}
		events, _, err := s.AuditEvents(ctx, globex.ID, 0, 10)
		if err != nil || len(events) != 2 || events[1].Action != shared.AuditAccountCreated {
			t.Fatalf("the new account's audit log: %+v %v", events, err)
		}
	})
}

func TestChangeUser_DisablingEndsSessionsAndIsScopedByAdmin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		admin, alice := seed(t, s, "admin"), seed(t, s, "alice")
		other, err := s.CreateAccount(ctx, "Globex", t0)
		if err != nil {
			t.Fatal(err)
		}
		stranger := &domain.User{AccountID: other.ID, Username: "gadmin", PasswordHash: "x", Role: shared.RoleAdmin, CreatedAt: t0}
		if err := s.CreateUser(ctx, stranger, nil); err != nil {
			t.Fatal(err)
		}
		role := shared.RoleAdmin
		if _, _, err := s.ChangeUser(ctx, admin.ID, 0, domain.UserChange{Role: &role}, t0, nil); err != nil {
			t.Fatal(err)
		}
		for _, h := range []string{"a1", "a2"} {
			if err := s.CreateSession(ctx, &domain.Session{TokenHash: []byte(h), UserID: alice.ID, Stage: domain.StageFull,
				CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(time.Hour), IP: "ip", UserAgent: "ua"}); err != nil {
				t.Fatal(err)
			}
		}
		yes := true
		// Another account's admin reaches nothing, even when the caller forgot to check.
		if _, _, err := s.ChangeUser(ctx, alice.ID, stranger.ID, domain.UserChange{Disabled: &yes}, t0, nil); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("another account's admin disabled alice: %v", err)
		}
		if err := s.UnlockUser(ctx, alice.ID, alice.Username, stranger.ID, t0, nil); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("another account's admin unlocked alice: %v", err)
		}
		u, ended, err := s.ChangeUser(ctx, alice.ID, admin.ID, domain.UserChange{Disabled: &yes}, t0,
			[]*domain.AuditEvent{{CreatedAt: t0, AccountID: alice.AccountID, ActorName: "admin", Action: shared.AuditUserDisabled}})
		if err != nil || ended != 2 || !u.Disabled() {
			t.Fatalf("disable: %+v ended %d %v", u, ended, err)
		}
		if _, err := s.SessionByTokenHash(ctx, []byte("a1"), t0); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("a session of the disabled user lives: %v", err)
		}
		// A platform admin of another account reaches it.
		pa := shared.RolePlatformAdmin
		if _, _, err := s.ChangeUser(ctx, stranger.ID, 0, domain.UserChange{Role: &pa}, t0, nil); err != nil {
			t.Fatal(err)
		}
		no := false
		if u, _, err := s.ChangeUser(ctx, alice.ID, stranger.ID, domain.UserChange{Disabled: &no}, t0, nil); err != nil || u.Disabled() {
			t.Fatalf("the platform admin enables alice: %+v %v", u, err)
		}
		// Unlock: the code lockout and the username's password throttle.
		if _, err := s.RecordCodeFailure(ctx, alice.ID, t0, 1, func(int) time.Duration { return time.Hour }, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RecordLoginFailure(ctx, map[string]domain.ThrottleRule{"user:alice": {Threshold: 1, Window: time.Hour,
			LockFor: func(int) time.Duration { return time.Hour }}}, t0); err != nil {
			t.Fatal(err)
		}
		users, err := s.AccountUsers(ctx, domain.UserFilter{AccountID: alice.AccountID, Prefix: "ali"})
		if err != nil || len(users) != 1 || users[0].PasswordLockedUntil == nil || !users[0].CodesLocked(t0) {
			t.Fatalf("locked alice in the list: %+v %v", users, err)
		}
		if err := s.UnlockUser(ctx, alice.ID, alice.Username, admin.ID, t0, nil); err != nil {
			t.Fatal(err)
		}
		users, err = s.AccountUsers(ctx, domain.UserFilter{AccountID: alice.AccountID, Prefix: "ali"})
		if err != nil || len(users) != 1 || users[0].PasswordLockedUntil != nil || users[0].CodesLocked(t0) || users[0].FailedCodeCount != 0 {
			t.Fatalf("alice after unlock: %+v %v", users, err)
		}
		if n, _ := s.AccountUsers(ctx, domain.UserFilter{AccountID: alice.AccountID, TwoFA: "on"}); len(n) != 0 {
			t.Fatalf("twofa=on: %+v", n)
		}
		if n, _ := s.AccountUsers(ctx, domain.UserFilter{AccountID: alice.AccountID, TwoFA: "off"}); len(n) != 2 {
			t.Fatalf("twofa=off: %+v", n)
		}
	})
}
