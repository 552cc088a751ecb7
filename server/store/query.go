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
	q := set(s.db.NewUpdate().Model((*domain.User)(nil)).Where("id = ?", userID))
	res, err := q.Exec(ctx)
	if err != nil {
		return s.wrap(err)
	}
	return affectedOne(res)
}

func affectedOne(res interface{ RowsAffected() (int64, error) }) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return domain.ErrNotFound
	}
	return nil
}

// rowsAffected returns how many rows a write changed.
func (s *Store) rowsAffected(res interface{ RowsAffected() (int64, error) }, err error) (int64, error) {
	if err != nil {
		return 0, s.wrap(err)
	}
	n, err := res.RowsAffected()
	return n, s.wrap(err)
}
