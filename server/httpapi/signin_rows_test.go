package httpapi

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// signInRows are the user's login_events rows after id, oldest first, as
// the database holds them: "result method [methods] pending reason".
func (e *env) signInRows(t *testing.T, username string, after string) []string {
	t.Helper()
	var rows []string
	for _, r := range storetest.Rows(t, e.st, `SELECT e.result, e.method, e.methods,
		CASE WHEN e.pending THEN 'pending' ELSE 'done' END, e.reason
		FROM login_events e JOIN users u ON u.id = e.user_id
		WHERE u.username = ? AND e.id > ? ORDER BY e.id`, username, after) {
		rows = append(rows, strings.TrimSpace(strings.Join(r, " ")))
	}
	return rows
}

// lastEventID is where the rows of a scenario start.
func (e *env) lastEventID(t *testing.T) string {
	t.Helper()
	return storetest.Rows(t, e.st, "SELECT COALESCE(MAX(id), 0) FROM login_events")[0][0]
}

// A sign-in is one row of the history, whatever steps it took: the
// password step's row is pending until the step that completes the
// sign-in updates it with every method; failed steps stay rows of their
// own. The rows are the database's; the page the user reads says the same.
func TestHistory_OneRowPerSignIn(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			now := e.fixClock()
			ctx := context.Background()
			_, secret, _ := e.connected(t, now)
			e.user("bob", shared.RoleUser, "Acme")
			check := func(what, username, from string, want ...string) {
				t.Helper()
				if got := e.signInRows(t, username, from); strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Errorf("%s: rows\n%s\nwant\n%s", what, strings.Join(got, "\n"), strings.Join(want, "\n"))
				}
			}

			// A full 2FA login: pending after the password, one success
			// after the code.
			*now = now.Add(time.Minute)
			from := e.lastEventID(t)
			c := e.browser()
			e.login(c, "alice", password)
			check("after the password", "alice", from, "success password password pending")
			if a := e.do(c, "POST", "/api/login/totp", shared.CodeRequest{Code: code(t, secret, *now)}); a.status != 200 {
				t.Fatalf("code: %d %s", a.status, a.body)
			}
			check("2FA login", "alice", from, "success totp password totp done")
			var page shared.LoginEventPage
			e.do(c, "GET", "/api/me/logins?limit=1", nil).decode(t, &page)
			if ev := page.Events[0]; ev.Result != shared.ResultSuccess || ev.Pending ||
				strings.Join(ev.Methods, " ") != "password totp" || ev.Method != shared.MethodTOTP {
				t.Errorf("the page's row: %+v", ev)
			}

			// A password-only login (2FA off): one row, complete.
			from = e.lastEventID(t)
			e.login(e.browser(), "bob", password)
			check("password-only login", "bob", from, "success password password done")

			// The password, a wrong code, the right code: the refusal
			// stays a row of its own.
			*now = now.Add(time.Minute)
			from = e.lastEventID(t)
			c = e.browser()
			e.login(c, "alice", password)
			e.do(c, "POST", "/api/login/totp", shared.CodeRequest{Code: "000000"})
			if a := e.do(c, "POST", "/api/login/totp", shared.CodeRequest{Code: code(t, secret, *now)}); a.status != 200 {
				t.Fatalf("code after a wrong one: %d %s", a.status, a.body)
			}
			check("wrong code then right", "alice", from,
				"success totp password totp done", "failure totp  done wrong_code")

			// The forced first login: a one-time password, its change,
			// then the setup 2FA forced: one row.
			carol := e.user("carol", shared.RoleUser, "Acme")
			if _, err := e.st.SetForceTwoFactor(ctx, carol.AccountID, true, 0, *now, nil); err != nil {
				t.Fatal(err)
			}
			if err := e.svc.Accounts.SetOneTimePassword(ctx, nil, carol.ID, oneTimePassword, core.Client{}); err != nil {
				t.Fatal(err)
			}
			from = e.lastEventID(t)
			c = e.loginOneTime(t, "carol")
			if a := e.changePassword(c, oneTimePassword, newPassword); a.status != 200 {
				t.Fatalf("change: %d %s", a.status, a.body)
			}
			check("after the change", "carol", from, "success password password pending")
			e.enroll(t, c, *now)
			check("forced first login", "carol", from, "success totp password totp done")
		})
	}
}
