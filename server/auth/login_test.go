package auth

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/auth/passwords"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/internal/testclock"

	"github.com/warden-auth/warden/server/sealing"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// clock is a settable time for tests.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time          { return c.now }
func (c *clock) Advance(d time.Duration) { c.now = c.now.Add(d) }

func newService(t testing.TB, s *store.Store) (*Service, *clock) {
	t.Helper()
	return newServiceWithKeys(t, s, sealing.Ephemeral())
}

// newServiceWithKeys is newService started with a key ring of the test's.
func newServiceWithKeys(t testing.TB, s *store.Store, keys *sealing.Keyring) (*Service, *clock) {
	t.Helper()
	c := &clock{now: testclock.Base}
	svc := New(storesOf(s), keys, slog.New(slog.NewTextHandler(io.Discard, nil)))
	dbs.Store(svc, s)
	svc.Hasher = passwords.NewHasher(cheap, rand.Reader)
	svc.Now = c.Now
	if err := svc.SealedKeys.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	return svc, c
}

var browser = core.Client{IP: "198.51.100.7", UserAgent: "Mozilla/5.0 test"}

func mustCreate(t *testing.T, svc *Service, username, role, account string) *domain.User {
	t.Helper()
	u, err := svc.Accounts.CreateUser(context.Background(), username, "s3cret-password", role, account)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestCreateUser_ValidatesAndRefusesDuplicates(t *testing.T) {
	svc, _ := newService(t, storetest.Open(t, store.SQLite))
	ctx := context.Background()
	u := mustCreate(t, svc, "  Alice ", shared.RoleUser, "Acme")
	if u.Username != "alice" || u.Account.Name != "Acme" {
		t.Fatalf("created %+v", u)
	}
	if _, err := svc.Accounts.CreateUser(ctx, "ALICE", "another-password", shared.RoleUser, "Acme"); shared.ErrorCode(err) != shared.EConflict {
		t.Fatalf("duplicate username: %v", err)
	}
	_, err := svc.Accounts.CreateUser(ctx, "b", "short", "root", "")
	var e *shared.Error
	if !errors.As(err, &e) || e.Code != shared.EInvalid {
		t.Fatalf("invalid input: %v", err)
	}
	for _, f := range []string{"username", "password", "role", "account"} {
		if e.Fields[f] == "" {
			t.Errorf("no message for %s in %v", f, e.Fields)
		}
	}
}

func TestBootstrap_CreatesOneAdminOnlyOnAnEmptyDatabase(t *testing.T) {
	svc, _ := newService(t, storetest.Open(t, store.SQLite))
	ctx := context.Background()
	name, pw, err := svc.Accounts.Bootstrap(ctx)
	if err != nil || name != "admin" || len(pw) < 20 {
		t.Fatalf("bootstrap: %q %q %v", name, pw, err)
	}
	res, err := svc.Login.Login(ctx, shared.LoginRequest{Username: "admin", Password: pw}, browser, "")
	if err != nil || res.Session.User.Role != shared.RolePlatformAdmin {
		t.Fatalf("log in as the bootstrapped admin, a platform admin: %v", err)
	}
	if name, _, err := svc.Accounts.Bootstrap(ctx); name != "" || err != nil {
		t.Fatalf("second bootstrap created %q (%v)", name, err)
	}
}

func TestLogin_NextStepFollowsTwoFactorStateAndPolicy(t *testing.T) {
	svc, _ := newService(t, storetest.Open(t, store.SQLite))
	ctx := context.Background()
	mustCreate(t, svc, "plain", shared.RoleUser, "Acme")
	res, err := svc.Login.Login(ctx, shared.LoginRequest{Username: "plain", Password: "s3cret-password"}, browser, "")
	if err != nil || res.Next != shared.NextDone || res.Session.Stage != domain.StageFull || len(res.Token) != 43 {
		t.Fatalf("plain login: %+v, %v", res, err)
	}
	u, _ := dbOf(svc).UserByUsername(ctx, "plain")
	if u.LastLoginAt == nil || !u.LastLoginAt.Equal(svc.Now()) {
		t.Fatalf("last login not recorded: %v", u.LastLoginAt)
	}
}

func TestLogin_UnknownUserAndWrongPasswordGiveTheSameError(t *testing.T) {
	svc, _ := newService(t, storetest.Open(t, store.SQLite))
	ctx := context.Background()
	mustCreate(t, svc, "alice", shared.RoleUser, "Acme")
	_, errWrong := svc.Login.Login(ctx, shared.LoginRequest{Username: "alice", Password: "not-the-password"}, browser, "")
	_, errUnknown := svc.Login.Login(ctx, shared.LoginRequest{Username: "mallory", Password: "not-the-password"}, browser, "")
	if errWrong == nil || errWrong.Error() != errUnknown.Error() || shared.ErrorCode(errWrong) != shared.EWrongCredentials {
		t.Fatalf("wrong password: %v; unknown user: %v", errWrong, errUnknown)
	}
}

func TestLogin_RecordsEveryAttemptWithReason(t *testing.T) {
	svc, c := newService(t, storetest.Open(t, store.SQLite))
	ctx := context.Background()
	alice := mustCreate(t, svc, "alice", shared.RoleUser, "Acme")
	svc.Login.Login(ctx, shared.LoginRequest{Username: "alice", Password: "wrong-password"}, browser, "")
	c.Advance(time.Second)
	svc.Login.Login(ctx, shared.LoginRequest{Username: "Alice", Password: "s3cret-password"}, browser, "")
	events, _, err := dbOf(svc).LoginEvents(ctx, domain.LoginEventFilter{UserID: alice.ID, Limit: 10})
	if err != nil || len(events) != 2 {
		t.Fatalf("events: %+v, %v", events, err)
	}
	ok, fail := events[0], events[1]
	if ok.Result != shared.ResultSuccess || ok.Reason != "" || !ok.CreatedAt.Equal(c.now) ||
		fail.Result != shared.ResultFailure || fail.Reason != shared.ReasonWrongPassword {
		t.Fatalf("events: %+v", events)
	}
	for _, e := range events {
		if e.IP != browser.IP || e.UserAgent != browser.UserAgent || e.Method != shared.MethodPassword ||
			e.Username != "alice" || *e.AccountID != alice.AccountID {
			t.Fatalf("event fields: %+v", e)
		}
	}
}

func TestLogin_UpgradesAnOldHash(t *testing.T) {
	svc, _ := newService(t, storetest.Open(t, store.SQLite))
	ctx := context.Background()
	mustCreate(t, svc, "alice", shared.RoleUser, "Acme")
	stronger := cheap
	stronger.Time = 3
	svc.Hasher = passwords.NewHasher(stronger, rand.Reader)
	if _, err := svc.Login.Login(ctx, shared.LoginRequest{Username: "alice", Password: "s3cret-password"}, browser, ""); err != nil {
		t.Fatal(err)
	}
	u, _ := dbOf(svc).UserByUsername(ctx, "alice")
	// Verify asks for no rehash only of a hash under the Hasher's own
	// parameters, the stronger ones.
	if ok, rehash, err := svc.Hasher.Verify("s3cret-password", u.PasswordHash); err != nil || !ok || rehash {
		t.Fatalf("hash not upgraded: %s", u.PasswordHash)
	}
}

func TestSessions_RotateAtLoginAndExpire(t *testing.T) {
	svc, c := newService(t, storetest.Open(t, store.SQLite))
	ctx := context.Background()
	mustCreate(t, svc, "alice", shared.RoleUser, "Acme")
	login := func(old string) string {
		res, err := svc.Login.Login(ctx, shared.LoginRequest{Username: "alice", Password: "s3cret-password"}, browser, old)
		if err != nil {
			t.Fatal(err)
		}
		return res.Token
	}
	first := login("")
	second := login(first)
	if _, _, err := svc.Sessions.Authenticate(ctx, first); shared.ErrorCode(err) != shared.EUnauthenticated {
		t.Fatalf("the session a login replaced still works: %v", err)
	}
	// Activity keeps a session alive past the idle limit...
	for range 3 {
		c.Advance(svc.SessionIdle - time.Minute)
		if _, stage, err := svc.Sessions.Authenticate(ctx, second); err != nil || stage != domain.StageFull {
			t.Fatalf("active session refused: %v", err)
		}
	}
	// ...but not past the idle limit without activity,
	c.Advance(svc.SessionIdle)
	if _, _, err := svc.Sessions.Authenticate(ctx, second); shared.ErrorCode(err) != shared.EUnauthenticated {
		t.Fatalf("idle session accepted: %v", err)
	}
	// and never past the absolute limit, however active: the last use is
	// moments before SessionMax, so only the absolute limit can end it.
	third := login("")
	start := c.now
	for c.now.Sub(start) < svc.SessionMax-svc.SessionIdle/2 {
		c.Advance(svc.SessionIdle / 2)
		if _, _, err := svc.Sessions.Authenticate(ctx, third); err != nil {
			t.Fatalf("session refused after %v: %v", c.now.Sub(start), err)
		}
	}
	c.now = start.Add(svc.SessionMax - time.Second)
	if _, _, err := svc.Sessions.Authenticate(ctx, third); err != nil {
		t.Fatalf("session refused a second before SessionMax: %v", err)
	}
	c.Advance(2 * time.Second)
	if _, _, err := svc.Sessions.Authenticate(ctx, third); shared.ErrorCode(err) != shared.EUnauthenticated {
		t.Fatalf("session older than SessionMax accepted: %v", err)
	}
	if err := svc.Login.Logout(ctx, third); err != nil {
		t.Fatal(err)
	}
}

func TestAuthenticate_ForcedPolicyTurnsOldSessionsIntoEnrollment(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	svc, _ := newService(t, s)
	ctx := context.Background()
	mustCreate(t, svc, "alice", shared.RoleUser, "Acme")
	res, _ := svc.Login.Login(ctx, shared.LoginRequest{Username: "alice", Password: "s3cret-password"}, browser, "")
	forcePolicy(t, s, "Acme")
	if _, stage, err := svc.Sessions.Authenticate(ctx, res.Token); err != nil || stage != domain.StageEnrollment {
		t.Fatalf("stage after the policy was switched on: %q, %v", stage, err)
	}
	res, err := svc.Login.Login(ctx, shared.LoginRequest{Username: "alice", Password: "s3cret-password"}, browser, res.Token)
	if err != nil || res.Next != shared.NextEnroll || res.Session.Stage != domain.StageEnrollment ||
		!res.Session.ExpiresAt.Equal(svc.Now().Add(svc.EnrollmentTTL)) {
		t.Fatalf("login under the policy: %+v, %v", res, err)
	}
}

func TestSweep_DropsExpiredSessionsAndEventsPastRetention(t *testing.T) {
	svc, c := newService(t, storetest.Open(t, store.SQLite))
	ctx := context.Background()
	alice := mustCreate(t, svc, "alice", shared.RoleUser, "Acme")
	svc.Login.Login(ctx, shared.LoginRequest{Username: "alice", Password: "s3cret-password"}, browser, "")
	c.Advance(svc.HistoryRetention + time.Hour)
	fresh, _ := svc.Login.Login(ctx, shared.LoginRequest{Username: "alice", Password: "s3cret-password"}, browser, "")
	n, err := svc.Sweep(ctx)
	if err != nil || n != 2 { // the old session and the old event
		t.Fatalf("sweep: %d %v", n, err)
	}
	events, _, _ := dbOf(svc).LoginEvents(ctx, domain.LoginEventFilter{UserID: alice.ID, Limit: 10})
	if len(events) != 1 {
		t.Fatalf("%d events left, want the recent one", len(events))
	}
	if _, _, err := svc.Sessions.Authenticate(ctx, fresh.Token); err != nil {
		t.Fatalf("the live session was swept: %v", err)
	}
}

// cheap keeps tests fast.
var cheap = passwords.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
