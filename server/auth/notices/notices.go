// Package notices tells users what happened to their account: security
// notices in the app, and by mail to a confirmed address through an outbox
// written with the change each tells of; and the e-mail addresses
// themselves, with the links that confirm them.
package notices

import (
	"context"
	"strconv"
	"time"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/auth/history"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// Store is what notices and mail need kept.
type Store interface {
	// MarkNoticesRead touches only userID's notices.
	Notices(ctx context.Context, userID, before int64, limit int) (notices []domain.Notice, next int64, unread int, err error)
	UnreadNotices(ctx context.Context, userID int64) (int, error)
	MarkNoticesRead(ctx context.Context, userID, upTo int64, now time.Time) error
	// ClaimMail hands each due mail to one caller until its lease ends,
	// also across server processes, and drops the mail over its
	// recipient's caps, counted in the database by every process together;
	// MailNotSent gives a claimed mail's count back and retries it at
	// retryAt (nil: drops it).
	ClaimMail(ctx context.Context, now time.Time, lease time.Duration, limit int, caps domain.MailCaps) (send, dropped []domain.OutboxMail, err error)
	MailSent(ctx context.Context, id int64) error
	MailNotSent(ctx context.Context, m *domain.OutboxMail, retryAt *time.Time, reason string) error
	DeleteStaleMailRecords(ctx context.Context, now time.Time) (int64, error)
	// E-mail addresses (byAdminID scopes the change to that
	// administrator's account in SQL; 0: the user's own). RequestEmail
	// returns domain.ErrLocked, with when to try again, past limit links
	// per window; IssueEmailToken domain.ErrNotFound for a link spent
	// meanwhile; ConfirmEmail domain.ErrNotFound for a link used,
	// replaced or expired meanwhile.
	RequestEmail(ctx context.Context, userID, byAdminID int64, address string, now time.Time, limit int, window time.Duration, audit *domain.AuditEvent) (time.Time, error)
	DropEmail(ctx context.Context, userID, byAdminID int64, pendingOnly bool, now time.Time, audit *domain.AuditEvent) error
	EmailConfirmationByToken(ctx context.Context, tokenHash []byte) (*domain.EmailConfirmation, error)
	IssueEmailToken(ctx context.Context, id int64, tokenHash []byte, expires time.Time) error
	ConfirmEmail(ctx context.Context, c *domain.EmailConfirmation, now time.Time, audit *domain.AuditEvent) error
	UserByID(ctx context.Context, id int64) (*domain.User, error)
}

// Service writes and reads notices, sends their mail, and keeps the
// addresses it goes to.
type Service struct {
	*core.Env
	Store   Store
	History *history.Service
}

// New returns the notices kept in st.
func New(env *core.Env, st Store, h *history.Service) *Service {
	return &Service{Env: env, Store: st, History: h}
}

// Unread counts the user's unread notices.
func (s *Service) Unread(ctx context.Context, userID int64) (int, error) {
	return s.Store.UnreadNotices(ctx, userID)
}

// Sweep deletes past days' mail counters and e-mail links.
func (s *Service) Sweep(ctx context.Context) (int64, error) {
	return s.Store.DeleteStaleMailRecords(ctx, s.Now())
}

// Security notices tell a user what happened to their account. Each is
// handed to the store with the change it tells of (an audit event's Notice,
// a login step's Notices, the lock of RecordCodeFailure) and written in the
// same transaction: a change that fails or is retried makes no notice or
// exactly one.

// Notice builds a notice of kind for u from the request c.
func (s *Service) Notice(u *domain.User, kind string, c core.Client, detail string) *domain.Notice {
	c = c.Clip()
	return &domain.Notice{UserID: u.ID, CreatedAt: s.Now(), Kind: kind, IP: c.IP, Device: DeviceName(words.English, c.UserAgent),
		UserAgent: c.UserAgent, Detail: detail, Mail: s.MailEnabled}
}

// WithNotice puts a notice of kind for target on the audit event e.
func (s *Service) WithNotice(e *domain.AuditEvent, target *domain.User, kind string, c core.Client, detail string) *domain.AuditEvent {
	e.Notice = s.Notice(target, kind, c, detail)
	return e
}

// SessionsEndedNotice is the notice that ended sessions of u are: put it
// on the audit event of the change that ends them (AuditEvent.Notice), so it
// is written in its transaction.
func (s *Service) SessionsEndedNotice(u *domain.User, c core.Client, ended int64) *domain.Notice {
	return s.Notice(u, shared.NoticeSessionsEnded, c, strconv.FormatInt(ended, 10))
}

// MyNotices is a page of the session's user's notices, newest first.
func (s *Service) MyNotices(ctx context.Context, sess *domain.Session, before int64) (shared.NoticePage, error) {
	notices, next, unread, err := s.Store.Notices(ctx, sess.UserID, before, 20)
	if err != nil {
		return shared.NoticePage{}, err
	}
	page := shared.NoticePage{Notices: make([]shared.Notice, len(notices)), Unread: unread, Next: shared.FormatCursor(next)}
	for i, n := range notices {
		page.Notices[i] = shared.Notice{ID: n.ID, At: core.RFC3339(&n.CreatedAt), Kind: n.Kind, IP: n.IP, Device: deviceOf(words.In(ctx), &n),
			Detail: n.Detail, Read: n.ReadAt != nil}
	}
	return page, nil
}

// MarkNoticesRead marks the session's user's notices up to upTo read; ids
// of other users' notices touch nothing of theirs.
func (s *Service) MarkNoticesRead(ctx context.Context, sess *domain.Session, req shared.NoticesReadRequest) error {
	if e := req.Valid(); e != nil {
		return e
	}
	return s.Store.MarkNoticesRead(ctx, sess.UserID, req.UpTo, s.Now())
}
