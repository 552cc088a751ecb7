package store

import (
	"context"
	"time"
)

// CreateAccount inserts an account. Returns ErrConflict if the name is taken.
func (s *Store) CreateAccount(ctx context.Context, name string, now time.Time) (*Account, error) {
	a := &Account{Name: name, CreatedAt: now}
	if _, err := s.db.NewInsert().Model(a).Returning("id").Exec(ctx); err != nil {
		return nil, s.wrap(err)
	}
	return a, nil
}

// AccountByName returns the named account. Returns ErrNotFound if none.
func (s *Store) AccountByName(ctx context.Context, name string) (*Account, error) {
	a := new(Account)
	err := s.db.NewSelect().Model(a).Where("a.name = ?", name).Scan(ctx)
	return a, s.wrap(err)
}

// Accounts lists every account by id.
func (s *Store) Accounts(ctx context.Context) ([]Account, error) {
	var as []Account
	err := s.db.NewSelect().Model(&as).Order("a.id").Scan(ctx)
	return as, s.wrap(err)
}

// SetForceTwoFactor switches the account's "Force 2FA for users" policy and
// records who did it and when. Returns ErrNotFound if there is no account.
func (s *Store) SetForceTwoFactor(ctx context.Context, accountID int64, on bool, byUserID int64, now time.Time) (*Account, error) {
	a := &Account{ID: accountID}
	res, err := s.db.NewUpdate().Model(a).
		Set("force_2fa = ?", on).Set("force_2fa_changed_at = ?", now).Set("force_2fa_changed_by = ?", byUserID).
		WherePK().Returning("*").Exec(ctx)
	if err != nil {
		return nil, s.wrap(err)
	}
	if err := affectedOne(res); err != nil {
		return nil, err
	}
	return a, nil
}
