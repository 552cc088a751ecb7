package notices

import (
	"context"
	"errors"
	"net/url"
	"time"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// E-mail addresses. Mail goes only to an address its owner confirmed: a new
// one (set by the user, by an administrator, or when the user is created)
// is pending, and gets only a link to confirm it, which carries a 256-bit
// token made when the mail is sent (DeliverMail) and kept only as its hash,
// bound to the user and the address, usable once, for EmailLinkHours.
// Meanwhile the confirmed address, if any, stays where notices go, and is
// told once, when the new one takes over. Each link counts toward the
// user's limit (emailLinksPerHour), and toward its recipient's caps in the
// outbox (Env.MailCaps), so that nobody can use this to flood an
// address with mail.

const (
	emailLinksPerHour = 5 // links a user may ask for in an hour (changes and Resends)
	emailLinkTTL      = shared.EmailLinkHours * time.Hour
)

var (
	errLinkInvalid   = shared.Fail(shared.ELinkInvalid, words.LinkInvalid)
	errLinkExpired   = shared.Fail(shared.ELinkExpired, words.LinkExpired(shared.EmailLinkHours))
	errLinkOtherUser = shared.Fail(shared.ELinkOtherUser, words.LinkOtherUser)
)

// SetEmail changes the session's user's e-mail address (shared.EmailRequest
// says how).
func (s *Service) SetEmail(ctx context.Context, sess *domain.Session, req shared.EmailRequest, c core.Client) error {
	if e := req.Valid(); e != nil {
		return e
	}
	err := s.SetAddress(ctx, sess.User, sess.User, req.Email, c)
	if errors.Is(err, domain.ErrNotFound) {
		return core.ErrUnauthenticated
	}
	return err
}

// SetAddress is the one way an address changes, the user's own or an
// administrator's (actor) change of target's, each audited: a new address
// (or the pending one again: Resend) gets a link; the confirmed one cancels
// the pending one; "" removes both, and the confirmed address is told. An
// address that stays makes nothing. Returns domain.ErrNotFound when target
// is gone.
func (s *Service) SetAddress(ctx context.Context, actor, target *domain.User, address string, c core.Client) error {
	var byAdminID int64 // the user's own change
	if actor.ID != target.ID {
		byAdminID = actor.ID
	}
	confirmed, pending := core.Deref(target.Email), core.Deref(target.EmailPending)
	switch {
	case address == "" && confirmed == "" && pending == "", address != "" && address == confirmed && pending == "":
		return nil // nothing changes: nobody to tell
	case address == "":
		// The notice is written before the change: its mail goes to the
		// confirmed address being removed.
		audit := s.WithNotice(s.History.Audit(target.AccountID, actor, shared.AuditEmailChanged, target, c, "removed"),
			target, shared.NoticeEmailChanged, c, "")
		return s.Store.DropEmail(ctx, target.ID, byAdminID, false, s.Now(), audit)
	case address == confirmed:
		return s.Store.DropEmail(ctx, target.ID, byAdminID, true, s.Now(),
			s.History.Audit(target.AccountID, actor, shared.AuditEmailChanged, target, c, "kept the confirmed address"))
	}
	now := s.Now()
	audit := s.History.Audit(target.AccountID, actor, shared.AuditEmailChanged, target, c, "link sent to the new address")
	audit.Notice = s.LinkNotice(target, address, c)
	retryAt, err := s.Store.RequestEmail(ctx, target.ID, byAdminID, address, now, emailLinksPerHour, time.Hour, audit)
	if errors.Is(err, domain.ErrLocked) {
		return core.RateLimited(words.EmailLinksPerHour(emailLinksPerHour), retryAt, now)
	}
	return err
}

// LinkNotice tells u that a link to confirm address was sent; its mail
// is the link, to that address.
func (s *Service) LinkNotice(u *domain.User, address string, c core.Client) *domain.Notice {
	n := s.Notice(u, shared.NoticeEmailConfirmationSent, c, address)
	n.Confirmation = &domain.EmailConfirmation{Address: address, Origin: core.Clip(c.Origin, core.MaxStoredField), CreatedAt: n.CreatedAt}
	return n
}

// ConfirmEmail uses the token of a link: its address becomes the user's
// confirmed one, and the address it replaces is told. Anyone holding the
// link may use it (it went to that address), but not in a session of
// another user, who would otherwise confirm someone else's address
// thinking it their own; such a try spends nothing. Returns ELinkInvalid
// for a token unknown, used or replaced, ELinkExpired past its time, and
// ELinkOtherUser; sess may be nil.
func (s *Service) ConfirmEmail(ctx context.Context, req shared.EmailConfirmRequest, sess *domain.Session, c core.Client) error {
	if e := req.Valid(); e != nil {
		return e
	}
	link, err := s.Store.EmailConfirmationByToken(ctx, core.HashToken(req.Token))
	if errors.Is(err, domain.ErrNotFound) {
		return errLinkInvalid
	} else if err != nil {
		return err
	}
	now := s.Now()
	switch {
	case link.SpentAt != nil:
		return errLinkInvalid
	case link.ExpiresAt == nil || !now.Before(*link.ExpiresAt):
		return errLinkExpired
	case sess != nil && sess.UserID != link.UserID:
		return errLinkOtherUser
	}
	u, err := s.Store.UserByID(ctx, link.UserID)
	if errors.Is(err, domain.ErrNotFound) {
		return errLinkInvalid
	} else if err != nil {
		return err
	}
	audit := s.WithNotice(s.History.Audit(u.AccountID, u, shared.AuditEmailConfirmed, u, c, ""), u, shared.NoticeEmailChanged, c, "")
	if err := s.Store.ConfirmEmail(ctx, link, now, audit); errors.Is(err, domain.ErrNotFound) {
		return errLinkInvalid // used, replaced or expired since it was read
	} else if err != nil {
		return err
	}
	return nil
}

// confirmationLink makes the token of the link om carries as its mail goes
// out, and returns the link; ok is false when the link was spent
// meanwhile (a newer one, a confirmation, a removal): its mail is not
// needed.
func (s *Service) confirmationLink(ctx context.Context, om *domain.OutboxMail) (link string, ok bool, err error) {
	token, hash, err := core.NewToken(s.Rand)
	if err != nil {
		return "", false, err
	}
	err = s.Store.IssueEmailToken(ctx, *om.ConfirmationID, hash, s.Now().Add(emailLinkTTL))
	if errors.Is(err, domain.ErrNotFound) {
		return "", false, nil
	} else if err != nil {
		return "", false, err
	}
	base := s.LinkBase
	if om.Confirmation != nil && om.Confirmation.Origin != "" {
		base = om.Confirmation.Origin
	}
	return base + "/email/confirm?" + url.Values{"token": {token}}.Encode(), true, nil
}

// EmailState is the user's addresses on the wire (Me, AdminUser).
func EmailState(u *domain.User) (email, verifiedAt, pending string) {
	return core.Deref(u.Email), core.RFC3339(u.EmailVerifiedAt), core.Deref(u.EmailPending)
}
