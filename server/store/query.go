package store

import (
	"context"

	"github.com/uptrace/bun"
	"github.com/warden-auth/warden/server/domain"
)

type updateQuery = *bun.UpdateQuery

// updateUser runs one UPDATE on a user row and reports ErrNotFound when no
// row matched.
func (s *Store) updateUser(ctx context.Context, userID int64, set func(updateQuery) updateQuery) error {
	q := set(s.conn(ctx).NewUpdate().Model((*domain.User)(nil)).Where("id = ?", userID))
	res, err := q.Exec(ctx)
	if err != nil {
		return s.wrap(err)
	}
	return affectedOne(res)
}

// rowsAffected returns how many rows a write changed.
func (s *Store) rowsAffected(res interface{ RowsAffected() (int64, error) }, err error) (int64, error) {
	return s.sql.RowsAffected(res, err)
}
