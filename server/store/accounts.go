package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"
	"github.com/warden-auth/warden/server/domain"
)

// CreateAccount inserts an account. Returns ErrConflict if the name is taken.
func (s *Store) CreateAccount(ctx context.Context, name string, now time.Time) (*domain.Account, error) {
	a := &domain.Account{Name: name, PasskeysAllowed: true, CreatedAt: now}
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

// AccountByID returns the account. Returns ErrNotFound if none.
func (s *Store) AccountByID(ctx context.Context, id int64) (*domain.Account, error) {
	a := new(domain.Account)
	err := s.db.NewSelect().Model(a).Where("a.id = ?", id).Scan(ctx)
	return a, s.wrap(err)
}

// summaryColumns are the users' columns a listing reads: everything but the
// password hash and the sealed secrets.
var summaryColumns = []string{"u.id", "u.account_id", "u.username", "u.role", "u.totp_enabled_at", "u.totp_last_step",
	"u.failed_code_count", "u.locked_until", "u.security_keys", "u.last_login_at", "u.created_at", "u.updated_at"}

// byAdmin limits an admin's statement to the rows of the account that the
// database says adminID administers: a second line behind the auth layer's
// check, so a caller that forgot it still cannot reach another account.
// adminID 0 is the command line, which is not limited. accountCol names the
// account column of the statement's table.
func byAdmin[Q interface {
	Where(string, ...any) Q
}](q Q, accountCol string, adminID int64) Q {
	if adminID == 0 {
		return q
	}
	return q.Where(accountCol+" = (SELECT adm.account_id FROM users AS adm WHERE adm.id = ? AND adm.role = 'admin')", adminID)
}

// AccountUsers lists the users of an account by username, with how many
// recovery codes each has left.
func (s *Store) AccountUsers(ctx context.Context, accountID int64) ([]domain.UserSummary, error) {
	var users []domain.UserSummary
	left := s.db.NewSelect().Model((*domain.RecoveryCode)(nil)).ColumnExpr("count(*)").
		Where("rc.user_id = u.id").Where("rc.used_at IS NULL")
	q := s.db.NewSelect().Model(&users).ModelTableExpr("users AS u")
	for _, col := range summaryColumns {
		q = q.ColumnExpr(col)
	}
	err := q.ColumnExpr("(?) AS recovery_codes_left", left).
		Where("u.account_id = ?", accountID).Order("u.username").Scan(ctx)
	return users, s.wrap(err)
}

// SetForceTwoFactor switches the account's "Force 2FA for users" policy,
// records who did it and when, and writes the audit event, in one
// transaction. byAdminID must be an admin of the account (0: the command
// line). Returns ErrNotFound if there is no account, or none of that admin.
func (s *Store) SetForceTwoFactor(ctx context.Context, accountID int64, on bool, byAdminID int64, now time.Time, audit *domain.AuditEvent) (*domain.Account, error) {
	a := &domain.Account{ID: accountID}
	var by *int64
	if byAdminID != 0 {
		by = &byAdminID
	}
	err := s.tx(ctx, func(tx bun.Tx) error {
		res, err := byAdmin(tx.NewUpdate().Model(a).
			Set("force_2fa = ?", on).Set("force_2fa_changed_at = ?", now).Set("force_2fa_changed_by = ?", by).
			WherePK(), "a.id", byAdminID).Returning("*").Exec(ctx)
		if err != nil {
			return err
		}
		if err := affectedOne(res); err != nil {
			return err
		}
		return insertAudit(ctx, tx, audit)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}
