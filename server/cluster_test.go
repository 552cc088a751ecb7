package main

import (
	"bytes"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/internal/testcode"

	"github.com/warden-auth/warden/server/sealing"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// apiClient is one browser talking to one server instance.
type apiClient struct {
	t    *testing.T
	base string
	http *http.Client
}

func newClient(t *testing.T, inst *instance) *apiClient {
	jar, _ := cookiejar.New(nil)
	return &apiClient{t: t, base: inst.URL, http: &http.Client{Jar: jar, Timeout: 20 * time.Second}}
}

func (c *apiClient) post(path string, body, out any) int {
	c.t.Helper()
	b, _ := json.Marshal(body)
	res, err := c.http.Post(c.base+path, "application/json", bytes.NewReader(b))
	if err != nil {
		c.t.Error(err)
		return 0
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if out != nil && res.StatusCode < 300 {
		json.Unmarshal(data, out)
	}
	return res.StatusCode
}

func (c *apiClient) login(password string) {
	c.t.Helper()
	var lr shared.LoginResponse
	if st := c.post("/api/login", shared.LoginRequest{Username: "admin", Password: password}, &lr); st != 200 {
		c.t.Fatalf("login: %d", st)
	}
}

// status sends a GET to another server with the client's cookies (a jar
// keys cookies by host, not port, so both servers get them).
func (c *apiClient) status(url string) int {
	c.t.Helper()
	res, err := c.http.Get(url)
	if err != nil {
		c.t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestCluster_TwoServersShareReplayLockoutAndRaces runs two server processes
// on one PostgreSQL database: a session ended on one is dead on the other,
// racing requests across both have one winner, a code used on one is used
// on both, and wrong codes on either count toward one lockout.
func TestCluster_TwoServersShareReplayLockoutAndRaces(t *testing.T) {
	dbURL, dir := storetest.URL(t, store.Postgres)
	key, _ := sealing.Generate("k1")
	a := startProcess(t, dbURL, dir, "SECRET_KEY", key).instance
	b := startProcess(t, dbURL, t.TempDir(), "SECRET_KEY", key).instance
	pw := a.AdminPassword

	// Logged in on a, known on b; logged out on a, dead on b.
	s := newClient(t, a)
	s.login(pw)
	if st := s.status(b.URL + "/api/me"); st != 200 {
		t.Fatalf("a's session on b: %d", st)
	}
	thief := newClient(t, b) // a copy of the cookie, kept after logout
	u, _ := url.Parse(a.URL)
	thief.http.Jar.SetCookies(u, s.http.Jar.Cookies(u))
	if st := thief.status(b.URL + "/api/me"); st != 200 {
		t.Fatalf("the copied cookie before logout: %d", st)
	}
	s.post("/api/logout", nil, nil)
	if st := thief.status(b.URL + "/api/me"); st != 401 {
		t.Fatalf("a session logged out on a, on b: %d", st)
	}

	admin := newClient(t, a)
	admin.login(pw)
	var setup shared.TOTPSetup
	admin.post("/api/2fa/setup", nil, &setup)
	connectedAt := time.Now()
	if st := admin.post("/api/2fa/connect", shared.CodeRequest{Code: totpCode(t, setup.Secret, connectedAt)}, nil); st != 200 {
		t.Fatalf("connect: %d", st)
	}

	assertNoPlaintext(t, dbURL, setup.Secret)

	// Two browsers past the password step, one on each server, send the
	// same next code at once (RFC 6238 §5.2): exactly one logs in.
	code := totpCode(t, setup.Secret, connectedAt.Add(30*time.Second))
	racers := []*apiClient{newClient(t, a), newClient(t, b)}
	for _, c := range racers {
		c.login(pw)
	}
	var wins atomic.Int32
	var wg sync.WaitGroup
	ready := make(chan struct{})
	for _, c := range racers {
		wg.Go(func() {
			<-ready
			switch st := c.post("/api/login/totp", shared.CodeRequest{Code: code}, nil); st {
			case 200:
				wins.Add(1)
			case 401:
			default:
				t.Errorf("racer: %d", st)
			}
		})
	}
	close(ready)
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d requests won with one code, want exactly 1", wins.Load())
	}

	// The code is spent on both servers. (Failures so far: the race's loser
	// and these two replays.)
	for _, inst := range []*instance{a, b} {
		c := newClient(t, inst)
		c.login(pw)
		if st := c.post("/api/login/totp", shared.CodeRequest{Code: code}, nil); st != 401 {
			t.Fatalf("replay on %s: %d", inst.URL, st)
		}
	}

	// Wrong codes on either server count toward one lockout: the fourth
	// failure is refused, the fifth locks.
	for i, want := range []int{401, 429} {
		c := newClient(t, []*instance{b, a}[i])
		c.login(pw)
		if st := c.post("/api/login/totp", shared.CodeRequest{Code: testcode.Wrong(t, setup.Secret, time.Now())}, nil); st != want {
			t.Fatalf("failure %d: %d, want %d", i+4, st, want)
		}
	}
	for _, inst := range []*instance{a, b} {
		c := newClient(t, inst)
		c.login(pw)
		if st := c.post("/api/login/totp", shared.CodeRequest{Code: totpCode(t, setup.Secret, time.Now())}, nil); st != 429 {
			t.Fatalf("right code during the lockout on %s: %d", inst.URL, st)
		}
	}
}

// assertNoPlaintext reads every row of every table as text, as someone with
// a copy of the database would, and fails if the TOTP secret is there in
// base32 or as raw bytes.
func assertNoPlaintext(t *testing.T, dbURL, secret string) {
	t.Helper()
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ToLower(storetest.DumpAt(t, dbURL, ""))
	if strings.Contains(text, strings.ToLower(secret)) || strings.Contains(text, hex.EncodeToString(raw)) {
		t.Error("the database holds the TOTP secret in plaintext")
	}
}
