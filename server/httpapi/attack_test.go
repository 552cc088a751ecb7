package httpapi

// Attack tests: each tries one way in, through the real HTTP API, the way an
// attacker would, and asserts that it stays shut.

import (
	"context"
	"crypto/rand"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/auth"
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
	events, _, err := e.st.LoginEvents(context.Background(), store.LoginEventFilter{UserID: u.ID, Limit: 1})
	if err != nil || len(events) == 0 {
		t.Fatalf("no login event: %v", err)
	}
	return events[0].Reason
}

// race sends the requests at once and returns their statuses.
func race(n int, send func(i int) int) []int {
	statuses := make([]int, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			statuses[i] = send(i)
		})
	}
	close(start)
	wg.Wait()
	return statuses
}

func TestAttack_ACodeIsUsedOnceWithinAStepAndAcrossLogins(t *testing.T) {
	e := newEnv(t, store.SQLite)
	now := e.fixClock()
	_, secret, _ := e.connected(t, now)

	// Connect's code counts as used: a thief watching the setup gains nothing.
	*now = now.Add(10 * time.Second)
	if a := e.do(e.passwordStep(t, "alice"), "POST", "/api/login/totp", shared.CodeRequest{Code: code(t, secret, *now)}); a.status != 401 {
		t.Fatalf("Connect's code at login: %d %s", a.status, a.body)
	}
	*now = now.Add(30 * time.Second)
	good := code(t, secret, *now)
	if a := e.do(e.passwordStep(t, "alice"), "POST", "/api/login/totp", shared.CodeRequest{Code: good}); a.status != 200 {
		t.Fatalf("a fresh code: %d %s", a.status, a.body)
	}
	for name, try := range map[string]string{"the same code": good, "with a space": good[:3] + " " + good[3:], "with spaces around": " " + good + " "} {
		a := e.do(e.passwordStep(t, "alice"), "POST", "/api/login/totp", shared.CodeRequest{Code: try})
		if a.status != 401 || a.apiError(t).Code != shared.EWrongCode || e.lastReason(t, "alice") != store.ReasonReusedCode {
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
	if a.status != 401 || e.lastReason(t, "alice") != store.ReasonReusedCode {
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
	statuses := race(len(clients), func(i int) int {
		return e.do(clients[i], "POST", "/api/login/totp", shared.CodeRequest{Code: good}).status
	})
	if wins := count(statuses, 200); wins != 1 {
		t.Fatalf("%d of 20 racers logged in with one code: %v", wins, statuses)
	}
	for _, s := range statuses {
		if s != 200 && s != 401 && s != 429 { // the losers' replays count toward the lockout
			t.Fatalf("a racer got %d: %v", s, statuses)
		}
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
	// In an order the replay guard cannot decide: refusals first, and each
	// accepted step later than the one before.
	for _, tc := range []struct {
		steps  int
		status int
	}{{-2, 401}, {+2, 401}, {-1, 200}, {0, 200}, {+1, 200}} {
		a := e.do(e.passwordStep(t, "alice"), "POST", "/api/login/totp",
			shared.CodeRequest{Code: code(t, secret, now.Add(time.Duration(tc.steps)*30*time.Second))})
		if a.status != tc.status {
			t.Errorf("code of step %+d: %d %s, want %d", tc.steps, a.status, a.body, tc.status)
		}
	}
}

func TestAttack_MalformedCodesAreNeverAccepted(t *testing.T) {
	e := newEnv(t, store.SQLite)
	now := e.fixClock()
	_, secret, _ := e.connected(t, now)
	*now = now.Add(time.Minute)
	good := code(t, secret, *now)
	if good == "123456" {
		t.Fatal("pick another clock: the current code is the literal under test")
	}
	for _, try := range []string{
		" 123456", "123456\n", "12345", "1234567", "abcdef", "12345a", "١٢٣٤٥٦", "１２３４５６",
		good + "\n", "\t" + good, good + "\u00a0", good + "0", good[:5], "+" + good[1:], "0x" + good[2:],
	} {
		a := e.do(e.passwordStep(t, "alice"), "POST", "/api/login/totp", shared.CodeRequest{Code: try})
		if a.status == 200 || a.status >= 500 {
			t.Errorf("code %q: %d %s", try, a.status, a.body)
		}
	}
	// The real code still works: the attempts above spent nothing.
	if a := e.do(e.passwordStep(t, "alice"), "POST", "/api/login/totp", shared.CodeRequest{Code: good}); a.status != 200 {
		t.Fatalf("the real code after the malformed ones: %d %s", a.status, a.body)
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
	for _, tc := range []struct {
		name    string
		c       *http.Client
		allowed access
		status  int
	}{{"password_ok", e.passwordStep(t, "alice"), secondStep, 401}, {"enrollment", enrollee, enrolling, 403}} {
		for _, rt := range e.api.routes() {
			if rt.access == public || rt.access == tc.allowed {
				continue
			}
			path := strings.ReplaceAll(rt.pattern, "{id}", fmt.Sprint(admin.AccountID))
			if a := e.do(tc.c, rt.method, path, "{}"); a.status != tc.status {
				t.Errorf("%s: %s %s answered %d %s", tc.name, rt.method, path, a.status, a.body)
			}
		}
	}
}

func TestAttack_EachLoginStepChangesTheCookieAndKillsTheOldOne(t *testing.T) {
	e := newEnv(t, store.SQLite)
	now := e.fixClock()
	_, secret, _ := e.connected(t, now)
	*now = now.Add(time.Minute)
	// A value planted before login (session fixation) is not adopted.
	c := e.withCookie("planted-by-the-attacker")
	e.login(c, "alice", password)
	afterPassword := e.sessionCookie(c).Value
	e.do(c, "POST", "/api/login/totp", shared.CodeRequest{Code: code(t, secret, *now)})
	afterCode := e.sessionCookie(c).Value
	if afterPassword == "planted-by-the-attacker" || afterCode == afterPassword {
		t.Fatalf("cookies: planted → %q → %q", afterPassword, afterCode)
	}
	if a := e.do(e.withCookie(afterPassword), "POST", "/api/login/totp", shared.CodeRequest{Code: code(t, secret, now.Add(30*time.Second))}); a.status != 401 || a.apiError(t).Code != shared.EUnauthenticated {
		t.Fatalf("the password step's cookie after the code step: %d %s", a.status, a.body)
	}
	if a := e.do(c, "GET", "/api/me", nil); a.status != 200 {
		t.Fatalf("the new cookie: %d", a.status)
	}
	// Logout: the cookie a thief copied is dead on the server, not only
	// forgotten by the browser.
	if a := e.do(c, "POST", "/api/logout", nil); a.status != 204 || !strings.Contains(a.header.Get("Set-Cookie"), "Max-Age=0") {
		t.Fatalf("logout: %d %v", a.status, a.header)
	}
	if a := e.do(e.withCookie(afterCode), "GET", "/api/me", nil); a.status != 401 {
		t.Fatalf("the cookie after logout: %d", a.status)
	}
}

func TestAttack_CookieFlags(t *testing.T) {
	for _, secure := range []bool{false, true} {
		t.Run(fmt.Sprint("secure=", secure), func(t *testing.T) {
			e := newEnv(t, store.SQLite)
			e.api.secureCookies = secure
			e.user("alice", shared.RoleUser, "Acme")
			a := e.login(e.browser(), "alice", password)
			cookies := (&http.Response{Header: a.header}).Cookies()
			if a.status != 200 || len(cookies) != 1 {
				t.Fatalf("login: %d %v", a.status, a.header)
			}
			ck := cookies[0]
			wantName := map[bool]string{false: cookieName, true: "__Host-" + cookieName}[secure]
			if ck.Name != wantName || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" ||
				ck.Domain != "" || ck.Secure != secure || len(ck.Value) < 43 {
				t.Fatalf("cookie %+v", ck)
			}
		})
	}
}

func TestAttack_WrongCodesAreThrottledPerUserAcrossSessionsAndIPs(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.api.trustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	now := e.fixClock()
	_, secret, _ := e.connected(t, now)
	*now = now.Add(time.Minute)

	// Without the password there is no second step to attack: the user
	// stays free to log in.
	for i := range 20 {
		if a := e.do(e.browser(), "POST", "/api/login/totp", shared.CodeRequest{Code: fmt.Sprintf("%06d", i)}); a.status != 401 {
			t.Fatalf("a code without a session: %d", a.status)
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
		return e.do(c, "POST", "/api/login/totp", shared.CodeRequest{Code: "000000"}, "X-Forwarded-For", ip)
	}
	for i := range 5 {
		wrong(fmt.Sprintf("198.51.100.%d", i+1))
	}
	a := e.do(e.passwordStep(t, "alice"), "POST", "/api/login/totp", shared.CodeRequest{Code: code(t, secret, *now)}, "X-Forwarded-For", "203.0.113.7")
	if a.status != 429 || a.header.Get("Retry-After") == "" {
		t.Fatalf("the right code from a new place during the lock: %d %v", a.status, a.header)
	}

	// The count stops at 100 however long the attack goes on.
	for i := range 150 {
		*now = now.Add(16 * time.Minute) // past the longest lock
		wrong(fmt.Sprintf("192.0.2.%d", i%200+1))
	}
	u, _ := e.st.UserByUsername(context.Background(), "alice")
	if u.FailedCodeCount > store.MaxCountedFailures || u.FailedCodeCount < 100 {
		t.Fatalf("%d counted failures, want the cap %d", u.FailedCodeCount, store.MaxCountedFailures)
	}
}

// TestAttack_UnknownUserWrongPasswordAndLockedUsernameLookAlike measures
// with the production password hash: the answer and the time must not tell
// an attacker which usernames exist or are locked.
func TestAttack_UnknownUserWrongPasswordAndLockedUsernameLookAlike(t *testing.T) {
	if testing.Short() {
		t.Skip("timing needs the production password hash: skipped with -short")
	}
	const tries = 50
	e := newEnv(t, store.SQLite)
	e.api.trustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	e.svc.Hasher = auth.NewHasher(auth.OWASPParams, rand.Reader)
	ip := 0
	try := func(username, pw string) (answer, time.Duration) {
		ip++ // a new address each time: the per-IP throttle is not under test
		start := time.Now()
		a := e.do(e.browser(), "POST", "/api/login", shared.LoginRequest{Username: username, Password: pw},
			"X-Forwarded-For", fmt.Sprintf("10.%d.%d.1", ip/250, ip%250))
		return a, time.Since(start)
	}
	kinds := []string{"unknown user", "wrong password", "locked username"}
	var first answer
	// measure makes 50 tries of each kind and returns each kind's median
	// time, as a share of its round's mean: the three tries of a round run
	// back to back in a random order, so a slow moment of a busy machine
	// (make test runs packages in parallel) weighs on all three alike.
	measure := func(attempt int) (shares []float64, medians []time.Duration) {
		// Ten users to try with wrong passwords, five times each, and ten
		// whose username five wrong passwords locked beforehand.
		name := func(kind string, i int) string { return fmt.Sprintf("%s%d_%02d", kind, attempt, i) }
		for i := range tries / 5 {
			e.user(name("user", i), shared.RoleUser, "Acme")
			e.user(name("locked", i), shared.RoleUser, "Acme")
			for range 5 {
				try(name("locked", i), "wrong password")
			}
		}
		times, share := map[string][]time.Duration{}, map[string][]time.Duration{}
		for i := range tries {
			round := map[string]time.Duration{}
			for _, kind := range shuffled(kinds) {
				var a answer
				switch kind {
				case "unknown user":
					a, round[kind] = try(name("nobody", i), password)
				case "wrong password": // the fifth try locks the user, with the plain answer
					a, round[kind] = try(name("user", i/5), "wrong password")
				case "locked username":
					a, round[kind] = try(name("locked", i/5), password)
				}
				if first.status == 0 {
					first = a
				}
				if a.status != first.status || string(a.body) != string(first.body) {
					t.Fatalf("%s: %d %s, unlike %d %s", kind, a.status, a.body, first.status, first.body)
				}
			}
			mean := (round[kinds[0]] + round[kinds[1]] + round[kinds[2]]) / 3
			for _, kind := range kinds {
				times[kind] = append(times[kind], round[kind])
				share[kind] = append(share[kind], round[kind]*1000/mean) // in thousandths
			}
		}
		for _, kind := range kinds {
			medians = append(medians, median(times[kind]))
			shares = append(shares, float64(median(share[kind]))/1000)
		}
		return shares, medians
	}
	// A real difference (a skipped hash is 40 ms against 0.1 ms) shows in
	// every attempt; noise on a shared machine rarely twice.
	for attempt := range 2 {
		shares, medians := measure(attempt)
		if first.status != 401 {
			t.Fatalf("status %d", first.status)
		}
		t.Logf("median times (unknown, wrong, locked): %v; median shares of their round: %.3f", medians, shares)
		if slices.Max(shares) <= 1.10*slices.Min(shares) {
			return
		}
	}
	t.Fatal("the timings of the three kinds differ by more than 10% in both attempts")
}

func shuffled(s []string) []string {
	s = slices.Clone(s)
	mrand.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
	return s
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func TestAttack_ARecoveryCodeWorksOnceAndRacersGetOneWinner(t *testing.T) {
	e := newEnv(t, store.Postgres)
	now := e.fixClock()
	_, _, codes := e.connected(t, now)
	clients := make([]*http.Client, 20)
	for i := range clients {
		clients[i] = e.passwordStep(t, "alice")
	}
	var winner answer
	var mu sync.Mutex
	statuses := race(len(clients), func(i int) int {
		a := e.do(clients[i], "POST", "/api/login/recovery", shared.CodeRequest{Code: codes[0]})
		if a.status == 200 {
			mu.Lock()
			winner = a
			mu.Unlock()
		}
		return a.status
	})
	if wins := count(statuses, 200); wins != 1 {
		t.Fatalf("%d of 20 logins with one recovery code: %v", wins, statuses)
	}
	var res shared.RecoveryLoginResponse
	winner.decode(t, &res)
	if res.RecoveryCodesLeft != 9 || res.Next != shared.NextDone {
		t.Fatalf("the winner's answer: %s", winner.body)
	}
	// Later the spent code is refused again (401, or 429: the losers'
	// failures still count toward the lockout).
	*now = now.Add(16 * time.Minute)
	if a := e.do(e.passwordStep(t, "alice"), "POST", "/api/login/recovery", shared.CodeRequest{Code: codes[0]}); a.status != 401 && a.status != 429 {
		t.Fatalf("the spent code later: %d %s", a.status, a.body)
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
	if a.status != 409 || strings.Contains(string(a.body), "recovery_codes") {
		t.Fatalf("recovery codes before Connect: %d %s", a.status, a.body)
	}
}

func TestAttack_DisconnectAndRegenerateNeedThePasswordAndACurrentCode(t *testing.T) {
	e := newEnv(t, store.SQLite)
	now := e.fixClock()
	c, secret, _ := e.connected(t, now)
	for _, body := range []any{`{}`, shared.DisconnectRequest{Password: ""}, shared.DisconnectRequest{Password: "wrong password"},
		shared.DisconnectRequest{Password: "wrong password", Confirm: true}} {
		if a := e.do(c, "POST", "/api/2fa/disconnect", body); a.status/100 != 4 {
			t.Errorf("disconnect with %v: %d %s", body, a.status, a.body)
		}
	}
	connectCode := code(t, secret, *now) // used by Connect
	*now = now.Add(2 * time.Minute)
	for _, try := range []string{"", "000000", connectCode, code(t, secret, now.Add(-2*time.Minute))} {
		if a := e.do(c, "POST", "/api/2fa/recovery-codes", shared.CodeRequest{Code: try}); a.status/100 != 4 {
			t.Errorf("regenerate with %q: %d %s", try, a.status, a.body)
		}
	}
	var me shared.Me
	e.do(c, "GET", "/api/me", nil).decode(t, &me)
	if !me.TOTPEnabled || me.RecoveryCodesLeft != 10 {
		t.Fatalf("after the refused attempts: %+v", me)
	}
}

// TestAttack_NothingSecretComesBackOrIsStored calls every route after
// Connect and reads the whole database, looking for the secret, the QR code
// and the recovery codes.
func TestAttack_NothingSecretComesBackOrIsStored(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) { nothingSecretComesBackOrIsStored(t, dialect) })
	}
}

func nothingSecretComesBackOrIsStored(t *testing.T, dialect string) {
	e := newEnv(t, dialect)
	now := e.fixClock()
	admin := e.user("adam", shared.RoleAdmin, "Acme")
	c, secret, codes := e.connected(t, now)
	e.do(c, "POST", "/api/logout", nil)
	*now = now.Add(time.Minute)
	c = e.passwordStep(t, "alice")
	e.do(c, "POST", "/api/login/recovery", shared.CodeRequest{Code: codes[1]})
	adminBrowser := e.browser()
	e.login(adminBrowser, "adam", password)

	var bodies []string
	for _, caller := range []*http.Client{c, adminBrowser} {
		for _, rt := range e.api.routes() {
			// Setup only for alice: for the admin it would rightly
			// show a new secret of his own.
			if rt.method == "GET" || rt.pattern == "/api/2fa/setup" && caller == c {
				path := strings.ReplaceAll(rt.pattern, "{id}", fmt.Sprint(admin.AccountID))
				bodies = append(bodies, string(e.do(caller, rt.method, path, nil).body))
			}
		}
	}
	bodies = append(bodies, e.log.String())
	secrets := []string{secret, "qr_png", "otpauth"}
	for _, rc := range codes {
		secrets = append(secrets, rc, strings.ReplaceAll(rc, "-", ""))
	}
	for _, body := range bodies {
		for _, s := range secrets {
			if strings.Contains(strings.ToLower(body), strings.ToLower(s)) {
				t.Errorf("%q came back: %.300s", s, body)
			}
		}
	}
	dump := strings.ToLower(storetest.Dump(t, e.st))
	for _, s := range append([]string{secret}, codes...) {
		if strings.Contains(dump, strings.ToLower(s)) || strings.Contains(dump, strings.ToLower(strings.ReplaceAll(s, "-", ""))) {
			t.Errorf("the database holds %q in plaintext", s)
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
			if rt.method == "GET" {
				continue
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
	tried := []string{password, "a wrong password 1", "a wrong password 2", code(t, secret, *now), "654321", codes[2], "ABCD-EFGH-JKMN"}
	e.login(e.browser(), "alice", tried[1])
	e.login(e.browser(), tried[2], password) // a password typed into the username field is still a username
	e.do(e.passwordStep(t, "alice"), "POST", "/api/login/totp", shared.CodeRequest{Code: tried[4]})
	e.do(e.passwordStep(t, "alice"), "POST", "/api/login/recovery", shared.CodeRequest{Code: tried[6]})
	e.do(e.passwordStep(t, "alice"), "POST", "/api/login/recovery", shared.CodeRequest{Code: tried[5]})
	e.do(e.passwordStep(t, "alice"), "POST", "/api/login/totp", shared.CodeRequest{Code: tried[3]})

	u, _ := e.st.UserByUsername(context.Background(), "alice")
	events, _, err := e.st.LoginEvents(context.Background(), store.LoginEventFilter{UserID: u.ID, Limit: 100})
	if err != nil || len(events) < 10 {
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
	if a := e.do(e.withCookie(e.sessionAt(u, store.StagePasswordOK)), "POST", "/api/login/totp", shared.CodeRequest{Code: "123456"}); a.status != 401 {
		t.Fatalf("a password_ok session without 2FA: %d %s", a.status, a.body)
	}
	if a := e.do(c, "GET", "/api/me", nil); a.status != 200 {
		t.Fatalf("the disconnecting browser keeps its session: %d", a.status)
	}
}
