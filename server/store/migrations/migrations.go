// Package migrations is the database's schema as it grew: the SQL files of
// each dialect (postgres/, sqlite/, embedded) and, between them in the same
// order by name, the steps SQL cannot do, written in Go. Run applies those
// not applied yet, under the migrator's lock.
package migrations

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
	"github.com/warden-auth/warden/server/store/sqldb"
	"github.com/warden-auth/warden/shared"
)

//go:embed postgres sqlite
var files embed.FS

// Run applies every pending migration of dialect to db. It holds the
// migrator's lock so that several servers starting at once apply each
// migration exactly once; a server that finds the lock taken waits for it.
func Run(ctx context.Context, db *bun.DB, dialect string) (applied []string, err error) {
	set, err := Set(dialect)
	if err != nil {
		return nil, err
	}
	m := migrate.NewMigrator(db, set)

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

// Set is the dialect's migrations: its SQL files, and in between,
// in the same order by name, the steps SQL cannot do (goMigrations).
func Set(dialect string) (*migrate.Migrations, error) {
	sub, err := fs.Sub(files, dialect)
	if err != nil {
		return nil, err
	}
	ms := migrate.NewMigrations()
	if err := ms.Discover(sub); err != nil {
		return nil, fmt.Errorf("discover migrations: %w", err)
	}
	for _, g := range goMigrations {
		ms.Add(migrate.Migration{Name: g.name, Comment: g.comment,
			Up: func(ctx context.Context, m *migrate.Migrator, _ *migrate.Migration) error {
				return m.DB().RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { return g.up(ctx, tx) })
			}})
	}
	return ms, nil
}

// goMigrations are the migrations written in Go, each run in one
// transaction, on both dialects alike.
var goMigrations = []struct {
	name, comment string
	up            func(ctx context.Context, tx bun.Tx) error
}{
	{"20261207160750", "account_name_key_backfill", backfillAccountNameKeys},
	{"20261207170732", "account_name_key_other_scripts", rekeyAccountNames},
}

// backfillAccountNameKeys fills accounts.name_key (sqldb.AccountNameKey)
// for the accounts made before it existed, so that the next migration can
// make it unique. Names that look alike could be made before, so some keys
// collide; and names could hold characters no name may hold now. So, in
// the order the accounts were made:
//   - a name with such characters becomes what a reader saw of it
//     (shared.VisibleName: "\u202eEMCA" shows "ACME" reversed, and is
//     "EMCA" now), or "Account ID" if nothing was visible;
//   - the first account of a key keeps it; each later one is renamed
//     "NAME (account ID)", as it could no longer be told from the first,
//     or "NAME (account ID, 2)"... when an account's own name has that key
//     (it is the first of its key, and keeps it).
//
// Every rename is in the account's audit log, by "upgrade", old → new. The
// names are unique (and by lower(name)) before and after, but not always
// in between: an account may be renamed to a name another holds until its
// own rename ("\u202eEMCA" to "EMCA" before the later "EMCA" is renamed).
// So the accounts that are renamed first take a name no account can hold,
// and then their new one.
func backfillAccountNameKeys(ctx context.Context, tx bun.Tx) error {
	var accounts []struct {
		ID   int64  `bun:"id"`
		Name string `bun:"name"`
		seen string
	}
	if err := tx.NewRaw("SELECT id, name FROM accounts ORDER BY id").Scan(ctx, &accounts); err != nil {
		return err
	}
	// The first account of each key keeps it: its key is taken before any
	// later account's rename is chosen.
	taken, keeps := map[string]bool{}, map[int64]bool{}
	for i, a := range accounts {
		accounts[i].seen = shared.VisibleName(a.Name)
		if accounts[i].seen == "" {
			accounts[i].seen = fmt.Sprintf("Account %d", a.ID)
		}
		if key := sqldb.AccountNameKey(accounts[i].seen); !taken[key] {
			taken[key], keeps[a.ID] = true, true
		}
	}
	now := time.Now().UTC()
	type rename struct {
		id             int64
		old, name, key string
	}
	var renames []rename
	for _, a := range accounts {
		name, key := a.seen, sqldb.AccountNameKey(a.seen)
		for n := 1; !keeps[a.ID] && taken[key]; n++ {
			suffix := fmt.Sprintf(" (account %d)", a.ID)
			if n > 1 {
				suffix = fmt.Sprintf(" (account %d, %d)", a.ID, n)
			}
			name = clipRunes(a.seen, shared.AccountNameMax-utf8.RuneCountInString(suffix)) + suffix
			key = sqldb.AccountNameKey(name)
		}
		taken[key] = true
		if name == a.Name {
			if _, err := tx.NewRaw("UPDATE accounts SET name_key = ? WHERE id = ?", key, a.ID).Exec(ctx); err != nil {
				return err
			}
			continue
		}
		// A control character: no name holds it, before or after.
		if _, err := tx.NewRaw("UPDATE accounts SET name = ? WHERE id = ?", fmt.Sprintf("\x01renaming %d", a.ID), a.ID).Exec(ctx); err != nil {
			return err
		}
		renames = append(renames, rename{a.ID, a.Name, name, key})
	}
	for _, r := range renames {
		if _, err := tx.NewRaw("UPDATE accounts SET name = ?, name_key = ? WHERE id = ?", r.name, r.key, r.id).Exec(ctx); err != nil {
			return err
		}
		// The audit log's columns as they are at this migration.
		if _, err := tx.NewRaw("INSERT INTO audit_events (created_at, account_id, actor_name, action, target_name, ip, detail) "+
			"VALUES (?, ?, 'upgrade', ?, '', '', ?)", now, r.id, shared.AuditAccountRenamed, r.old+" → "+r.name).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// rekeyAccountNames gives every account the key sqldb.AccountNameKey gives now
// that it makes one of the letters of other scripts that look alike
// ("АСМЕ" in Cyrillic capitals was another name than "ACME"): as
// backfillAccountNameKeys, the first of a key keeps its name and each later
// one is renamed, audited. Keys are unique again only once all are
// written, so the index waits until then.
func rekeyAccountNames(ctx context.Context, tx bun.Tx) error {
	if _, err := tx.ExecContext(ctx, "DROP INDEX accounts_name_key_idx"); err != nil {
		return err
	}
	if err := backfillAccountNameKeys(ctx, tx); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, "CREATE UNIQUE INDEX accounts_name_key_idx ON accounts (name_key)")
	return err
}

// clipRunes is s cut to at most n characters.
func clipRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}
