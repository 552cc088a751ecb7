package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// Account scoping at the store: the Administration Panel of one account must
// never read or change another account's rows. Each test seeds two accounts
// with the same shape and interleaved ids (so a cursor or a missing filter
// would pull in the neighbour's rows) and checks the other one is untouched.

// tenant is one seeded account: an admin and a user, both with 2FA, recovery
// codes, a session each, login events and audit events.
type tenant struct {
	account  *domain.Account
	users    []*domain.User
	sessions [][]byte // token hashes
	logins   []int64  // ids of the login events of its users
	failures []int64  // the failed ones among them
	audit    []int64  // ids of its audit events
}

// twoAccounts seeds Acme and Globex, interleaving every kind of row.
func twoAccounts(t *testing.T, s *store.Store) (acme, globex *tenant) {
	t.Helper()
	ctx := context.Background()
	acme, globex = &tenant{}, &tenant{}
	tenants := []*tenant{acme, globex}
	for i, name := range []string{"Acme", "Globex"} {
		a, err := s.CreateAccount(ctx, name, t0)
		if err != nil {
			t.Fatal(err)
		}
		tenants[i].account = a
	}
	for _, role := range []string{"admin", "user"} {
		for _, tn := range tenants {
			u := &domain.User{AccountID: tn.account.ID, Username: fmt.Sprintf("%s-%s", tn.account.Name, role),
				PasswordHash: "$argon2id$x", Role: role, CreatedAt: t0, UpdatedAt: t0}
			if err := s.CreateUser(ctx, u, nil); err != nil {
				t.Fatal(err)
			}
			tn.users = append(tn.users, u)
		}
	}
	for _, i := range []int{0, 1} {
		for _, tn := range tenants {
			u := tn.users[i]
			audit := &domain.AuditEvent{CreatedAt: t0, AccountID: u.AccountID, ActorID: &u.ID, ActorName: u.Username,
				Action: shared.AuditConnected, TargetID: &u.ID, TargetName: u.Username}
			if err := s.SetPendingTOTP(ctx, u.ID, []byte("sealed "+u.Username), t0); err != nil {
				t.Fatal(err)
			}
			if err := s.ConnectTOTP(ctx, u.ID, 100, []string{"k:" + u.Username + "1", "k:" + u.Username + "2"}, 0, t0, audit); err != nil {
				t.Fatal(err)
			}
			tn.audit = append(tn.audit, audit.ID)
			hash := []byte("token of " + u.Username)
			if err := s.CreateSession(ctx, &domain.Session{TokenHash: hash, UserID: u.ID, Stage: domain.StageFull, CreatedAt: t0,
				LastSeenAt: t0, ExpiresAt: t0.Add(time.Hour), IP: "ip", UserAgent: "ua"}); err != nil {
				t.Fatal(err)
			}
			tn.sessions = append(tn.sessions, hash)
		}
	}
	// Four hours of attempts, a success and a failure per user per hour,
	// alternating between the accounts.
	for h := range 4 {
		for _, result := range []string{shared.ResultSuccess, shared.ResultFailure} {
			for _, i := range []int{0, 1} {
				for _, tn := range tenants {
					u := tn.users[i]
					e := &domain.LoginEvent{CreatedAt: t0.Add(time.Duration(h) * time.Hour), AccountID: &u.AccountID, UserID: &u.ID,
						Username: u.Username, IP: "ip", UserAgent: "ua", Method: shared.MethodPassword, Result: result}
					if result == shared.ResultFailure {
						e.Reason = shared.ReasonWrongPassword
					}
					if err := s.RecordLoginEvent(ctx, e); err != nil {
						t.Fatal(err)
					}
					tn.logins = append(tn.logins, e.ID)
					if result == shared.ResultFailure {
						tn.failures = append(tn.failures, e.ID)
					}
				}
			}
		}
		// An attempt on a username nobody has belongs to no account.
		if err := s.RecordLoginEvent(ctx, &domain.LoginEvent{CreatedAt: t0.Add(time.Duration(h) * time.Hour), Username: "nobody",
			IP: "ip", UserAgent: "ua", Method: shared.MethodPassword, Result: shared.ResultFailure, Reason: shared.ReasonUnknownUser}); err != nil {
			t.Fatal(err)
		}
	}
	return acme, globex
}

// tenantState is everything stored for a tenant, read without the
// account-scoped queries under test where the store has another way.
type tenantState struct {
	Account  domain.Account
	Users    []domain.User
	Codes    [][]domain.RecoveryCode
	Sessions []domain.Session // without their User, which Users holds
	Logins   [][]domain.LoginEvent
	Audit    []domain.AuditEvent
}

func snapshot(t *testing.T, s *store.Store, tn *tenant) tenantState {
	t.Helper()
	ctx := context.Background()
	var st tenantState
	a, err := s.AccountByID(ctx, tn.account.ID)
	if err != nil {
		t.Fatal(err)
	}
	st.Account = *a
	for _, u := range tn.users {
		got, err := s.UserByID(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		codes, err := s.RecoveryCodes(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		logins, _, err := s.LoginEvents(ctx, domain.LoginEventFilter{UserID: u.ID, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		st.Users, st.Codes, st.Logins = append(st.Users, *got), append(st.Codes, codes), append(st.Logins, logins)
	}
	for _, h := range tn.sessions {
		sess, err := s.SessionByTokenHash(ctx, h, t0)
		if err != nil {
			t.Fatalf("session %q: %v", h, err)
		}
		sess.User = nil
		st.Sessions = append(st.Sessions, *sess)
	}
	if st.Audit, _, err = s.AuditEvents(ctx, tn.account.ID, 0, 100); err != nil {
		t.Fatal(err)
	}
	return st
}

func assertUnchanged(t *testing.T, before, after tenantState) {
	t.Helper()
	b, a := reflect.ValueOf(before), reflect.ValueOf(after)
	for i := range b.NumField() {
		if !reflect.DeepEqual(b.Field(i).Interface(), a.Field(i).Interface()) {
			t.Errorf("the other account's %s changed:\nbefore %+v\nafter  %+v", b.Type().Field(i).Name, b.Field(i), a.Field(i))
		}
	}
}

func TestScoping_AccountUsersListsOnlyThatAccountsUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		acme, globex := twoAccounts(t, s)
		for _, tn := range []*tenant{acme, globex} {
			users, err := s.AccountUsers(context.Background(), domain.UserFilter{AccountID: tn.account.ID})
			if err != nil {
				t.Fatal(err)
			}
			var got, want []int64
			for _, u := range users {
				got = append(got, u.ID)
				if u.AccountID != tn.account.ID || u.RecoveryCodesLeft != 2 {
					t.Errorf("%s lists %s of account %d, %d codes left", tn.account.Name, u.Username, u.AccountID, u.RecoveryCodesLeft)
				}
			}
			for _, u := range tn.users {
				want = append(want, u.ID)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s lists users %v, want %v", tn.account.Name, got, want)
			}
		}
		if users, err := s.AccountUsers(context.Background(), domain.UserFilter{AccountID: globex.account.ID + 100}); err != nil || len(users) != 0 {
			t.Fatalf("an account that does not exist: %+v %v", users, err)
		}
	})
}

func TestScoping_LoginEventsOfAnAccountNeverIncludeAnothersOnAnyPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		acme, globex := twoAccounts(t, s)
		for _, tn := range []*tenant{acme, globex} {
			for _, tc := range []struct {
				name   string
				filter domain.LoginEventFilter
				want   []int64
			}{
				{"all", domain.LoginEventFilter{}, tn.logins},
				{"failures", domain.LoginEventFilter{OnlyFails: true}, tn.failures},
				{"since the second hour", domain.LoginEventFilter{Since: t0.Add(time.Hour)}, tn.logins[4:]},
				{"until the third hour", domain.LoginEventFilter{Until: t0.Add(3 * time.Hour)}, tn.logins[:12]},
				{"failures in between", domain.LoginEventFilter{OnlyFails: true, Since: t0.Add(time.Hour), Until: t0.Add(3 * time.Hour)}, tn.failures[2:6]},
			} {
				// Pages of three: every cursor lands between the two accounts' rows.
				f := tc.filter
				f.AccountID, f.Limit = tn.account.ID, 3
				var got []int64
				for page := 0; page == 0 || f.Before != 0; page++ {
					events, next, err := s.LoginEvents(context.Background(), f)
					if err != nil || page > 20 {
						t.Fatalf("%s, %s, page %d: %v", tn.account.Name, tc.name, page, err)
					}
					for _, e := range events {
						if e.AccountID == nil || *e.AccountID != tn.account.ID {
							t.Errorf("%s, %s: event %d of %s is not the account's", tn.account.Name, tc.name, e.ID, e.Username)
						}
						got = append(got, e.ID)
					}
					f.Before = next
				}
				want := slices.Clone(tc.want)
				slices.Reverse(want) // newest first
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s, %s: events %v, want %v", tn.account.Name, tc.name, got, want)
				}
			}
		}
	})
}

func TestScoping_AuditEventsOfAnAccountNeverIncludeAnothersOnAnyPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		acme, globex := twoAccounts(t, s)
		for _, tn := range []*tenant{acme, globex} {
			var got []int64
			for before, page := int64(0), 0; page == 0 || before != 0; page++ {
				events, next, err := s.AuditEvents(context.Background(), tn.account.ID, before, 1)
				if err != nil || page > 10 {
					t.Fatalf("%s, page %d: %v", tn.account.Name, page, err)
				}
				for _, e := range events {
					if e.AccountID != tn.account.ID {
						t.Errorf("%s: audit event %d (%s on %s) is another account's", tn.account.Name, e.ID, e.Action, e.TargetName)
					}
					got = append(got, e.ID)
				}
				before = next
			}
			want := slices.Clone(tn.audit)
			slices.Reverse(want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: audit events %v, want %v", tn.account.Name, got, want)
			}
		}
	})
}

func TestScoping_SwitchingAnAccountsPolicyLeavesTheOtherAccountAlone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		acme, globex := twoAccounts(t, s)
		for _, on := range []bool{true, false} {
			before := snapshot(t, s, globex)
			admin := acme.users[0]
			at := t0.Add(time.Minute)
			a, err := s.SetForceTwoFactor(ctx, acme.account.ID, on, admin.ID, at, &domain.AuditEvent{CreatedAt: at,
				AccountID: acme.account.ID, ActorID: &admin.ID, ActorName: admin.Username, Action: shared.AuditPolicyChanged})
			if err != nil || a.ID != acme.account.ID || a.ForceTwoFactor != on || *a.ForceChangedByID != admin.ID {
				t.Fatalf("switch Acme's policy to %v: %+v %v", on, a, err)
			}
			if got, _ := s.AccountByID(ctx, acme.account.ID); got.ForceTwoFactor != on {
				t.Fatalf("Acme's policy was not switched to %v", on)
			}
			assertUnchanged(t, before, snapshot(t, s, globex))
		}
	})
}

func TestScoping_ResettingAUsersTwoFactorLeavesTheOtherAccountAlone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		acme, globex := twoAccounts(t, s)
		before := snapshot(t, s, globex)
		target, admin := acme.users[1], acme.users[0]
		ended, err := removeTOTP(s, ctx, target.ID, admin.ID, true, t0.Add(time.Minute), &domain.AuditEvent{CreatedAt: t0.Add(time.Minute),
			AccountID: acme.account.ID, ActorID: &admin.ID, ActorName: admin.Username, Action: shared.AuditTwoFactorReset,
			TargetID: &target.ID, TargetName: target.Username})
		if err != nil || ended != 1 {
			t.Fatalf("reset: ended %d, %v", ended, err)
		}
		if u, _ := s.UserByID(ctx, target.ID); u.TwoFactorEnabled() {
			t.Fatal("the target still has 2FA")
		}
		assertUnchanged(t, before, snapshot(t, s, globex))
	})
}

// The store is the second line: even a caller that skipped the auth layer's
// account check cannot reach another account through an admin statement,
// because the statement itself asks the database whom the admin administers.
func TestScoping_AdminStatementsRefuseAnotherAccountInSQL(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		acme, globex := twoAccounts(t, s)
		before := snapshot(t, s, acme)
		intruder, plainUser := globex.users[0], acme.users[1] // Globex's admin; a user of Acme

		for name, by := range map[string]int64{"another account's admin": intruder.ID, "a user who is no admin": plainUser.ID} {
			if _, err := s.SetForceTwoFactor(ctx, acme.account.ID, true, by, t0.Add(time.Minute), nil); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("%s switched Acme's policy: %v", name, err)
			}
			if _, err := removeTOTP(s, ctx, acme.users[1].ID, by, true, t0.Add(time.Minute), nil); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("%s reset an Acme user's 2FA: %v", name, err)
			}
			if _, err := s.RequestEmail(ctx, acme.users[1].ID, by, "thief@example.com", t0.Add(time.Minute), 5, time.Hour,
				linkAudit(acme.users[1], "thief@example.com", t0)); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("%s set an Acme user's address: %v", name, err)
			}
			if err := s.DropEmail(ctx, acme.users[1].ID, by, false, t0.Add(time.Minute), nil); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("%s removed an Acme user's address: %v", name, err)
			}
			if _, err := s.SetRememberBrowserDays(ctx, acme.account.ID, 30, by, nil); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("%s let Acme's users trust browsers: %v", name, err)
			}
			if err := s.SetPasskeysAllowed(ctx, acme.account.ID, false, by, nil); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("%s switched Acme's passkeys off: %v", name, err)
			}
			promote, on := shared.RoleAdmin, true
			for _, c := range []domain.UserChange{{Role: &promote}, {Disabled: &on}} {
				if _, _, err := s.ChangeUser(ctx, acme.users[1].ID, by, c, t0.Add(time.Minute), nil); !errors.Is(err, domain.ErrNotFound) {
					t.Errorf("%s changed an Acme user (%+v): %v", name, c, err)
				}
			}
			if err := s.UnlockUser(ctx, acme.users[1].ID, acme.users[1].Username, by, t0.Add(time.Minute), nil); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("%s unlocked an Acme user: %v", name, err)
			}
			if err := s.SetOneTimePassword(ctx, acme.users[1].ID, by, "$argon2id$other", t0.Add(time.Minute), nil); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("%s set an Acme user's password: %v", name, err)
			}
		}
		if got, _, err := s.LoginEvents(ctx, domain.LoginEventFilter{UserID: acme.users[1].ID, AccountID: globex.account.ID, Limit: 100}); err != nil || len(got) != 0 {
			t.Errorf("Acme's user through Globex's account: %d events, %v", len(got), err)
		}
		assertUnchanged(t, before, snapshot(t, s, acme))
		if got := fmt.Sprint(storetest.Rows(t, s, "SELECT count(*) FROM users WHERE email IS NOT NULL OR email_pending IS NOT NULL"),
			storetest.Rows(t, s, "SELECT count(*) FROM notices"), storetest.Rows(t, s, "SELECT count(*) FROM email_confirmations")); got != "[[0]] [[0]] [[0]]" {
			t.Errorf("an address, a notice or a link stayed: %s", got)
		}
		// An admin of the account may.
		if _, err := s.RequestEmail(ctx, acme.users[1].ID, acme.users[0].ID, "ok@example.com", t0.Add(time.Minute), 5, time.Hour,
			linkAudit(acme.users[1], "ok@example.com", t0.Add(time.Minute))); err != nil {
			t.Errorf("Acme's admin sets the address: %v", err)
		}

		// The listing reads no password hash and no secret.
		users, err := s.AccountUsers(ctx, domain.UserFilter{AccountID: acme.account.ID})
		if err != nil || len(users) != 2 {
			t.Fatalf("list: %d %v", len(users), err)
		}
		for _, u := range users {
			if u.PasswordHash != "" || u.TOTPSecret != nil || u.TOTPPendingSecret != nil || !u.TwoFactorEnabled() || u.Username == "" {
				t.Errorf("listed %s with hash %q, secret %v, pending %v", u.Username, u.PasswordHash, u.TOTPSecret != nil, u.TOTPPendingSecret != nil)
			}
		}
	})
}

// An account administrator's statements leave a platform administrator of
// their account alone, by the target's role as the statement reads it: the
// auth layer's check saw a plain user, who was promoted before the write.
func TestScoping_AccountAdminStatementsRefuseAPlatformAdminInSQL(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		acme, _ := twoAccounts(t, s)
		admin, target := acme.users[0], acme.users[1]
		promote := shared.RolePlatformAdmin
		if _, _, err := s.ChangeUser(ctx, target.ID, 0, domain.UserChange{Role: &promote}, t0, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RecordCodeFailure(ctx, target.ID, t0, 1, func(int) time.Duration { return time.Hour }, nil); err != nil {
			t.Fatal(err)
		}
		on, demote := true, shared.RoleUser
		if _, _, err := s.ChangeUser(ctx, target.ID, admin.ID, domain.UserChange{Disabled: &on}, t0.Add(time.Minute), nil); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("an account admin disabled a platform admin: %v", err)
		}
		if _, _, err := s.ChangeUser(ctx, target.ID, admin.ID, domain.UserChange{Role: &demote}, t0.Add(time.Minute), nil); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("an account admin demoted a platform admin: %v", err)
		}
		if err := s.UnlockUser(ctx, target.ID, target.Username, admin.ID, t0.Add(time.Minute), nil); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("an account admin unlocked a platform admin: %v", err)
		}
		if _, err := removeTOTP(s, ctx, target.ID, admin.ID, true, t0.Add(time.Minute), nil); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("an account admin reset a platform admin's 2FA: %v", err)
		}
		if err := s.SetOneTimePassword(ctx, target.ID, admin.ID, "$argon2id$other", t0.Add(time.Minute), nil); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("an account admin set a platform admin's password: %v", err)
		}
		if _, err := s.RequestEmail(ctx, target.ID, admin.ID, "evil@example.com", t0.Add(time.Minute), 5, time.Hour,
			linkAudit(target, "evil@example.com", t0)); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("an account admin set a platform admin's address: %v", err)
		}
		u, err := s.UserByID(ctx, target.ID)
		if err != nil || u.Role != shared.RolePlatformAdmin || u.Disabled() || !u.TwoFactorEnabled() || u.LockedUntil == nil ||
			u.PasswordMustChange || u.PasswordHash == "$argon2id$other" || u.Email != nil || u.EmailPending != nil {
			t.Fatalf("the platform admin after the refused changes: %+v %v", u, err)
		}
		// The same admin still changes a plain user of their account.
		if _, _, err := s.ChangeUser(ctx, target.ID, 0, domain.UserChange{Role: &demote}, t0, nil); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.ChangeUser(ctx, target.ID, admin.ID, domain.UserChange{Disabled: &on}, t0.Add(time.Minute), nil); err != nil {
			t.Fatalf("an account admin disabling their user: %v", err)
		}
		if u, _ := s.UserByID(ctx, target.ID); !u.Disabled() {
			t.Fatal("the user is not disabled")
		}
	})
}
