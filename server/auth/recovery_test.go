package auth

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/auth/factor/recovery"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/internal/testcode"

	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

func TestNewRecoveryCodes_TenReadableUniqueCodesStoredOnlyAsKeyedHashes(t *testing.T) {
	svc, _ := newService(t, storetest.Open(t, store.SQLite))
	codes, hashes, err := svc.Recovery.NewCodes()
	if err != nil || len(codes) != 10 || len(hashes) != 10 {
		t.Fatalf("%v %v %v", codes, hashes, err)
	}
	shape := regexp.MustCompile(`^[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}$`)
	seen := map[string]bool{}
	for i, c := range codes {
		if !shape.MatchString(c) || seen[c] {
			t.Errorf("code %q: wrong shape or repeated", c)
		}
		seen[c] = true
		bare := strings.ReplaceAll(c, "-", "")
		if strings.Contains(hashes[i], bare) || !svc.Keys.TagMatches(hashes[i], recovery.Purpose, []byte(bare)) {
			t.Errorf("hash %q of %q", hashes[i], c)
		}
	}
}

// connectWithCodes connects alice's authenticator and returns its secret and
// her recovery codes.
func connectWithCodes(t *testing.T, svc *Service, c *clock) (string, []string) {
	t.Helper()
	ctx := context.Background()
	u := mustCreate(t, svc, "alice", shared.RoleUser, "Acme")
	setup, _ := svc.TOTP.Setup(ctx, u)
	done, err := connectTOTP(svc, ctx, fullSession(t, svc, "alice"), domain.StageFull, codeAt(t, setup.Secret, c.now), browser)
	if err != nil || len(done.RecoveryCodes) != 10 {
		t.Fatalf("connect: %+v %v", done, err)
	}
	return setup.Secret, done.RecoveryCodes
}

func TestLoginWithRecoveryCode_EachCodeWorksOnce(t *testing.T) {
	svc, c := newService(t, storetest.Open(t, store.SQLite))
	secret, codes := connectWithCodes(t, svc, c)
	ctx := context.Background()
	res, left, err := loginWithRecoveryCode(svc, ctx, passwordStep(t, svc), strings.ToUpper(codes[3]), false, browser)
	if err != nil || left != 9 || res.Session.Stage != domain.StageFull {
		t.Fatalf("first use: %v left=%d", err, left)
	}
	_, _, err = loginWithRecoveryCode(svc, ctx, passwordStep(t, svc), codes[3], false, browser)
	if shared.ErrorCode(err) != shared.EWrongCode || err.Error() != "wrong_code: That recovery code was already used. Each code works once." {
		t.Fatalf("second use: %v", err)
	}
	if _, _, err := loginWithRecoveryCode(svc, ctx, passwordStep(t, svc), "zzzz-zzzz-zzzz", false, browser); err.Error() != "wrong_code: That recovery code is not right." {
		t.Fatalf("wrong code: %v", err)
	}
	if _, _, err := loginWithRecoveryCode(svc, ctx, passwordStep(t, svc), "not a code", false, browser); shared.ErrorCode(err) != shared.EInvalid {
		t.Fatalf("malformed code: %v", err)
	}
	// Spend the rest: TOTP still works when none is left.
	for i, code := range codes {
		if i == 3 {
			continue
		}
		if _, _, err := loginWithRecoveryCode(svc, ctx, passwordStep(t, svc), code, false, browser); err != nil {
			t.Fatalf("code %d: %v", i, err)
		}
	}
	u, _ := dbOf(svc).UserByUsername(ctx, "alice")
	if n, _ := dbOf(svc).RecoveryCodesLeft(ctx, u.ID); n != 0 {
		t.Fatalf("%d left after using all", n)
	}
	c.Advance(time.Minute)
	if _, err := verifyTOTP(svc, ctx, passwordStep(t, svc), codeAt(t, secret, c.now), false, browser); err != nil {
		t.Fatalf("TOTP with no recovery codes left: %v", err)
	}
	events, _, _ := dbOf(svc).LoginEvents(ctx, domain.LoginEventFilter{UserID: u.ID, Limit: 100})
	reasons := map[string]int{}
	for _, e := range events {
		if e.Method == shared.MethodRecoveryCode {
			reasons[e.Result+"/"+e.Reason]++
		}
	}
	if reasons["success/"] != 10 || reasons["failure/reused_code"] != 1 || reasons["failure/wrong_code"] != 1 {
		t.Fatalf("recovery events: %v", reasons)
	}
}

func TestLoginWithRecoveryCode_WrongCodesShareTheTOTPLockout(t *testing.T) {
	svc, c := newService(t, storetest.Open(t, store.SQLite))
	secret, codes := connectWithCodes(t, svc, c)
	ctx := context.Background()
	for i := range 4 {
		var err error
		if i%2 == 0 {
			_, _, err = loginWithRecoveryCode(svc, ctx, passwordStep(t, svc), "zzzz-zzzz-zzzz", false, browser)
		} else {
			_, err = verifyTOTP(svc, ctx, passwordStep(t, svc), testcode.Wrong(t, secret, c.now), false, browser)
		}
		if shared.ErrorCode(err) != shared.EWrongCode {
			t.Fatalf("failure %d: %v", i+1, err)
		}
	}
	_, _, err := loginWithRecoveryCode(svc, ctx, passwordStep(t, svc), "zzzz-zzzz-zzzz", false, browser)
	if shared.ErrorCode(err) != shared.ERateLimited {
		t.Fatalf("fifth failure: %v", err)
	}
	if _, _, err := loginWithRecoveryCode(svc, ctx, passwordStep(t, svc), codes[0], false, browser); shared.ErrorCode(err) != shared.ERateLimited {
		t.Fatalf("a right recovery code while locked: %v", err)
	}
}

func TestRegenerateRecoveryCodes_NeedsACurrentCodeAndKillsTheOldSet(t *testing.T) {
	svc, c := newService(t, storetest.Open(t, store.SQLite))
	secret, old := connectWithCodes(t, svc, c)
	ctx := context.Background()
	u, _ := dbOf(svc).UserByUsername(ctx, "alice")
	if _, err := regenerate(svc, ctx, u, testcode.Wrong(t, secret, c.now), browser); shared.ErrorCode(err) != shared.EWrongCode {
		t.Fatalf("wrong code: %v", err)
	}
	if _, err := regenerate(svc, ctx, u, codeAt(t, secret, c.now), browser); shared.ErrorCode(err) != shared.EWrongCode {
		t.Fatalf("the connecting (used) code: %v", err)
	}
	c.Advance(time.Minute)
	fresh, err := regenerate(svc, ctx, u, codeAt(t, secret, c.now), browser)
	if err != nil || len(fresh) != 10 || fresh[0] == old[0] {
		t.Fatalf("regenerate: %v %v", fresh, err)
	}
	if _, _, err := loginWithRecoveryCode(svc, ctx, passwordStep(t, svc), old[0], false, browser); shared.ErrorCode(err) != shared.EWrongCode {
		t.Fatalf("an old code still works: %v", err)
	}
	if _, left, err := loginWithRecoveryCode(svc, ctx, passwordStep(t, svc), fresh[0], false, browser); err != nil || left != 9 {
		t.Fatalf("a new code: %v left=%d", err, left)
	}
	// The code that regenerated is spent for login too.
	if _, err := verifyTOTP(svc, ctx, passwordStep(t, svc), codeAt(t, secret, c.now), false, browser); shared.ErrorCode(err) != shared.EWrongCode {
		t.Fatalf("the regenerating code logged in: %v", err)
	}
	nobody := mustCreate(t, svc, "bob", shared.RoleUser, "Acme")
	if _, err := regenerate(svc, ctx, nobody, "123456", browser); shared.ErrorCode(err) != shared.EConflict {
		t.Fatalf("regenerate without 2FA: %v", err)
	}
}
