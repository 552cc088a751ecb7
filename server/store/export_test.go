package store

import (
	"context"
	"io/fs"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
)

// MigrateBefore applies the migrations named before name only: the schema
// an older server left, for upgrade tests.
func (s *Store) MigrateBefore(ctx context.Context, name string) error {
	sub, err := fs.Sub(migrationFiles, "migrations/"+s.dialect)
	if err != nil {
		return err
	}
	all := migrate.NewMigrations()
	if err := all.Discover(sub); err != nil {
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
