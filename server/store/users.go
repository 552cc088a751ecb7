package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"
	"github.com/warden-auth/warden/server/domain"
)

// CreateUser inserts u (AccountID, Username, PasswordHash, Role and
// CreatedAt set by the caller), with its audit event (nil: none) naming it
// as the target, in one transaction. Returns ErrConflict if the username is
// taken.
func (s *Store) CreateUser(ctx context.Context, u *domain.User, audit *domain.AuditEvent) error {
	u.UpdatedAt = u.CreatedAt
	return s.tx(ctx, func(tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(u).Returning("id").Exec(ctx); err != nil {
			return err
		}
		if audit != nil {
			audit.TargetID, audit.TargetName = &u.ID, u.Username
		}
		return insertAudit(ctx, tx, audit)
	})
}

// UserByUsername returns the user with its account. The name must already be
// normalized (shared.NormalizeUsername). Returns ErrNotFound if none.
func (s *Store) UserByUsername(ctx context.Context, username string) (*domain.User, error) {
	u := new(domain.User)
	err := s.db.NewSelect().Model(u).Relation("Account").Where("u.username = ?", username).Scan(ctx)
	return u, s.wrap(err)
}

// UserByID returns the user with its account. Returns ErrNotFound if none.
func (s *Store) UserByID(ctx context.Context, id int64) (*domain.User, error) {
	u := new(domain.User)
	err := s.db.NewSelect().Model(u).Relation("Account").Where("u.id = ?", id).Scan(ctx)
	return u, s.wrap(err)
}

// CountUsers returns how many users exist in all accounts.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	n, err := s.db.NewSelect().Model((*domain.User)(nil)).Count(ctx)
	return n, s.wrap(err)
}

// SetPasswordHash replaces the user's hash, as when a login upgrades it to
// the current parameters. Returns ErrNotFound if the user is gone.
func (s *Store) SetPasswordHash(ctx context.Context, userID int64, hash string, now time.Time) error {
	return s.updateUser(ctx, userID, func(q updateQuery) updateQuery {
		return q.Set("password_hash = ?", hash).Set("updated_at = ?", now)
	})
}
