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
	"strings"
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
	return s
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
		Unavailable(tb, fmt.Sprintf("PostgreSQL at %s: %v", redact(base), err))
	}
	return base
}

// Unavailable skips the test, or fails it under CI=true, for a missing
// dependency (a database, a browser).
func Unavailable(tb testing.TB, what string) {
	tb.Helper()
	if os.Getenv("CI") == "true" {
		tb.Fatalf("required for CI but unavailable: %s", what)
	}
	tb.Skipf("unavailable (set CI=true to fail instead): %s", what)
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
