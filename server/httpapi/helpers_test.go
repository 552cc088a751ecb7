package httpapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/auth"
	"github.com/warden-auth/warden/server/auth/passwords"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/sealing"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

const password = "correct horse battery"

// env is a running API on a fresh database, with its log captured.
type env struct {
	t   testing.TB
	srv *httptest.Server
	api *Server
	svc *auth.Service
	st  *store.Store
	log *syncBuffer
	// hooks is svc's store, with the test's hooks (hooks_test.go).
	hooks *hookedStore
	// secrets are the authenticator secrets of users a test enrolled, by
	// username, for tests that log them in again.
	secrets map[string]string
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func newEnv(t testing.TB, dialect string) *env {
	t.Helper()
	return newEnvOn(t, storetest.Open(t, dialect))
}

// newEnvOn is newEnv on a store the test opened itself.
func newEnvOn(t testing.TB, st *store.Store) *env {
	t.Helper()
	return newEnvPages(t, st, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "<html>page</html>")
	}))
}

// newEnvPages is newEnvOn with pages served by pages.
func newEnvPages(t testing.TB, st *store.Store, pages http.Handler) *env {
	t.Helper()
	logBuf := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logBuf, nil))
	hooks := &hookedStore{Store: st}
	svc := auth.New(hooks.stores(), sealing.Ephemeral(), log)
	svc.Hasher = passwords.NewHasher(passwords.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, rand.Reader)
	if err := svc.SealedKeys.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	api := New(Config{Auth: svc, Log: log, Pages: pages})
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return &env{t: t, srv: srv, api: api, svc: svc, st: st, log: logBuf, hooks: hooks}
}

func (e *env) user(name, role, account string) *domain.User {
	e.t.Helper()
	u, err := e.svc.Accounts.CreateUser(context.Background(), name, password, role, account)
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// browser is a client with its own cookie jar.
func (e *env) browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 10 * time.Second}
}

// answer is a decoded response.
type answer struct {
	status int
	header http.Header
	body   []byte
	close  bool // the server ends the connection after this answer
}

func (a answer) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("decode %s: %v", a.body, err)
	}
}

func (a answer) apiError(t *testing.T) shared.Error {
	t.Helper()
	var e shared.Error
	a.decode(t, &e)
	if e.Code == "" || e.Message == "" {
		t.Fatalf("not an API error: %s", a.body)
	}
	return e
}

// do sends a request with a JSON body (a string is sent as is).
func (e *env) do(c *http.Client, method, path string, body any, headers ...string) answer {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return answer{status: res.StatusCode, header: res.Header, body: b, close: res.Close}
}

func (e *env) login(c *http.Client, username, pw string) answer {
	e.t.Helper()
	return e.do(c, "POST", "/api/login", shared.LoginRequest{Username: username, Password: pw})
}

// sessionCookie returns the session cookie the client holds.
func (e *env) sessionCookie(c *http.Client) *http.Cookie {
	req, _ := http.NewRequest("GET", e.srv.URL, nil)
	for _, ck := range c.Jar.Cookies(req.URL) {
		if ck.Name == cookieName {
			return ck
		}
	}
	return nil
}

// withCookie returns a fresh client that presents only this cookie value.
func (e *env) withCookie(value string) *http.Client {
	c := e.browser()
	req, _ := http.NewRequest("GET", e.srv.URL, nil)
	c.Jar.SetCookies(req.URL, []*http.Cookie{{Name: cookieName, Value: value, Path: "/"}})
	return c
}
