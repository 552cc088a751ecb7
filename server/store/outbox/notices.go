// Package outbox is the store's statements for notices and their mail: the
// outbox each mail waits in, claimed by one sender at a time across server
// processes and counted against its recipient's daily caps, and the e-mail
// addresses with the links that confirm them.
package outbox

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/store/sqldb"
	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"
)

// Store is the outbox's part of the store: notices, the mail they send,
// and the e-mail addresses it goes to with the links that confirm them.
type Store struct{ db *sqldb.DB }

// New returns the outbox of db.
func New(db *sqldb.DB) *Store { return &Store{db: db} }

// Notices returns a page of the user's notices, newest first, the cursor of
// the next page (0 on the last) and how many of all their notices are
// unread.
func (s *Store) Notices(ctx context.Context, userID, before int64, limit int) (notices []domain.Notice, next int64, unread int, err error) {
	limit = min(max(limit, 1), 100)
	q := s.db.Conn(ctx).NewSelect().Model(&notices).Where("n.user_id = ?", userID)
	if before > 0 {
		q = q.Where("n.id < ?", before)
	}
	if err := q.OrderExpr("n.id DESC").Limit(limit + 1).Scan(ctx); err != nil {
		return nil, 0, 0, s.db.Wrap(err)
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
	n, err := s.db.Conn(ctx).NewSelect().Model((*domain.Notice)(nil)).Where("user_id = ?", userID).Where("read_at IS NULL").Count(ctx)
	return n, s.db.Wrap(err)
}

// MarkNoticesRead marks the user's notices up to the id upTo read. Another
// user's ids match nothing of this user's beyond what upTo already covers.
func (s *Store) MarkNoticesRead(ctx context.Context, userID, upTo int64, now time.Time) error {
	_, err := s.db.Conn(ctx).NewUpdate().Model((*domain.Notice)(nil)).Set("read_at = ?", now).
		Where("user_id = ?", userID).Where("id <= ?", upTo).Where("read_at IS NULL").Exec(ctx)
	return s.db.Wrap(err)
}

// ClaimMail claims up to limit due mails for lease: until then no other
// sender (another server process) claims them. On PostgreSQL the rows are
// picked with FOR UPDATE SKIP LOCKED, so concurrent claimers take disjoint
// rows without waiting; SQLite has one writer at a time, which serializes
// the claims. Each claimed mail is counted against its recipient's caps in
// the same transaction (reserveMail): those within them are returned to
// send, the others are deleted and returned as dropped. A link that was
// replaced or used since its mail was written is deleted uncounted. A mail
// that then is not sent gives its count back (MailNotSent).
func (s *Store) ClaimMail(ctx context.Context, now time.Time, lease time.Duration, limit int, caps domain.MailCaps) (send, dropped []domain.OutboxMail, err error) {
	err = s.db.Tx(ctx, func(tx bun.Tx) error {
		send, dropped = nil, nil // a retried transaction starts again
		pick := tx.NewSelect().Model((*domain.OutboxMail)(nil)).Column("id").
			Where("next_attempt_at <= ?", now).
			Where("(claimed_until IS NULL OR claimed_until <= ?)", now).
			OrderExpr("id").Limit(limit)
		if s.db.Dialect() == sqldb.Postgres {
			pick = pick.For("UPDATE SKIP LOCKED")
		}
		var ids []int64
		if err := tx.NewUpdate().Model((*domain.OutboxMail)(nil)).
			Set("claimed_until = ?", now.Add(lease)).Set("attempts = attempts + 1").
			Where("id IN (?)", pick).Returning("id").Scan(ctx, &ids); err != nil {
			return err
		}
		s.db.Reach(ctx, sqldb.PointMailClaimed)
		if len(ids) == 0 {
			return nil
		}
		var mails []domain.OutboxMail
		if err := tx.NewSelect().Model(&mails).Relation("Notice").Relation("Confirmation").
			ColumnExpr("mo.*").ColumnExpr("u.username AS username").ColumnExpr("u.language AS language").
			Join("JOIN users AS u ON u.id = notice.user_id").
			Where("mo.id IN (?)", bun.In(ids)).OrderExpr("mo.id").Scan(ctx); err != nil {
			return err
		}
		// In the order of their counters' keys: two claimers then lock the
		// same counters in the same order, and never wait on each other in
		// a circle.
		slices.SortStableFunc(mails, func(a, b domain.OutboxMail) int {
			return strings.Compare(recipientKey(a.ToAddress), recipientKey(b.ToAddress))
		})
		var drop []int64
		for _, m := range mails {
			if m.ConfirmationID != nil && m.Confirmation != nil && m.Confirmation.SpentAt != nil {
				drop = append(drop, m.ID) // a link replaced or used since: not needed, and not counted
				continue
			}
			ok, err := reserveMail(ctx, tx, &m, now, caps)
			if err != nil {
				return err
			}
			if ok {
				send = append(send, m)
			} else {
				dropped, drop = append(dropped, m), append(drop, m.ID)
			}
		}
		if len(drop) > 0 {
			if _, err := tx.NewDelete().Model((*domain.OutboxMail)(nil)).Where("id IN (?)", bun.In(drop)).Exec(ctx); err != nil {
				return err
			}
		}
		slices.SortFunc(send, func(a, b domain.OutboxMail) int { return cmp.Compare(a.ID, b.ID) })
		return nil
	})
	return send, dropped, err
}

// Mail counters, one per recipient and class: every mail counts under
// "all", a confirmation link under "link" too.
const (
	quotaAll  = "all"
	quotaLink = "link"
)

// recipientKey names a recipient for its counters: the address in lower
// case without a "+tag" (RFC 5233 subaddressing reaches one mailbox), so
// that spelling it differently does not make a new recipient; hashed, so
// the counters hold no addresses. Its domain is taken as mail servers look
// it up, IDNA's ASCII form (UTS 46 maps full-width letters, case and the
// ideographic full stop), and its name in NFKC, so that no Unicode
// spelling of one mailbox counts apart (merging two mailboxes only makes
// their cap stricter). Gmail's names are without their dots, which it
// ignores, under one of its two domains: one mailbox, one count.
func recipientKey(address string) string {
	if at := strings.LastIndexByte(address, '@'); at >= 0 {
		local := strings.ToLower(norm.NFKC.String(address[:at]))
		local, _, _ = strings.Cut(local, "+")
		// On an error ToASCII still maps what it can: the key needs the
		// mapping, not a valid name (such a domain gets no mail anyway).
		domain, _ := idna.Lookup.ToASCII(address[at+1:])
		domain = strings.TrimSuffix(strings.ToLower(domain), ".")
		if domain == "gmail.com" || domain == "googlemail.com" {
			local, domain = strings.ReplaceAll(local, ".", ""), "gmail.com"
		}
		address = local + "@" + domain
	} else {
		address = strings.ToLower(address)
	}
	sum := sha256.Sum256([]byte(address))
	return hex.EncodeToString(sum[:])
}

// mailClasses are the counters m counts under, "all" first: every claimer
// takes a recipient's "all" counter before its "link" one.
func mailClasses(m *domain.OutboxMail) []string {
	if m.ConfirmationID != nil {
		return []string{quotaAll, quotaLink}
	}
	return []string{quotaAll}
}

// reserveMail counts m against its recipient's caps for the day (a window
// that starts at the first mail and lasts 24 hours) and reports whether it
// is within them; one over a cap changes no counter. The counters are rows
// updated in the claim's transaction, so the senders of every server
// process count together.
func reserveMail(ctx context.Context, tx bun.Tx, m *domain.OutboxMail, now time.Time, caps domain.MailCaps) (bool, error) {
	who := recipientKey(m.ToAddress)
	var took []string
	for _, class := range mailClasses(m) {
		limit := caps.PerDay
		if class == quotaLink {
			limit = min(caps.LinksPerDay, caps.PerDay)
		}
		var sent int
		err := tx.NewRaw(`INSERT INTO mail_quotas AS mq (key, window_start, sent) VALUES (?, ?, 1)
			ON CONFLICT (key) DO UPDATE SET
				sent = CASE WHEN mq.window_start <= ? THEN 1 ELSE mq.sent + 1 END,
				window_start = CASE WHEN mq.window_start <= ? THEN excluded.window_start ELSE mq.window_start END
			WHERE mq.window_start <= ? OR mq.sent < ?
			RETURNING sent`, class+":"+who, now, now.Add(-mailQuotaWindow), now.Add(-mailQuotaWindow),
			now.Add(-mailQuotaWindow), limit).Scan(ctx, &sent)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && sent > limit) {
			return false, releaseMail(ctx, tx, took, who)
		}
		if err != nil {
			return false, err
		}
		took = append(took, class)
	}
	return true, nil
}

// mailQuotaWindow is the day a recipient's counters count over.
const mailQuotaWindow = 24 * time.Hour

// releaseMail gives back what a mail to who counted under classes.
func releaseMail(ctx context.Context, db bun.IDB, classes []string, who string) error {
	for _, class := range classes {
		if _, err := db.NewRaw("UPDATE mail_quotas SET sent = sent - 1 WHERE key = ? AND sent > 0", class+":"+who).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// MailSent removes a delivered mail from the outbox.
func (s *Store) MailSent(ctx context.Context, id int64) error {
	_, err := s.db.Conn(ctx).NewDelete().Model((*domain.OutboxMail)(nil)).Where("id = ?", id).Exec(ctx)
	return s.db.Wrap(err)
}

// MailNotSent gives back what a claimed mail counted against its
// recipient's caps (it did not go out), and releases it for another
// attempt at retryAt, remembering why, or with retryAt nil drops it.
func (s *Store) MailNotSent(ctx context.Context, m *domain.OutboxMail, retryAt *time.Time, reason string) error {
	return s.db.Tx(ctx, func(tx bun.Tx) error {
		if err := releaseMail(ctx, tx, mailClasses(m), recipientKey(m.ToAddress)); err != nil {
			return err
		}
		if retryAt == nil {
			_, err := tx.NewDelete().Model((*domain.OutboxMail)(nil)).Where("id = ?", m.ID).Exec(ctx)
			return err
		}
		_, err := tx.NewUpdate().Model((*domain.OutboxMail)(nil)).
			Set("claimed_until = NULL").Set("next_attempt_at = ?", *retryAt).Set("last_error = ?", reason).
			Where("id = ?", m.ID).Exec(ctx)
		return err
	})
}

// DeleteStaleMailRecords removes the mail counters of past days and the
// confirmation links asked for more than three days ago (used, replaced or
// expired by then: a link lives a day from its mail, which is retried for
// about a day).
func (s *Store) DeleteStaleMailRecords(ctx context.Context, now time.Time) (int64, error) {
	n, err := s.db.RowsAffected(s.db.Conn(ctx).NewRaw("DELETE FROM mail_quotas WHERE window_start <= ?", now.Add(-mailQuotaWindow)).Exec(ctx))
	if err != nil {
		return n, err
	}
	m, err := s.db.RowsAffected(s.db.Conn(ctx).NewDelete().Model((*domain.EmailConfirmation)(nil)).
		Where("created_at < ?", now.Add(-3*24*time.Hour)).Exec(ctx))
	return n + m, err
}
