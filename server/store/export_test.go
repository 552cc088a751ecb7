package store

import (
	"context"
	"testing"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
	"github.com/warden-auth/warden/server/store/migrations"
	"github.com/warden-auth/warden/server/store/sqldb"
)

// MigrateBefore applies the migrations named before name only: the schema
// an older server left, for upgrade tests.
func (s *Store) MigrateBefore(ctx context.Context, name string) error {
	all, err := migrations.Set(s.dialect)
	if err != nil {
		return err
	}
	some := migrate.NewMigrations()
	for _, m := range all.Sorted() {
		if m.Name < name {
			some.Add(m)
		}
	}
	m := migrate.NewMigrator(s.db, some)
	if err := m.Init(ctx); err != nil {
		return err
	}
	_, err = m.Migrate(ctx)
	return err
}

// DB is the store's database, for tests that write what no method does.
func (s *Store) DB() *bun.DB { return s.db }

// Points where PauseAt holds a racing write.
const (
	PointCeremonyRead = sqldb.PointCeremonyRead
	PointMailClaimed  = sqldb.PointMailClaimed
)

// PauseAt runs f at point, inside the racing write's transaction (and with
// its context), for the rest of the test. PostgreSQL only: a SQLite
// transaction takes the database's write lock at BEGIN, so no other write
// could reach the point while one is held there.
func (s *Store) PauseAt(tb testing.TB, point string, f func(ctx context.Context)) {
	tb.Helper()
	if s.dialect != Postgres {
		tb.Fatalf("PauseAt on %s: its transactions run one at a time", s.dialect)
	}
	s.sql.SetPause(func(ctx context.Context, at string) {
		if at == point {
			f(ctx)
		}
	})
	tb.Cleanup(func() { s.sql.SetPause(nil) })
}

// MigrationConfusableNames is the migration that rekeys account names
// for other scripts' look-alikes (rekeyAccountNames).
const MigrationConfusableNames = "20261207170732"

// AccountNameKey is what account names are compared by.
var AccountNameKey = sqldb.AccountNameKey
