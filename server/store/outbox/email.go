package outbox

import (
	"context"
	"time"

	"github.com/uptrace/bun"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/store/sqldb"
)

// A user's e-mail address: users.email is the confirmed one, the only one
// mail goes to; a new one waits in users.email_pending until the link of
// one of its email_confirmations rows is used. byAdminID, where taken,
// scopes the change as for ChangeUser (byAdminOfUser; 0: the user's own or
// the command line) and a user out of scope answers ErrNotFound.

// RequestEmail makes address the user's pending one and writes the audit
// event, whose notice carries the link that confirms it
// (audit.Notice.Confirmation), in one transaction; every earlier link of
// the user is spent. A user may ask for at most limit links per window:
// past that nothing changes, and it returns ErrLocked with when the next
// may be asked for.
func (s *Store) RequestEmail(ctx context.Context, userID, byAdminID int64, address string, now time.Time, limit int, window time.Duration, audit *domain.AuditEvent) (time.Time, error) {
	var retryAt time.Time
	err := s.db.Tx(ctx, func(tx bun.Tx) error {
		// The update locks the user's row first, so that requests at once
		// are counted one after another.
		res, err := sqldb.ByAdminOfUser(tx.NewUpdate().Model((*domain.User)(nil)).Set("email_pending = ?", address).
			Set("updated_at = ?", now).Where("u.id = ?", userID), byAdminID).Exec(ctx)
		if err != nil {
			return err
		}
		if err := sqldb.AffectedOne(res); err != nil {
			return err
		}
		var recent []time.Time
		if err := tx.NewSelect().Model((*domain.EmailConfirmation)(nil)).Column("created_at").Where("user_id = ?", userID).
			Where("created_at > ?", now.Add(-window)).OrderExpr("created_at").Scan(ctx, &recent); err != nil {
			return err
		}
		if len(recent) >= limit {
			retryAt = recent[len(recent)-limit].Add(window)
			return domain.ErrLocked
		}
		if err := spendConfirmations(ctx, tx, userID, now); err != nil {
			return err
		}
		return sqldb.InsertAudit(ctx, tx, audit)
	})
	return retryAt, err
}

// DropEmail removes the user's pending address and, unless pendingOnly,
// the confirmed one too, and spends every link of the user, with the audit
// event (nil: none), written first: its notice's mail goes to the
// confirmed address being removed.
func (s *Store) DropEmail(ctx context.Context, userID, byAdminID int64, pendingOnly bool, now time.Time, audit *domain.AuditEvent) error {
	return s.db.Tx(ctx, func(tx bun.Tx) error {
		if err := sqldb.InsertAudit(ctx, tx, audit); err != nil {
			return err
		}
		q := tx.NewUpdate().Model((*domain.User)(nil)).Set("email_pending = NULL").Set("updated_at = ?", now).Where("u.id = ?", userID)
		if !pendingOnly {
			q = q.Set("email = NULL").Set("email_verified_at = NULL")
		}
		res, err := sqldb.ByAdminOfUser(q, byAdminID).Exec(ctx)
		if err != nil {
			return err
		}
		if err := sqldb.AffectedOne(res); err != nil {
			return err
		}
		return spendConfirmations(ctx, tx, userID, now)
	})
}

func spendConfirmations(ctx context.Context, tx bun.Tx, userID int64, now time.Time) error {
	_, err := tx.NewUpdate().Model((*domain.EmailConfirmation)(nil)).Set("spent_at = ?", now).
		Where("user_id = ?", userID).Where("spent_at IS NULL").Exec(ctx)
	return err
}

// EmailConfirmationByToken returns the link whose token has this hash,
// used or not. Returns ErrNotFound if none.
func (s *Store) EmailConfirmationByToken(ctx context.Context, tokenHash []byte) (*domain.EmailConfirmation, error) {
	c := new(domain.EmailConfirmation)
	err := s.db.Conn(ctx).NewSelect().Model(c).Where("token_hash = ?", tokenHash).Scan(ctx)
	return c, s.db.Wrap(err)
}

// IssueEmailToken gives the link id the token of this hash, valid until
// expires, as its mail goes out (a mail sent again replaces the token).
// Returns ErrNotFound when the link is spent or gone: its mail is not
// needed any more.
func (s *Store) IssueEmailToken(ctx context.Context, id int64, tokenHash []byte, expires time.Time) error {
	res, err := s.db.Conn(ctx).NewUpdate().Model((*domain.EmailConfirmation)(nil)).Set("token_hash = ?", tokenHash).
		Set("expires_at = ?", expires).Where("id = ?", id).Where("spent_at IS NULL").Exec(ctx)
	if err != nil {
		return s.db.Wrap(err)
	}
	return sqldb.AffectedOne(res)
}

// ConfirmEmail uses the link c: it spends it, if it is still unused and
// unexpired at now, and makes its address the user's confirmed one, if it
// is still the one pending, with the audit event, written before the
// change: its notice's mail goes to the confirmed address replaced. All or
// nothing: ErrNotFound when the link was used, replaced or has expired
// meanwhile.
func (s *Store) ConfirmEmail(ctx context.Context, c *domain.EmailConfirmation, now time.Time, audit *domain.AuditEvent) error {
	return s.db.Tx(ctx, func(tx bun.Tx) error {
		// The user's row first, as every change of an address takes it,
		// so that two never wait for each other's rows in a circle.
		res, err := tx.NewUpdate().Model((*domain.User)(nil)).Set("updated_at = ?", now).
			Where("id = ?", c.UserID).Where("email_pending = ?", c.Address).Exec(ctx)
		if err != nil {
			return err
		}
		if err := sqldb.AffectedOne(res); err != nil {
			return err
		}
		res, err = tx.NewUpdate().Model((*domain.EmailConfirmation)(nil)).Set("spent_at = ?", now).
			Where("id = ?", c.ID).Where("spent_at IS NULL").Where("expires_at > ?", now).Exec(ctx)
		if err != nil {
			return err
		}
		if err := sqldb.AffectedOne(res); err != nil {
			return err
		}
		if err := sqldb.InsertAudit(ctx, tx, audit); err != nil {
			return err
		}
		_, err = tx.NewUpdate().Model((*domain.User)(nil)).Set("email = ?", c.Address).Set("email_verified_at = ?", now).
			Set("email_pending = NULL").Where("id = ?", c.UserID).Exec(ctx)
		return err
	})
}
