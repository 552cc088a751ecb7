package httpapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/auth/factor"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/internal/testclock"

	"github.com/pquerna/otp/totp"

	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// The fuzz targets here send whatever a client could send through the whole
// handler stack (security headers, cross-origin check, route table, stage
// checks, handlers, SQLite) and check what every answer must be: never a
// 5xx, JSON in shared's error shape for every API error, the security
// headers everywhere, and session cookies only with their attributes; and
// that it changed only what it had the right to (fuzzstate_test.go).

// fuzzWorld is one API on one SQLite database with a fixed cast, built once
// per fuzz target and process. Each input is checked twice: its answer, and
// what it changed in the database, which must be its to change (see
// unjustified). Then the world is restored, so each input meets the same
// world and a failing one reproduces alone. Every input starts an hour after
// the last, so that each one's codes are new to the replay guard.
type fuzzWorld struct {
	e    *env
	db   *sql.DB // the store's file, opened beside it
	now  time.Time
	cast []castMember
	// accounts holds each account's id and the policy it starts with.
	accounts map[int64]bool
	routes   []route
	// Where the logs stood when the cast was ready: restore removes the
	// rows after them.
	baseEvents, baseAudit int64
	// castChanged: the last input changed users, recovery codes or an
	// account, which reset then checks and redoes.
	castChanged bool
}

type castMember struct {
	name, role, account string
	twoFactor           bool // connected; otherwise a setup is pending
	user                *domain.User
	secret              string // base32: the connected secret, or the pending one
	recoveryCode        string // one unspent code, when connected
	// What the store held after the last reset, to tell whether an input
	// changed it.
	sealed  []byte
	codeIDs []int64
}

// Stages a minted session can have. Every pairing with any cast member is
// reachable: a second session stays at password_ok when 2FA is disconnected
// from the first, and at enrollment when 2FA is connected from the first.
var fuzzStages = []string{domain.StagePasswordOK, domain.StageEnrollment, domain.StageFull}

func newFuzzWorld(f *testing.F) *fuzzWorld {
	f.Helper()
	// A store of our own, to know its file and read it beside the store.
	url, dir := storetest.URL(f, store.SQLite)
	st, err := store.Open(f.Context(), url, dir)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(f.Context()); err != nil {
		f.Fatal(err)
	}
	db, err := openBeside(dir)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	e := newEnvOn(f, st)
	w := &fuzzWorld{e: e, db: db, now: testclock.Base, accounts: map[int64]bool{}}
	e.svc.Now = func() time.Time { return w.now }
	// Believe X-Forwarded-For from the documentation range the requests
	// come from, so the header's parsing is fuzzed too.
	e.api.trustedProxies = []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}
	w.cast = []castMember{
		{name: "alice", role: shared.RoleUser, account: "Acme"},
		{name: "bob", role: shared.RoleUser, account: "Acme", twoFactor: true},
		{name: "root", role: shared.RoleAdmin, account: "Acme", twoFactor: true},
		{name: "carol", role: shared.RoleUser, account: "Forced"},
		{name: "dora", role: shared.RoleAdmin, account: "Forced", twoFactor: true},
	}
	for i := range w.cast {
		m := &w.cast[i]
		m.user = e.user(m.name, m.role, m.account)
		w.accounts[m.user.AccountID] = m.account == "Forced"
	}
	w.routes = e.api.routes()
	if err := w.reset(f.Context()); err != nil {
		f.Fatal(err)
	}
	for _, base := range []struct {
		table string
		id    *int64
	}{{"login_events", &w.baseEvents}, {"audit_events", &w.baseAudit}} {
		if err := db.QueryRowContext(f.Context(), `SELECT coalesce(max(id), 0) FROM `+base.table).Scan(base.id); err != nil {
			f.Fatal(err)
		}
	}
	return w
}

// restore undoes what the last input changed. The cast's 2FA and policy are
// redone through the product (reset); the rest is bookkeeping that time
// would clear anyway (sessions, throttles, second-factor failure counts) or
// that only grows (the logs), deleted here so the next snapshot stays small.
func (w *fuzzWorld) restore(ctx context.Context) error {
	if w.castChanged {
		if err := w.reset(ctx); err != nil {
			return err
		}
		w.castChanged = false
	}
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`DELETE FROM sessions`, nil},
		{`DELETE FROM login_throttles`, nil},
		{`DELETE FROM login_events WHERE id > ?`, []any{w.baseEvents}},
		{`DELETE FROM audit_events WHERE id > ?`, []any{w.baseAudit}},
		{`UPDATE users SET failed_code_count = 0, locked_until = NULL WHERE failed_code_count <> 0 OR locked_until IS NOT NULL`, nil},
	} {
		if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
			return fmt.Errorf("%s: %w", q.sql, err)
		}
	}
	return tx.Commit()
}

// reset brings the cast back to the start: each member's 2FA connected (with
// a known secret and recovery code) or pending, and each account's policy.
// Only what changed is redone: a setup costs a QR code and a few commits.
func (w *fuzzWorld) reset(ctx context.Context) error {
	for i := range w.cast {
		m := &w.cast[i]
		if ok, err := w.intact(ctx, m); err != nil {
			return err
		} else if !ok {
			if err := w.resetMember(ctx, m); err != nil {
				return fmt.Errorf("reset %s: %w", m.name, err)
			}
		}
	}
	for id, on := range w.accounts {
		a, err := w.e.st.AccountByID(ctx, id)
		if err != nil {
			return err
		}
		if a.ForceTwoFactor != on {
			if _, err := w.e.st.SetForceTwoFactor(ctx, id, on, 0, w.now, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// intact reports whether m's 2FA is as resetMember left it.
func (w *fuzzWorld) intact(ctx context.Context, m *castMember) (bool, error) {
	u, err := w.e.st.UserByID(ctx, m.user.ID)
	if err != nil {
		return false, err
	}
	if !m.twoFactor {
		return u.TOTPEnabledAt == nil && m.sealed != nil && bytes.Equal(u.TOTPPendingSecret, m.sealed), nil
	}
	if u.TOTPEnabledAt == nil || !bytes.Equal(u.TOTPSecret, m.sealed) {
		return false, nil
	}
	codes, err := w.e.st.RecoveryCodes(ctx, m.user.ID)
	if err != nil {
		return false, err
	}
	ids := make([]int64, 0, len(codes))
	for _, c := range codes {
		if c.UsedAt != nil {
			return false, nil
		}
		ids = append(ids, c.ID)
	}
	return slices.Equal(ids, m.codeIDs), nil
}

// resetMember gives m a new secret, pending or connected as m wants it.
func (w *fuzzWorld) resetMember(ctx context.Context, m *castMember) error {
	svc, st := w.e.svc, w.e.st
	if _, err := svc.Factors.SwitchOff(ctx, m.user.ID, 0, false, nil); err != nil {
		return err
	}
	u, err := st.UserByID(ctx, m.user.ID)
	if err != nil {
		return err
	}
	setup, err := svc.TOTP.Setup(ctx, u)
	if err != nil {
		return err
	}
	if u, err = st.UserByID(ctx, m.user.ID); err != nil {
		return err
	}
	m.secret, m.sealed, m.recoveryCode, m.codeIDs = setup.Secret, u.TOTPPendingSecret, "", nil
	if !m.twoFactor {
		return nil
	}
	code, err := totp.GenerateCode(m.secret, w.now)
	if err != nil {
		return err
	}
	done, _, err := svc.Login.Enrol(ctx, &domain.Session{User: u}, domain.StageFull, shared.FactorTOTP, factor.Input{Code: code}, core.Client{IP: "192.0.2.9"})
	if err != nil {
		return err
	}
	codes, err := st.RecoveryCodes(ctx, m.user.ID)
	if err != nil {
		return err
	}
	for _, c := range codes {
		m.codeIDs = append(m.codeIDs, c.ID)
	}
	m.recoveryCode = done.RecoveryCodes[0]
	return nil
}

// mint creates a session straight in the store, like sessionAt, but
// returning its error: inside the fuzz function only its own t may fail.
func (w *fuzzWorld) mint(ctx context.Context, u *domain.User, stage string) (string, *domain.Session, error) {
	token := rand.Text()
	sess := &domain.Session{TokenHash: core.HashToken(token), UserID: u.ID,
		Stage: stage, CreatedAt: w.now, LastSeenAt: w.now, ExpiresAt: w.now.Add(time.Hour), IP: "192.0.2.1", UserAgent: "fuzz"}
	return token, sess, w.e.st.CreateSession(ctx, sess)
}

// who encodes a caller for the fuzz input: 0 is nobody, then every cast
// member at every stage (1+stage*len(cast)+member; larger values wrap).
func (w *fuzzWorld) who(name, stage string) uint8 {
	i := slices.IndexFunc(w.cast, func(m castMember) bool { return m.name == name })
	return uint8(1 + slices.Index(fuzzStages, stage)*len(w.cast) + i)
}

func (w *fuzzWorld) caller(who uint8) (*castMember, string) {
	if who == 0 {
		return nil, ""
	}
	n := int(who-1) % (len(w.cast) * len(fuzzStages))
	return &w.cast[n%len(w.cast)], fuzzStages[n/len(w.cast)]
}

// Paths besides the route table: the catch-all, the probes and the pages.
var fuzzExtraPaths = []string{"/api/", "/api/nope", "/api/me/", "/healthz", "/readyz", "/", "/login"}

var fuzzMethods = []string{"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"}

func (w *fuzzWorld) target(routeIdx, methodIdx uint8) (method, pattern string) {
	n := int(routeIdx) % (len(w.routes) + len(fuzzExtraPaths))
	if n < len(w.routes) {
		method, pattern = w.routes[n].method, w.routes[n].pattern
	} else {
		method, pattern = "GET", fuzzExtraPaths[n-len(w.routes)]
	}
	if methodIdx != 0 {
		method = fuzzMethods[int(methodIdx-1)%len(fuzzMethods)]
	}
	return method, pattern
}

func (w *fuzzWorld) route(method, pattern string) uint8 {
	return uint8(slices.IndexFunc(w.routes, func(rt route) bool { return rt.method == method && rt.pattern == pattern }))
}

// fuzzInput is one request as the fuzzer builds it.
type fuzzInput struct {
	route, method, who             uint8
	tls                            bool
	id, query, contentType, header string
	cookie, body                   string
}

// Placeholders a body, query or path may hold, replaced by the caller's
// current authenticator code and an unspent recovery code: the fuzzer cannot
// guess either, and without them the success paths would be out of reach.
const (
	totpMark     = "{totp}"
	recoveryMark = "{recovery}"
)

func FuzzAPI(f *testing.F) {
	w := newFuzzWorld(f)
	const ctJSON = "application/json"
	login := func(u, p string) string { return fmt.Sprintf(`{"username":%q,"password":%q}`, u, p) }
	post := w.route("POST", "/api/login")
	seeds := []fuzzInput{
		{route: post, contentType: ctJSON, body: login("alice", password)},
		{route: post, contentType: ctJSON, body: login(" BOB ", password)},
		{route: post, contentType: ctJSON, body: login("carol", password), tls: true},
		{route: post, contentType: ctJSON, body: login("alice", "wrong password")},
		{route: post, contentType: ctJSON, body: login("nobody", password), header: "X-Forwarded-For: 198.51.100.7, 192.0.2.3\nUser-Agent: Mozilla/5.0 Firefox/140"},
		{route: post, contentType: ctJSON, body: `{"username":"alice","password":"x","admin":true}`},
		{route: post, contentType: ctJSON, body: `{"username":42}`},
		{route: post, contentType: ctJSON, body: `{"username":"alice","password":"` + strings.Repeat("p", 70<<10) + `"}`},
		{route: post, contentType: "application/json; charset=utf-8", body: login("alice", password) + ` {}`},
		{route: post, contentType: "text/plain", body: login("alice", password)},
		{route: post, contentType: "application/json; charset", body: login("alice", password)},
		{route: post, contentType: ctJSON, body: login("alice", password), header: "Sec-Fetch-Site: cross-site"},
		{route: post, contentType: ctJSON, body: login("alice", password), header: "Origin: https://evil.example"},
		{route: post, contentType: ctJSON, body: login("alice", password), cookie: "warden_session=planted"},
		{route: w.route("POST", "/api/login/totp"), who: w.who("bob", domain.StagePasswordOK), contentType: ctJSON, body: `{"code":"{totp}"}`},
		{route: w.route("POST", "/api/login/totp"), who: w.who("bob", domain.StagePasswordOK), contentType: ctJSON, body: `{"code":"000 000"}`},
		{route: w.route("POST", "/api/login/totp"), who: w.who("bob", domain.StageFull), contentType: ctJSON, body: `{"code":"{totp}"}`},
		{route: w.route("POST", "/api/login/recovery"), who: w.who("dora", domain.StagePasswordOK), contentType: ctJSON, body: `{"code":"{recovery}"}`},
		{route: w.route("POST", "/api/login/recovery"), who: w.who("dora", domain.StagePasswordOK), contentType: ctJSON, body: `{"code":"oooo-iiii-llll"}`},
		{route: w.route("POST", "/api/logout"), who: w.who("alice", domain.StageFull)},
		{route: w.route("POST", "/api/logout"), cookie: "warden_session=x; warden_session=y"},
		{route: w.route("GET", "/api/me"), who: w.who("root", domain.StageFull)},
		{route: w.route("GET", "/api/me"), who: w.who("carol", domain.StageEnrollment), tls: true},
		{route: w.route("GET", "/api/me/logins"), who: w.who("bob", domain.StageFull), query: "limit=1&result=failure"},
		{route: w.route("GET", "/api/me/logins"), who: w.who("bob", domain.StageFull), query: "limit=0&before=x"},
		{route: w.route("POST", "/api/2fa/setup"), who: w.who("carol", domain.StageEnrollment)},
		{route: w.route("POST", "/api/2fa/connect"), who: w.who("alice", domain.StageFull), contentType: ctJSON, body: `{"code":"{totp}"}`},
		{route: w.route("POST", "/api/2fa/connect"), who: w.who("carol", domain.StageEnrollment), contentType: ctJSON, body: `{"code":"{totp}"}`},
		{route: w.route("POST", "/api/2fa/recovery-codes"), who: w.who("bob", domain.StageFull), contentType: ctJSON, body: `{"code":"{totp}"}`},
		{route: w.route("POST", "/api/me/reauth"), who: w.who("bob", domain.StageFull), contentType: ctJSON, body: `{"password":"` + password + `"}`},
		{route: w.route("POST", "/api/me/reauth"), who: w.who("alice", domain.StageFull), contentType: ctJSON, body: `{"password":"wrong"}`},
		{route: w.route("POST", "/api/me/reauth"), who: w.who("bob", domain.StageFull), contentType: ctJSON, body: `{"code":"123456"}`},
		{route: w.route("POST", "/api/me/reauth"), who: w.who("carol", domain.StageEnrollment), contentType: ctJSON, body: `{"password":"` + password + `"}`},
		{route: w.route("POST", "/api/2fa/disconnect"), who: w.who("bob", domain.StageFull), contentType: ctJSON, body: `{"password":"` + password + `"}`},
		{route: w.route("POST", "/api/2fa/disconnect"), who: w.who("dora", domain.StageFull), contentType: ctJSON, body: `{"password":"` + password + `"}`},
		{route: w.route("POST", "/api/2fa/disconnect"), who: w.who("dora", domain.StageFull), contentType: ctJSON, body: `{"password":"` + password + `","confirm":true}`},
		{route: w.route("GET", "/api/admin/accounts"), who: w.who("root", domain.StageFull)},
		{route: w.route("PUT", "/api/admin/accounts/{id}/settings"), who: w.who("root", domain.StageFull), id: "1", contentType: ctJSON, body: `{"force_2fa":true}`},
		{route: w.route("PUT", "/api/admin/accounts/{id}/settings"), who: w.who("dora", domain.StageFull), id: "2", contentType: ctJSON, body: `{"force_2fa":false}`},
		{route: w.route("PUT", "/api/admin/accounts/{id}/settings"), who: w.who("root", domain.StageFull), id: "2", contentType: ctJSON, body: `{"force_2fa":null}`},
		{route: w.route("GET", "/api/admin/users"), who: w.who("root", domain.StageFull), query: "account=2"},
		{route: w.route("GET", "/api/admin/users"), who: w.who("root", domain.StageFull), query: "account=x"},
		{route: w.route("POST", "/api/admin/users/{id}/reset-2fa"), who: w.who("root", domain.StageFull), id: "2"},
		{route: w.route("POST", "/api/admin/users/{id}/reset-2fa"), who: w.who("root", domain.StageFull), id: "9223372036854775808"},
		{route: w.route("POST", "/api/admin/users/{id}/reset-2fa"), who: w.who("root", domain.StageFull), id: "../../me"},
		{route: w.route("GET", "/api/admin/logins"), who: w.who("root", domain.StageFull), query: "user=BOB&result=failure&from=2026-01-01&to=2026-03-01T10:00:00Z"},
		{route: w.route("GET", "/api/admin/logins"), who: w.who("root", domain.StageFull), query: "user=dora"},
		// What the state check guards: a non-admin acting as one, an admin
		// reaching into another account, error answers that write.
		{route: w.route("PUT", "/api/admin/accounts/{id}/settings"), who: w.who("alice", domain.StageFull), id: "1", contentType: ctJSON, body: `{"force_2fa":true}`},
		{route: w.route("POST", "/api/admin/users/{id}/reset-2fa"), who: w.who("alice", domain.StageFull), id: "2"},
		{route: w.route("POST", "/api/admin/users/{id}/reset-2fa"), who: w.who("root", domain.StageFull), id: "5"},
		{route: w.route("POST", "/api/admin/users/{id}/reset-2fa"), who: w.who("dora", domain.StageFull), id: "3"},
		{route: w.route("POST", "/api/admin/users/{id}/reset-2fa"), who: w.who("root", domain.StagePasswordOK), id: "2"},
		{route: w.route("POST", "/api/2fa/disconnect"), who: w.who("bob", domain.StageFull), contentType: ctJSON, body: `{"password":"wrong password"}`},
		{route: w.route("POST", "/api/2fa/recovery-codes"), who: w.who("bob", domain.StageFull), contentType: ctJSON, body: `{"code":"000 000"}`},
		{route: post, who: w.who("alice", domain.StageFull), contentType: ctJSON, body: login("bob", "wrong password")},
		{route: post, who: w.who("alice", domain.StageFull), contentType: ctJSON, body: login("bob", password)},
		{route: w.route("GET", "/api/admin/audit"), who: w.who("dora", domain.StageFull), query: "limit=100"},
		{route: w.route("GET", "/api/admin/audit"), who: w.who("alice", domain.StageFull)},
		{route: w.route("GET", "/api/admin/audit"), who: w.who("carol", domain.StagePasswordOK)},
		{route: w.route("POST", "/api/login"), method: 1},
		{route: uint8(len(w.routes)) + 1, header: "Accept: text/html"},
		{route: uint8(len(w.routes)) + 4, method: 3},
		{route: uint8(len(w.routes)) + 6, tls: true},
	}
	for _, s := range seeds {
		f.Add(s.route, s.method, s.who, s.tls, s.id, s.query, s.contentType, s.header, s.cookie, s.body)
	}
	f.Fuzz(func(t *testing.T, routeIdx, methodIdx, who uint8, overTLS bool, id, query, contentType, header, cookie, body string) {
		in := fuzzInput{routeIdx, methodIdx, who, overTLS, id, query, contentType, header, cookie, body}
		w.serve(t, in)
	})
}

// serve sends one input and checks the answer and what it changed.
func (w *fuzzWorld) serve(t *testing.T, in fuzzInput) {
	ctx := t.Context()
	if err := w.restore(ctx); err != nil {
		t.Fatalf("restore: %v", err)
	}
	w.now = w.now.Add(time.Hour)
	method, pattern := w.target(in.route, in.method)
	m, stage := w.caller(in.who)

	marks := []string{totpMark, "", recoveryMark, ""}
	if m != nil {
		code, err := totp.GenerateCode(m.secret, w.now)
		if err != nil {
			t.Fatal(err)
		}
		marks = []string{totpMark, code, recoveryMark, m.recoveryCode}
	}
	fill := strings.NewReplacer(marks...).Replace

	id := fill(in.id)
	u := &url.URL{Path: strings.Replace(pattern, "{id}", id, 1), RawPath: strings.Replace(pattern, "{id}", url.PathEscape(id), 1),
		RawQuery: requestTargetOnly(fill(in.query))}
	body := fill(in.body)
	r := &http.Request{Method: method, URL: u, RequestURI: u.RequestURI(), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{}, Host: "warden.test", RemoteAddr: "192.0.2.1:40000",
		Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body))}
	if in.tls {
		r.TLS = &tls.ConnectionState{Version: tls.VersionTLS13, HandshakeComplete: true, ServerName: "warden.test"}
	}
	for line := range strings.SplitSeq(in.header, "\n") {
		name, value, ok := strings.Cut(line, ":")
		value = strings.Trim(value, " \t")
		if !ok || !validHeaderName(name) || !validHeaderValue(value) {
			continue
		}
		if name = textproto.CanonicalMIMEHeaderKey(name); name == "Host" {
			r.Host = value
		} else {
			r.Header.Add(name, value)
		}
	}
	if in.contentType != "" && validHeaderValue(in.contentType) {
		r.Header.Set("Content-Type", in.contentType)
	}
	sessionCookie := cookieName
	if in.tls {
		sessionCookie = "__Host-" + cookieName
	}
	var cookies []string
	x := exchange{method: method, pattern: pattern}
	if m != nil {
		token, sess, err := w.mint(ctx, m.user, stage)
		if err != nil {
			t.Fatal(err)
		}
		cookies = append(cookies, sessionCookie+"="+token)
		x.caller, x.stage, x.presented = m.user, stage, sess.ID
	}
	if in.cookie != "" && validHeaderValue(in.cookie) {
		cookies = append(cookies, in.cookie)
	}
	if len(cookies) > 0 {
		r.Header.Add("Cookie", strings.Join(cookies, "; "))
	}

	before, err := snapshot(ctx, w.db)
	if err != nil {
		t.Fatal(err)
	}
	w.castChanged = true // until the diff says otherwise
	logBefore := len(w.e.log.String())
	rec := httptest.NewRecorder()
	w.e.api.ServeHTTP(rec, r.WithContext(ctx))
	res := rec.Result()
	got, _ := io.ReadAll(res.Body)
	after, err := snapshot(ctx, w.db)
	if err != nil {
		t.Fatal(err)
	}
	changes := diff(before, after)
	w.castChanged = slices.ContainsFunc(changes, func(c rowChange) bool {
		return c.table == "users" || c.table == "recovery_codes" || c.table == "accounts"
	})

	who := "nobody"
	if m != nil {
		who = m.name + " at " + stage
	}
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("%s %s as %s (tls=%v): %d %s\n%s\nlog: %s", method, u, who, in.tls, res.StatusCode, got,
			fmt.Sprintf(format, args...), w.e.log.String()[logBefore:])
	}
	checkAnswer(res, got, in.tls, strings.HasPrefix(u.Path, "/api/"), fail)
	x.status = res.StatusCode
	if why := w.unjustified(x, changes); why != "" {
		fail("changed what it had no right to:\n%s", why)
	}
}

// checkAnswer checks what every answer must be.
func checkAnswer(res *http.Response, body []byte, overTLS, api bool, fail func(string, ...any)) {
	h := res.Header
	if res.StatusCode >= 500 {
		fail("a server error")
	}
	csp := h.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") ||
		h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" || h.Get("Referrer-Policy") != "no-referrer" {
		fail("security headers missing: %v", h)
	}
	if overTLS && !strings.HasPrefix(h.Get("Strict-Transport-Security"), "max-age=") {
		fail("no HSTS over TLS: %v", h)
	}
	for _, c := range res.Cookies() {
		prefix := ""
		if overTLS {
			prefix = "__Host-"
		}
		// The session cookie goes with navigation (Lax); the device cookie
		// only with the login step, and a passkey's ceremony only with its
		// finish, from this site (Strict).
		sameSite := map[string]http.SameSite{prefix + cookieName: http.SameSiteLaxMode, prefix + deviceCookieName: http.SameSiteStrictMode,
			prefix + passkeyCookieName: http.SameSiteStrictMode}
		if want, ok := sameSite[c.Name]; !ok || !c.HttpOnly || c.SameSite != want || c.Path != "/" || c.Secure != overTLS || c.Domain != "" {
			fail("bad cookie %q", c.String())
		}
		if res.StatusCode >= 400 {
			fail("an error answer touches the session cookie: %q", c.String())
		}
	}
	if !api {
		return
	}
	if res.StatusCode >= 300 && res.StatusCode < 400 {
		return // ServeMux's redirect to the cleaned path
	}
	if res.StatusCode == http.StatusNoContent {
		if len(body) != 0 {
			fail("204 with a body")
		}
		return
	}
	if ct := h.Get("Content-Type"); ct != "application/json; charset=utf-8" || h.Get("Cache-Control") != "no-store" {
		fail("API answer with Content-Type %q, Cache-Control %q", ct, h.Get("Cache-Control"))
	}
	if res.StatusCode < 400 {
		if !json.Valid(body) {
			fail("not JSON")
		}
		return
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	var e shared.Error
	if err := dec.Decode(&e); err != nil {
		fail("not shared's error shape: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		fail("more than one JSON value")
	}
	if e.Code == "" || e.Message == "" || statusOf[e.Code] != res.StatusCode {
		fail("error code %q does not belong to status %d", e.Code, res.StatusCode)
	}
	switch res.StatusCode {
	case http.StatusMethodNotAllowed:
		if h.Get("Allow") == "" {
			fail("405 without Allow")
		}
	case http.StatusTooManyRequests:
		if n, err := strconv.Atoi(h.Get("Retry-After")); err != nil || n < 1 || e.RetryAfter != n {
			fail("429 with Retry-After %q and retry_after %d", h.Get("Retry-After"), e.RetryAfter)
		}
	}
}

// validHeaderName and validHeaderValue keep what net/http's server would
// refuse before any handler runs out of the requests (RFC 9110 §5.1, §5.5).
func validHeaderName(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool {
		return r <= ' ' || r >= 0x7f || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r)
	})
}

func validHeaderValue(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return (r < ' ' && r != '\t') || r == 0x7f })
}

// requestTargetOnly drops what cannot stand in a request line's query.
func requestTargetOnly(q string) string {
	return strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f || r == '#' {
			return -1
		}
		return r
	}, q)
}
