package httpapi

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/internal/testclock"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// Force 2FA with a grace period (issue 16), through the API with a moving
// clock on both databases.

const day = 24 * time.Hour

// setGrace switches the policy with a grace period of days.
func (e *env) setGrace(t *testing.T, admin *http.Client, accountID int64, on bool, days int) shared.AccountSettings {
	t.Helper()
	a := e.do(admin, "PUT", fmt.Sprintf("/api/admin/accounts/%d/settings", accountID), map[string]any{"force_2fa": on, "grace_days": days})
	if a.status != 200 {
		t.Fatalf("settings %v %d: %d %s", on, days, a.status, a.body)
	}
	var s shared.AccountSettings
	a.decode(t, &s)
	return s
}

// loginAs logs a fresh browser in and returns it with the step's next and
// the session's /api/me.
func (e *env) loginAs(t *testing.T, username string) (*http.Client, string, shared.Me) {
	t.Helper()
	c := e.browser()
	var lr shared.LoginResponse
	if a := e.login(c, username, password); a.status != 200 {
		t.Fatalf("login %s: %d %s", username, a.status, a.body)
	} else {
		a.decode(t, &lr)
	}
	return c, lr.Next, e.me(t, c)
}

// loginWithCode logs c in as username, whose authenticator secret is in
// e.secrets, with both steps.
func (e *env) loginWithCode(t *testing.T, c *http.Client, username string, now time.Time) {
	t.Helper()
	e.login(c, username, password)
	if a := e.do(c, "POST", "/api/login/totp", shared.CodeRequest{Code: code(t, e.secrets[username], now)}); a.status != 200 {
		t.Fatalf("code step of %s: %d %s", username, a.status, a.body)
	}
}

func (e *env) me(t *testing.T, c *http.Client) shared.Me {
	t.Helper()
	var me shared.Me
	a := e.do(c, "GET", "/api/me", nil)
	if a.status != 200 {
		t.Fatalf("/api/me: %d %s\n%s", a.status, a.body, e.log.String())
	}
	a.decode(t, &me)
	return me
}

func (e *env) graceStart(t *testing.T, u *domain.User) *time.Time {
	t.Helper()
	got, err := e.st.UserByID(t.Context(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got.GraceStartedAt
}

func rfc(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// graceEnv is an account whose admin has 2FA, with the policy on and a
// three-day grace period, and two users without 2FA.
func graceEnv(t *testing.T, dialect string) (e *env, now *time.Time, admin *http.Client, root, ann, bob *domain.User) {
	e = newEnv(t, dialect)
	now = e.fixClock()
	root = e.user("root", shared.RoleAdmin, "Acme")
	ann = e.user("ann", shared.RoleUser, "Acme")
	bob = e.user("bob", shared.RoleUser, "Acme")
	e.user("gus", shared.RoleUser, "Globex")
	admin = e.browser()
	e.login(admin, "root", password)
	e.secrets = map[string]string{"root": e.enroll(t, admin, *now)}
	s := e.setGrace(t, admin, root.AccountID, true, 3)
	if !s.Force2FA || s.GraceDays != 3 || s.Users != 3 || s.UsersWith2FA != 1 {
		t.Fatalf("settings: %+v", s)
	}
	return e, now, admin, root, ann, bob
}

func TestGrace_EachUserSkipsTheSetupUntilTheirOwnDeadlineThenMustEnroll(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e, now, admin, root, ann, bob := graceEnv(t, dialect)
			account := func() shared.AccountSettings {
				t.Helper()
				var page shared.AccountsPage
				c := admin
				if !now.Equal(testclock.Base) {
					c = e.browser() // the first session idled out
					e.loginWithCode(t, c, "root", *now)
				}
				r := e.do(c, "GET", "/api/admin/accounts", nil)
				r.decode(t, &page)
				if len(page.Accounts) != 1 {
					t.Fatalf("GET accounts: %d %s", r.status, r.body)
				}
				return page.Accounts[0]
			}
			if a := account(); a.GraceDays != 3 || a.Users != 3 || a.UsersWith2FA != 1 || a.UsersInGrace != 0 {
				t.Fatalf("GET accounts: %+v", a)
			}

			// Day 0: Ann's first login under the policy starts her grace.
			*now = testclock.At(time.Hour)
			annC, next, me := e.loginAs(t, "ann")
			annDeadline := rfc(testclock.At(time.Hour + 3*day))
			if next != shared.NextDone || me.Stage != shared.NextDone || me.TwoFADeadline != annDeadline || !me.Force2FA {
				t.Fatalf("ann on day 0: %s %+v", next, me)
			}
			if a := e.do(annC, "GET", "/api/me/logins", nil); a.status != 200 {
				t.Fatalf("ann's full session: %d %s", a.status, a.body)
			}
			if s := e.graceStart(t, ann); s == nil || !s.Equal(testclock.At(time.Hour)) {
				t.Fatalf("ann's grace start: %v", s)
			}
			if s := e.graceStart(t, bob); s != nil {
				t.Fatalf("bob has not logged in, yet his grace started: %v", s)
			}
			if a := account(); a.UsersInGrace != 1 {
				t.Fatalf("users in grace after ann's login: %+v", a)
			}

			// Day 1: Bob's first login gives him a later deadline; Ann's
			// next login keeps hers.
			*now = testclock.At(time.Hour + day)
			_, next, me = e.loginAs(t, "bob")
			bobDeadline := rfc(testclock.At(time.Hour + 4*day))
			if next != shared.NextDone || me.TwoFADeadline != bobDeadline {
				t.Fatalf("bob on day 1: %s %+v", next, me)
			}
			if _, _, me = e.loginAs(t, "ann"); me.TwoFADeadline != annDeadline {
				t.Fatalf("ann on day 1: %+v", me)
			}

			// A session that runs into the deadline is held to it at its
			// next request.
			*now = testclock.At(time.Hour + 3*day - 10*time.Minute)
			annC, _, _ = e.loginAs(t, "ann")
			*now = testclock.At(time.Hour + 3*day)
			if me := e.me(t, annC); me.Stage != shared.NextEnroll || me.TwoFADeadline != "" {
				t.Fatalf("ann's session at her deadline: %+v", me)
			}
			if a := e.do(annC, "GET", "/api/me/logins", nil); a.status != 403 || a.apiError(t).Code != shared.EEnrollmentRequired {
				t.Fatalf("ann past her deadline: %d %s", a.status, a.body)
			}
			// Past it, her login is the setup window, exactly as without a
			// grace period; Bob still has a day.
			*now = testclock.At(2*time.Hour + 3*day)
			_, next, me = e.loginAs(t, "ann")
			if next != shared.NextEnroll || me.Stage != shared.NextEnroll || me.TwoFADeadline != "" {
				t.Fatalf("ann after her deadline: %s %+v", next, me)
			}
			if _, next, me = e.loginAs(t, "bob"); next != shared.NextDone || me.TwoFADeadline != bobDeadline {
				t.Fatalf("bob before his deadline: %s %+v", next, me)
			}
			if a := account(); a.UsersInGrace != 1 {
				t.Fatalf("users in grace with ann past her deadline: %+v", a)
			}
			*now = testclock.At(time.Hour + 4*day)
			if _, next, _ = e.loginAs(t, "bob"); next != shared.NextEnroll {
				t.Fatalf("bob at his deadline: %s", next)
			}

			// Connecting ends the deadline; the setup goes on as today.
			bobC := e.browser()
			e.login(bobC, "bob", password)
			e.enroll(t, bobC, *now)
			if me := e.me(t, bobC); me.Stage != shared.NextDone || me.TwoFADeadline != "" {
				t.Fatalf("bob once connected: %+v", me)
			}
			// The admin, with 2FA, never had a deadline; Globex's user is not
			// touched by Acme's policy.
			if s := e.graceStart(t, root); s != nil {
				t.Fatalf("the admin's grace started: %v", s)
			}
			if _, next, me = e.loginAs(t, "gus"); next != shared.NextDone || me.TwoFADeadline != "" || me.Force2FA {
				t.Fatalf("gus in Globex: %s %+v", next, me)
			}
		})
	}
}

func TestGrace_ZeroDaysIsThePolicyWithoutGrace(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e, _, admin, root, ann, _ := graceEnv(t, dialect)
			old := e.browser()
			e.login(old, "bob", password)
			if s := e.setGrace(t, admin, root.AccountID, true, 0); s.GraceDays != 0 || !s.Force2FA {
				t.Fatalf("settings: %+v", s)
			}
			if _, next, me := e.loginAs(t, "ann"); next != shared.NextEnroll || me.Stage != shared.NextEnroll || me.TwoFADeadline != "" {
				t.Fatalf("ann with 0 days: %s %+v", next, me)
			}
			if me := e.me(t, old); me.Stage != shared.NextEnroll {
				t.Fatalf("an older session with 0 days: %+v", me)
			}
			if s := e.graceStart(t, ann); s != nil {
				t.Fatalf("a grace started with 0 days: %v", s)
			}
		})
	}
}

func TestGrace_LoweringTheDaysMovesRunningDeadlines(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e, now, admin, root, _, _ := graceEnv(t, dialect)
			e.loginAs(t, "ann")
			*now = testclock.At(day + time.Hour)
			e.loginWithCode(t, admin, "root", *now) // the admin's session idled out
			e.setGrace(t, admin, root.AccountID, true, 1)
			if _, next, _ := e.loginAs(t, "ann"); next != shared.NextEnroll {
				t.Fatalf("ann after the grace went from 3 days to 1: %s", next)
			}
			e.setGrace(t, admin, root.AccountID, true, 7)
			if _, next, me := e.loginAs(t, "ann"); next != shared.NextDone || me.TwoFADeadline != rfc(testclock.At(7*day)) {
				t.Fatalf("ann after it went to 7: %s %+v", next, me)
			}
		})
	}
}

func TestGrace_SwitchingOffForgetsEveryStartAndOnAgainGrantsANewOne(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e, now, admin, root, ann, _ := graceEnv(t, dialect)
			e.loginAs(t, "ann")
			*now = testclock.At(5 * time.Minute)
			if s := e.setGrace(t, admin, root.AccountID, false, 3); s.Force2FA || s.GraceDays != 3 {
				t.Fatalf("off: %+v", s)
			}
			if s := e.graceStart(t, ann); s != nil {
				t.Fatalf("switching off kept ann's start: %v", s)
			}
			if _, next, me := e.loginAs(t, "ann"); next != shared.NextDone || me.TwoFADeadline != "" || me.Force2FA {
				t.Fatalf("ann with the policy off: %s %+v", next, me)
			}
			// Switched on again (grace_days omitted: kept), the grace starts
			// afresh at her next login.
			*now = testclock.At(6 * time.Minute)
			if a := e.setPolicy(t, admin, root.AccountID, true); a.status != 200 {
				t.Fatalf("on again: %d %s", a.status, a.body)
			}
			*now = testclock.At(2 * day)
			if _, next, me := e.loginAs(t, "ann"); next != shared.NextDone || me.TwoFADeadline != rfc(testclock.At(5*day)) {
				t.Fatalf("ann after on again: %s %+v", next, me)
			}
		})
	}
}

func TestGrace_ASessionFromBeforeThePolicyStartsItsGraceAtItsNextRequest(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			now := e.fixClock()
			root := e.user("root", shared.RoleAdmin, "Acme")
			ann := e.user("ann", shared.RoleUser, "Acme")
			admin := e.browser()
			e.login(admin, "root", password)
			e.enroll(t, admin, *now)
			annC := e.browser()
			e.login(annC, "ann", password)
			e.setGrace(t, admin, root.AccountID, true, 2)
			*now = testclock.At(5 * time.Minute)
			if me := e.me(t, annC); me.Stage != shared.NextDone || me.TwoFADeadline != rfc(testclock.At(5*time.Minute+2*day)) {
				t.Fatalf("ann's older session: %+v", me)
			}
			if s := e.graceStart(t, ann); s == nil || !s.Equal(testclock.At(5*time.Minute)) {
				t.Fatalf("ann's start: %v", s)
			}
		})
	}
}

func TestGrace_DisconnectWithinTheGraceKeepsTheSessionsAndTheDeadline(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e, now, admin, root, ann, _ := graceEnv(t, dialect)
			// Carol has 2FA before the policy applies to her (it was
			// switched off and on since her first login).
			carol := e.user("carol", shared.RoleUser, "Acme")
			carolC := e.browser()
			e.login(carolC, "carol", password)
			e.secrets["carol"] = e.enroll(t, carolC, *now)
			e.setGrace(t, admin, root.AccountID, false, 3)
			e.setGrace(t, admin, root.AccountID, true, 3)

			// Ann, within her grace, connects and then disconnects: her
			// first deadline stands, she is not logged out.
			annC, _, _ := e.loginAs(t, "ann")
			e.enroll(t, annC, *now)
			*now = testclock.At(time.Minute)
			a := e.do(annC, "POST", "/api/2fa/disconnect", shared.DisconnectRequest{Password: password})
			if a.status != 409 || a.apiError(t).Code != shared.EConfirmRequired ||
				!strings.Contains(a.apiError(t).Message, testclock.At(3*day).Format("2 January 2006, 15:04 UTC")) {
				t.Fatalf("disconnect within the grace, unconfirmed: %d %s", a.status, a.body)
			}
			var dr shared.DisconnectResponse
			a = e.do(annC, "POST", "/api/2fa/disconnect", shared.DisconnectRequest{Password: password, Confirm: true})
			if a.decode(t, &dr); a.status != 200 || dr.LoggedOut {
				t.Fatalf("disconnect within the grace: %d %s", a.status, a.body)
			}
			if me := e.me(t, annC); me.Stage != shared.NextDone || me.TOTPEnabled || me.TwoFADeadline != rfc(testclock.At(3*day)) {
				t.Fatalf("ann after disconnecting: %+v", me)
			}
			if s := e.graceStart(t, ann); s == nil || !s.Equal(testclock.Base) {
				t.Fatalf("ann's start after disconnecting: %v", s)
			}

			// Carol disconnects on day 1: her grace starts then.
			*now = testclock.At(day)
			carolC = e.browser()
			e.loginWithCode(t, carolC, "carol", *now)
			if s := e.graceStart(t, carol); s != nil {
				t.Fatalf("carol's grace started while she had 2FA: %v", s)
			}
			a = e.do(carolC, "POST", "/api/2fa/disconnect", shared.DisconnectRequest{Password: password, Confirm: true})
			if a.decode(t, &dr); a.status != 200 || dr.LoggedOut {
				t.Fatalf("carol's disconnect: %d %s", a.status, a.body)
			}
			if me := e.me(t, carolC); me.Stage != shared.NextDone || me.TwoFADeadline != rfc(testclock.At(4*day)) {
				t.Fatalf("carol after disconnecting: %+v", me)
			}

			// Past her deadline, Ann connects again and disconnects: that
			// is today's disconnect under the policy, every session ends.
			*now = testclock.At(3*day + time.Hour)
			annC = e.browser()
			e.login(annC, "ann", password)
			e.enroll(t, annC, *now)
			*now = now.Add(time.Minute)
			a = e.do(annC, "POST", "/api/2fa/disconnect", shared.DisconnectRequest{Password: password})
			if a.status != 409 || !strings.Contains(a.apiError(t).Message, "logged out everywhere") {
				t.Fatalf("disconnect after the deadline, unconfirmed: %d %s", a.status, a.body)
			}
			a = e.do(annC, "POST", "/api/2fa/disconnect", shared.DisconnectRequest{Password: password, Confirm: true})
			if a.decode(t, &dr); a.status != 200 || !dr.LoggedOut {
				t.Fatalf("disconnect after the deadline: %d %s", a.status, a.body)
			}
			if a := e.do(annC, "GET", "/api/me", nil); a.status != 401 {
				t.Fatalf("ann's session after that disconnect: %d", a.status)
			}
		})
	}
}

func TestGrace_ADaysValueOutOfRangeIsRefusedInWordsAndChangesNothing(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e, _, admin, root, _, _ := graceEnv(t, dialect)
			path := fmt.Sprintf("/api/admin/accounts/%d/settings", root.AccountID)
			for _, body := range []string{
				`{"force_2fa":false,"grace_days":31}`, `{"force_2fa":false,"grace_days":-1}`,
				`{"force_2fa":false,"grace_days":"3"}`, `{"force_2fa":false,"grace_days":1.5}`,
				`{"force_2fa":false,"grace_days":99999999999999999999}`, `{"force_2fa":false,"grace_days":null,"grace_days":40}`,
			} {
				a := e.do(admin, "PUT", path, body)
				if a.status != 400 || a.apiError(t).Code != shared.EInvalid || strings.Contains(string(a.body), "json:") {
					t.Errorf("%s: %d %s", body, a.status, a.body)
				}
			}
			var page shared.AccountsPage
			e.do(admin, "GET", "/api/admin/accounts", nil).decode(t, &page)
			if accounts := page.Accounts; !accounts[0].Force2FA || accounts[0].GraceDays != 3 {
				t.Fatalf("after the refusals: %+v", page)
			}
			// Another account's administrator cannot set Acme's grace.
			other := e.browser()
			e.user("gadmin", shared.RoleAdmin, "Globex")
			e.login(other, "gadmin", password)
			if a := e.do(other, "PUT", path, `{"force_2fa":false,"grace_days":0}`); a.status != 404 {
				t.Fatalf("Globex's admin on Acme: %d %s", a.status, a.body)
			}
			e.do(admin, "GET", "/api/admin/accounts", nil).decode(t, &page)
			if accounts := page.Accounts; !accounts[0].Force2FA || accounts[0].GraceDays != 3 {
				t.Fatalf("after Globex's try: %+v", page)
			}
		})
	}
}
