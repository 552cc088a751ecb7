package httpapi

// Fault tests: the database goes away under a running server, or the
// connection dies in the middle of a transaction. A TCP proxy between the
// server and PostgreSQL plays the network and the stopped database, so the
// tests never stop the machine's PostgreSQL that other tests are using.

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// dbProxy forwards TCP connections to PostgreSQL until told otherwise.
type dbProxy struct {
	t      testing.TB
	target string
	addr   string

	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]bool
	hang   bool   // accept connections but never answer: a network partition
	killOn []byte // cut every connection when a client sends this
}

func newDBProxy(t testing.TB, target string) *dbProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &dbProxy{t: t, target: target, addr: ln.Addr().String(), conns: map[net.Conn]bool{}}
	p.serve(ln)
	t.Cleanup(p.stop)
	return p
}

func (p *dbProxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.handle(c)
		}
	}()
}

// stop is the database going down: new connections are refused and open
// ones are cut.
func (p *dbProxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	p.cutLocked()
}

// start is the database coming back on the same address.
func (p *dbProxy) start() {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.serve(ln)
}

func (p *dbProxy) setHang(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.hang = on
	if on {
		p.cutLocked() // pooled connections would otherwise still answer
	}
}

// cutWhenSent arms the proxy: the first time a client sends the bytes
// (a statement's text), every connection is cut before they arrive.
func (p *dbProxy) cutWhenSent(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.killOn = []byte(s)
}

func (p *dbProxy) cutLocked() {
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

func (p *dbProxy) track(cs ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range cs {
		p.conns[c] = true
	}
}

func (p *dbProxy) handle(client net.Conn) {
	p.mu.Lock()
	hang := p.hang
	p.mu.Unlock()
	p.track(client)
	if hang {
		return // held open, never answered, until cut
	}
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		client.Close()
		return
	}
	p.track(server)
	go func() { io.Copy(client, server); client.Close() }()
	buf := make([]byte, 32<<10)
	var tail []byte // the end of the last read, for a pattern split across reads
	for {
		n, err := client.Read(buf)
		if n > 0 {
			p.mu.Lock()
			pattern := p.killOn
			if pattern != nil && bytes.Contains(append(tail, buf[:n]...), pattern) {
				p.killOn = nil
				p.cutLocked()
				p.mu.Unlock()
				return
			}
			p.mu.Unlock()
			if len(pattern) > 0 {
				tail = append(tail[:0], buf[max(0, n-len(pattern)):n]...)
			}
			if _, err := server.Write(buf[:n]); err != nil {
				break
			}
		}
		if err != nil {
			break
		}
	}
	server.Close()
}

// newEnvBehindProxy is newEnv on a fresh PostgreSQL schema reached through
// a proxy.
func newEnvBehindProxy(t *testing.T) (*env, *dbProxy) {
	dbURL, dir := storetest.URL(t, store.Postgres)
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	p := newDBProxy(t, u.Host)
	u.Host = p.addr
	q := u.Query()
	q.Set("connect_timeout", "2")
	u.RawQuery = q.Encode()
	st, err := store.Open(context.Background(), u.String(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	e := newEnvOn(t, st)
	e.api.requestTimeout = 3 * time.Second
	return e, p
}

// TestFaults_TheDatabaseGoesAwayAndComesBack: while PostgreSQL is down or
// unreachable, requests get a 503 with a JSON error in bounded time,
// readiness says so and liveness does not; once it is back, the same server
// serves again.
func TestFaults_TheDatabaseGoesAwayAndComesBack(t *testing.T) {
	e, p := newEnvBehindProxy(t)
	e.user("alice", shared.RoleUser, "Acme")
	c := e.browser()
	if a := e.login(c, "alice", password); a.status != 200 {
		t.Fatalf("login: %d %s", a.status, a.body)
	}
	// Bounded means by the request timeout, with room for a busy machine:
	// a hang instead runs into the client's 10 s timeout and fails e.do.
	bound := e.api.requestTimeout + 4*time.Second
	check := func(t *testing.T) {
		for _, tc := range []struct {
			name string
			do   func() answer
			want int
		}{
			{"login", func() answer { return e.login(e.browser(), "alice", password) }, 503},
			{"me", func() answer { return e.do(c, "GET", "/api/me", nil) }, 503},
			{"readyz", func() answer { return e.do(e.browser(), "GET", "/readyz", nil) }, 503},
			{"healthz", func() answer { return e.do(e.browser(), "GET", "/healthz", nil) }, 200},
		} {
			start := time.Now()
			a := tc.do()
			took := time.Since(start)
			if a.status != tc.want || took > bound {
				t.Errorf("%s: %d %s after %v", tc.name, a.status, a.body, took)
			}
			if a.status == 503 && tc.name != "readyz" {
				if e := a.apiError(t); e.Code != shared.EUnavailable || a.header.Get("Retry-After") == "" {
					t.Errorf("%s: %s %v", tc.name, a.body, a.header)
				}
			}
		}
	}
	comeBack := func(t *testing.T) {
		if a := e.do(c, "GET", "/api/me", nil); a.status != 200 {
			t.Fatalf("me once the database is back: %d %s", a.status, a.body)
		}
		if a := e.login(e.browser(), "alice", password); a.status != 200 {
			t.Fatalf("login once the database is back: %d %s", a.status, a.body)
		}
		if a := e.do(e.browser(), "GET", "/readyz", nil); a.status != 200 {
			t.Fatalf("readyz once the database is back: %d", a.status)
		}
	}
	t.Run("stopped", func(t *testing.T) {
		p.stop()
		check(t)
		p.start()
		comeBack(t)
	})
	t.Run("unreachable", func(t *testing.T) {
		p.setHang(true)
		check(t)
		p.setHang(false)
		comeBack(t)
	})
	if out := e.log.String(); !bytes.Contains([]byte(out), []byte("database unavailable")) {
		t.Fatalf("the outage is not in the log: %.500s", out)
	}
}

// TestFaults_ConnectAndDisconnectAreAllOrNothing cuts the connection at the
// last statement of each transaction and finds nothing of it written.
func TestFaults_ConnectAndDisconnectAreAllOrNothing(t *testing.T) {
	e, p := newEnvBehindProxy(t)
	now := e.fixClock()
	admin := e.user("adam", shared.RoleAdmin, "Acme")
	u := e.user("alice", shared.RoleUser, "Acme")
	c := e.browser()
	e.login(c, "alice", password)
	var setup shared.TOTPSetup
	e.do(c, "POST", "/api/2fa/setup", nil).decode(t, &setup)
	connect := shared.CodeRequest{Code: code(t, setup.Secret, *now)}

	const lastStatement = `INSERT INTO "audit_events"`
	p.cutWhenSent(lastStatement)
	if a := e.do(c, "POST", "/api/2fa/connect", connect); a.status != 503 || a.apiError(t).Code != shared.EUnavailable {
		t.Fatalf("connect with the connection cut: %d %s", a.status, a.body)
	}
	ctx := context.Background()
	got, err := e.st.UserByID(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	left, _ := e.st.RecoveryCodesLeft(ctx, u.ID)
	audit, _, _ := e.st.AuditEvents(ctx, u.AccountID, 0, 10)
	audit = slices.DeleteFunc(audit, func(a domain.AuditEvent) bool { return a.Action == shared.AuditUserCreated })
	if got.TOTPEnabledAt != nil || got.TOTPSecret != nil || got.TOTPPendingSecret == nil || left != 0 || len(audit) != 0 {
		t.Fatalf("half a Connect was written: enabled %v, secret %v, pending %v, %d codes, audit %v",
			got.TOTPEnabledAt, got.TOTPSecret != nil, got.TOTPPendingSecret != nil, left, audit)
	}
	// Nothing was spent either: the same code connects now.
	var res shared.ConnectResponse
	if a := e.do(c, "POST", "/api/2fa/connect", connect); a.status != 200 {
		t.Fatalf("connect again: %d %s", a.status, a.body)
	} else if a.decode(t, &res); len(res.RecoveryCodes) != 10 {
		t.Fatalf("connect again: %s", a.body)
	}

	// Disconnect under the policy: secret, codes and every session go
	// together, or none of them.
	if _, err := e.st.SetForceTwoFactor(ctx, u.AccountID, true, admin.ID, *now, nil); err != nil {
		t.Fatal(err)
	}
	other := e.browser()
	*now = now.Add(time.Minute)
	e.login(other, "alice", password)
	e.do(other, "POST", "/api/login/totp", shared.CodeRequest{Code: code(t, setup.Secret, *now)})
	p.cutWhenSent(lastStatement)
	if a := e.do(c, "POST", "/api/2fa/disconnect", shared.DisconnectRequest{Password: password, Confirm: true}); a.status != 503 || a.apiError(t).Code != shared.EUnavailable {
		t.Fatalf("disconnect with the connection cut: %d %s", a.status, a.body)
	}
	got, _ = e.st.UserByID(ctx, u.ID)
	left, _ = e.st.RecoveryCodesLeft(ctx, u.ID)
	if got.TOTPEnabledAt == nil || got.TOTPSecret == nil || left != 10 {
		t.Fatalf("half a Disconnect was written: enabled %v, %d codes", got.TOTPEnabledAt, left)
	}
	for name, b := range map[string]*http.Client{"this browser": c, "the other": other} {
		if a := e.do(b, "GET", "/api/me", nil); a.status != 200 {
			t.Fatalf("%s after the cut Disconnect: %d", name, a.status)
		}
	}
	if a := e.do(c, "POST", "/api/2fa/disconnect", shared.DisconnectRequest{Password: password, Confirm: true}); a.status != 200 {
		t.Fatalf("disconnect again: %d %s", a.status, a.body)
	}
	if a := e.do(other, "GET", "/api/me", nil); a.status != 401 || a.apiError(t).Code != shared.EUnauthenticated {
		t.Fatalf("the other session after Disconnect: %d %s", a.status, a.body)
	}
}
