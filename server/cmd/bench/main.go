// Command bench measures the figures of docs/PERFORMANCE.md on this machine:
// `make bench`. The server is the real program (bin/server) in a process of
// its own on loopback; this process is the load, the raw baselines (argon2id
// hashes, pgbench) and the browser. Each load phase runs for -duration.
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/warden-auth/warden/shared"
)

type options struct {
	server   string        // the server binary
	dbURL    string        // PostgreSQL base URL
	duration time.Duration // each load phase
	chromium string
	only     string // comma-separated phases, empty for all
	dataDir  string // DATA_DIR of the servers: SQLite and the secret key
	quick    bool   // every phase briefly, on small tables: the bench still works (CI)
	profile  string // where the login phase's CPU profiles go: PREFIX-postgres.pprof, PREFIX-sqlite.pprof
}

// size is full, or small under -quick.
func (o options) size(full, small int) int {
	if o.quick {
		return small
	}
	return full
}

// phase is one group of figures.
type phase struct {
	name string
	run  func(ctx context.Context, o options) error
}

var phases = []phase{
	{"wasm", benchWasm},
	{"login", benchLogin},
	{"second-step", benchSecondStep},
	{"history", benchHistory},
	{"rss", benchRSS},
	{"flood", benchFlood},
	{"browser", benchBrowser},
	{"first-visit", benchFirstVisit},
}

func main() {
	var o options
	flag.StringVar(&o.server, "server", "bin/server", "the server binary (make build)")
	flag.StringVar(&o.dbURL, "db", envOr("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"), "PostgreSQL URL")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "length of each load phase")
	flag.StringVar(&o.chromium, "chromium", envOr("CHROMIUM", "/usr/bin/chromium"), "Chromium for the navigation timing")
	flag.StringVar(&o.only, "only", "", "comma-separated phases to run (default all): wasm,login,second-step,history,rss,flood,browser,first-visit")
	flag.BoolVar(&o.quick, "quick", false, "check that every phase works: 2-second load phases (unless -duration), small tables, one round;\n"+
		"exits 1 when a phase fails, whatever its figures")
	flag.StringVar(&o.profile, "cpuprofile", "", "write the server's CPU profile of the login phase's logins to PREFIX-postgres.pprof and\n"+
		"PREFIX-sqlite.pprof (read them with go tool pprof bin/server FILE)")
	verify := flag.Int("verify", 0, "only verify a password N times (the raw baseline alone, for docs/bench/instructions.sh) at\n"+
		"-checks at once under GOMEMLIMIT, and exit")
	checks := flag.Int("checks", 2, "with -verify: how many verifications run at once (the server's concurrent checks)")
	flag.Parse()
	if *verify > 0 {
		verifyOnly(*verify, *checks)
		return
	}
	if o.quick && !flagSet("duration") {
		o.duration = 2 * time.Second
	}

	ctx := context.Background()
	dir, err := os.MkdirTemp("", "warden-bench-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer os.RemoveAll(dir)
	o.dataDir = dir
	mode := ""
	if o.quick {
		mode = " (-quick: small tables and few rounds, figures not comparable)"
	}
	fmt.Printf("# make bench, %s, %d-second load phases%s\n", time.Now().UTC().Format("2006-01-02 15:04 MST"), int(o.duration.Seconds()), mode)
	failed := false
	for _, p := range phases {
		if o.only != "" && !slices.Contains(strings.Split(o.only, ","), p.name) {
			continue
		}
		fmt.Printf("\n## %s\n", p.name)
		start := time.Now()
		if err := p.run(ctx, o); err != nil {
			fmt.Printf("FAILED: %v\n", err)
			failed = true
		}
		fmt.Printf("(%s took %.0f s)\n", p.name, time.Since(start).Seconds())
	}
	if len(goals) > 0 {
		fmt.Println("\n## the figures with a goal")
		fmt.Println("| figure | this run | goal | met |")
		fmt.Println("|---|---|---|---|")
		for _, g := range goals {
			met := "yes"
			if !g.met {
				met = "**no**"
			}
			fmt.Printf("| %s | %s | %s | %s |\n", g.figure, g.value, g.goal, met)
		}
	}
	if failed {
		os.RemoveAll(dir)
		os.Exit(1)
	}
}

// goal is a figure of docs/PERFORMANCE.md that has a goal, as this run
// measured it; the bench ends with them all. A goal not met does not fail
// the run: on a shared machine the figures are for the record.
type goal struct {
	figure, value, goal string
	met                 bool
}

var goals []goal

// atLeast and atMost record a figure against its goal.
func atLeast(figure string, v, min float64, format string) {
	goals = append(goals, goal{figure, fmt.Sprintf(format, v), ">= " + fmt.Sprintf(format, min), v >= min})
}

func atMost(figure string, v, max float64, format string) {
	goals = append(goals, goal{figure, fmt.Sprintf(format, v), "<= " + fmt.Sprintf(format, max), v <= max})
}

// flagSet reports whether the command line set the flag name.
func flagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// schema is a PostgreSQL schema of the bench's own.
type schema struct {
	name string
	url  string // the base URL with search_path set to it
	db   *sql.DB
}

// openSchema creates the schema (dropping an old one first if fresh) and
// returns a connection whose search_path is it.
func openSchema(ctx context.Context, base, name string, fresh bool) (*schema, error) {
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	if fresh {
		if _, err := admin.ExecContext(ctx, "DROP SCHEMA IF EXISTS "+name+" CASCADE"); err != nil {
			return nil, err
		}
	}
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA IF NOT EXISTS "+name); err != nil {
		return nil, err
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	db, err := sql.Open("pgx", u.String())
	if err != nil {
		return nil, err
	}
	return &schema{name: name, url: u.String(), db: db}, nil
}

func (s *schema) drop(ctx context.Context) {
	s.db.ExecContext(ctx, "DROP SCHEMA IF EXISTS "+s.name+" CASCADE")
	s.db.Close()
}

// freshDatabase returns the server environment of a new database named
// name of the kind db, "postgres" (a schema, dropped by done) or "sqlite" (a
// file in a folder of its own).
func freshDatabase(ctx context.Context, o options, db, name string) (env []string, done func(), err error) {
	if db == "sqlite" {
		return []string{"DATA_DIR=" + o.dataDir + "/" + name}, func() {}, nil
	}
	s, err := openSchema(ctx, o.dbURL, name, true)
	if err != nil {
		return nil, nil, err
	}
	return []string{"DATABASE_URL=" + s.url}, func() { s.drop(ctx) }, nil
}

// serverProc is a running bin/server.
type serverProc struct {
	cmd      *exec.Cmd
	URL      string
	env      []string // the bench's settings of it (its database)
	profiles string   // the base URL of its runtime profiles (DEBUG_ADDR)
	output   *logBuffer
	done     chan struct{}
}

// serverEnv is the environment of the server program: the machine's, then
// the bench's data folder, then env.
func serverEnv(o options, env ...string) []string {
	return append(append(os.Environ(), "LOGIN_HISTORY_DAYS=100000", "DATA_DIR="+o.dataDir), env...)
}

// serverCmd runs a command of the server program (migrate, user create) to
// its end, with stdin as its input.
func serverCmd(ctx context.Context, o options, stdin string, env []string, args ...string) error {
	cmd := exec.CommandContext(ctx, o.server, args...)
	cmd.Env = serverEnv(o, env...)
	cmd.Stdin = strings.NewReader(stdin)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("server %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return nil
}

// createUser adds a user to the database of srv and returns its password: the one home of the bench's users,
// so that the server's rules for passwords, whatever they become, are met
// here. The command line gives a one-time password, which the user then
// replaces over the API as at a first login: the bench's logins are a
// returning user's, not the first one's.
func createUser(ctx context.Context, o options, srv *serverProc, name string) (password string, err error) {
	oneTime := strongPassword(name)
	if err := serverCmd(ctx, o, oneTime+"\n", srv.env, "user", "create", "--username", name); err != nil {
		return "", err
	}
	password = strongPassword(name)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	for _, step := range []struct{ path, body string }{
		{"/api/login", loginBody(name, oneTime)},
		{"/api/me/password", fmt.Sprintf(`{"current":%q,"new":%q}`, oneTime, password)},
		{"/api/logout", ""},
	} {
		res, err := c.Post(srv.URL+step.path, "application/json", strings.NewReader(step.body))
		if err != nil {
			return "", err
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusNoContent {
			return "", fmt.Errorf("replace the one-time password of %s: %s: %d %s", name, step.path, res.StatusCode, b)
		}
	}
	return password, nil
}

// strongPassword is a password the server accepts for the user name: 26
// random base32 characters (130 bits, the strongest score), checked as the
// server checks a new one not to contain the name.
func strongPassword(name string) string {
	for {
		if p := rand.Text(); shared.ValidateNewPassword(p, name).IsZero() {
			return p
		}
	}
}

// loginBody is the JSON of a login request.
func loginBody(username, password string) string {
	return fmt.Sprintf(`{"username":%q,"password":%q}`, username, password)
}

// startServer runs the server binary with env on a free loopback port and
// waits until it answers /healthz.
func startServer(o options, env ...string) (*serverProc, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(o.server)
	cmd.Env = serverEnv(o, append(env, "ADDR="+addr)...)
	// Its runtime's profiles, on loopback: the CPU profile of -cpuprofile,
	// and the count of its collections (gcCycles).
	debug, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd.Env = append(cmd.Env, "DEBUG_ADDR="+debug)
	profiles := "http://" + debug + "/debug/pprof/"
	output := new(logBuffer)
	cmd.Stdout, cmd.Stderr = output, output
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w (run make build)", o.server, err)
	}
	p := &serverProc{cmd: cmd, URL: "http://" + addr, env: env, profiles: profiles, output: output, done: make(chan struct{})}
	go func() { cmd.Wait(); close(p.done) }()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		select {
		case <-p.done:
			return nil, fmt.Errorf("the server exited: %s", output.String())
		default:
		}
		if res, err := http.Get(p.URL + "/healthz"); err == nil {
			res.Body.Close()
			return p, nil
		}
	}
	p.stop()
	return nil, fmt.Errorf("the server did not answer within 30 s: %s", output.String())
}

// freeAddr is a loopback address whose port is free now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// profileCPU starts a CPU profile of the server (started under
// -cpuprofile) for d; wait returns once it is written to file.
func (p *serverProc) profileCPU(d time.Duration, file string) (wait func() error) {
	errc := make(chan error, 1)
	go func() {
		res, err := http.Get(fmt.Sprintf("%sprofile?seconds=%d", p.profiles, int(d.Seconds()+0.999)))
		if err != nil {
			errc <- err
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err == nil && res.StatusCode != http.StatusOK {
			err = fmt.Errorf("profile: %d %s", res.StatusCode, b)
		}
		if err == nil {
			err = os.WriteFile(file, b, 0o644)
		}
		errc <- err
	}()
	return func() error { return <-errc }
}

// stop ends the server as an operator would (SIGTERM) and waits.
func (p *serverProc) stop() {
	p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
	}
}

// percentile returns the q-quantile (0..1) of sorted durations.
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(float64(len(sorted))*q))]
}

// median returns the middle of sorted values (the mean of the two middle
// ones for an even count).
func median(sorted []float64) float64 {
	n := len(sorted)
	return (sorted[(n-1)/2] + sorted[n/2]) / 2
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

// pgConn is what pgbench and psql need of a postgres:// URL.
type pgConn struct{ host, port, user, db string }

func parsePG(raw string) (pgConn, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return pgConn{}, err
	}
	c := pgConn{host: u.Hostname(), port: u.Port(), user: u.User.Username(), db: strings.TrimPrefix(u.Path, "/")}
	if c.port == "" {
		c.port = "5432"
	}
	return c, nil
}
