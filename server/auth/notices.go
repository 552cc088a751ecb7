package auth

import (
	"context"
	"strconv"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
)

// Security notices tell a user what happened to their account. Each is
// handed to the store with the change it tells of (an audit event's Notice,
// a login step's Notices, the lock of RecordCodeFailure) and written in the
// same transaction: a change that fails or is retried makes no notice or
// exactly one.

// notice builds a notice of kind for u from the request c.
func (s *Service) notice(u *domain.User, kind string, c core.Client, detail string) *domain.Notice {
	c = c.Clip()
	return &domain.Notice{UserID: u.ID, CreatedAt: s.Now(), Kind: kind, IP: c.IP, Device: DeviceName(c.UserAgent),
		Detail: detail, Mail: s.MailEnabled}
}

// withNotice puts a notice of kind for target on the audit event e.
func (s *Service) withNotice(e *domain.AuditEvent, target *domain.User, kind string, c core.Client, detail string) *domain.AuditEvent {
	e.Notice = s.notice(target, kind, c, detail)
	return e
}

// SessionsEndedNotice is the notice that ended sessions of u are: put it
// on the audit event of the change that ends them (AuditEvent.Notice), so it
// is written in its transaction.
func (s *Service) SessionsEndedNotice(u *domain.User, c core.Client, ended int64) *domain.Notice {
	return s.notice(u, shared.NoticeSessionsEnded, c, strconv.FormatInt(ended, 10))
}

// recoveryNotices are the notices of a login with a recovery code that
// leaves left codes.
func (s *Service) recoveryNotices(u *domain.User, c core.Client, left int) []*domain.Notice {
	n := []*domain.Notice{s.notice(u, shared.NoticeRecoveryCodeUsed, c, strconv.Itoa(left))}
	if left <= shared.RecoveryCodesLowAt {
		n = append(n, s.notice(u, shared.NoticeRecoveryCodesLow, c, strconv.Itoa(left)))
	}
	return n
}

// isNewBrowser reports whether a right password from c is a login from a
// browser and a network u has not used: the browser has no device cookie of
// u's (device.go) and no login of u was completed from its IP. Since u
// connected 2FA a right password alone completes no login: only code steps
// count, so an attacker's password step that then failed the code makes no
// IP known. A user's first login ever is not news to them.
func (s *Service) isNewBrowser(ctx context.Context, u *domain.User, c core.Client) (bool, error) {
	if u.LastLoginAt == nil || s.deviceKey(u, c.Device) != "" {
		return false, nil
	}
	known, err := s.Store.HasLoggedInFrom(ctx, u.ID, c.IP, u.TOTPEnabledAt)
	return !known, err
}

// MyNotices is a page of the session's user's notices, newest first.
func (s *Service) MyNotices(ctx context.Context, sess *domain.Session, before int64) (shared.NoticePage, error) {
	notices, next, unread, err := s.Store.Notices(ctx, sess.UserID, before, 20)
	if err != nil {
		return shared.NoticePage{}, err
	}
	page := shared.NoticePage{Notices: make([]shared.Notice, len(notices)), Unread: unread, Next: shared.FormatCursor(next)}
	for i, n := range notices {
		page.Notices[i] = shared.Notice{ID: n.ID, At: core.RFC3339(&n.CreatedAt), Kind: n.Kind, IP: n.IP, Device: n.Device,
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
