package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"
	"github.com/warden-auth/warden/server/domain"
)

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

// RemoveTOTP switches the user's 2FA off: the secret, any pending secret and
// the recovery codes are deleted, the lockout is cleared, and, if
// endSessions, every session of the user ends (without it, only those still
// waiting for a code, which could never finish); with the audit event, in one
// transaction. The last accepted time step stays, so no code accepted before
// can be replayed later. byAdminID is the admin who resets it, who must
// administer the user's account (0: the user themselves or the command
// line). Returns how many sessions ended, and ErrNotFound if there is no
// such user, or none of that admin's account.
func (s *Store) RemoveTOTP(ctx context.Context, userID int64, byAdminID int64, endSessions bool, now time.Time, audit *domain.AuditEvent) (int64, error) {
	var ended int64
	err := s.tx(ctx, func(tx bun.Tx) error {
		res, err := byAdmin(tx.NewUpdate().Model((*domain.User)(nil)).
			Set("totp_secret = NULL").Set("totp_pending_secret = NULL").Set("totp_enabled_at = NULL").
			Set("failed_code_count = 0").Set("locked_until = NULL").Set("updated_at = ?", now).
			Where("u.id = ?", userID), "u.account_id", byAdminID).Exec(ctx)
		if err != nil {
			return err
		}
		if err := affectedOne(res); err != nil {
			return err
		}
		if err := replaceRecoveryCodes(ctx, tx, userID, nil, now); err != nil {
			return err
		}
		// Sessions waiting for a code can never finish now: they end either way.
		del := tx.NewDelete().Model((*domain.Session)(nil)).Where("user_id = ?", userID)
		if !endSessions {
			del = del.Where("stage = ?", domain.StagePasswordOK)
		}
		res, err = del.Exec(ctx)
		if err != nil {
			return err
		}
		if ended, err = res.RowsAffected(); err != nil {
			return err
		}
		return insertAudit(ctx, tx, audit)
	})
	return ended, err
}
