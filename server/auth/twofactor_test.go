package auth

import (
	"bytes"
	"context"
	"encoding/base32"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/auth/keys"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/internal/testcode"

	"github.com/pquerna/otp/totp"
	"github.com/warden-auth/warden/server/sealing"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// codeAt is what the user's authenticator app shows at t.
func codeAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// withTOTP creates alice and connects an authenticator for her; it returns
// the base32 secret.
func withTOTP(t *testing.T, svc *Service, c *clock) string {
	t.Helper()
	ctx := context.Background()
	u := mustCreate(t, svc, "alice", shared.RoleUser, "Acme")
	setup, err := svc.TOTP.Setup(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	sess := fullSession(t, svc, "alice")
	if _, err := connectTOTP(svc, ctx, sess, domain.StageFull, codeAt(t, setup.Secret, c.now), browser); err != nil {
		t.Fatal(err)
	}
	return setup.Secret
}

func fullSession(t *testing.T, svc *Service, username string) *domain.Session {
	t.Helper()
	u, err := dbOf(svc).UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return &domain.Session{User: u, UserID: u.ID, Stage: domain.StageFull}
}

// passwordStep logs alice in with her password and returns the session that
// waits for the code.
func passwordStep(t *testing.T, svc *Service) *domain.Session {
	t.Helper()
	res, err := svc.Login.Login(context.Background(), shared.LoginRequest{Username: "alice", Password: "s3cret-password"}, browser, "")
	if err != nil {
		t.Fatal(err)
	}
	if res.Next != shared.NextTOTP || res.Session.Stage != domain.StagePasswordOK ||
		!res.Session.ExpiresAt.Equal(svc.Now().Add(5*time.Minute)) {
		t.Fatalf("password step: %+v", res)
	}
	sess, stage, err := svc.Sessions.Authenticate(context.Background(), res.Token)
	if err != nil || stage != domain.StagePasswordOK {
		t.Fatalf("authenticate: %v %s", err, stage)
	}
	return sess
}

func TestVerifyTOTP_AcceptsOneStepOfDriftAndRefusesTwo(t *testing.T) {
	svc, c := newService(t, storetest.Open(t, store.SQLite))
	secret := withTOTP(t, svc, c)
	c.Advance(5 * time.Minute) // well past the connecting code's step
	ctx := context.Background()
	for _, tc := range []struct {
		offset time.Duration
		ok     bool
	}{{-60 * time.Second, false}, {-30 * time.Second, true}, {0, true}, {30 * time.Second, true}, {60 * time.Second, false}} {
		c.Advance(2 * time.Minute) // each case in a fresh window, after the last accepted step
		_, err := verifyTOTP(svc, ctx, passwordStep(t, svc), codeAt(t, secret, c.now.Add(tc.offset)), false, browser)
		if (err == nil) != tc.ok || (!tc.ok && shared.ErrorCode(err) != shared.EWrongCode) {
			t.Errorf("code from %v: err=%v, want ok=%v (or wrong_code)", tc.offset, err, tc.ok)
		}
	}
}

func TestVerifyTOTP_RefusesAReplayedCodeAndEarlierSteps(t *testing.T) {
	svc, c := newService(t, storetest.Open(t, store.SQLite))
	secret := withTOTP(t, svc, c)
	ctx := context.Background()
	// The code that connected cannot log in.
	if _, err := verifyTOTP(svc, ctx, passwordStep(t, svc), codeAt(t, secret, c.now), false, browser); shared.ErrorCode(err) != shared.EWrongCode {
		t.Fatalf("the connecting code logged in: %v", err)
	}
	c.Advance(time.Minute)
	code := codeAt(t, secret, c.now)
	if _, err := verifyTOTP(svc, ctx, passwordStep(t, svc), code, false, browser); err != nil {
		t.Fatal(err)
	}
	for _, replay := range []string{code, code[:3] + " " + code[3:], codeAt(t, secret, c.now.Add(-30*time.Second))} {
		_, err := verifyTOTP(svc, ctx, passwordStep(t, svc), replay, false, browser)
		if shared.ErrorCode(err) != shared.EWrongCode || err.Error() != "wrong_code: That code was already used. Wait for your app to show a new one." {
			t.Errorf("replay %q: %v", replay, err)
		}
	}
	u, _ := dbOf(svc).UserByUsername(ctx, "alice")
	events, _, _ := dbOf(svc).LoginEvents(ctx, domain.LoginEventFilter{UserID: u.ID, Limit: 100})
	reasons := map[string]int{}
	for _, e := range events {
		if e.Method == shared.MethodTOTP {
			reasons[e.Result+"/"+e.Reason]++
		}
	}
	if reasons["failure/reused_code"] != 4 || reasons["success/"] != 1 {
		t.Fatalf("events: %v", reasons)
	}
}

func TestVerifyTOTP_LocksOutAfterFiveWrongCodesUntilThePeriodEnds(t *testing.T) {
	svc, c := newService(t, storetest.Open(t, store.SQLite))
	secret := withTOTP(t, svc, c)
	c.Advance(time.Minute)
	ctx := context.Background()
	sess := passwordStep(t, svc)
	wrong := func() error {
		s := passwordStep(t, svc)
		_, err := verifyTOTP(svc, ctx, s, testcode.Wrong(t, secret, c.now), false, browser)
		return err
	}
	for i := 1; i <= 4; i++ {
		if err := wrong(); shared.ErrorCode(err) != shared.EWrongCode {
			t.Fatalf("wrong code %d: %v", i, err)
		}
	}
	err := wrong()
	e, ok := err.(*shared.Error)
	if !ok || e.Code != shared.ERateLimited || e.RetryAfter != 60 {
		t.Fatalf("fifth wrong code: %#v", err)
	}
	// Locked: even the right code is refused, and says when to come back.
	c.Advance(30 * time.Second)
	_, err = verifyTOTP(svc, ctx, sess, codeAt(t, secret, c.now), false, browser)
	if e, ok := err.(*shared.Error); !ok || e.Code != shared.ERateLimited || e.RetryAfter != 30 {
		t.Fatalf("right code while locked: %#v", err)
	}
	c.Advance(31 * time.Second)
	if _, err := verifyTOTP(svc, ctx, passwordStep(t, svc), codeAt(t, secret, c.now), false, browser); err != nil {
		t.Fatalf("right code after the lock: %v", err)
	}
	u, _ := dbOf(svc).UserByUsername(ctx, "alice")
	if u.FailedCodeCount != 0 || u.LockedUntil != nil {
		t.Fatalf("success did not reset the count: %+v", u)
	}
	events, _, _ := dbOf(svc).LoginEvents(ctx, domain.LoginEventFilter{UserID: u.ID, Limit: 100})
	reasons := map[string]int{}
	for _, e := range events {
		if e.Method == shared.MethodTOTP {
			reasons[e.Result+"/"+e.Reason]++
		}
	}
	if reasons["failure/wrong_code"] != 5 || reasons["failure/locked_out"] != 1 || reasons["success/"] != 1 {
		t.Fatalf("code events: %v", reasons)
	}
}

func TestConnectTOTP_NeedsTheRightCodeAndStoresOnlyASealedSecret(t *testing.T) {
	svc, c := newService(t, storetest.Open(t, store.SQLite))
	ctx := context.Background()
	u := mustCreate(t, svc, "alice", shared.RoleUser, "Acme")
	if _, err := connectTOTP(svc, ctx, fullSession(t, svc, "alice"), domain.StageFull, "123456", browser); shared.ErrorCode(err) != shared.EConflict {
		t.Fatalf("connect before setup: %v", err)
	}
	first, _ := svc.TOTP.Setup(ctx, u)
	second, err := svc.TOTP.Setup(ctx, u)
	if err != nil || first.Secret == second.Secret || len(second.Secret) != 32 || len(second.QRPNG) < 100 {
		t.Fatalf("setup: %+v %v", second, err)
	}
	if want := "otpauth://totp/Warden:alice?"; second.URL[:len(want)] != want {
		t.Fatalf("otpauth URL %s", second.URL)
	}
	// The replaced secret's code no longer connects; a malformed code is
	// refused before any comparison.
	for code, want := range map[string]string{codeAt(t, first.Secret, c.now): shared.EWrongCode, "12345": shared.EInvalid, "abcdef": shared.EInvalid} {
		if _, err := connectTOTP(svc, ctx, fullSession(t, svc, "alice"), domain.StageFull, code, browser); shared.ErrorCode(err) != want {
			t.Errorf("connect with %q: %v, want %s", code, err, want)
		}
	}
	if _, err := connectTOTP(svc, ctx, fullSession(t, svc, "alice"), domain.StageFull, codeAt(t, second.Secret, c.now), browser); err != nil {
		t.Fatal(err)
	}
	stored, _ := dbOf(svc).UserByUsername(ctx, "alice")
	raw, _ := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(second.Secret)
	if !stored.TwoFactorEnabled() || bytes.Contains(stored.TOTPSecret, raw) || bytes.Contains(stored.TOTPSecret, []byte(second.Secret)) {
		t.Fatal("the stored secret is not sealed")
	}
	if _, err := svc.TOTP.Setup(ctx, stored); shared.ErrorCode(err) != shared.EConflict {
		t.Fatalf("setup while connected: %v", err)
	}
}

func TestConnectTOTP_TurnsAnEnrollingSessionIntoAFullOne(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	svc, c := newService(t, s)
	ctx := context.Background()
	mustCreate(t, svc, "alice", shared.RoleUser, "Acme")
	forcePolicy(t, s, "Acme")
	res, _ := svc.Login.Login(ctx, shared.LoginRequest{Username: "alice", Password: "s3cret-password"}, browser, "")
	sess, stage, _ := svc.Sessions.Authenticate(ctx, res.Token)
	setup, _ := svc.TOTP.Setup(ctx, sess.User)
	sess, stage, _ = svc.Sessions.Authenticate(ctx, res.Token) // reload the pending secret
	done, err := connectTOTP(svc, ctx, sess, stage, codeAt(t, setup.Secret, c.now), browser)
	if err != nil || done.Session == nil || done.Session.Session.Stage != domain.StageFull || len(done.RecoveryCodes) != 10 {
		t.Fatalf("connect while enrolling: %+v %v", done, err)
	}
	full := done.Session
	if _, _, err := svc.Sessions.Authenticate(ctx, res.Token); shared.ErrorCode(err) != shared.EUnauthenticated {
		t.Fatal("the enrolling token survived its upgrade")
	}
	if _, stage, err := svc.Sessions.Authenticate(ctx, full.Token); err != nil || stage != domain.StageFull {
		t.Fatalf("new token: %s %v", stage, err)
	}
}

// A key rotation as the README tells an operator to do it: put the new key
// first, restart, let users log in, drop the old key. Nothing may depend on
// the old key by then: not the authenticator, and not the recovery codes,
// which a user needs exactly when the phone is gone.
func TestKeyRotation_NothingNeedsTheOldKeyOnceStatusSaysItCanGo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		oldSpec, _ := sealing.Generate("old")
		newSpec, _ := sealing.Generate("new")
		svc, c := newServiceWithKeys(t, s, mustParse(t, oldSpec))
		restart := func(spec string) error {
			svc.Keys = mustParse(t, spec)
			return svc.SealedKeys.Open(ctx)
		}
		u := mustCreate(t, svc, "alice", shared.RoleUser, "Acme")
		setup, err := svc.TOTP.Setup(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		done, err := connectTOTP(svc, ctx, fullSession(t, svc, "alice"), domain.StageFull, codeAt(t, setup.Secret, c.now), browser)
		if err != nil {
			t.Fatal(err)
		}
		need := func(id string) int {
			t.Helper()
			status, err := svc.SealedKeys.Status(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range status {
				if k.KeyID == id {
					return k.Total()
				}
			}
			return 0
		}

		// Rotate: the new key seals, the old one still opens.
		if err := restart(newSpec + "," + oldSpec); err != nil {
			t.Fatal(err)
		}
		if n := need("old"); n != 1 {
			t.Fatalf("after the restart the old key is needed by %d values, want 1 (alice's secret)", n)
		}
		c.Advance(time.Minute)
		if _, err := verifyTOTP(svc, ctx, passwordStep(t, svc), codeAt(t, setup.Secret, c.now), false, browser); err != nil {
			t.Fatal(err)
		}
		u, _ = dbOf(svc).UserByUsername(ctx, "alice")
		if svc.Keys.Stale(u.TOTPSecret) {
			t.Fatal("the secret is still sealed under the retired key")
		}
		if n := need("old"); n != 0 {
			t.Fatalf("after alice's login the old key is still needed by %d values", n)
		}

		// Now the old key can go: the authenticator and every recovery
		// code still work, and no failure was counted.
		if err := restart(newSpec); err != nil {
			t.Fatalf("start without the old key: %v", err)
		}
		c.Advance(time.Minute)
		if _, err := verifyTOTP(svc, ctx, passwordStep(t, svc), codeAt(t, setup.Secret, c.now), false, browser); err != nil {
			t.Fatalf("authenticator after dropping the old key: %v", err)
		}
		for i, code := range done.RecoveryCodes[:3] {
			if _, left, err := loginWithRecoveryCode(svc, ctx, passwordStep(t, svc), code, false, browser); err != nil || left != 9-i {
				t.Fatalf("recovery code %d after dropping the old key: %d left, %v", i+1, left, err)
			}
		}
		if u, _ := dbOf(svc).UserByUsername(ctx, "alice"); u.FailedCodeCount != 0 {
			t.Fatalf("%d failures counted", u.FailedCodeCount)
		}
	})
}

// A server started with a ring that cannot open the database's keys, or
// without a key that stored secrets still need, refuses to start and says
// which key is missing.
func TestOpenKeys_RefusesARingThatCannotOpenTheDatabase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		firstSpec, _ := sealing.Generate("k1")
		svc, c := newServiceWithKeys(t, s, mustParse(t, firstSpec))
		withTOTP(t, svc, c)

		// A second server with a key of its own under the same id, as
		// one with its own DATA_DIR generates.
		otherSpec, _ := sealing.Generate("k1")
		svc.Keys = mustParse(t, otherSpec)
		err := svc.SealedKeys.Open(ctx)
		if !errors.Is(err, keys.ErrDoNotOpen) || !strings.Contains(err.Error(), "same SECRET_KEY") {
			t.Fatalf("a foreign key ring: %v", err)
		}

		// The right ring after a rotation, but with the old key dropped
		// while alice's secret still needs it.
		newSpec, _ := sealing.Generate("k2")
		svc.Keys = mustParse(t, newSpec+","+firstSpec)
		if err := svc.SealedKeys.Open(ctx); err != nil {
			t.Fatal(err)
		}
		svc.Keys = mustParse(t, newSpec)
		err = svc.SealedKeys.Open(ctx)
		if !errors.Is(err, keys.ErrDoNotOpen) || !strings.Contains(err.Error(), `"k1"`) || !strings.Contains(err.Error(), "1 authenticator secrets") {
			t.Fatalf("a dropped key that a secret needs: %v", err)
		}
	})
}

func mustParse(t *testing.T, spec string) *sealing.Keyring {
	t.Helper()
	k, err := sealing.Parse(spec)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
