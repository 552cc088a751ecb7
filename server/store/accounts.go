package store

import (
	"context"
	"time"

	"github.com/warden-auth/warden/server/domain"
)

// CreateAccount inserts an account. Returns ErrConflict if the name is taken.
func (s *Store) CreateAccount(ctx context.Context, name string, now time.Time) (*domain.Account, error) {
	a := &domain.Account{Name: name, CreatedAt: now}
	if _, err := s.db.NewInsert().Model(a).Returning("id").Exec(ctx); err != nil {
		return nil, s.wrap(err)
	}
	return a, nil
}

// AccountByName returns the named account. Returns ErrNotFound if none.
func (s *Store) AccountByName(ctx context.Context, name string) (*domain.Account, error) {
	a := new(domain.Account)
	err := s.db.NewSelect().Model(a).Where("a.name = ?", name).Scan(ctx)
	return a, s.wrap(err)
}

// Accounts lists every account by id.
func (s *Store) Accounts(ctx context.Context) ([]domain.Account, error) {
	var as []domain.Account
	err := s.db.NewSelect().Model(&as).Order("a.id").Scan(ctx)
	return as, s.wrap(err)
}
