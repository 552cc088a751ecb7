// Package sqldb is what every part of the store shares: the connection to
// PostgreSQL or SQLite, the one transaction every write of a step joins
// (InTx, domain.Tx), the translation of driver errors into the domain's
// sentinel errors, and the writes that go with many changes (an audit
// event, a notice and its mail).
package sqldb

import (
	"context"
	"database/sql"
	"database/sql/driver"
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
	"github.com/warden-auth/warden/server/domain"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect names.
const (
	Postgres = "postgres"
	SQLite   = "sqlite"
)

// DB is the database. It is safe for concurrent use.
type DB struct {
	bun     *bun.DB
	dialect string
	// pause is nil but in tests (SetPause), which hold racing writes at a
	// point inside their transaction (Reach) to run the race alike every
	// time.
	pause func(ctx context.Context, point string)
}

// The points of racing writes where a test may hold them (Reach).
const (
	PointCeremonyRead = "ceremony read" // TakeCeremony found it, and has not deleted it yet
	PointMailClaimed  = "mail claimed"  // ClaimMail claimed its mails, and has not committed
	PointCodeTaken    = "code taken"    // TakeAuthCode is about to spend the code
)

// Reach is a point of a racing write where a test may hold it.
func (d *DB) Reach(ctx context.Context, point string) {
	if d.pause != nil {
		d.pause(ctx, point)
	}
}

// SetPause holds racing writes at their points with f (nil: no more).
func (d *DB) SetPause(f func(ctx context.Context, point string)) { d.pause = f }

// Bun is the pool, for what runs outside any step (migrations).
func (d *DB) Bun() *bun.DB { return d.bun }

// Dialect returns Postgres or SQLite.
func (d *DB) Dialect() string { return d.dialect }

// Close closes the connection pool.
func (d *DB) Close() error { return d.bun.Close() }

// Ping checks that the database answers. Returns ErrUnavailable if not.
func (d *DB) Ping(ctx context.Context) error { return d.Wrap(d.bun.PingContext(ctx)) }

// txKey carries the transaction of InTx in a context.
type txKey struct{}

// Conn is where a statement for ctx runs: the transaction ctx carries
// (InTx), else the pool.
func (d *DB) Conn(ctx context.Context) bun.IDB {
	if tx, ok := ctx.Value(txKey{}).(bun.Tx); ok {
		return tx
	}
	return d.bun
}

// Tx runs fn in a transaction: the one ctx carries, which fn's writes then
// join, else a new one.
func (d *DB) Tx(ctx context.Context, fn func(tx bun.Tx) error) error {
	if tx, ok := ctx.Value(txKey{}).(bun.Tx); ok {
		return d.Wrap(fn(tx))
	}
	return d.Wrap(d.bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { return fn(tx) }))
}

// InTx runs fn in one transaction: every statement the store runs with the
// context fn gets joins it, so a step that writes several concerns (each
// through its own store interface) commits once, or not at all. Inside a
// transaction already, fn joins that one.
func (d *DB) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{}).(bun.Tx); ok {
		return fn(ctx)
	}
	return d.Wrap(d.bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		return fn(context.WithValue(ctx, txKey{}, tx))
	}))
}

// RowsAffected returns how many rows a write changed.
func (d *DB) RowsAffected(res interface{ RowsAffected() (int64, error) }, err error) (int64, error) {
	if err != nil {
		return 0, d.Wrap(err)
	}
	n, err := res.RowsAffected()
	return n, d.Wrap(err)
}

// Open connects to PostgreSQL when databaseURL is a postgres:// URL and
// otherwise opens (creating it if needed) the SQLite file warden.db in
// dataDir. It does not migrate; call Migrate.
func Open(ctx context.Context, databaseURL, dataDir string) (*DB, error) {
	var s *DB
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
		pool := stdlib.OpenDB(*cfg)
		pool.SetMaxOpenConns(20)
		pool.SetMaxIdleConns(20)
		pool.SetConnMaxIdleTime(5 * time.Minute)
		s = &DB{bun: bun.NewDB(pool, pgdialect.New()), dialect: Postgres}
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
		pool, err := sql.Open("sqlite", dsn)
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		pool.SetMaxOpenConns(4)
		s = &DB{bun: bun.NewDB(pool, sqlitedialect.New()), dialect: SQLite}
	default:
		return nil, errors.New("DATABASE_URL must be a postgres:// URL, or empty for SQLite")
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := s.bun.PingContext(pingCtx); err != nil {
		s.bun.Close()
		return nil, fmt.Errorf("connect to %s: %w", s.dialect, err)
	}
	return s, nil
}

// Wrap turns driver errors into the package's sentinel errors, keeping the
// original for the log.
func (d *DB) Wrap(err error) error {
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

// AffectedOne is domain.ErrNotFound for a write that changed no row.
func AffectedOne(res interface{ RowsAffected() (int64, error) }) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return domain.ErrNotFound
	}
	return nil
}

// InsertNotice writes n and, when it asks for mail, an outbox row to the
// user's confirmed address as it is at this moment (an address change tells
// the old one by writing its notice before the change). A notice with a
// confirmation link writes the link's row first, and its mail goes to the
// address the link confirms. Called inside the transaction of the event the
// notice tells of.
func InsertNotice(ctx context.Context, db bun.IDB, n *domain.Notice) error {
	if n == nil {
		return nil
	}
	c := n.Confirmation
	if c != nil {
		c.UserID = n.UserID
		if _, err := db.NewInsert().Model(c).Returning("id").Exec(ctx); err != nil {
			return err
		}
	}
	if _, err := db.NewInsert().Model(n).Returning("id").Exec(ctx); err != nil {
		return err
	}
	if !n.Mail {
		return nil
	}
	if c != nil {
		_, err := db.NewInsert().Model(&domain.OutboxMail{NoticeID: n.ID, ToAddress: c.Address, CreatedAt: n.CreatedAt,
			NextAttemptAt: n.CreatedAt, ConfirmationID: &c.ID}).Exec(ctx)
		return err
	}
	_, err := db.NewRaw(`INSERT INTO mail_outbox (notice_id, to_address, created_at, attempts, next_attempt_at, last_error)
		SELECT ?, email, ?, 0, ?, '' FROM users WHERE id = ? AND email IS NOT NULL AND email <> ''`,
		n.ID, n.CreatedAt, n.CreatedAt, n.UserID).Exec(ctx)
	return err
}

// InsertAudit writes e, if any, and its notice, in the transaction of the
// change it records.
func InsertAudit(ctx context.Context, db bun.IDB, e *domain.AuditEvent) error {
	if e == nil {
		return nil
	}
	if _, err := db.NewInsert().Model(e).Returning("id").Exec(ctx); err != nil {
		return err
	}
	return InsertNotice(ctx, db, e.Notice)
}

// ByAdmin limits an admin's statement to the rows of the accounts that the
// database says adminID administers (their own; every one for a platform
// administrator): a second line behind the auth layer's check, so a caller
// that forgot it still cannot reach another account. adminID 0 is the
// command line, which is not limited. accountCol names the account column
// of the statement's table.
func ByAdmin[Q interface {
	Where(string, ...any) Q
}](q Q, accountCol string, adminID int64) Q {
	if adminID == 0 {
		return q
	}
	return q.Where("EXISTS (SELECT 1 FROM users AS adm WHERE adm.id = ? AND adm.disabled_at IS NULL AND "+
		"(adm.role = 'platform_admin' OR (adm.role = 'admin' AND adm.account_id = "+accountCol+")))", adminID)
}

// ByAdminOfUser is ByAdmin for a statement on users (alias u): an account
// administrator's also leaves platform administrators alone, as the auth
// layer's rule (mayChangeUser) does, read by the statement itself, so a
// promotion racing the change cannot let it through.
func ByAdminOfUser[Q interface {
	Where(string, ...any) Q
}](q Q, adminID int64) Q {
	if adminID == 0 {
		return q
	}
	return q.Where("EXISTS (SELECT 1 FROM users AS adm WHERE adm.id = ? AND adm.disabled_at IS NULL AND "+
		"(adm.role = 'platform_admin' OR (adm.role = 'admin' AND adm.account_id = u.account_id AND u.role <> 'platform_admin')))", adminID)
}
