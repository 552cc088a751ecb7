package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/store/sqldb"
)

// CreateUser inserts u (AccountID, Username, PasswordHash, Role and
// CreatedAt set by the caller), with its audit event (nil: none) naming it
// as the target and its notice (the link to confirm u's address) given to
// u, in one transaction. Returns ErrConflict if the username is
// taken.
func (s *Store) CreateUser(ctx context.Context, u *domain.User, audit *domain.AuditEvent) error {
	u.UpdatedAt = u.CreatedAt
	return s.tx(ctx, func(tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(u).Returning("id").Exec(ctx); err != nil {
			return err
		}
		if audit != nil {
			audit.TargetID, audit.TargetName = &u.ID, u.Username
			if audit.Notice != nil { // the link to confirm the new user's address
				audit.Notice.UserID = u.ID
			}
		}
		return insertAudit(ctx, tx, audit)
	})
}

// UserByUsername returns the user with its account. The name must already be
// normalized (shared.NormalizeUsername). Returns ErrNotFound if none.
func (s *Store) UserByUsername(ctx context.Context, username string) (*domain.User, error) {
	u := new(domain.User)
	err := s.conn(ctx).NewSelect().Model(u).Relation("Account").Where("u.username = ?", username).Scan(ctx)
	return u, s.wrap(err)
}

// UserByID returns the user with its account. Returns ErrNotFound if none.
func (s *Store) UserByID(ctx context.Context, id int64) (*domain.User, error) {
	u := new(domain.User)
	err := s.conn(ctx).NewSelect().Model(u).Relation("Account").Where("u.id = ?", id).Scan(ctx)
	return u, s.wrap(err)
}

// CountUsers returns how many users exist in all accounts.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	n, err := s.conn(ctx).NewSelect().Model((*domain.User)(nil)).Count(ctx)
	return n, s.wrap(err)
}

// SetPasswordHash replaces the user's hash old by hash, as when a login
// upgrades it to the current parameters. Returns ErrNotFound if the user is
// gone or the hash is no longer old (the password changed meanwhile: an
// upgrade must not bring the old password back).
func (s *Store) SetPasswordHash(ctx context.Context, userID int64, old, hash string, now time.Time) error {
	return s.updateUser(ctx, userID, func(q updateQuery) updateQuery {
		return q.Set("password_hash = ?", hash).Set("updated_at = ?", now).Where("password_hash = ?", old)
	})
}

// ChangePassword replaces the user's hash old by hash and counts the change
// in password_epoch, clears password_must_change (the user chose this one),
// ends every session of the user but keepSession, removes every trusted
// browser of the user, and writes the audit event, in one transaction.
// Returns how many sessions
// ended, and ErrNotFound if the user is gone or the hash is no longer old
// (another change came first: its proof was the old password too).
func (s *Store) ChangePassword(ctx context.Context, userID int64, old, hash string, keepSession int64, now time.Time, audit *domain.AuditEvent) (int64, error) {
	var ended int64
	err := s.tx(ctx, func(tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*domain.User)(nil)).
			Set("password_hash = ?", hash).Set("password_epoch = password_epoch + 1").Set("updated_at = ?", now).
			Set("password_must_change = ?", false).
			Where("id = ?", userID).Where("password_hash = ?", old).Exec(ctx)
		if err != nil {
			return err
		}
		if err := affectedOne(res); err != nil {
			return err
		}
		if ended, err = s.endOthers(ctx, tx, userID, keepSession); err != nil {
			return err
		}
		return insertAudit(ctx, tx, audit)
	})
	return ended, err
}

// SetOneTimePassword gives the user the password hash as a one-time one
// (password_must_change), counts the change in password_epoch, ends every
// session of the user and writes the audit event, in one transaction.
// byAdminID must administer the user (byAdminOfUser; 0: the command line).
// Returns ErrNotFound if the user is gone or not that admin's.
func (s *Store) SetOneTimePassword(ctx context.Context, userID, byAdminID int64, hash string, now time.Time, audit *domain.AuditEvent) error {
	return s.tx(ctx, func(tx bun.Tx) error {
		res, err := sqldb.ByAdminOfUser(tx.NewUpdate().Model((*domain.User)(nil)).
			Set("password_hash = ?", hash).Set("password_epoch = password_epoch + 1").Set("updated_at = ?", now).
			Set("password_must_change = ?", true).Where("u.id = ?", userID), byAdminID).Exec(ctx)
		if err != nil {
			return err
		}
		if err := affectedOne(res); err != nil {
			return err
		}
		if _, err := tx.NewDelete().Model((*domain.Session)(nil)).Where("user_id = ?", userID).Exec(ctx); err != nil {
			return err
		}
		return insertAudit(ctx, tx, audit)
	})
}

// SetUserLanguage sets the language the user reads Warden in.
func (s *Store) SetUserLanguage(ctx context.Context, userID int64, tag string, now time.Time) error {
	res, err := s.conn(ctx).NewUpdate().Model((*domain.User)(nil)).Set("language = ?", tag).Set("updated_at = ?", now).
		Where("id = ?", userID).Exec(ctx)
	if err != nil {
		return err
	}
	return affectedOne(res)
}
