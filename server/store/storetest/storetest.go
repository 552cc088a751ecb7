// Package storetest gives each test a fresh, migrated database on SQLite and
// on PostgreSQL. PostgreSQL is found at TEST_DATABASE_URL (default: the local
// trust-auth server). When it cannot be reached the tests skip, except under
// CI=true, where they fail: a CI run that silently skipped the production
// database would prove nothing.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/store"
)

// DefaultPostgresURL is the machine's local PostgreSQL.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// Dialects lists the databases every store test runs on.
var Dialects = []string{store.SQLite, store.Postgres}

// Each runs fn as a subtest per dialect, each with a fresh database.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, d := range Dialects {
		t.Run(d, func(t *testing.T) { fn(t, Open(t, d)) })
	}
}

// Open returns a fresh, migrated store of the dialect, closed at cleanup.
func Open(tb testing.TB, dialect string) *store.Store {
	tb.Helper()
	url, dir := URL(tb, dialect)
	ctx := context.Background()
	s, err := store.Open(ctx, url, dir)
	if err != nil {
		tb.Fatalf("open %s: %v", dialect, err)
	}
	tb.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		tb.Fatalf("migrate %s: %v", dialect, err)
	}
	opened.Store(s, [2]string{url, dir})
	tb.Cleanup(func() { opened.Delete(s) })
	return s
}

// opened remembers where each store of Open lives, for Dump.
var opened sync.Map // *store.Store -> [2]string{databaseURL, dataDir}

// Dump returns everything the database of a store from Open holds, as an
// attacker with a copy of it would read it: the raw bytes of the SQLite
// files (the main file and its write-ahead log), or every row of every
// PostgreSQL table as text.
func Dump(tb testing.TB, s *store.Store) string {
	tb.Helper()
	where, ok := opened.Load(s)
	if !ok {
		tb.Fatal("storetest.Dump: the store was not opened by storetest.Open")
	}
	return DumpAt(tb, where.([2]string)[0], where.([2]string)[1])
}

// DumpAt is Dump for the database at a URL and data directory of URL.
func DumpAt(tb testing.TB, url, dir string) string {
	tb.Helper()
	var b strings.Builder
	if url == "" {
		files, _ := filepath.Glob(filepath.Join(dir, "warden.db*"))
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				tb.Fatal(err)
			}
			b.Write(data)
		}
		return b.String()
	}
	db, err := sql.Open("pgx", url)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`)
	if err != nil {
		tb.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		rows.Scan(&name)
		tables = append(tables, name)
	}
	rows.Close()
	if len(tables) < 5 {
		tb.Fatalf("storetest.Dump found only the tables %v", tables)
	}
	for _, table := range tables {
		var text sql.NullString
		if err := db.QueryRow(`SELECT string_agg(t::text, E'\n') FROM "` + table + `" t`).Scan(&text); err != nil {
			tb.Fatal(err)
		}
		fmt.Fprintf(&b, "%s:\n%s\n", table, text.String)
	}
	return b.String()
}

// Rows runs a query on the database of a store from Open, beside the store,
// and returns every row as text (NULL as ""): for tests that check what was
// written where the store has no query for it, such as the attempts on a
// username that does not exist.
func Rows(tb testing.TB, s *store.Store, query string, args ...any) [][]string {
	tb.Helper()
	where, ok := opened.Load(s)
	if !ok {
		tb.Fatal("storetest.Rows: the store was not opened by storetest.Open")
	}
	url, dir := where.([2]string)[0], where.([2]string)[1]
	driver, dsn := "pgx", url
	if url == "" {
		driver, dsn = "sqlite", filepath.Join(dir, "warden.db")
	} else {
		query = rebind(query)
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(query, args...)
	if err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			tb.Fatal(err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = v.String
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// rebind turns ? placeholders into PostgreSQL's $1, $2, ...
func rebind(q string) string {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// URL returns a DATABASE_URL and DATA_DIR pair for a fresh, empty database of
// the dialect: a new SQLite file, or a new PostgreSQL schema dropped at
// cleanup. Use it to start a whole server on its own database.
func URL(tb testing.TB, dialect string) (databaseURL, dataDir string) {
	tb.Helper()
	dataDir = tb.TempDir()
	if dialect == store.SQLite {
		return "", dataDir
	}
	return freshSchema(tb), dataDir
}

// PostgresURL returns the base URL of the test PostgreSQL, failing under CI
// and skipping elsewhere when it does not answer.
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		base = DefaultPostgresURL
	}
	db, err := sql.Open("pgx", base)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = db.PingContext(ctx)
		cancel()
		db.Close()
	}
	if err != nil {
		Unavailable(tb, "PostgreSQL", fmt.Sprintf("%s: %v", redact(base), err))
	}
	return base
}

// SkipLogEnv names a file that Unavailable appends each skip to, one line
// of "what<TAB>why", so that `make test` can end with one line saying what
// was skipped and why: go test shows a passing package's skips only with -v.
const SkipLogEnv = "TEST_SKIP_LOG"

// Unavailable skips the test, or fails it under CI=true, for a missing
// dependency: what names it ("PostgreSQL", "Chromium"), why says how it was
// looked for and what failed.
func Unavailable(tb testing.TB, what, why string) {
	tb.Helper()
	if os.Getenv("CI") == "true" {
		tb.Fatalf("required for CI but unavailable: %s: %s", what, why)
	}
	if path := os.Getenv(SkipLogEnv); path != "" {
		// One short write with O_APPEND: lines from parallel test
		// processes do not interleave.
		line := strings.NewReplacer("\t", " ", "\n", " ").Replace(what) + "\t" +
			strings.NewReplacer("\t", " ", "\n", " ").Replace(why) + "\n"
		if f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600); err == nil {
			f.WriteString(line)
			f.Close()
		}
	}
	tb.Skipf("%s unavailable (set CI=true to fail instead): %s", what, why)
}

func freshSchema(tb testing.TB) string {
	tb.Helper()
	base := PostgresURL(tb)
	schema := "t_" + strings.ToLower(rand.Text()[:16])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
