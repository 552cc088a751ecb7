package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	webapp "github.com/warden-auth/warden/app"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// instance is the whole program running in-process on a loopback port.
type instance struct {
	URL           string
	AdminPassword string // printed at first start (then replaced: chooseAdminPassword), empty afterwards
	// OneTimePassword is the first administrator's password as printed,
	// which start replaced with AdminPassword; startOneTime keeps it.
	OneTimePassword string
	ProfilesURL     string // with DEBUG_ADDR: where the runtime's profiles are served
	Stop            func() // ends it before the test does (the test's end does too)
	env             map[string]string
}

// serverEnv is the environment of a test server: its data in dataDir, the
// database at databaseURL, a free loopback port, plus extraEnv pairs.
func serverEnv(databaseURL, dataDir string, extraEnv ...string) map[string]string {
	env := map[string]string{"ADDR": "127.0.0.1:0", "DATA_DIR": dataDir, "DATABASE_URL": databaseURL, "WEB_ROOT": ".."}
	for i := 0; i+1 < len(extraEnv); i += 2 {
		env[extraEnv[i]] = extraEnv[i+1]
	}
	return env
}

// start runs the server in-process as `server` would, until the test ends.
// The first administrator's one-time password is replaced at once, as their
// first login would: most tests are not about that step.
func start(t *testing.T, databaseURL, dataDir string, extraEnv ...string) *instance {
	t.Helper()
	return startOn(t, context.Background(), databaseURL, dataDir, extraEnv...)
}

// startOn is start with a context of the test's (withClock).
func startOn(t *testing.T, base context.Context, databaseURL, dataDir string, extraEnv ...string) *instance {
	t.Helper()
	inst := startOneTimeOn(t, base, databaseURL, dataDir, extraEnv...)
	inst.chooseAdminPassword(t)
	return inst
}

// chooseAdminPassword replaces the printed one-time password, if there was
// one, over the API.
func (inst *instance) chooseAdminPassword(t *testing.T) {
	t.Helper()
	if inst.AdminPassword == "" {
		return
	}
	inst.OneTimePassword = inst.AdminPassword
	inst.AdminPassword = "chosen " + strings.ToLower(rand.Text())
	replaceOneTimePassword(t, inst.URL, "admin", inst.OneTimePassword, inst.AdminPassword)
}

// replaceOneTimePassword logs in with a one-time password and chooses next.
func replaceOneTimePassword(t *testing.T, base, username, oneTime, next string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	for _, step := range []struct {
		path string
		body any
	}{
		{"/api/login", shared.LoginRequest{Username: username, Password: oneTime}},
		{"/api/me/password", shared.ChangePasswordRequest{Current: oneTime, New: next}},
		{"/api/logout", nil}, // as a user who goes on elsewhere: no session left behind
	} {
		body, _ := json.Marshal(step.body)
		req, _ := http.NewRequest("POST", base+step.path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", base)
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		answer, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusNoContent {
			t.Fatalf("replace the one-time password of %s: %s %d %s", username, step.path, res.StatusCode, answer)
		}
	}
}

// startOneTime is start, leaving the first administrator's password as the
// server printed it: one-time.
func startOneTime(t *testing.T, databaseURL, dataDir string, extraEnv ...string) *instance {
	t.Helper()
	return startOneTimeOn(t, context.Background(), databaseURL, dataDir, extraEnv...)
}

// startOneTimeOn is startOneTime with a context of the test's. A server
// that exits before it listens fails the test at once with the error run
// returned and what it logged.
func startOneTimeOn(t *testing.T, base context.Context, databaseURL, dataDir string, extraEnv ...string) *instance {
	t.Helper()
	env := serverEnv(databaseURL, dataDir, extraEnv...)
	ctx, cancel := context.WithCancel(base)
	out, outW := io.Pipe()
	logs := &lockedBuffer{}
	exited := make(chan struct{}) // closed once run has returned, with runErr set
	var runErr error
	go func() {
		runErr = run(ctx, nil, func(k string) string { return env[k] }, strings.NewReader(""), outW, logs)
		outW.Close()
		close(exited)
	}()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			<-exited
			if runErr != nil {
				t.Errorf("server exited with %v\n%s", runErr, logs)
			}
		})
	}
	t.Cleanup(stop)
	inst := &instance{env: env, Stop: stop}
	if !inst.readStartup(out) {
		// The output ended: run has returned, or is about to.
		once.Do(func() { cancel(); <-exited })
		t.Fatalf("server did not start: %v\n%s", runErr, logs)
	}
	return inst
}

// lockedBuffer is what a server logs, written by its goroutines (or the
// copy of a process's stderr) and read by the test.
type lockedBuffer struct {
	mu      sync.Mutex
	b       strings.Builder
	written chan struct{} // a write since the last look (waitFor)
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.written == nil {
		l.written = make(chan struct{}, 1)
	}
	select {
	case l.written <- struct{}{}:
	default: // one is pending already
	}
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// waitFor returns once the logs hold want, looking again at each write;
// it fails the test when they do not within a minute.
func (l *lockedBuffer) waitFor(t *testing.T, want string) {
	t.Helper()
	l.mu.Lock()
	if l.written == nil {
		l.written = make(chan struct{}, 1)
	}
	written := l.written
	l.mu.Unlock()
	timeout := time.NewTimer(time.Minute)
	defer timeout.Stop()
	for !strings.Contains(l.String(), want) {
		select {
		case <-written:
		case <-timeout.C:
			t.Fatalf("the server never logged %q:\n%s", want, l)
		}
	}
}

// readStartup reads the server's output up to "Listening on", noting the
// address and the first admin's password, and drains the rest.
func (inst *instance) readStartup(out io.Reader) bool {
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		line := lines.Text()
		if pw, ok := strings.CutPrefix(strings.TrimSpace(line), "password: "); ok {
			inst.AdminPassword = pw
		}
		if u, ok := strings.CutPrefix(line, "Profiles on "); ok {
			inst.ProfilesURL = u
		}
		if u, ok := strings.CutPrefix(line, "Listening on "); ok {
			inst.URL = u
			go io.Copy(io.Discard, out)
			return true
		}
	}
	return false
}

// TestMain lets the test binary be the server program: a test that needs a
// real process (signals, two servers) runs it with WARDEN_TEST_MAIN=1.
func TestMain(m *testing.M) {
	if os.Getenv("WARDEN_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// process is the server running as a separate process of the test binary.
type process struct {
	*instance
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited, with err set
	err  error
	logs *lockedBuffer // its standard error
}

// startProcess runs the server program in a process of its own until the
// test ends (or the test stops it).
func startProcess(t *testing.T, databaseURL, dataDir string, extraEnv ...string) *process {
	t.Helper()
	env := serverEnv(databaseURL, dataDir, extraEnv...)
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "WARDEN_TEST_MAIN=1")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{instance: &instance{env: env}, cmd: cmd, done: make(chan struct{}), logs: logs}
	started := p.readStartup(out)
	go func() { p.err = cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-p.done
	})
	if !started {
		<-p.done
		t.Fatalf("server process did not start: %v\n%s", p.err, logs)
	}
	p.chooseAdminPassword(t)
	return p
}

func get(t *testing.T, url string, headers ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	// A bare transport: no transparent gzip, so Content-Encoding is visible.
	res, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestServer_FirstStartCreatesTheAdminOnceOnEitherDatabase(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			dbURL, dir := storetest.URL(t, dialect)
			first := start(t, dbURL, dir)
			if len(first.AdminPassword) < 20 {
				t.Fatalf("no admin password printed: %q", first.AdminPassword)
			}
			body := `{"username":"admin","password":"` + first.AdminPassword + `"}`
			res, err := http.Post(first.URL+"/api/login", "application/json", strings.NewReader(body))
			if err != nil || res.StatusCode != 200 {
				t.Fatalf("admin login: %v %v", res.Status, err)
			}
			if again := start(t, dbURL, dir); again.AdminPassword != "" {
				t.Fatal("a second start printed a new admin password")
			}
		})
	}
}

func TestServer_PrerendersEveryPageAndTheLoginForm(t *testing.T) {
	inst := start(t, "", t.TempDir())
	for _, path := range webapp.Paths {
		res, body := get(t, inst.URL+path)
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			t.Errorf("%s: %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
		}
		if !strings.Contains(body, `src="/app.js"`) || strings.Contains(body, "<script>") || strings.Contains(body, "style=") {
			t.Errorf("%s: page has inline code or lacks the app script", path)
		}
	}
	_, body := get(t, inst.URL+"/login")
	for _, id := range []string{"username", "password", "login-submit", "login-error"} {
		if !strings.Contains(body, `id="`+id+`"`) {
			t.Errorf("prerendered /login lacks #%s", id)
		}
	}
}

func TestServer_AnUnknownPathIsTheNotFoundPageWith404(t *testing.T) {
	inst := start(t, "", t.TempDir())
	for _, path := range []string{"/no-such-page", "/profile/extra", "/web/no-such-file.css"} {
		res, _ := get(t, inst.URL+path)
		if res.StatusCode != 404 {
			t.Errorf("%s: %d", path, res.StatusCode)
		}
	}
	res, body := get(t, inst.URL+"/no-such-page")
	for _, want := range []string{`<html lang="en"`, "<title>Page not found · Warden</title>", `id="not-found-home"`, `href="/"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the not-found page lacks %s:\n%s", want, body)
		}
	}
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Errorf("not-found page served as %s", res.Header.Get("Content-Type"))
	}
	// go-app's own files are no pages, and keep their status.
	if res, _ := get(t, inst.URL+"/app.js"); res.StatusCode != 200 {
		t.Errorf("/app.js: %d", res.StatusCode)
	}
}

func TestServer_ServiceWorkerListsOnlyFilesThatExist(t *testing.T) {
	inst := start(t, "", t.TempDir())
	_, js := get(t, inst.URL+"/app-worker.js")
	m := regexp.MustCompile(`const resourcesToCache = (\[.*?\]);`).FindStringSubmatch(js)
	if m == nil {
		t.Fatalf("no cache list in the worker:\n%s", js)
	}
	var list []string
	if err := json.Unmarshal([]byte(m[1]), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) < 6 {
		t.Fatalf("the worker caches too little: %v", list)
	}
	for _, u := range list {
		if !strings.HasPrefix(u, "/") {
			t.Errorf("remote resource in the worker's list: %s", u)
			continue
		}
		if res, _ := get(t, inst.URL+u); res.StatusCode != 200 {
			t.Errorf("the worker caches %s, which answers %d", u, res.StatusCode)
		}
	}
	_, manifest := get(t, inst.URL+"/manifest.webmanifest")
	if strings.Contains(manifest, "http") {
		t.Errorf("the manifest names remote resources: %s", manifest)
	}
}

func TestServer_ServesAppWasmPrecompressed(t *testing.T) {
	inst := start(t, "", t.TempDir())
	raw, err := os.Stat("../web/app.wasm")
	if err != nil {
		t.Fatal("web/app.wasm is missing: run `make wasm`")
	}
	for _, tc := range []struct{ accept, encoding, file string }{
		{"gzip, deflate, br, zstd", "br", "../web/app.wasm.br"},
		{"gzip", "gzip", "../web/app.wasm.gz"},
		{"br;q=0, gzip", "gzip", "../web/app.wasm.gz"},
		{"", "", "../web/app.wasm"},
	} {
		res, body := get(t, inst.URL+"/web/app.wasm", "Accept-Encoding", tc.accept)
		want, err := os.ReadFile(tc.file)
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != tc.encoding ||
			res.Header.Get("Content-Type") != "application/wasm" || body != string(want) {
			t.Errorf("Accept-Encoding %q: %d, encoding %q, type %q, %d bytes (want %d of %s)", tc.accept, res.StatusCode,
				res.Header.Get("Content-Encoding"), res.Header.Get("Content-Type"), len(body), len(want), tc.file)
		}
	}
	_, appJS := get(t, inst.URL+"/app.js")
	if !strings.Contains(appJS, `goappWasmContentLength = "`+strconv.FormatInt(raw.Size(), 10)+`"`) {
		t.Error("app.js does not carry the raw wasm size for its progress bar")
	}
	if res, _ := get(t, inst.URL+"/web/"); res.StatusCode != 404 {
		t.Errorf("directory listing: %d", res.StatusCode)
	}
	if res, _ := get(t, inst.URL+"/web/../go.mod"); res.StatusCode == 200 {
		t.Error("path traversal out of web/")
	}
}

func TestCLI_UserCreateAndMigrate(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"DATA_DIR": dir}
	cli := func(stdin string, args ...string) (string, error) {
		var out strings.Builder
		err := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(stdin), &out, io.Discard)
		return out.String(), err
	}
	if out, err := cli("", "migrate"); err != nil || !strings.Contains(out, "applied") {
		t.Fatalf("migrate: %q %v", out, err)
	}
	if out, err := cli("", "migrate"); err != nil || !strings.Contains(out, "up to date") {
		t.Fatalf("second migrate: %q %v", out, err)
	}
	if out, err := cli("a long enough password\n", "user", "create", "--username", "Bob", "--admin", "--account", "Acme"); err != nil ||
		!strings.Contains(out, `admin "bob" in account "Acme"`) {
		t.Fatalf("create: %q %v", out, err)
	}
	if _, err := cli("another long password\n", "user", "create", "--username", "bob"); err == nil || !strings.Contains(err.Error(), "taken") {
		t.Fatalf("duplicate: %v", err)
	}
	if _, err := cli("short\n", "user", "create", "--username", "carol"); err == nil || !strings.Contains(err.Error(), "at least 8") {
		t.Fatalf("short password: %v", err)
	}
	if _, err := cli("", "user", "create"); err == nil {
		t.Fatal("user create without --username succeeded")
	}
	if _, err := cli("sturdy violet harbor lamp\n", "user", "create", "--username", "dana", "--email", "dana@b"); err == nil || !strings.Contains(err.Error(), "e-mail address") {
		t.Fatalf("a bad address: %v", err)
	}
	if _, err := cli("sturdy violet harbor lamp\n", "user", "create", "--username", "dana", "--email", "dana@example.com"); err != nil {
		t.Fatalf("create with an address: %v", err)
	}
	// An operator's password is scored as a user's own choice is, and
	// refused in words.
	for pw, why := range map[string]string{"password123": "commonly used", "carol-2026-x": "username", "qwertyuiop": "easy to guess"} {
		if _, err := cli(pw+"\n", "user", "create", "--username", "carol"); err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("weak password %q: %v", pw, err)
		}
	}
	if out, err := cli("weak\n", "user", "set-password", "--username", "bob"); err == nil || !strings.Contains(err.Error(), "at least 8") {
		t.Errorf("set-password, weak: %q %v", out, err)
	}
	if out, err := cli("password1234\n", "user", "set-password", "--username", "bob"); err == nil || !strings.Contains(err.Error(), "commonly used") {
		t.Errorf("set-password, common: %q %v", out, err)
	}
	if _, err := cli("sturdy violet harbor lamp\n", "user", "set-password", "--username", "nobody"); err == nil || !strings.Contains(err.Error(), "no user") {
		t.Errorf("set-password of nobody: %v", err)
	}
	if out, err := cli("", "user", "reset-2fa", "--username", "Bob"); err != nil || !strings.Contains(out, `"bob" is reset`) {
		t.Fatalf("reset-2fa: %q %v", out, err)
	}
	if _, err := cli("", "user", "reset-2fa", "--username", "nobody"); err == nil || !strings.Contains(err.Error(), "no user") {
		t.Fatalf("reset-2fa of nobody: %v", err)
	}
	if _, err := cli("", "frobnicate"); err == nil {
		t.Fatal("unknown command succeeded")
	}
	st, err := store.Open(context.Background(), "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	u, err := st.UserByUsername(context.Background(), "bob")
	if err != nil || u.Role != shared.RoleAdmin || u.Account.Name != "Acme" || !strings.HasPrefix(u.PasswordHash, "$argon2id$") {
		t.Fatalf("stored user: %+v %v", u, err)
	}
	if !u.PasswordMustChange {
		t.Error("the created user's password is not one-time")
	}
	if _, err := st.UserByUsername(context.Background(), "carol"); err == nil {
		t.Error("a user was created with a weak password")
	}
	if out, err := cli("sturdy violet harbor lamp\n", "user", "set-password", "--username", "Bob"); err != nil || !strings.Contains(out, "one-time") {
		t.Fatalf("set-password: %q %v", out, err)
	}
	again, err := st.UserByUsername(context.Background(), "bob")
	if err != nil || !again.PasswordMustChange || again.PasswordHash == u.PasswordHash || again.PasswordEpoch != u.PasswordEpoch+1 {
		t.Errorf("after set-password: %+v %v", again, err)
	}
}

// TestWasm_StaysWithinItsSizeBudget keeps the download small: 1.8 MB
// brotli with both catalogs (issue 26), and no net/http client or net/mail
// linked in (the browser's fetch does that job for a third of the size;
// net/mail brings MIME's decoders, about 24 KB brotli). It builds the app
// from the sources as `make wasm` does, so a stale web/app.wasm.br cannot
// pass for the current code.
func TestWasm_StaysWithinItsSizeBudget(t *testing.T) {
	const budget = 1_800_000
	wasm := filepath.Join(t.TempDir(), "app.wasm")
	build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", wasm, "./app/wasm")
	build.Dir = ".."
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the wasm: %v\n%s", err, out)
	}
	raw, err := os.ReadFile(wasm)
	if err != nil {
		t.Fatal(err)
	}
	var br countingWriter
	zw := brotli.NewWriterLevel(&br, brotli.BestCompression) // as server/cmd/precompress
	if _, err := zw.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if br > budget {
		t.Errorf("app.wasm is %d bytes brotli, over the %d budget (docs/PERFORMANCE.md)", br, budget)
	}
	t.Logf("app.wasm: %d bytes, %d brotli", len(raw), br)
	// go-app itself imports net/http (its server half), and the linker drops
	// what the app does not call; what must not happen is our own wasm code
	// calling net/http, which drags in its whole client.
	cmd := exec.Command("go", "list", "-deps", "-f", `{{.ImportPath}}:{{join .Imports " "}}`, "./app/wasm")
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		pkg, imports, _ := strings.Cut(line, ":")
		if !strings.HasPrefix(pkg, "github.com/warden-auth/warden/") {
			continue
		}
		for _, imp := range strings.Fields(imports) {
			if imp == "net/http" || imp == "net/mail" || imp == "database/sql" || strings.HasPrefix(imp, "github.com/uptrace/bun") {
				t.Errorf("%s imports %s into the wasm", pkg, imp)
			}
		}
	}
}

// With PUBLIC_URL set, the prerendered pages name it in their metadata, not
// "https:///login".
func TestServer_PagesNameThePublicURL(t *testing.T) {
	inst := startOneTime(t, "", t.TempDir(), "PUBLIC_URL", "https://login.example.com")
	req, _ := http.NewRequest("GET", inst.URL+"/login", nil)
	req.Host = "login.example.com"
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || !strings.Contains(string(b), `content="https://login.example.com/login"`) || strings.Contains(string(b), "https:///") {
		t.Fatalf("%d, og:url not the public URL", res.StatusCode)
	}
	if res, _ := get(t, inst.URL+"/login"); res.StatusCode != 421 {
		t.Fatalf("a page for another host: %d", res.StatusCode)
	}
}

// A server that cannot start fails the test that started it at once, with
// the server's own error, instead of holding it until the test binary's
// timeout. The helper runs in a child test process (this test, told so by
// its environment), since failing is what it must do.
func TestStart_AServerThatCannotStartFailsTheTestAtOnceSayingWhy(t *testing.T) {
	if os.Getenv("WARDEN_TEST_START_FAILS") == "1" {
		start(t, "mysql://nowhere/warden", t.TempDir())
		t.Fatal("start returned for a server that cannot start")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "WARDEN_TEST_START_FAILS=1")
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("the helper still held the failed test after 30 s:\n%s", out)
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("the child test: %v, want it to fail\n%s", err, out)
	}
	for _, want := range []string{"--- FAIL: " + t.Name(), "server did not start", "DATABASE_URL must be a postgres:// URL"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the failure does not say %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "start returned") || strings.Contains(string(out), "server exited with") {
		t.Errorf("the helper went on, or reported twice:\n%s", out)
	}
}

// countingWriter counts the bytes written to it and keeps none.
type countingWriter int

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}
