package store

import (
	"context"
	"strconv"
	"time"

	"github.com/uptrace/bun"
	"github.com/warden-auth/warden/server/domain"
)

// UserSessions lists the user's sessions that have not expired at now,
// oldest first.
func (s *Store) UserSessions(ctx context.Context, userID int64, now time.Time) ([]domain.Session, error) {
	var out []domain.Session
	err := s.conn(ctx).NewSelect().Model(&out).Where("s.user_id = ?", userID).Where("s.expires_at > ?", now).
		Order("s.id").Scan(ctx)
	return out, s.wrap(err)
}

// DeleteUserSession ends the user's session with this id, with the audit
// event, in one transaction. Returns ErrNotFound when the user has no such
// session (another user's id is no such session).
func (s *Store) DeleteUserSession(ctx context.Context, userID, id int64, audit *domain.AuditEvent) error {
	return s.tx(ctx, func(tx bun.Tx) error {
		res, err := tx.NewDelete().Model((*domain.Session)(nil)).Where("id = ?", id).Where("user_id = ?", userID).Exec(ctx)
		if err != nil {
			return err
		}
		if err := affectedOne(res); err != nil {
			return err
		}
		return insertAudit(ctx, tx, audit)
	})
}

// EndOtherSessions ends every session of the user but keepSession and
// removes every trusted browser of the user, with the audit event, in one
// transaction. Returns how many sessions ended.
func (s *Store) EndOtherSessions(ctx context.Context, userID, keepSession int64, audit *domain.AuditEvent) (int64, error) {
	var ended int64
	err := s.tx(ctx, func(tx bun.Tx) error {
		var err error
		if ended, err = s.endOthers(ctx, tx, userID, keepSession); err != nil {
			return err
		}
		// The notice, if any, tells how many ended; ending none is no news.
		if n := audit.Notice; n != nil && ended == 0 {
			audit.Notice = nil
		} else if n != nil {
			n.Detail = strconv.FormatInt(ended, 10)
		}
		return insertAudit(ctx, tx, audit)
	})
	return ended, err
}

// deleteTrustedBrowsers removes every trusted browser of the user, as part
// of a larger change (a password change, 2FA off, ending other sessions).
func deleteTrustedBrowsers(ctx context.Context, db bun.IDB, userID int64) error {
	_, err := db.NewDelete().Model((*domain.TrustedBrowser)(nil)).Where("user_id = ?", userID).Exec(ctx)
	return err
}

// TrustedBrowser returns the user's trusted browser with this token hash if
// it has not expired at now. Returns ErrNotFound otherwise, also when the
// token is another user's.
func (s *Store) TrustedBrowser(ctx context.Context, userID int64, tokenHash []byte, now time.Time) (*domain.TrustedBrowser, error) {
	tb := new(domain.TrustedBrowser)
	err := s.conn(ctx).NewSelect().Model(tb).Where("tb.token_hash = ?", tokenHash).Where("tb.user_id = ?", userID).
		Where("tb.expires_at > ?", now).Scan(ctx)
	return tb, s.wrap(err)
}

// TrustedBrowsers lists the user's trusted browsers that have not expired
// at now, oldest first.
func (s *Store) TrustedBrowsers(ctx context.Context, userID int64, now time.Time) ([]domain.TrustedBrowser, error) {
	var out []domain.TrustedBrowser
	err := s.conn(ctx).NewSelect().Model(&out).Where("tb.user_id = ?", userID).Where("tb.expires_at > ?", now).
		Order("tb.id").Scan(ctx)
	return out, s.wrap(err)
}

// DeleteTrustedBrowser removes the user's trusted browser with this id,
// with the audit event, in one transaction. Returns ErrNotFound when the
// user has no such browser.
func (s *Store) DeleteTrustedBrowser(ctx context.Context, userID, id int64, audit *domain.AuditEvent) error {
	return s.tx(ctx, func(tx bun.Tx) error {
		res, err := tx.NewDelete().Model((*domain.TrustedBrowser)(nil)).Where("id = ?", id).Where("user_id = ?", userID).Exec(ctx)
		if err != nil {
			return err
		}
		if err := affectedOne(res); err != nil {
			return err
		}
		return insertAudit(ctx, tx, audit)
	})
}

// DeleteExpiredTrustedBrowsers removes trusted browsers past their expiry.
func (s *Store) DeleteExpiredTrustedBrowsers(ctx context.Context, now time.Time) (int64, error) {
	return s.rowsAffected(s.conn(ctx).NewDelete().Model((*domain.TrustedBrowser)(nil)).Where("expires_at <= ?", now).Exec(ctx))
}

// SetRememberBrowserDays sets how long the account lets a browser skip the
// code (0: off), with the audit event, in one transaction. byAdminID must
// be an admin of the account (0: the command line). Returns ErrNotFound if
// there is no account, or none of that admin.
func (s *Store) SetRememberBrowserDays(ctx context.Context, accountID int64, days int, byAdminID int64, audit *domain.AuditEvent) (*domain.Account, error) {
	return s.updateAccount(ctx, accountID, byAdminID,
		func(q *bun.UpdateQuery) *bun.UpdateQuery { return q.Set("remember_browser_days = ?", days) }, nil, audit)
}

// endOthers ends every session of the user but keepSession, and forgets
// every browser the user trusted: what a password change and "End all
// others" both do. Returns how many sessions ended.
func (s *Store) endOthers(ctx context.Context, tx bun.Tx, userID, keepSession int64) (int64, error) {
	ended, err := s.rowsAffected(tx.NewDelete().Model((*domain.Session)(nil)).
		Where("user_id = ?", userID).Where("id <> ?", keepSession).Exec(ctx))
	if err != nil {
		return 0, err
	}
	return ended, deleteTrustedBrowsers(ctx, tx, userID)
}
