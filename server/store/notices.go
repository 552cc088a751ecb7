package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
)

// insertNotice writes n and, when it asks for mail, an outbox row to the
// user's address as it is at this moment (an address change tells the old
// one by writing its notice before the change). Called inside the
// transaction of the event the notice tells of.
func insertNotice(ctx context.Context, db bun.IDB, n *domain.Notice) error {
	if n == nil {
		return nil
	}
	if _, err := db.NewInsert().Model(n).Returning("id").Exec(ctx); err != nil {
		return err
	}
	if !n.Mail {
		return nil
	}
	_, err := db.NewRaw(`INSERT INTO mail_outbox (notice_id, to_address, created_at, attempts, next_attempt_at, last_error)
		SELECT ?, email, ?, 0, ?, '' FROM users WHERE id = ? AND email IS NOT NULL AND email <> ''`,
		n.ID, n.CreatedAt, n.CreatedAt, n.UserID).Exec(ctx)
	return err
}

// Notices returns a page of the user's notices, newest first, the cursor of
// the next page (0 on the last) and how many of all their notices are
// unread.
func (s *Store) Notices(ctx context.Context, userID, before int64, limit int) (notices []domain.Notice, next int64, unread int, err error) {
	limit = min(max(limit, 1), 100)
	q := s.db.NewSelect().Model(&notices).Where("n.user_id = ?", userID)
	if before > 0 {
		q = q.Where("n.id < ?", before)
	}
	if err := q.OrderExpr("n.id DESC").Limit(limit + 1).Scan(ctx); err != nil {
		return nil, 0, 0, s.wrap(err)
	}
	if len(notices) > limit {
		notices = notices[:limit]
		next = notices[limit-1].ID
	}
	unread, err = s.UnreadNotices(ctx, userID)
	return notices, next, unread, err
}

// UnreadNotices counts the user's unread notices.
func (s *Store) UnreadNotices(ctx context.Context, userID int64) (int, error) {
	n, err := s.db.NewSelect().Model((*domain.Notice)(nil)).Where("user_id = ?", userID).Where("read_at IS NULL").Count(ctx)
	return n, s.wrap(err)
}

// MarkNoticesRead marks the user's notices up to the id upTo read. Another
// user's ids match nothing of this user's beyond what upTo already covers.
func (s *Store) MarkNoticesRead(ctx context.Context, userID, upTo int64, now time.Time) error {
	_, err := s.db.NewUpdate().Model((*domain.Notice)(nil)).Set("read_at = ?", now).
		Where("user_id = ?", userID).Where("id <= ?", upTo).Where("read_at IS NULL").Exec(ctx)
	return s.wrap(err)
}

// HasLoggedInFrom reports whether the history has a successful login step
// of the user from ip. With passwordsBefore set, a password step counts only
// until then (a code step always).
func (s *Store) HasLoggedInFrom(ctx context.Context, userID int64, ip string, passwordsBefore *time.Time) (bool, error) {
	q := s.db.NewSelect().Model((*domain.LoginEvent)(nil)).
		Where("user_id = ?", userID).Where("ip = ?", ip).Where("result = ?", shared.ResultSuccess)
	if passwordsBefore != nil {
		q = q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("method <> ?", shared.MethodPassword).WhereOr("created_at <= ?", *passwordsBefore)
		})
	}
	ok, err := q.Exists(ctx)
	return ok, s.wrap(err)
}

// SetEmail sets the user's address (nil: none), with its audit event and
// notice written first, so the notice's mail goes to the old address.
// byAdminID scopes an administrator's change as for ChangeUser (0: the
// user's own); ErrNotFound if there is no such user for them.
func (s *Store) SetEmail(ctx context.Context, userID, byAdminID int64, email *string, now time.Time, audit *domain.AuditEvent) error {
	return s.tx(ctx, func(tx bun.Tx) error {
		if err := insertAudit(ctx, tx, audit); err != nil {
			return err
		}
		res, err := byAdminOfUser(tx.NewUpdate().Model((*domain.User)(nil)).Set("email = ?", email).Set("updated_at = ?", now).
			Where("u.id = ?", userID), byAdminID).Exec(ctx)
		if err != nil {
			return err
		}
		return affectedOne(res)
	})
}

// ClaimMail claims up to limit due mails for lease: until then no other
// sender (another server process) claims them. On PostgreSQL the rows are
// picked with FOR UPDATE SKIP LOCKED, so concurrent claimers take disjoint
// rows without waiting; SQLite has one writer at a time, which serializes
// the claims.
func (s *Store) ClaimMail(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]domain.OutboxMail, error) {
	var mails []domain.OutboxMail
	err := s.tx(ctx, func(tx bun.Tx) error {
		pick := tx.NewSelect().Model((*domain.OutboxMail)(nil)).Column("id").
			Where("next_attempt_at <= ?", now).
			Where("(claimed_until IS NULL OR claimed_until <= ?)", now).
			OrderExpr("id").Limit(limit)
		if s.dialect == Postgres {
			pick = pick.For("UPDATE SKIP LOCKED")
		}
		var ids []int64
		if err := tx.NewUpdate().Model((*domain.OutboxMail)(nil)).
			Set("claimed_until = ?", now.Add(lease)).Set("attempts = attempts + 1").
			Where("id IN (?)", pick).Returning("id").Scan(ctx, &ids); err != nil {
			return err
		}
		s.reach(ctx, pointMailClaimed)
		if len(ids) == 0 {
			return nil
		}
		return tx.NewSelect().Model(&mails).Relation("Notice").
			ColumnExpr("mo.*").ColumnExpr("u.username AS username").
			Join("JOIN users AS u ON u.id = notice.user_id").
			Where("mo.id IN (?)", bun.In(ids)).OrderExpr("mo.id").Scan(ctx)
	})
	return mails, err
}

// MailSent removes a delivered mail from the outbox.
func (s *Store) MailSent(ctx context.Context, id int64) error {
	_, err := s.db.NewDelete().Model((*domain.OutboxMail)(nil)).Where("id = ?", id).Exec(ctx)
	return s.wrap(err)
}

// MailFailed releases a mail that could not be sent for another attempt at
// next, remembering why.
func (s *Store) MailFailed(ctx context.Context, id int64, next time.Time, reason string) error {
	_, err := s.db.NewUpdate().Model((*domain.OutboxMail)(nil)).
		Set("claimed_until = NULL").Set("next_attempt_at = ?", next).Set("last_error = ?", reason).
		Where("id = ?", id).Exec(ctx)
	return s.wrap(err)
}
