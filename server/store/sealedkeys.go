package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/warden-auth/warden/server/domain"
)

// SealedKey returns the sealed key of the name. Returns ErrNotFound if there
// is none yet.
func (s *Store) SealedKey(ctx context.Context, name string) (*domain.SealedKey, error) {
	k := new(domain.SealedKey)
	err := s.conn(ctx).NewSelect().Model(k).Where("name = ?", name).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.ErrNotFound
	}
	return k, s.wrap(err)
}

// AddSealedKey stores a new sealed key unless one of that name exists: of
// servers starting at once on an empty database, the first one's key is the
// one everybody uses. Returns ErrConflict if the name was taken.
func (s *Store) AddSealedKey(ctx context.Context, k *domain.SealedKey) error {
	res, err := s.conn(ctx).NewInsert().Model(k).On("CONFLICT (name) DO NOTHING").Exec(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		// Bun reads back what it inserted (RETURNING): nothing, when
		// another server's row was there first.
		return domain.ErrConflict
	}
	if err != nil {
		return s.wrap(err)
	}
	if affectedOne(res) != nil {
		return domain.ErrConflict
	}
	return nil
}

// ResealKey replaces a sealed key's sealed form, only if it still is old, so
// that of two servers re-sealing at once one wins and the other reads the
// winner's. Returns ErrConflict if it was no longer old.
func (s *Store) ResealKey(ctx context.Context, name string, old, resealed []byte, now time.Time) error {
	res, err := s.conn(ctx).NewUpdate().Model((*domain.SealedKey)(nil)).
		Set("sealed = ?", resealed).Set("sealed_at = ?", now).
		Where("name = ?", name).Where("sealed = ?", old).Exec(ctx)
	if err != nil {
		return s.wrap(err)
	}
	if affectedOne(res) != nil {
		return domain.ErrConflict
	}
	return nil
}

// KeyUses counts, per key id, the stored values that need that key: every
// sealed value names its key in its first bytes (a length, then the id),
// which the database reads itself, so the count costs one pass and moves
// no secret.
func (s *Store) KeyUses(ctx context.Context) (map[string]*domain.KeyUse, error) {
	keyID := func(col string) string {
		if s.dialect == Postgres {
			return "convert_from(substring(" + col + " from 2 for get_byte(" + col + ", 0)), 'UTF8')"
		}
		// unicode() reads the length byte (at most 32) as a character.
		return "CAST(substr(" + col + ", 2, unicode(substr(" + col + ", 1, 1))) AS TEXT)"
	}
	tagKeyID := "substr(code_hash, 1, instr(code_hash, ':') - 1)"
	if s.dialect == Postgres {
		tagKeyID = "split_part(code_hash, ':', 1)"
	}
	uses := map[string]*domain.KeyUse{}
	count := func(query string, add func(u *domain.KeyUse, n int)) error {
		rows, err := s.db.QueryContext(ctx, query)
		if err != nil {
			return s.wrap(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				return s.wrap(err)
			}
			if uses[id] == nil {
				uses[id] = &domain.KeyUse{KeyID: id}
			}
			add(uses[id], n)
		}
		return s.wrap(rows.Err())
	}
	for _, c := range []struct {
		query string
		add   func(u *domain.KeyUse, n int)
	}{
		{"SELECT " + keyID("totp_secret") + ", count(*) FROM users WHERE totp_secret IS NOT NULL GROUP BY 1",
			func(u *domain.KeyUse, n int) { u.TOTPSecrets += n }},
		{"SELECT " + keyID("totp_pending_secret") + ", count(*) FROM users WHERE totp_pending_secret IS NOT NULL GROUP BY 1",
			func(u *domain.KeyUse, n int) { u.PendingTOTP += n }},
		{"SELECT " + keyID("sealed") + ", count(*) FROM sealed_keys GROUP BY 1",
			func(u *domain.KeyUse, n int) { u.SealedKeys += n }},
		{"SELECT " + tagKeyID + ", count(*) FROM recovery_codes WHERE used_at IS NULL AND code_hash NOT LIKE 'db.%' GROUP BY 1",
			func(u *domain.KeyUse, n int) { u.RecoveryCodes += n }},
	} {
		if err := count(c.query, c.add); err != nil {
			return nil, err
		}
	}
	return uses, nil
}
