// Package store keeps accounts, users, sessions and login events in
// PostgreSQL (production) or an embedded SQLite file (zero-setup default),
// through Bun. Every function returns ErrNotFound, ErrConflict or
// ErrUnavailable for the conditions callers act on; anything else is internal.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"github.com/uptrace/bun/migrate"
	"github.com/warden-auth/warden/server/domain"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect names.
const (
	Postgres = "postgres"
	SQLite   = "sqlite"
)

//go:embed migrations
var migrationFiles embed.FS

// Store is the database. It is safe for concurrent use.
type Store struct {
	db      *bun.DB
	dialect string
	// pause is nil but in tests (export_test.go), which hold racing writes
	// at a point inside their transaction (reach) to run the race alike
	// every time.
	pause func(ctx context.Context, point string)
}

// The points of racing writes where a test may hold them (reach).
const (
	pointCeremonyRead = "ceremony read" // TakeCeremony found it, and has not deleted it yet
	pointMailClaimed  = "mail claimed"  // ClaimMail claimed its mails, and has not committed
)

// reach is a point of a racing write where a test may hold it.
func (s *Store) reach(ctx context.Context, point string) {
	if s.pause != nil {
		s.pause(ctx, point)
	}
}

// Open connects to PostgreSQL when databaseURL is a postgres:// URL and
// otherwise opens (creating it if needed) the SQLite file warden.db in
// dataDir. It does not migrate; call Migrate.
func Open(ctx context.Context, databaseURL, dataDir string) (*Store, error) {
	var s *Store
	switch {
	case strings.HasPrefix(databaseURL, "postgres://"), strings.HasPrefix(databaseURL, "postgresql://"):
		cfg, err := pgx.ParseConfig(databaseURL)
		if err != nil {
			return nil, fmt.Errorf("parse DATABASE_URL: %w", err)
		}
		// Bun writes the values into the SQL text, so every statement is
		// new to the server: preparing each one (pgx's default) would add a
		// round trip and a plan cache that never hits. The simple protocol
		// sends it once. An explicit default_query_exec_mode in the URL wins.
		if !strings.Contains(databaseURL, "default_query_exec_mode=") {
			cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
		}
		sqldb := stdlib.OpenDB(*cfg)
		sqldb.SetMaxOpenConns(20)
		sqldb.SetMaxIdleConns(20)
		sqldb.SetConnMaxIdleTime(5 * time.Minute)
		s = &Store{db: bun.NewDB(sqldb, pgdialect.New()), dialect: Postgres}
	case databaseURL == "":
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return nil, fmt.Errorf("create data dir: %w", err)
		}
		// The file holds password hashes and sealed secrets: only the
		// server's user may read it. SQLite gives its -wal and -shm files
		// the main file's mode.
		path := filepath.Join(dataDir, "warden.db")
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, fmt.Errorf("create the database file: %w", err)
		}
		f.Close()
		if err := os.Chmod(path, 0o600); err != nil {
			return nil, fmt.Errorf("restrict the database file: %w", err)
		}
		// WAL lets readers run beside the one writer; busy_timeout makes a
		// second writer wait instead of failing; _txlock=immediate takes the
		// write lock at BEGIN so a read-then-write transaction cannot deadlock.
		dsn := "file:" + path +
			"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
		sqldb, err := sql.Open("sqlite", dsn)
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		sqldb.SetMaxOpenConns(4)
		s = &Store{db: bun.NewDB(sqldb, sqlitedialect.New()), dialect: SQLite}
	default:
		return nil, errors.New("DATABASE_URL must be a postgres:// URL, or empty for SQLite")
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := s.db.PingContext(pingCtx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("connect to %s: %w", s.dialect, err)
	}
	return s, nil
}

// Dialect returns Postgres or SQLite.
func (s *Store) Dialect() string { return s.dialect }

// Close closes the connection pool.
func (s *Store) Close() error { return s.db.Close() }

// Ping checks that the database answers. Returns ErrUnavailable if not.
func (s *Store) Ping(ctx context.Context) error { return s.wrap(s.db.PingContext(ctx)) }

// Migrate applies every pending migration. It holds the migrator's lock so
// that several servers starting at once apply each migration exactly once;
// a server that finds the lock taken waits for it.
func (s *Store) Migrate(ctx context.Context) (applied []string, err error) {
	migrations, err := migrationSet(s.dialect)
	if err != nil {
		return nil, err
	}
	m := migrate.NewMigrator(s.db, migrations)

	deadline := time.Now().Add(60 * time.Second)
	for {
		// Init is CREATE TABLE IF NOT EXISTS, which two PostgreSQL sessions
		// can still race on; a failure there is retried like a taken lock.
		if err = m.Init(ctx); err == nil {
			if err = m.Lock(ctx); err == nil {
				break
			}
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("take the migration lock: %w", err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	defer func() {
		if uerr := m.Unlock(context.WithoutCancel(ctx)); uerr != nil && err == nil {
			err = fmt.Errorf("release the migration lock: %w", uerr)
		}
	}()
	group, err := m.Migrate(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	for _, mig := range group.Migrations {
		applied = append(applied, mig.Name)
	}
	return applied, nil
}

// tx runs fn in a transaction.
func (s *Store) tx(ctx context.Context, fn func(tx bun.Tx) error) error {
	return s.wrap(s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { return fn(tx) }))
}

// wrap turns driver errors into the package's sentinel errors, keeping the
// original for the log.
func (s *Store) wrap(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, domain.ErrNotFound), errors.Is(err, domain.ErrConflict), errors.Is(err, domain.ErrUnavailable),
		errors.Is(err, domain.ErrReplay), errors.Is(err, domain.ErrLocked):
		return err
	case errors.Is(err, sql.ErrNoRows):
		return domain.ErrNotFound
	case isUniqueViolation(err):
		return fmt.Errorf("%w: %v", domain.ErrConflict, err)
	case isConnectionError(err):
		return fmt.Errorf("%w: %v", domain.ErrUnavailable, err)
	}
	return err
}

func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		return liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// isConnectionError reports errors that mean "the database is not there right
// now" rather than "the query is wrong": the API answers them with 503.
func isConnectionError(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08: connection exception; 57P0x: the server is shutting down
		// or starting up.
		return strings.HasPrefix(pgErr.Code, "08") || strings.HasPrefix(pgErr.Code, "57P0")
	}
	var connErr *pgconn.ConnectError
	var netErr net.Error
	var liteErr *sqlite.Error
	switch {
	case errors.As(err, &connErr), errors.As(err, &netErr),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, sql.ErrConnDone), errors.Is(err, context.DeadlineExceeded):
		return true
	case strings.Contains(err.Error(), "sql: database is closed"):
		// database/sql's error for a closed pool is unexported; a closed pool
		// means the server is shutting down, which is "unavailable" too.
		return true
	case errors.As(err, &liteErr):
		code := liteErr.Code() & 0xff
		return code == sqlite3.SQLITE_BUSY || code == sqlite3.SQLITE_LOCKED || code == sqlite3.SQLITE_CANTOPEN || code == sqlite3.SQLITE_IOERR
	}
	return false
}
