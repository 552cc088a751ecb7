package httpapi

// Attack tests: each tries one way in, through the real HTTP API, the way an
// attacker would, and asserts that it stays shut.

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/auth/passwords"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/internal/racegate"
	"github.com/warden-auth/warden/server/internal/softkey"
	"github.com/warden-auth/warden/server/internal/testcode"

	"github.com/warden-auth/warden/server/internal/testclock"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// passwordStep returns a fresh browser past the password of a user with 2FA:
// its session waits for the second factor.
func (e *env) passwordStep(t *testing.T, username string) *http.Client {
	t.Helper()
	c := e.browser()
	var lr shared.LoginResponse
	if a := e.login(c, username, password); a.status != 200 {
		t.Fatalf("password step: %d %s", a.status, a.body)
	} else if a.decode(t, &lr); lr.Next != shared.NextTOTP {
		t.Fatalf("password step: next %q", lr.Next)
	}
	return c
}

// lastReason returns the reason of the user's newest login event.
func (e *env) lastReason(t *testing.T, username string) string {
	t.Helper()
	u, err := e.st.UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	events, _, err := e.st.LoginEvents(context.Background(), domain.LoginEventFilter{UserID: u.ID, Limit: 1})
	if err != nil || len(events) == 0 {
		t.Fatalf("no login event: %v", err)
	}
	return events[0].Reason
}

// codeAttempts returns the user's counted second-factor failures (the lockout
// counter) and the number of failed second-step login events.
func (e *env) codeAttempts(t *testing.T, username string) (counted, failedEvents int) {
	t.Helper()
	u, err := e.st.UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	events, _, err := e.st.LoginEvents(context.Background(), domain.LoginEventFilter{UserID: u.ID, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range events {
		if ev.Result == shared.ResultFailure && ev.Method != shared.MethodPassword {
			failedEvents++
		}
	}
	return u.FailedCodeCount, failedEvents
}

// assertEnded checks that the session of token is gone from the database,
// whatever its stage, and that the API takes the token for no session: at
// /api/me (where a live password_ok session would also get 401) and at the
// code step, where a live password_ok session would answer a malformed code
// with 400 and no session answers 401.
func (e *env) assertEnded(t *testing.T, what, token string) {
	t.Helper()
	// A year before the clock's base: the row is found whatever its expiry.
	sess, err := e.st.SessionByTokenHash(context.Background(), core.HashToken(token), testclock.Base.AddDate(-1, 0, 0))
	if !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("%s: the session is still stored (stage %q, err %v)", what, sess.Stage, err)
	}
	for _, try := range []struct {
		method, path string
		body         any
	}{{"GET", "/api/me", nil}, {"POST", "/api/login/totp", shared.CodeRequest{Code: "12345"}}} {
		if a := e.do(e.withCookie(token), try.method, try.path, try.body); a.status != 401 || a.apiError(t).Code != shared.EUnauthenticated {
			t.Errorf("%s: %s %s answered %d %s", what, try.method, try.path, a.status, a.body)
		}
	}
}

func TestAttack_ACodeIsUsedOnceWithinAStepAndAcrossLogins(t *testing.T) {
	e := newEnv(t, store.SQLite)
	now := e.fixClock()
	_, secret, _ := e.connected(t, now)

	// Connect's code counts as used: a thief watching the setup gains nothing.
	*now = now.Add(10 * time.Second)
	if a := e.do(e.passwordStep(t, "alice"), "POST", "/api/login/totp", shared.CodeRequest{Code: code(t, secret, *now)}); a.status != 401 ||
		a.apiError(t).Code != shared.EWrongCode || e.lastReason(t, "alice") != shared.ReasonReusedCode {
		t.Fatalf("Connect's code at login: %d %s, event %q", a.status, a.body, e.lastReason(t, "alice"))
	}
	*now = now.Add(30 * time.Second)
	good := code(t, secret, *now)
	if a := e.do(e.passwordStep(t, "alice"), "POST", "/api/login/totp", shared.CodeRequest{Code: good}); a.status != 200 {
		t.Fatalf("a fresh code: %d %s", a.status, a.body)
	}
	for name, try := range map[string]string{"the same code": good, "with a space": good[:3] + " " + good[3:], "with spaces around": " " + good + " "} {
		a := e.do(e.passwordStep(t, "alice"), "POST", "/api/login/totp", shared.CodeRequest{Code: try})
		if a.status != 401 || a.apiError(t).Code != shared.EWrongCode || e.lastReason(t, "alice") != shared.ReasonReusedCode {
			t.Errorf("%s at a second login: %d %s, event %q", name, a.status, a.body, e.lastReason(t, "alice"))
		}
	}
}

func TestAttack_AnOlderStepsCodeAfterANewerOneIsRefused(t *testing.T) {
	e := newEnv(t, store.SQLite)
	now := e.fixClock()
	_, secret, _ := e.connected(t, now)
	*now = now.Add(2 * time.Minute)
	// The next step's code (clock drift) is accepted...
	if a := e.do(e.passwordStep(t, "alice"), "POST", "/api/login/totp", shared.CodeRequest{Code: code(t, secret, now.Add(30*time.Second))}); a.status != 200 {
		t.Fatalf("code of step +1: %d %s", a.status, a.body)
	}
	// ...and from then on the current step's code, never used, is too old.
	a := e.do(e.passwordStep(t, "alice"), "POST", "/api/login/totp", shared.CodeRequest{Code: code(t, secret, *now)})
	if a.status != 401 || a.apiError(t).Code != shared.EWrongCode || e.lastReason(t, "alice") != shared.ReasonReusedCode {
		t.Fatalf("an older step's code after a newer one: %d %s", a.status, a.body)
	}
}

func TestAttack_TwentyParallelRequestsWithOneCodeHaveOneWinner(t *testing.T) {
	e := newEnv(t, store.Postgres)
	now := e.fixClock()
	_, secret, _ := e.connected(t, now)
	*now = now.Add(time.Minute)
	clients := make([]*http.Client, 20)
	for i := range clients {
		clients[i] = e.passwordStep(t, "alice")
	}
	good := code(t, secret, *now)
	answers := make([]answer, len(clients))
	statuses := e.raceAt(t, "CompleteLoginStep", len(clients), func(i int) int {
		answers[i] = e.do(clients[i], "POST", "/api/login/totp", shared.CodeRequest{Code: good})
		return answers[i].status
	})
	if wins := count(statuses, 200); wins != 1 {
		t.Fatalf("%d of 20 racers logged in with one code: %v", wins, statuses)
	}
	// The losers' replays count toward the lockout: from the fifth on they
	// are locked out instead.
	for _, a := range answers {
		if a.status == 200 {
			continue
		}
		if code := a.apiError(t).Code; !(a.status == 401 && code == shared.EWrongCode || a.status == 429 && code == shared.ERateLimited) {
			t.Errorf("a racer got %d %s", a.status, a.body)
		}
	}
	// Each loser is one failed attempt: a replay, or (once a replay started
	// the lock) a locked-out attempt, counted in the lock's one row. Every attempt is counted before its
	// code is compared, and the winner's success clears the run, with the
	// reservations made before it (a replay that finds the count below its
	// own counts again): the count is the run since the success, never more
	// than the losers, and not nothing when replays failed.
	u, _ := e.st.UserByUsername(context.Background(), "alice")
	events, _, _ := e.st.LoginEvents(context.Background(), domain.LoginEventFilter{UserID: u.ID, Limit: 100})
	reasons := map[string]int{}
	for _, ev := range events {
		if ev.Method == shared.MethodTOTP && ev.Result == shared.ResultFailure {
			reasons[ev.Reason] += max(ev.Attempts, 1) // the attempts a lock blocked are one row
		}
	}
	if reasons[shared.ReasonReusedCode]+reasons[shared.ReasonLockedOut] != 19 || len(reasons) > 2 ||
		u.FailedCodeCount > 19 || reasons[shared.ReasonReusedCode] > 0 && u.FailedCodeCount == 0 {
		t.Errorf("the losers' events %v and %d counted failures, want 19 events and the replays counted", reasons, u.FailedCodeCount)
	}
}

func count(statuses []int, want int) int {
	n := 0
	for _, s := range statuses {
		if s == want {
			n++
		}
	}
	return n
}

func TestAttack_OnlyOneStepOfDriftIsAccepted(t *testing.T) {
	e := newEnv(t, store.SQLite)
	now := e.fixClock()
	_, secret, _ := e.connected(t, now)
	*now = now.Add(10 * time.Minute)
	stepCode := func(steps int) string { return code(t, secret, now.Add(time.Duration(steps)*30*time.Second)) }
	// A step ±2 whose code equals one of the window's would rightly be
	// accepted (a few times in a million secrets): move on to a clock where the
	// five codes differ.
	for {
		codes := []string{stepCode(-2), stepCode(-1), stepCode(0), stepCode(1), stepCode(2)}
		if slices.Sort(codes); len(slices.Compact(codes)) == 5 {
			break
		}
		*now = now.Add(30 * time.Second)
	}
	// In an order the replay guard cannot decide: refusals first, and each
	// accepted step later than the one before.
	for _, tc := range []struct {
		steps  int
		status int
	}{{-2, 401}, {+2, 401}, {-1, 200}, {0, 200}, {+1, 200}} {
		a := e.do(e.passwordStep(t, "alice"), "POST", "/api/login/totp", shared.CodeRequest{Code: stepCode(tc.steps)})
		if a.status != tc.status {
			t.Errorf("code of step %+d: %d %s, want %d", tc.steps, a.status, a.body, tc.status)
		} else if a.status == 401 && (a.apiError(t).Code != shared.EWrongCode || e.lastReason(t, "alice") != shared.ReasonWrongCode) {
			t.Errorf("code of step %+d: %s, event %q", tc.steps, a.body, e.lastReason(t, "alice"))
		}
	}
}

// TestAttack_MalformedCodesAreRefusedUncountedAndSpacedWrongCodesCount: apps
// show "123 456", so spaces are dropped (shared.NormalizeCode) and a spaced code is
// a code: a wrong one counts toward the lockout like any other. Anything else
// that is not six ASCII digits is refused as invalid before any comparison:
// recorded as an attempt (malformed_code), never counted toward the lockout.
// An empty code is refused by the request's own check and not recorded,
// like an empty password.
func TestAttack_MalformedCodesAreRefusedUncountedAndSpacedWrongCodesCount(t *testing.T) {
	e := newEnv(t, store.SQLite)
	now := e.fixClock()
	_, secret, _ := e.connected(t, now)
	*now = now.Add(time.Minute)
	good, wrong := code(t, secret, *now), testcode.Wrong(t, secret, *now)
	malformed := 0
	for _, try := range []string{
		"", "   ", wrong + "\n", "\t" + wrong, "12345", "1234567", "12 345", "abcdef", "12345a", "١٢٣٤٥٦", "１２３４５６",
		good + "\n", "\t" + good, good + "\u00a0", "\u2009" + good, good + "0", good[:5], "+" + good[1:], "0x" + good[2:],
	} {
		a := e.do(e.passwordStep(t, "alice"), "POST", "/api/login/totp", shared.CodeRequest{Code: try})
		if a.status != 400 || a.apiError(t).Code != shared.EInvalid || a.apiError(t).Fields["code"] == "" {
			t.Errorf("code %q: %d %s, want 400 invalid", try, a.status, a.body)
		}
		if strings.TrimSpace(try) != "" {
			malformed++
			if r := e.lastReason(t, "alice"); r != shared.ReasonMalformedCode {
				t.Errorf("code %q recorded as %q", try, r)
			}
		}
		if counted, events := e.codeAttempts(t, "alice"); counted != 0 || events != malformed {
			t.Errorf("code %q: %d failures counted, %d failed events, want 0 and %d", try, counted, events, malformed)
		}
	}
	for i, try := range []string{" " + wrong, wrong[:3] + " " + wrong[3:], wrong + " "} {
		a := e.do(e.passwordStep(t, "alice"), "POST", "/api/login/totp", shared.CodeRequest{Code: try})
		if a.status != 401 || a.apiError(t).Code != shared.EWrongCode || e.lastReason(t, "alice") != shared.ReasonWrongCode {
			t.Errorf("code %q: %d %s, event %q, want 401 wrong_code", try, a.status, a.body, e.lastReason(t, "alice"))
		}
		if counted, events := e.codeAttempts(t, "alice"); counted != i+1 || events != malformed+i+1 {
			t.Errorf("after %q: %d failures, %d failed events, want %d and %d", try, counted, events, i+1, malformed+i+1)
		}
	}
	// Three counted failures are under the lockout's five: the real code
	// still works, and clears the count.
	if a := e.do(e.passwordStep(t, "alice"), "POST", "/api/login/totp", shared.CodeRequest{Code: good}); a.status != 200 {
		t.Fatalf("the real code after the malformed ones: %d %s", a.status, a.body)
	}
	if counted, _ := e.codeAttempts(t, "alice"); counted != 0 {
		t.Errorf("%d failures still counted after the right code", counted)
	}
}

// TestAttack_HalfLoggedInSessionsReachNothingElse logs in for real to the
// password_ok and the enrollment stage and knocks on every route.
func TestAttack_HalfLoggedInSessionsReachNothingElse(t *testing.T) {
	e := newEnv(t, store.SQLite)
	now := e.fixClock()
	e.connected(t, now)
	admin := e.user("adam", shared.RoleAdmin, "Acme")
	adminBrowser := e.browser()
	e.login(adminBrowser, "adam", password)
	e.enroll(t, adminBrowser, *now)
	e.user("ursula", shared.RoleUser, "Acme")
	if a := e.setPolicy(t, adminBrowser, admin.AccountID, true); a.status != 200 {
		t.Fatalf("policy: %d %s", a.status, a.body)
	}
	enrollee := e.browser()
	var lr shared.LoginResponse
	if e.login(enrollee, "ursula", password).decode(t, &lr); lr.Next != shared.NextEnroll {
		t.Fatalf("ursula's login under the policy: %+v", lr)
	}
	// A one-time password: the login's session may only replace it.
	if _, err := e.svc.Accounts.CreateOneTimeUser(context.Background(), "olga", oneTimePassword, shared.RoleUser, "Acme", ""); err != nil {
		t.Fatal(err)
	}
	chooser := e.browser()
	if e.login(chooser, "olga", oneTimePassword).decode(t, &lr); lr.Next != shared.NextChangePassword {
		t.Fatalf("olga's login with a one-time password: %+v", lr)
	}
	for _, tc := range []struct {
		name    string
		c       *http.Client
		allowed []access
		// refusal is the status and code of a route outside allowed.
		refusal func(access) (int, string)
	}{
		{"password_ok", e.passwordStep(t, "alice"), []access{secondStep}, func(access) (int, string) { return 401, shared.EUnauthenticated }},
		{"enrollment", enrollee, []access{enrolling, pastLogin}, func(a access) (int, string) {
			if a == secondStep { // a session past its password has no second step
				return 403, shared.EForbidden
			}
			return 403, shared.EEnrollmentRequired
		}},
		{"password_change", chooser, []access{choosing, pastLogin}, func(a access) (int, string) {
			if a == secondStep {
				return 403, shared.EForbidden
			}
			return 403, shared.EPasswordChange
		}},
	} {
		for _, rt := range e.api.routes() {
			if rt.access == signingIn {
				e.checkSigningIn(t, noFollow(tc.c), rt, false)
				continue
			}
			if rt.access == public || slices.Contains(tc.allowed, rt.access) {
				continue
			}
			path := strings.ReplaceAll(rt.pattern, "{id}", fmt.Sprint(admin.AccountID))
			status, code := tc.refusal(rt.access)
			if a := e.do(tc.c, rt.method, path, "{}"); a.status != status || a.apiError(t).Code != code {
				t.Errorf("%s: %s %s answered %d %s, want %d %s", tc.name, rt.method, path, a.status, a.body, status, code)
			}
		}
	}
}

// TestAttack_EachLoginStepChangesTheCookieAndEndsTheOldSession plants real
// sessions (session fixation): an attacker who has alice's password but not
// her phone gets a password_ok session of his own and slips its token into
// her browser, hoping her login or her code makes it a full one.
func TestAttack_EachLoginStepChangesTheCookieAndEndsTheOldSession(t *testing.T) {
	e := newEnv(t, store.SQLite)
	now := e.fixClock()
	_, secret, _ := e.connected(t, now)
	*now = now.Add(time.Minute)

	// Planted before her password step: her login ends it.
	planted := e.sessionCookie(e.passwordStep(t, "alice")).Value
	c := e.withCookie(planted)
	var lr shared.LoginResponse
	if a := e.login(c, "alice", password); a.status != 200 {
		t.Fatalf("login: %d %s", a.status, a.body)
	} else if a.decode(t, &lr); lr.Next != shared.NextTOTP {
		t.Fatalf("login: %s", a.body)
	}
	afterPassword := e.sessionCookie(c).Value
	if afterPassword == planted {
		t.Fatal("the password step kept the planted token")
	}
	e.assertEnded(t, "the session planted before the password step", planted)
	if a := e.do(c, "POST", "/api/login/totp", shared.CodeRequest{Code: code(t, secret, *now)}); a.status != 200 {
		t.Fatalf("code step: %d %s", a.status, a.body)
	}
	afterCode := e.sessionCookie(c).Value
	if afterCode == afterPassword || afterCode == planted {
		t.Fatalf("cookies: planted %q → %q → %q", planted, afterPassword, afterCode)
	}
	e.assertEnded(t, "the password step's session after the code step", afterPassword)
	e.assertEnded(t, "the planted session after the code step", planted)

	// Planted at her code step: she types her code into the attacker's
	// session, which ends; only her browser gets the full one.
	*now = now.Add(time.Minute)
	planted = e.sessionCookie(e.passwordStep(t, "alice")).Value
	victim := e.withCookie(planted)
	if a := e.do(victim, "POST", "/api/login/totp", shared.CodeRequest{Code: code(t, secret, *now)}); a.status != 200 {
		t.Fatalf("code step in the planted session: %d %s", a.status, a.body)
	}
	if got := e.sessionCookie(victim).Value; got == planted {
		t.Fatal("the code step upgraded the planted token")
	}
	e.assertEnded(t, "the session planted at the code step", planted)
	if a := e.do(victim, "GET", "/api/me", nil); a.status != 200 {
		t.Fatalf("the victim's new cookie: %d %s", a.status, a.body)
	}

	if a := e.do(c, "GET", "/api/me", nil); a.status != 200 {
		t.Fatalf("the new cookie: %d", a.status)
	}
	// Logout: the cookie a thief copied is dead on the server, not only
	// forgotten by the browser.
	if a := e.do(c, "POST", "/api/logout", nil); a.status != 204 || !strings.Contains(a.header.Get("Set-Cookie"), "Max-Age=0") {
		t.Fatalf("logout: %d %v", a.status, a.header)
	}
	e.assertEnded(t, "the cookie after logout", afterCode)
}

func TestAttack_CookieFlags(t *testing.T) {
	for _, secure := range []bool{false, true} {
		t.Run(fmt.Sprint("secure=", secure), func(t *testing.T) {
			e := newEnv(t, store.SQLite)
			e.api.secureCookies = secure
			e.user("alice", shared.RoleUser, "Acme")
			a := e.login(e.browser(), "alice", password)
			cookies := (&http.Response{Header: a.header}).Cookies()
			if a.status != 200 || len(cookies) != 2 {
				t.Fatalf("login: %d %v", a.status, a.header)
			}
			prefix := map[bool]string{false: "", true: "__Host-"}[secure]
			for i, want := range []struct {
				name     string
				sameSite http.SameSite
			}{{prefix + cookieName, http.SameSiteLaxMode}, {prefix + deviceCookieName, http.SameSiteStrictMode}} {
				ck := cookies[i]
				if ck.Name != want.name || !ck.HttpOnly || ck.SameSite != want.sameSite || ck.Path != "/" ||
					ck.Domain != "" || ck.Secure != secure || len(ck.Value) < 43 {
					t.Fatalf("cookie %+v", ck)
				}
			}
		})
	}
}

func TestAttack_WrongCodesAreThrottledPerUserAcrossSessionsAndIPs(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.api.trustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	now := e.fixClock()
	_, secret, recovery := e.connected(t, now)
	*now = now.Add(time.Minute)

	// Without the password there is no second step to attack: the user
	// stays free to log in.
	for i := range 20 {
		if a := e.do(e.browser(), "POST", "/api/login/totp", shared.CodeRequest{Code: fmt.Sprintf("%06d", i)}); a.status != 401 || a.apiError(t).Code != shared.EUnauthenticated {
			t.Fatalf("a code without a session: %d %s", a.status, a.body)
		}
	}
	if a := e.do(e.passwordStep(t, "alice"), "POST", "/api/login/totp", shared.CodeRequest{Code: code(t, secret, *now)}); a.status != 200 {
		t.Fatalf("the user after a passwordless attack: %d %s", a.status, a.body)
	}

	// With it: five wrong codes from five sessions and five addresses lock
	// the user's second step, whoever asks next.
	*now = now.Add(time.Minute)
	wrong := func(ip string) answer {
		c := e.browser()
		e.do(c, "POST", "/api/login", shared.LoginRequest{Username: "alice", Password: password}, "X-Forwarded-For", ip)
		return e.do(c, "POST", "/api/login/totp", shared.CodeRequest{Code: testcode.Wrong(t, secret, *now)}, "X-Forwarded-For", ip)
	}
	for i := range 5 {
		a := wrong(fmt.Sprintf("198.51.100.%d", i+1))
		status, code := 401, shared.EWrongCode
		if i == 4 { // the fifth starts the lock and says so
			status, code = 429, shared.ERateLimited
		}
		if a.status != status || a.apiError(t).Code != code {
			t.Fatalf("wrong code %d: %d %s, want %d %s", i+1, a.status, a.body, status, code)
		}
	}
	a := e.do(e.passwordStep(t, "alice"), "POST", "/api/login/totp", shared.CodeRequest{Code: code(t, secret, *now)}, "X-Forwarded-For", "203.0.113.7")
	if a.status != 429 || a.apiError(t).Code != shared.ERateLimited || a.header.Get("Retry-After") == "" {
		t.Fatalf("the right code from a new place during the lock: %d %v %s", a.status, a.header, a.body)
	}

	// Each wrong code past a lock's end locks again, and the twentieth in
	// a row stops the authenticator for good: however long the attack goes
	// on, no code is checked again, so the count stays at twenty.
	for i := range 150 {
		*now = now.Add(16 * time.Minute) // past the longest lock
		if a := wrong(fmt.Sprintf("192.0.2.%d", i%200+1)); a.status != 429 || a.apiError(t).Code != shared.ERateLimited {
			t.Fatalf("wrong code %d after a lock: %d %s", i+1, a.status, a.body)
		}
	}
	u, _ := e.st.UserByUsername(context.Background(), "alice")
	if u.FailedCodeCount != 20 {
		t.Fatalf("%d counted failures, want 20", u.FailedCodeCount)
	}
	*now = now.Add(16 * time.Minute)
	a = e.do(e.passwordStep(t, "alice"), "POST", "/api/login/totp", shared.CodeRequest{Code: code(t, secret, *now)})
	if a.status != 429 || a.header.Get("Retry-After") != "" || !strings.Contains(a.apiError(t).Message, "recovery code") ||
		e.lastReason(t, "alice") != shared.ReasonStopped {
		t.Fatalf("the right code after the stop: %d %v %s", a.status, a.header, a.body)
	}
	c := e.passwordStep(t, "alice")

	// The owner's recovery code ends the stop: the authenticator works
	// again at the next login.
	if a := e.do(c, "POST", "/api/login/recovery", shared.CodeRequest{Code: recovery[0]}); a.status != 200 {
		t.Fatalf("recovery code after the stop: %d %s", a.status, a.body)
	}
	*now = now.Add(time.Minute)
	if a := e.do(e.passwordStep(t, "alice"), "POST", "/api/login/totp", shared.CodeRequest{Code: code(t, secret, *now)}); a.status != 200 {
		t.Fatalf("the authenticator after a recovery code: %d %s", a.status, a.body)
	}
}

// A stopped authenticator cannot make new recovery codes either, even from
// a full session: regenerating needs a code, and no code is checked.
func TestAttack_AStoppedAuthenticatorCannotRegenerateCodes(t *testing.T) {
	e := newEnv(t, store.SQLite)
	now := e.fixClock()
	c, secret, _ := e.connected(t, now)
	// Twenty wrong codes in a row, none of them locking for long.
	for range 20 {
		if _, err := e.st.RecordCodeFailure(context.Background(), mustUser(t, e, "alice").ID, *now, 1000, func(int) time.Duration { return 0 }, nil); err != nil {
			t.Fatal(err)
		}
	}
	*now = now.Add(time.Minute)
	a := e.do(c, "POST", "/api/2fa/recovery-codes", shared.CodeRequest{Code: code(t, secret, *now)})
	if a.status != 429 || !strings.Contains(a.apiError(t).Message, "recovery code") {
		t.Fatalf("regenerate with the right code after the stop: %d %s", a.status, a.body)
	}
}

func mustUser(t *testing.T, e *env, name string) *domain.User {
	t.Helper()
	u, err := e.st.UserByUsername(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestAttack_UnknownUserWrongPasswordAndLockedUsernameLookAlike: the answer
// and the work must not tell an attacker which usernames exist or are
// locked. The work that shows in the time is the password hash (40 ms
// against well under 1 ms for the rest), so each attempt's hashing is
// counted, not timed: argon2id allocates its whole memory cost per hash, so
// the bytes an attempt allocates, divided by that cost, are how many hashes
// it computed, whatever else the machine is doing.
func TestAttack_UnknownUserWrongPasswordAndLockedUsernameLookAlike(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.fixClock() // the locks last the whole test, however slow the machine
	e.api.trustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	e.svc.Hasher = passwords.NewHasher(passwords.OWASPParams, rand.Reader)
	hashBytes := uint64(passwords.OWASPParams.Memory) << 10
	ip := 0
	try := func(username, pw string) (a answer, hashes uint64) {
		ip++ // a new address each time: the per-IP throttle is not under test
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		a = e.do(e.browser(), "POST", "/api/login", shared.LoginRequest{Username: username, Password: pw},
			"X-Forwarded-For", fmt.Sprintf("10.%d.%d.1", ip/250, ip%250))
		runtime.ReadMemStats(&after)
		return a, (after.TotalAlloc - before.TotalAlloc) / hashBytes
	}
	e.user("wanda", shared.RoleUser, "Acme")
	e.user("lockie", shared.RoleUser, "Acme")
	for range 5 {
		try("lockie", "wrong password")
	}
	try("warm-up", password) // the first unknown username also makes the dummy hash

	// Five of each; wanda's fifth wrong password locks her, with the plain
	// answer. A locked username gets the same with the right password.
	var first answer
	for i := range 5 {
		for _, tc := range []struct{ kind, username, password string }{
			{"unknown user", fmt.Sprintf("nobody%d", i), password},
			{"wrong password", "wanda", "wrong password"},
			{"locked username, right password", "lockie", password},
			{"locked username, wrong password", "lockie", "wrong password"},
		} {
			a, hashes := try(tc.username, tc.password)
			if first.status == 0 {
				first = a
			}
			if a.status != 401 || a.apiError(t).Code != shared.EWrongCredentials || string(a.body) != string(first.body) {
				t.Fatalf("%s (try %d): %d %s, unlike %d %s", tc.kind, i+1, a.status, a.body, first.status, first.body)
			}
			if hashes != 1 {
				t.Errorf("%s (try %d): %d password hashes, want 1", tc.kind, i+1, hashes)
			}
		}
	}
}

func TestAttack_ARecoveryCodeWorksOnceAndRacersGetOneWinner(t *testing.T) {
	e := newEnv(t, store.Postgres)
	now := e.fixClock()
	_, _, codes := e.connected(t, now)
	clients := make([]*http.Client, 20)
	for i := range clients {
		clients[i] = e.passwordStep(t, "alice")
	}
	// Every racer has found the code unused when they all spend it.
	answers := make([]answer, len(clients))
	statuses := e.raceAt(t, "CompleteLoginStep", len(clients), func(i int) int {
		answers[i] = e.do(clients[i], "POST", "/api/login/recovery", shared.CodeRequest{Code: codes[0]})
		return answers[i].status
	})
	if wins := count(statuses, 200); wins != 1 {
		t.Fatalf("%d of 20 logins with one recovery code: %v", wins, statuses)
	}
	for _, a := range answers {
		if a.status == 200 {
			var res shared.RecoveryLoginResponse
			if a.decode(t, &res); res.RecoveryCodesLeft != 9 || res.Next != shared.NextDone {
				t.Fatalf("the winner's answer: %s", a.body)
			}
		} else if code := a.apiError(t).Code; !(a.status == 401 && code == shared.EWrongCode || a.status == 429 && code == shared.ERateLimited) {
			t.Errorf("a racer got %d %s", a.status, a.body)
		}
	}
	// Later the spent code is still refused as spent. The losers' replays
	// counted at least the lockout's five failures, so this one locks again.
	*now = now.Add(16 * time.Minute)
	a := e.do(e.passwordStep(t, "alice"), "POST", "/api/login/recovery", shared.CodeRequest{Code: codes[0]})
	if a.status != 429 || a.apiError(t).Code != shared.ERateLimited || e.lastReason(t, "alice") != shared.ReasonReusedCode {
		t.Fatalf("the spent code later: %d %s, event %q", a.status, a.body, e.lastReason(t, "alice"))
	}
}

func TestAttack_RecoveryCodesCannotBeMadeBeforeTwoFactorIsOn(t *testing.T) {
	e := newEnv(t, store.SQLite)
	now := e.fixClock()
	e.user("bob", shared.RoleUser, "Acme")
	c := e.browser()
	e.login(c, "bob", password)
	var setup shared.TOTPSetup
	e.do(c, "POST", "/api/2fa/setup", nil).decode(t, &setup)
	// Pending is not connected: a valid code for the pending secret buys no codes.
	a := e.do(c, "POST", "/api/2fa/recovery-codes", shared.CodeRequest{Code: code(t, setup.Secret, *now)})
	if a.status != 409 || a.apiError(t).Code != shared.EConflict || strings.Contains(string(a.body), "recovery_codes") {
		t.Fatalf("recovery codes before Connect: %d %s", a.status, a.body)
	}
}

func TestAttack_DisconnectAndRegenerateNeedThePasswordAndACurrentCode(t *testing.T) {
	e := newEnv(t, store.SQLite)
	now := e.fixClock()
	c, secret, _ := e.connected(t, now)
	for _, tc := range []struct {
		name   string
		body   any
		status int
		code   string
	}{
		{"no password", `{}`, 400, shared.EInvalid},
		{"an empty password", shared.DisconnectRequest{Password: ""}, 400, shared.EInvalid},
		{"a wrong password", shared.DisconnectRequest{Password: "wrong password"}, 401, shared.EWrongCredentials},
		{"a wrong password, confirmed", shared.DisconnectRequest{Password: "wrong password", Confirm: true}, 401, shared.EWrongCredentials},
	} {
		a := e.do(c, "POST", "/api/2fa/disconnect", tc.body)
		if a.status != tc.status || a.apiError(t).Code != tc.code || tc.status == 400 && a.apiError(t).Fields["password"] == "" {
			t.Errorf("disconnect with %s: %d %s, want %d %s", tc.name, a.status, a.body, tc.status, tc.code)
		}
	}
	connectCode := code(t, secret, *now)
	*now = now.Add(2 * time.Minute)
	// The current step's code, spent by a login in another browser.
	spent := code(t, secret, *now)
	if a := e.do(e.passwordStep(t, "alice"), "POST", "/api/login/totp", shared.CodeRequest{Code: spent}); a.status != 200 {
		t.Fatalf("login: %d %s", a.status, a.body)
	}
	old := connectCode
	if slices.Contains([]string{code(t, secret, now.Add(-30*time.Second)), spent, code(t, secret, now.Add(30*time.Second))}, old) {
		old = testcode.Wrong(t, secret, *now) // Connect's code is also a current one, once in 300,000 secrets
	}
	for _, tc := range []struct {
		name, code string
		status     int
		errCode    string
	}{
		{"no code", "", 400, shared.EInvalid},
		{"a malformed code", "12345", 400, shared.EInvalid},
		{"a wrong code", testcode.Wrong(t, secret, *now), 401, shared.EWrongCode},
		{"Connect's code, two minutes old", old, 401, shared.EWrongCode},
		{"the current code, spent at login", spent, 401, shared.EWrongCode},
	} {
		if a := e.do(c, "POST", "/api/2fa/recovery-codes", shared.CodeRequest{Code: tc.code}); a.status != tc.status || a.apiError(t).Code != tc.errCode {
			t.Errorf("regenerate with %s: %d %s, want %d %s", tc.name, a.status, a.body, tc.status, tc.errCode)
		}
	}
	// The three well-formed wrong codes counted toward the lockout.
	if counted, _ := e.codeAttempts(t, "alice"); counted != 3 {
		t.Errorf("%d counted failures, want 3", counted)
	}
	var me shared.Me
	e.do(c, "GET", "/api/me", nil).decode(t, &me)
	if !me.TOTPEnabled || me.RecoveryCodesLeft != 10 {
		t.Fatalf("after the refused attempts: %+v", me)
	}
	// With the next step's code and the password, each goes through.
	*now = now.Add(30 * time.Second)
	var fresh shared.ConnectResponse
	if a := e.do(c, "POST", "/api/2fa/recovery-codes", shared.CodeRequest{Code: code(t, secret, *now)}); a.status != 200 {
		t.Fatalf("regenerate with a current code: %d %s", a.status, a.body)
	} else if a.decode(t, &fresh); len(fresh.RecoveryCodes) != 10 {
		t.Fatalf("regenerate: %s", a.body)
	}
	var dr shared.DisconnectResponse
	if a := e.do(c, "POST", "/api/2fa/disconnect", shared.DisconnectRequest{Password: password}); a.status != 200 {
		t.Fatalf("disconnect with the password: %d %s", a.status, a.body)
	} else if a.decode(t, &dr); dr.LoggedOut {
		t.Fatalf("disconnect without the policy logged out: %s", a.body)
	}
}

// TestAttack_NothingSecretComesBackOrIsStored calls every route of the table
// as every kind of caller, with bodies that succeed where the caller may, and
// looks for every secret in every answer (body and headers) and in the log:
// none may appear but in the one answer that shows it (setup its secret,
// Connect and regenerate their codes). After every change it reads the whole
// database, which must hold no secret in a readable form.
func TestAttack_NothingSecretComesBackOrIsStored(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) { nothingSecretComesBackOrIsStored(t, dialect) })
	}
}

// secret is one thing that must not leak, in each form it could be written in.
type secret struct {
	what    string
	exact   []string // matched as they are
	folded  []string // matched in any case
	stored  bool     // the database keeps it (a hash, a sealed value)
	shownIn int      // the one answer allowed to carry it, or -1
}

// bytesSecret is a byte string raw, in base64 and in hex.
func bytesSecret(what string, b []byte, stored bool) secret {
	return secret{what: what, stored: stored, shownIn: -1, folded: []string{hex.EncodeToString(b)},
		exact: []string{string(b), base64.RawStdEncoding.EncodeToString(b), base64.RawURLEncoding.EncodeToString(b)}}
}

// totpSecret is a base32 TOTP secret, as typed and as its bytes.
func totpSecret(t *testing.T, what, b32 string) secret {
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(b32)
	if err != nil {
		t.Fatal(err)
	}
	s := bytesSecret(what, raw, false)
	s.folded = append(s.folded, b32)
	return s
}

func recoveryCodeSecret(code string) secret {
	return secret{what: "recovery code " + code, shownIn: -1, folded: []string{code, strings.ReplaceAll(code, "-", "")}}
}

// in returns the form of s that text holds, or "" (lower is text in lower case).
func (s secret) in(text, lower string) string {
	for _, f := range s.exact {
		if strings.Contains(text, f) {
			return f
		}
	}
	for _, f := range s.folded {
		if strings.Contains(lower, strings.ToLower(f)) {
			return f
		}
	}
	return ""
}

func nothingSecretComesBackOrIsStored(t *testing.T, dialect string) {
	e := newEnv(t, dialect)
	now := e.fixClock()
	ctx := context.Background()
	admin := e.user("adam", shared.RoleAdmin, "Acme")
	_, aliceSecret, aliceCodes := e.connected(t, now)
	alice, _ := e.st.UserByUsername(ctx, "alice")

	secrets := []secret{{what: "the password", exact: []string{password}, shownIn: -1}, {what: "a password hash", exact: []string{"$argon2id$"}, stored: true, shownIn: -1}}
	add := func(s secret) {
		if !slices.ContainsFunc(secrets, func(o secret) bool { return o.what == s.what }) {
			secrets = append(secrets, s)
		}
	}
	add(totpSecret(t, "alice's TOTP secret", aliceSecret))
	for _, c := range aliceCodes {
		add(recoveryCodeSecret(c))
	}
	totp := map[int64]string{alice.ID: aliceSecret}
	recovery := map[int64][]string{alice.ID: aliceCodes}
	tokens := func(a answer) {
		for _, ck := range (&http.Response{Header: a.header}).Cookies() {
			if ck.Value != "" {
				add(bytesSecret("the hash of session token "+ck.Value, core.HashToken(ck.Value), true))
			}
		}
	}
	// stored adds what the database keeps of each user's secrets, and
	// dumps the database.
	var dumps []string
	stored := func() {
		for _, id := range []int64{alice.ID, admin.ID} {
			u, err := e.st.UserByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			add(secret{what: u.Username + "'s password hash", exact: []string{u.PasswordHash}, stored: true, shownIn: -1})
			for _, sealed := range [][]byte{u.TOTPSecret, u.TOTPPendingSecret} {
				if sealed != nil {
					add(bytesSecret(fmt.Sprintf("%s's sealed TOTP secret %x", u.Username, sealed), sealed, true))
				}
			}
			rcs, err := e.st.RecoveryCodes(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			for _, rc := range rcs {
				add(secret{what: "the stored hash " + rc.CodeHash, exact: []string{rc.CodeHash}, stored: true, shownIn: -1})
			}
		}
		dumps = append(dumps, storetest.Dump(t, e.st))
	}
	stored()

	type caller struct {
		name  string
		user  *domain.User // nil: no session
		stage string
	}
	callers := []caller{{"no session", nil, ""}, {"alice at the code step", alice, domain.StagePasswordOK},
		{"alice", alice, domain.StageFull}, {"adam", admin, domain.StageFull}}
	// body is a request each caller could have a reason to send, one that
	// succeeds where the caller may call the route.
	body := func(rt route, u *domain.User) any {
		var id int64
		if u != nil {
			id = u.ID
		}
		current := ""
		if totp[id] != "" {
			current = code(t, totp[id], *now)
		}
		switch rt.pattern {
		case "/api/login":
			return shared.LoginRequest{Username: "alice", Password: password}
		case "/api/login/totp", "/api/2fa/connect", "/api/2fa/recovery-codes":
			return shared.CodeRequest{Code: current}
		case "/api/login/recovery":
			if len(recovery[id]) > 0 {
				return shared.CodeRequest{Code: recovery[id][0]}
			}
		case "/api/2fa/disconnect":
			return shared.DisconnectRequest{Password: password, Confirm: true}
		case "/api/admin/accounts/{id}/settings":
			return shared.SettingsRequest{Force2FA: new(bool)}
		}
		if rt.method == "GET" {
			return nil
		}
		return "{}"
	}
	pathIDs := map[string]int64{"/api/admin/users/{id}/reset-2fa": alice.ID} // else the account's id

	type reply struct {
		label string
		text  string
	}
	var replies []reply
	called := 0
	for _, rt := range e.api.routes() {
		for _, cl := range callers {
			*now = now.Add(time.Minute) // a fresh time step for every code
			c := e.browser()
			if cl.user != nil {
				token := e.sessionAt(cl.user, cl.stage)
				add(bytesSecret("the hash of session token "+token, core.HashToken(token), true))
				c = e.withCookie(token)
			}
			id := admin.AccountID
			if v, ok := pathIDs[rt.pattern]; ok {
				id = v
			}
			a := e.do(c, rt.method, strings.ReplaceAll(rt.pattern, "{id}", fmt.Sprint(id)), body(rt, cl.user))
			called++
			label := fmt.Sprintf("%s %s as %s (%d)", rt.method, rt.pattern, cl.name, a.status)
			replies = append(replies, reply{label, fmt.Sprintf("%s\n%v", a.body, a.header)})
			tokens(a)
			if a.status/100 != 2 {
				continue
			}
			// The answers that show a secret, once.
			switch rt.pattern {
			case "/api/2fa/setup":
				var setup shared.TOTPSetup
				a.decode(t, &setup)
				s := totpSecret(t, cl.name+"'s TOTP secret", setup.Secret)
				s.shownIn = len(replies) - 1
				add(s)
				totp[cl.user.ID] = setup.Secret
			case "/api/2fa/connect", "/api/2fa/recovery-codes":
				var res shared.ConnectResponse
				a.decode(t, &res)
				for _, rc := range res.RecoveryCodes {
					s := recoveryCodeSecret(rc)
					s.shownIn = len(replies) - 1
					add(s)
				}
				recovery[cl.user.ID] = res.RecoveryCodes
			}
			if rt.method != "GET" {
				stored()
			}
		}
	}
	if called != len(e.api.routes())*len(callers) {
		t.Fatalf("%d calls", called)
	}
	// The sweep reached the answers that show secrets: otherwise it would
	// prove little about them.
	shown := 0
	for _, s := range secrets {
		if s.shownIn >= 0 {
			shown++
		}
	}
	if shown < 1+3*10 { // adam's secret; his codes at Connect, his and alice's new sets
		t.Fatalf("only %d secrets were shown in the sweep", shown)
	}
	replies = append(replies, reply{"the log", e.log.String()})

	for i, r := range replies {
		lower := strings.ToLower(r.text)
		for _, s := range secrets {
			if s.shownIn == i {
				continue
			}
			if f := s.in(r.text, lower); f != "" {
				t.Errorf("%s came back (as %q) in %s: %.300s", s.what, f, r.label, r.text)
			}
		}
	}
	leaked := map[string]bool{}
	for i, dump := range dumps {
		lower := strings.ToLower(dump)
		for _, s := range secrets {
			if s.stored || leaked[s.what] {
				continue
			}
			if f := s.in(dump, lower); f != "" {
				leaked[s.what] = true
				t.Errorf("dump %d of the database holds %s as %q", i, s.what, f)
			}
		}
	}
}

func TestAttack_AStateChangeFromAnotherOriginIsRefused(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.user("alice", shared.RoleUser, "Acme")
	c := e.browser()
	e.login(c, "alice", password)
	for name, headers := range map[string][]string{
		"fetch metadata": {"Sec-Fetch-Site", "cross-site"},
		"origin header":  {"Origin", "https://evil.example"},
	} {
		for _, rt := range e.api.routes() {
			if rt.method == "GET" || rt.method == "OPTIONS" || slices.Contains(anyOrigin, rt.method+" "+rt.pattern) {
				continue // anyOrigin's are the OpenID tests' (TestOpenID_PKCE...)
			}
			a := e.do(c, rt.method, strings.ReplaceAll(rt.pattern, "{id}", "1"), "{}", headers...)
			if a.status != http.StatusForbidden || a.apiError(t).Code != shared.ECrossOrigin || a.header.Get("Set-Cookie") != "" {
				t.Errorf("%s: %s %s answered %d %s", name, rt.method, rt.pattern, a.status, a.body)
			}
		}
	}
	// The same request from the app's own origin goes through.
	a := e.do(e.browser(), "POST", "/api/login", shared.LoginRequest{Username: "alice", Password: password},
		"Sec-Fetch-Site", "same-origin", "Origin", e.srv.URL)
	if a.status != http.StatusOK {
		t.Fatalf("same-origin login: %d %s", a.status, a.body)
	}
}

func TestAttack_LoginEventsNeverHoldAPasswordOrACode(t *testing.T) {
	e := newEnv(t, store.SQLite)
	now := e.fixClock()
	_, secret, codes := e.connected(t, now)
	*now = now.Add(time.Minute)
	tried := []string{password, "a wrong password 1", "a wrong password 2", code(t, secret, *now), testcode.Wrong(t, secret, *now), codes[2], "ABCD-EFGH-JKMN"}
	e.login(e.browser(), "alice", tried[1])
	e.login(e.browser(), tried[2], password) // a password typed into the username field is still a username
	e.do(e.passwordStep(t, "alice"), "POST", "/api/login/totp", shared.CodeRequest{Code: tried[4]})
	e.do(e.passwordStep(t, "alice"), "POST", "/api/login/recovery", shared.CodeRequest{Code: tried[6]})
	e.do(e.passwordStep(t, "alice"), "POST", "/api/login/recovery", shared.CodeRequest{Code: tried[5]})
	e.do(e.passwordStep(t, "alice"), "POST", "/api/login/totp", shared.CodeRequest{Code: tried[3]})

	u, _ := e.st.UserByUsername(context.Background(), "alice")
	events, _, err := e.st.LoginEvents(context.Background(), domain.LoginEventFilter{UserID: u.ID, Limit: 100})
	// Connect's login, the wrong password, four sign-ins (one row each,
	// from the password to the second step) and the two second steps
	// refused (the unknown username's event is not alice's).
	if err != nil || len(events) != 8 {
		t.Fatalf("%d events: %v", len(events), err)
	}
	text := fmt.Sprintf("%+v", events) + e.log.String()
	for _, s := range slices.Delete(tried, 2, 3) {
		if strings.Contains(text, s) {
			t.Errorf("%q is in the login events or the log", s)
		}
	}
}

// TestAttack_ASecondStepOutlivingItsTwoFactorIsRefused: 2FA switched off in
// one browser while another waits at the code step (found by FuzzAPI, a 500
// before).
func TestAttack_ASecondStepOutlivingItsTwoFactorIsRefused(t *testing.T) {
	e := newEnv(t, store.SQLite)
	now := e.fixClock()
	c, secret, _ := e.connected(t, now)
	*now = now.Add(time.Minute)
	waiting := e.passwordStep(t, "alice")
	if a := e.do(c, "POST", "/api/2fa/disconnect", shared.DisconnectRequest{Password: password}); a.status != 200 {
		t.Fatalf("disconnect: %d %s", a.status, a.body)
	}
	if a := e.do(waiting, "POST", "/api/login/totp", shared.CodeRequest{Code: code(t, secret, *now)}); a.status != 401 || a.apiError(t).Code != shared.EUnauthenticated {
		t.Fatalf("the waiting session after Disconnect: %d %s", a.status, a.body)
	}
	// A password_ok session that Disconnect could not reach (made mid-way)
	// gets the same answer, not a 500.
	u, _ := e.st.UserByUsername(context.Background(), "alice")
	// (There is no secret to check any code against: the code is refused
	// before any comparison.)
	if a := e.do(e.withCookie(e.sessionAt(u, domain.StagePasswordOK)), "POST", "/api/login/totp", shared.CodeRequest{Code: code(t, secret, *now)}); a.status != 401 || a.apiError(t).Code != shared.EUnauthenticated {
		t.Fatalf("a password_ok session without 2FA: %d %s", a.status, a.body)
	}
	if a := e.do(c, "GET", "/api/me", nil); a.status != 200 {
		t.Fatalf("the disconnecting browser keeps its session: %d", a.status)
	}
}

// lockRace is a burst of wrong second-factor answers at the edge of the
// lockout: alice has failed one short of the lock, and each of wrong sends
// one more from its own browser past the password; right is the right
// answer; compared is the reason of an answer that was checked.
type lockRace struct {
	e        *env
	alice    *domain.User
	wrong    []func() answer
	right    func() answer
	compared string
}

// lockRaces runs the two races a lock must win, each on a fresh lockRace
// from setup, with the racers held inside their requests (racegate), so
// each runs alike every time:
//   - every racer has reserved and checked its answer when all of them
//     write their failure at once: one starts the lock and writes the one
//     notice (and mail);
//   - every racer has read alice unlocked when one of them locks, and only
//     then do the others reserve their attempt: each is refused by the
//     lock without its answer being checked.
//
// Once locked, even the right answer is refused without a check.
func lockRaces(t *testing.T, setup func(t *testing.T) lockRace) {
	t.Run("all checked, then failing at once", func(t *testing.T) {
		r := setup(t)
		statuses := r.e.raceAt(t, "LockCodes", len(r.wrong), func(i int) int { return r.wrong[i]().status })
		if slices.Contains(statuses, 200) {
			t.Fatalf("a wrong answer logged in: %v", statuses)
		}
		r.assertLock(t, lockThresholdForTests-1+len(r.wrong), 0)
	})
	t.Run("read unlocked, reserved after the lock", func(t *testing.T) {
		r := setup(t)
		g := racegate.New()
		defer r.e.hook("ReserveCodeAttempt", g.Wait)()
		answers := make(chan answer, len(r.wrong))
		for _, send := range r.wrong {
			go func() { answers <- send() }()
		}
		g.Await(t, len(r.wrong))
		g.Pass(1)
		if first := <-answers; first.status != 429 || first.apiError(t).Code != shared.ERateLimited {
			t.Fatalf("the answer that reached the threshold: %d %s", first.status, first.body)
		}
		g.Open()
		for range len(r.wrong) - 1 {
			if a := <-answers; a.status != 429 || a.apiError(t).Code != shared.ERateLimited {
				t.Errorf("an answer reserved after the lock: %d %s", a.status, a.body)
			}
		}
		r.assertLock(t, lockThresholdForTests, len(r.wrong)-1)
	})
}

// lockThresholdForTests is auth's lock threshold: five wrong answers in a row.
const lockThresholdForTests = 5

// assertLock checks one lock and one notice after the burst, with checked
// answers checked in all (alice's history says so) and refusedByLock
// refused unchecked, and that the right answer is refused now, unchecked.
func (r lockRace) assertLock(t *testing.T, checked, refusedByLock int) {
	t.Helper()
	e, alice := r.e, r.alice
	if n := e.noticeKinds(t, alice)[shared.NoticeSecondStepLocked]; n != 1 {
		t.Errorf("one lockout, %d lock notices", n)
	}
	u, _ := e.st.UserByID(context.Background(), alice.ID)
	if !u.CodesLocked(e.svc.Now()) || u.FailedCodeCount < lockThresholdForTests {
		t.Errorf("after the burst: count %d, locked until %v", u.FailedCodeCount, u.LockedUntil)
	}
	events := func(reason string) string {
		return storetest.Rows(t, e.st, "SELECT count(*) FROM login_events WHERE user_id = ? AND reason = ?", alice.ID, reason)[0][0]
	}
	if got, lock := events(r.compared), events(shared.ReasonLockedOut); got != fmt.Sprint(checked) || lock != fmt.Sprint(refusedByLock) {
		t.Errorf("%s answers checked and %s refused by the lock, want %d and %d", got, lock, checked, refusedByLock)
	}
	if a := r.right(); a.status != 429 || a.apiError(t).Code != shared.ERateLimited {
		t.Fatalf("the right answer while locked: %d %s", a.status, a.body)
	}
	if got := events(r.compared); got != fmt.Sprint(checked) {
		t.Fatalf("checked while locked: %d -> %s", checked, got)
	}
}

// Wrong codes sent at once, from many browsers past the password, at the
// edge of the lockout: the lock is checked and the attempt counted in one
// write before any code is compared, and written with its notice only by
// the failure that starts it (lockRaces). On PostgreSQL, where the
// requests truly run at once.
func TestAttack_ConcurrentWrongCodesMakeOneLockAndOneNotice(t *testing.T) {
	lockRaces(t, func(t *testing.T) lockRace {
		e := newEnv(t, store.Postgres)
		now := e.fixClock()
		_, secret, _ := e.connected(t, now)
		alice, _ := e.st.UserByUsername(context.Background(), "alice")
		wrong := testcode.Wrong(t, secret, *now)
		send := func(c *http.Client, code string) func() answer {
			return func() answer { return e.do(c, "POST", "/api/login/totp", shared.CodeRequest{Code: code}) }
		}
		first := e.passwordStep(t, "alice")
		for range lockThresholdForTests - 1 {
			if a := send(first, wrong)(); a.apiError(t).Code != shared.EWrongCode {
				t.Fatalf("wrong code: %d %s", a.status, a.body)
			}
		}
		r := lockRace{e: e, alice: alice, compared: shared.ReasonWrongCode, right: send(first, code(t, secret, *now))}
		for range 12 {
			r.wrong = append(r.wrong, send(e.passwordStep(t, "alice"), wrong))
		}
		return r
	})
}

// Removing the last second factor switches 2FA off as Disconnect does, and
// needs what Disconnect needs: the password (a stolen session within the
// re-authentication window is not enough), wrong ones audited and counted
// toward the username's throttle. Removing one of two needs none.
func TestAttack_RemovingTheLastFactorNeedsThePasswordLikeDisconnect(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newEnv(t, d)
			now := e.fixClock()
			ctx := context.Background()
			c, _, _ := e.connected(t, now)
			alice, _ := e.st.UserByUsername(ctx, "alice")
			for _, tc := range []struct {
				name   string
				body   any
				status int
				code   string
			}{
				{"no password", `{}`, 400, shared.EInvalid},
				{"no password, confirmed", `{"confirm":true}`, 400, shared.EInvalid},
				{"a wrong password", shared.RemoveMethodRequest{Password: "wrong password"}, 401, shared.EWrongCredentials},
				{"a wrong password, confirmed", shared.RemoveMethodRequest{Password: "wrong password", Confirm: true}, 401, shared.EWrongCredentials},
			} {
				a := e.do(c, "DELETE", "/api/2fa/methods/"+shared.TOTPMethodID, tc.body)
				if a.status != tc.status || a.apiError(t).Code != tc.code || tc.status == 400 && a.apiError(t).Fields["password"] == "" {
					t.Errorf("remove the last factor with %s: %d %s, want %d %s", tc.name, a.status, a.body, tc.status, tc.code)
				}
			}
			if u, _ := e.st.UserByID(ctx, alice.ID); !u.TOTPConnected() {
				t.Fatal("2FA went off without the password")
			}
			if left, _ := e.st.RecoveryCodesLeft(ctx, alice.ID); left != 10 {
				t.Fatalf("recovery codes after the refusals: %d", left)
			}
			th, err := e.st.Throttles(ctx, []string{"user:alice"})
			if err != nil || th["user:alice"].Failures != 2 {
				t.Fatalf("the username's throttle: %+v %v, want 2 failures", th["user:alice"], err)
			}
			refused := storetest.Rows(t, e.st, "SELECT count(*) FROM audit_events WHERE action = ? AND detail = ?", shared.AuditDisconnectRefused, shared.ReasonWrongPassword)
			if refused[0][0] != "2" {
				t.Fatalf("%s refusals audited, want 2", refused[0][0])
			}
			var gone shared.DisconnectResponse
			if a := e.do(c, "DELETE", "/api/2fa/methods/"+shared.TOTPMethodID, shared.RemoveMethodRequest{Password: password}); a.status != 200 {
				t.Fatalf("with the password: %d %s", a.status, a.body)
			} else if a.decode(t, &gone); gone.LoggedOut {
				t.Fatal("logged out without the policy")
			}
			if u, _ := e.st.UserByID(ctx, alice.ID); u.TwoFactorEnabled() {
				t.Fatal("2FA still on")
			}
			if n := e.noticeKinds(t, alice)[shared.NoticeTwoFactorDisconnected]; n != 1 {
				t.Fatalf("%d twofa_disconnected notices", n)
			}
		})
	}
}

// Wrong security-key answers at the second step are reserved before they
// are checked, as codes are: a burst from many half-logged-in sessions makes
// one lock and one notice, and once locked even the right key is refused
// without a check (lockRaces).
func TestAttack_ConcurrentWrongKeyAnswersMakeOneLockAndOneNotice(t *testing.T) {
	lockRaces(t, func(t *testing.T) lockRace {
		e := newKeyEnv(t, store.Postgres)
		e.fixClock()
		alice, k, forged := e.keyAndForgery(t)
		// send is a browser past the password with key's answer to its
		// challenge, ready to be sent.
		send := func(key *softkey.Key) func() answer {
			c := e.browser()
			if a := e.login(c, "alice", password); a.status != 200 {
				t.Fatalf("password step: %d %s", a.status, a.body)
			}
			a := e.do(c, "POST", "/api/login/key/begin", "{}")
			if a.status != 200 {
				t.Fatalf("key begin: %d %s", a.status, a.body)
			}
			cred, err := key.Assert(a.body)
			if err != nil {
				t.Fatal(err)
			}
			return func() answer {
				return e.do(c, "POST", "/api/login/key/finish", shared.CredentialRequest{Credential: cred})
			}
		}
		for range lockThresholdForTests - 1 {
			if a := send(forged)(); a.apiError(t).Code != shared.EWrongCode {
				t.Fatalf("a wrong key: %d %s", a.status, a.body)
			}
		}
		r := lockRace{e: e, alice: alice, compared: shared.ReasonWrongKey}
		for range 12 {
			r.wrong = append(r.wrong, send(forged))
		}
		r.right = send(k)
		return r
	})
}
