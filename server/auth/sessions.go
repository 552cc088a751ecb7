package auth

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
)

// A user's own sessions and trusted browsers (DESIGN.md "Self-service").
// Sessions are named on the wire by their row id, which is no token: it
// cannot be made into a cookie. Every id a user sends is looked up among
// that user's own rows in SQL, so another user's id is simply not found.
// Ending and removing need a recent proof (the routes are marked recent).

// ErrNoSuchSession answers an id that is not one of the caller's sessions
// or trusted browsers.
var ErrNoSuchSession = shared.Errorf(shared.ENotFound, "There is no such session or browser (it may have ended already).")

// Sessions lists the user's live sessions, the current one marked, and
// their trusted browsers.
func (s *Service) Sessions(ctx context.Context, current *domain.Session) (shared.Sessions, error) {
	now := s.Now()
	out := shared.Sessions{Sessions: []shared.Session{}, TrustedBrowsers: []shared.TrustedBrowser{}}
	sessions, err := s.Store.UserSessions(ctx, current.UserID, now)
	if err != nil {
		return out, err
	}
	for _, sess := range sessions {
		if now.Sub(sess.LastSeenAt) >= s.SessionIdle && sess.ID != current.ID {
			continue // idled out: Authenticate ends it at its next request
		}
		out.Sessions = append(out.Sessions, shared.Session{ID: sess.ID, CreatedAt: core.RFC3339(&sess.CreatedAt),
			LastSeenAt: core.RFC3339(&sess.LastSeenAt), IP: sess.IP, Device: shared.DescribeUserAgent(sess.UserAgent), Current: sess.ID == current.ID})
	}
	browsers, err := s.Store.TrustedBrowsers(ctx, current.UserID, now)
	if err != nil {
		return out, err
	}
	for _, b := range browsers {
		out.TrustedBrowsers = append(out.TrustedBrowsers, shared.TrustedBrowser{ID: b.ID, CreatedAt: core.RFC3339(&b.CreatedAt),
			LastUsedAt: core.RFC3339(&b.LastUsedAt), ExpiresAt: core.RFC3339(&b.ExpiresAt), IP: b.IP, Device: shared.DescribeUserAgent(b.UserAgent)})
	}
	return out, nil
}

// EndSession ends one of the user's sessions by its id. The ended session
// answers 401 at its next request on any server process, since every
// request reads its session from the database. Returns ENotFound for an id
// that is not one of the user's sessions.
func (s *Service) EndSession(ctx context.Context, current *domain.Session, id int64, c core.Client) error {
	u := current.User
	e := s.History.Audit(u.AccountID, u, shared.AuditSessionEnded, u, c.Clip(), "session "+strconv.FormatInt(id, 10))
	e.Notice = s.Notices.SessionsEndedNotice(u, c, 1)
	err := s.Store.DeleteUserSession(ctx, u.ID, id, e)
	if errors.Is(err, domain.ErrNotFound) {
		return ErrNoSuchSession
	} else if err != nil {
		return err
	}
	return nil
}

// EndOtherSessions ends every session of the user but the current one, and
// removes every trusted browser (this one's too: "End all others" is what a
// user does who fears someone else got in). Returns how many sessions ended.
func (s *Service) EndOtherSessions(ctx context.Context, current *domain.Session, c core.Client) (int64, error) {
	u := current.User
	e := s.History.Audit(u.AccountID, u, shared.AuditSessionsEnded, u, c.Clip(), "")
	e.Notice = s.Notices.SessionsEndedNotice(u, c, 0) // the store counts them
	return s.Store.EndOtherSessions(ctx, u.ID, current.ID, e)
}

// RemoveTrustedBrowser removes one of the user's trusted browsers: its next
// login asks for a code again. Returns ENotFound for an id that is not one
// of the user's.
func (s *Service) RemoveTrustedBrowser(ctx context.Context, current *domain.Session, id int64, c core.Client) error {
	u := current.User
	err := s.Store.DeleteTrustedBrowser(ctx, u.ID, id,
		s.History.Audit(u.AccountID, u, shared.AuditBrowserRemoved, u, c.Clip(), "browser "+strconv.FormatInt(id, 10)))
	if errors.Is(err, domain.ErrNotFound) {
		return ErrNoSuchSession
	}
	return err
}

// Trusted browsers ("Don't ask for a code on this browser for N days"). The
// browser gets a token of its own, kept as a SHA-256 like a session's and
// bound to one user: the lookup is by the user and the hash, so a browser
// trusted by one user never spares another user's code. A trust counts only
// while the account allows it: for at most the account's current days
// since it was given, and not at all once the setting is off.

// trustTokenLen is the length of a token from newToken.
const trustTokenLen = 43

var errRememberOff = &shared.Error{Code: shared.EInvalid, Message: "This account does not let a browser skip the code.",
	Fields: map[string]string{"remember_browser": "Your account does not allow trusting a browser: leave it unticked."}}

// trustedBrowser returns the id of u's trusted browser whose token the
// browser sent, if it may skip the code now; 0 if not.
func (s *Service) trustedBrowser(ctx context.Context, u *domain.User, token string, now time.Time) (int64, error) {
	days := u.Account.RememberBrowserDays
	if days == 0 || len(token) != trustTokenLen || !u.TwoFactorEnabled() {
		return 0, nil
	}
	tb, err := s.Store.TrustedBrowser(ctx, u.ID, core.HashToken(token), now)
	if errors.Is(err, domain.ErrNotFound) {
		return 0, nil
	} else if err != nil {
		return 0, err
	}
	if !now.Before(tb.CreatedAt.Add(time.Duration(days) * 24 * time.Hour)) {
		return 0, nil // the account shortened the trust since
	}
	return tb.ID, nil
}

// newTrust makes a trusted browser for u from c, to be written with the
// login step, and its token for the browser's cookie.
func (s *Service) newTrust(u *domain.User, c core.Client, now time.Time) (string, *domain.TrustedBrowser, error) {
	token, hash, err := core.NewToken(s.Rand)
	if err != nil {
		return "", nil, err
	}
	return token, &domain.TrustedBrowser{TokenHash: hash, UserID: u.ID, CreatedAt: now, LastUsedAt: now,
		ExpiresAt: now.Add(time.Duration(u.Account.RememberBrowserDays) * 24 * time.Hour), IP: c.IP, UserAgent: c.UserAgent}, nil
}
