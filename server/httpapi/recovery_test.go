package httpapi

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/internal/testcode"

	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/shared"
)

// connected logs a fresh browser in as alice, connects her authenticator and
// returns the browser, the secret and the recovery codes.
func (e *env) connected(t *testing.T, now *time.Time) (*http.Client, string, []string) {
	t.Helper()
	e.user("alice", shared.RoleUser, "Acme")
	c := e.browser()
	e.login(c, "alice", password)
	var setup shared.TOTPSetup
	e.do(c, "POST", "/api/2fa/setup", nil).decode(t, &setup)
	var res shared.ConnectResponse
	a := e.do(c, "POST", "/api/2fa/connect", shared.CodeRequest{Code: code(t, setup.Secret, *now)})
	a.decode(t, &res)
	if a.status != 200 || len(res.RecoveryCodes) != 10 {
		t.Fatalf("connect: %d %s", a.status, a.body)
	}
	return c, setup.Secret, res.RecoveryCodes
}

func TestRecovery_CodesAreShownOnceAndNeverAgain(t *testing.T) {
	e := newEnv(t, store.SQLite)
	now := e.fixClock()
	c, secret, codes := e.connected(t, now)
	var bodies []string
	keep := func(a answer) answer { bodies = append(bodies, string(a.body)); return a }

	var me shared.Me
	keep(e.do(c, "GET", "/api/me", nil)).decode(t, &me)
	if me.RecoveryCodesLeft != 10 {
		t.Fatalf("me: %+v", me)
	}
	e.do(c, "POST", "/api/logout", nil)
	*now = now.Add(time.Minute)
	keep(e.login(c, "alice", password))
	var rl shared.RecoveryLoginResponse
	a := keep(e.do(c, "POST", "/api/login/recovery", shared.CodeRequest{Code: strings.ToUpper(codes[2])}))
	a.decode(t, &rl)
	if a.status != 200 || rl.RecoveryCodesLeft != 9 {
		t.Fatalf("recovery login: %d %s", a.status, a.body)
	}
	keep(e.do(c, "GET", "/api/me", nil)).decode(t, &me)
	if me.RecoveryCodesLeft != 9 {
		t.Fatalf("count after one use: %d", me.RecoveryCodesLeft)
	}
	// Regenerating needs a current authenticator code; the new set is shown
	// in that answer only.
	if a := keep(e.do(c, "POST", "/api/2fa/recovery-codes", shared.CodeRequest{Code: testcode.Wrong(t, secret, *now)})); a.status != 401 || a.apiError(t).Code != shared.EWrongCode {
		t.Fatalf("regenerate with a wrong code: %d %s", a.status, a.body)
	}
	var fresh shared.ConnectResponse
	a = e.do(c, "POST", "/api/2fa/recovery-codes", shared.CodeRequest{Code: code(t, secret, *now)})
	a.decode(t, &fresh)
	if a.status != 200 || len(fresh.RecoveryCodes) != 10 {
		t.Fatalf("regenerate: %d %s", a.status, a.body)
	}
	keep(e.do(c, "GET", "/api/me", nil))
	for _, body := range append(bodies, e.log.String()) {
		for _, code := range append(codes, fresh.RecoveryCodes...) {
			if strings.Contains(strings.ToLower(body), strings.ReplaceAll(code, "-", "")) || strings.Contains(strings.ToLower(body), code) {
				t.Fatalf("recovery code %s reappeared in %s", code, body)
			}
		}
	}
}
