// Package store keeps accounts, users, sessions and login events in
// PostgreSQL (production) or an embedded SQLite file (zero-setup default),
// through Bun. Every function returns ErrNotFound, ErrConflict or
// ErrUnavailable for the conditions callers act on; anything else is internal.
package store

import (
	"context"

	"github.com/uptrace/bun"
	"github.com/warden-auth/warden/server/store/idpstore"
	"github.com/warden-auth/warden/server/store/migrations"
	"github.com/warden-auth/warden/server/store/outbox"
	"github.com/warden-auth/warden/server/store/sqldb"
)

// Dialect names.
const (
	Postgres = sqldb.Postgres
	SQLite   = sqldb.SQLite
)

// Store is the database. It is safe for concurrent use. The outbox's
// statements (notices, their mail, e-mail addresses) are a package of their
// own (outbox), embedded here, and so are the OpenID Connect provider's
// (idpstore).
type Store struct {
	*outbox.Store
	*idpstore.IDP
	sql     *sqldb.DB
	db      *bun.DB // the pool: conn(ctx) is where a statement runs
	dialect string
}

// Open connects to PostgreSQL when databaseURL is a postgres:// URL and
// otherwise opens (creating it if needed) the SQLite file warden.db in
// dataDir. It does not migrate; call Migrate.
func Open(ctx context.Context, databaseURL, dataDir string) (*Store, error) {
	d, err := sqldb.Open(ctx, databaseURL, dataDir)
	if err != nil {
		return nil, err
	}
	return &Store{Store: outbox.New(d), IDP: idpstore.New(d), sql: d, db: d.Bun(), dialect: d.Dialect()}, nil
}

// Dialect returns Postgres or SQLite.
func (s *Store) Dialect() string { return s.dialect }

// Close closes the connection pool.
func (s *Store) Close() error { return s.sql.Close() }

// Ping checks that the database answers. Returns ErrUnavailable if not.
func (s *Store) Ping(ctx context.Context) error { return s.sql.Ping(ctx) }

// InTx runs fn in one transaction, which every statement of the store run
// with fn's context joins (sqldb.DB.InTx): the one transaction type of
// every consumer's store interface.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.sql.InTx(ctx, fn)
}

// conn is where a statement for ctx runs: its transaction, else the pool.
func (s *Store) conn(ctx context.Context) bun.IDB { return s.sql.Conn(ctx) }

// reach is a point of a racing write where a test may hold it.
func (s *Store) reach(ctx context.Context, point string) { s.sql.Reach(ctx, point) }

// wrap turns driver errors into the domain's sentinel errors.
func (s *Store) wrap(err error) error { return s.sql.Wrap(err) }

// The shared writes, under the names the store's statements use.
var (
	affectedOne  = sqldb.AffectedOne
	insertAudit  = sqldb.InsertAudit
	insertNotice = sqldb.InsertNotice
)

// Migrate applies every pending migration (migrations.Run).
func (s *Store) Migrate(ctx context.Context) (applied []string, err error) {
	return migrations.Run(ctx, s.db, s.dialect)
}

// tx runs fn in a transaction: ctx's, if it carries one (InTx), else a new
// one.
func (s *Store) tx(ctx context.Context, fn func(tx bun.Tx) error) error { return s.sql.Tx(ctx, fn) }
