package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"
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

// AccountByID returns the account. Returns ErrNotFound if none.
func (s *Store) AccountByID(ctx context.Context, id int64) (*domain.Account, error) {
	a := new(domain.Account)
	err := s.db.NewSelect().Model(a).Where("a.id = ?", id).Scan(ctx)
	return a, s.wrap(err)
}

// summaryColumns are the users' columns a listing reads: everything but the
// password hash and the sealed secrets.
var summaryColumns = []string{"u.id", "u.account_id", "u.username", "u.role", "u.totp_enabled_at", "u.totp_last_step",
	"u.failed_code_count", "u.locked_until", "u.last_login_at", "u.created_at", "u.updated_at"}

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
// transaction: SetTwoFactorPolicy keeping the grace period.
func (s *Store) SetForceTwoFactor(ctx context.Context, accountID int64, on bool, byAdminID int64, now time.Time, audit *domain.AuditEvent) (*domain.Account, error) {
	return s.SetTwoFactorPolicy(ctx, accountID, on, nil, byAdminID, now, audit)
}

// SetTwoFactorPolicy switches the account's "Force 2FA for users" policy,
// sets its grace period (graceDays nil: kept), records who did it and when,
// and writes the audit event, in one transaction. Switching it off forgets
// every user's grace start, so switched on again it grants a new grace
// period. byAdminID must be an admin of the account (0: the command line).
// Returns ErrNotFound if there is no account, or none of that admin.
func (s *Store) SetTwoFactorPolicy(ctx context.Context, accountID int64, on bool, graceDays *int, byAdminID int64, now time.Time, audit *domain.AuditEvent) (*domain.Account, error) {
	a := &domain.Account{ID: accountID}
	var by *int64
	if byAdminID != 0 {
		by = &byAdminID
	}
	err := s.tx(ctx, func(tx bun.Tx) error {
		q := tx.NewUpdate().Model(a).
			Set("force_2fa = ?", on).Set("force_2fa_changed_at = ?", now).Set("force_2fa_changed_by = ?", by)
		if graceDays != nil {
			q = q.Set("grace_days = ?", *graceDays)
		}
		res, err := byAdmin(q.WherePK(), "a.id", byAdminID).Returning("*").Exec(ctx)
		if err != nil {
			return err
		}
		if err := affectedOne(res); err != nil {
			return err
		}
		if !on {
			if _, err := tx.NewUpdate().Model((*domain.User)(nil)).Set("twofa_grace_started_at = NULL").
				Where("account_id = ?", accountID).Where("twofa_grace_started_at IS NOT NULL").Exec(ctx); err != nil {
				return err
			}
		}
		return insertAudit(ctx, tx, audit)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// CountTwoFactor counts an account's users, and those of them with 2FA on.
func (s *Store) CountTwoFactor(ctx context.Context, accountID int64) (users, withTwoFactor int, err error) {
	err = s.db.NewSelect().Model((*domain.User)(nil)).
		ColumnExpr("count(*)").ColumnExpr("count(u.totp_enabled_at)").
		Where("u.account_id = ?", accountID).Scan(ctx, &users, &withTwoFactor)
	return users, withTwoFactor, s.wrap(err)
}

// graceStartSet is the SET clause that starts a user's grace period at its
// argument, unless it has started already (the first start counts) or their
// account no longer forces 2FA with a grace period (switched off meanwhile:
// no start may outlive the switch). A clause, not a statement, so a login
// writes it with last_login_at: PostgreSQL cannot update one row twice in
// one statement.
const graceStartSet = "twofa_grace_started_at = CASE WHEN u.twofa_grace_started_at IS NULL AND EXISTS " +
	"(SELECT 1 FROM accounts AS ga WHERE ga.id = u.account_id AND ga.force_2fa AND ga.grace_days > 0) " +
	"THEN ? ELSE u.twofa_grace_started_at END"

// StartGrace starts the user's grace period at now (see graceStartSet) and
// returns when it started: now, or the earlier start that stands. Returns
// ErrNotFound when none stands (the account has no grace period now).
func (s *Store) StartGrace(ctx context.Context, userID int64, now time.Time) (time.Time, error) {
	var started *time.Time
	err := s.db.NewUpdate().Model((*domain.User)(nil)).Set(graceStartSet, now).Where("u.id = ?", userID).
		Returning("twofa_grace_started_at").Scan(ctx, &started)
	if err != nil {
		return time.Time{}, s.wrap(err)
	}
	if started == nil {
		return time.Time{}, domain.ErrNotFound
	}
	return *started, nil
}
