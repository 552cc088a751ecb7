package httpapi

import (
	"testing"
	"time"

	"github.com/warden-auth/warden/server/internal/testcode"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// auditTrail is the account's audit log as "action by actor on target:
// detail", oldest first, as an administrator reads it.
func auditTrail(t *testing.T, e *env) []string {
	t.Helper()
	var out []string
	for _, r := range storetest.Rows(t, e.st, "SELECT action, actor_name, target_name, detail FROM audit_events ORDER BY id") {
		out = append(out, r[0]+" by "+r[1]+" on "+r[2]+": "+r[3])
	}
	return out
}

// Every attempt leaves a trace: a thief who holds alice's session and tries
// passwords at Disconnect or codes at Regenerate is seen in the audit log,
// and a code that is not a code at all is still an attempt in her login
// history. Creating a user is audited too.
func TestAttempts_RefusedSecurityChangesAndMalformedCodesLeaveATrace(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			now := e.fixClock()
			c, secret, _ := e.connected(t, now)
			*now = now.Add(time.Minute)

			if a := e.do(c, "POST", "/api/2fa/disconnect", shared.DisconnectRequest{Password: "not hers"}); a.apiError(t).Code != shared.EWrongCredentials {
				t.Fatalf("disconnect: %s", a.body)
			}
			if a := e.do(c, "POST", "/api/2fa/recovery-codes", shared.CodeRequest{Code: testcode.Wrong(t, secret, *now)}); a.apiError(t).Code != shared.EWrongCode {
				t.Fatalf("regenerate, wrong code: %s", a.body)
			}
			if a := e.do(c, "POST", "/api/2fa/recovery-codes", shared.CodeRequest{Code: "12345"}); a.apiError(t).Code != shared.EInvalid {
				t.Fatalf("regenerate, malformed code: %s", a.body)
			}
			want := []string{
				"user_created by command line on alice: role user",
				"2fa_connected by alice on alice: ",
				"2fa_disconnect_refused by alice on alice: wrong_password",
				"recovery_codes_regenerate_refused by alice on alice: wrong_code",
				"recovery_codes_regenerate_refused by alice on alice: malformed_code",
			}
			if got := auditTrail(t, e); len(got) != len(want) || func() bool {
				for i := range want {
					if got[i] != want[i] {
						return true
					}
				}
				return false
			}() {
				t.Fatalf("audit log:\n%q\nwant\n%q", got, want)
			}

			// A malformed recovery code at the second step is recorded,
			// not counted toward the lockout.
			a := e.do(e.passwordStep(t, "alice"), "POST", "/api/login/recovery", shared.CodeRequest{Code: "not-a-code"})
			if a.apiError(t).Code != shared.EInvalid || e.lastReason(t, "alice") != shared.ReasonMalformedCode {
				t.Fatalf("malformed recovery code: %s, recorded as %q", a.body, e.lastReason(t, "alice"))
			}
			if counted, _ := e.codeAttempts(t, "alice"); counted != 1 { // the wrong code at Regenerate
				t.Fatalf("%d code failures counted, want 1", counted)
			}
		})
	}
}
