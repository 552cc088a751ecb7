// Package sessions is a user's sessions once a step made them: which
// session a request's token is and what it may do now (Authenticate), the
// user's own list of sessions and trusted browsers, ending them, and the
// re-authentication that sensitive actions need.
package sessions

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/auth/factor"
	"github.com/warden-auth/warden/server/auth/notices"
	"github.com/warden-auth/warden/server/auth/stage"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// Store is where sessions and trusted browsers are kept. The deletions by
// id are scoped to the user in SQL: another user's id answers
// domain.ErrNotFound.
type Store interface {
	// SessionByTokenHash returns a session unexpired at now, with its user
	// and account; domain.ErrNotFound otherwise.
	SessionByTokenHash(ctx context.Context, tokenHash []byte, now time.Time) (*domain.Session, error)
	TouchSession(ctx context.Context, id int64, now time.Time) error
	DeleteSession(ctx context.Context, tokenHash []byte) error
	DeleteExpiredSessions(ctx context.Context, now, idleBefore time.Time) (int64, error)
	// StartGrace starts the user's grace period at now unless it started
	// before, and returns its start; domain.ErrNotFound when the account
	// has no grace period now.
	StartGrace(ctx context.Context, userID int64, now time.Time) (time.Time, error)
	// MarkReauth records a proof of the user on the session, using it up
	// as a login step would, and what the re-authentications proved so far
	// (Session.ReauthMethods).
	MarkReauth(ctx context.Context, sessionID, userID int64, proof domain.Proof, methods string, now time.Time) error
	UserSessions(ctx context.Context, userID int64, now time.Time) ([]domain.Session, error)
	DeleteUserSession(ctx context.Context, userID, id int64, audit *domain.AuditEvent) error
	// EndOtherSessions also removes every trusted browser of the user.
	EndOtherSessions(ctx context.Context, userID, keepSession int64, audit *domain.AuditEvent) (int64, error)
	TrustedBrowser(ctx context.Context, userID int64, tokenHash []byte, now time.Time) (*domain.TrustedBrowser, error)
	TrustedBrowsers(ctx context.Context, userID int64, now time.Time) ([]domain.TrustedBrowser, error)
	DeleteTrustedBrowser(ctx context.Context, userID, id int64, audit *domain.AuditEvent) error
	DeleteExpiredTrustedBrowsers(ctx context.Context, now time.Time) (int64, error)
}

// Service reads and ends sessions.
type Service struct {
	factor.Base
	Store   Store
	Factors *factor.Service
}

// New returns the sessions kept in st.
func New(b factor.Base, st Store, fs *factor.Service) *Service {
	return &Service{Base: b, Store: st, Factors: fs}
}

// Sweep deletes expired and idle sessions and expired trusted browsers.
func (s *Service) Sweep(ctx context.Context) (int64, error) {
	now := s.Now()
	n, err := s.Store.DeleteExpiredSessions(ctx, now, now.Add(-s.SessionIdle))
	if err != nil {
		return n, err
	}
	m, err := s.Store.DeleteExpiredTrustedBrowsers(ctx, now)
	return n + m, err
}

// touchEvery limits how often a busy session writes its last-seen time.
const touchEvery = time.Minute

// Authenticate returns the live session of a token, with its user and
// account, and its effective stage. Returns EUnauthenticated if the token is
// unknown, expired or idle too long.
//
// The effective stage is the stored one, except that a full session of a user
// without 2FA in an account that forces 2FA is an enrollment session once
// their grace period (if any) is over: the policy holds for sessions that
// began before it was switched on.
func (s *Service) Authenticate(ctx context.Context, token string) (sess *domain.Session, current string, err error) {
	if token == "" {
		return nil, "", core.ErrUnauthenticated
	}
	now := s.Now()
	sess, err = s.Store.SessionByTokenHash(ctx, core.HashToken(token), now)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, "", core.ErrUnauthenticated
	} else if err != nil {
		return nil, "", err
	}
	if sess.User.Disabled() {
		// Disabling deletes the sessions in the same transaction; this is
		// the second line for one that raced it.
		return nil, "", core.ErrUnauthenticated
	}
	if now.Sub(sess.LastSeenAt) >= s.SessionIdle {
		if err := s.Store.DeleteSession(ctx, sess.TokenHash); err != nil {
			return nil, "", err
		}
		return nil, "", core.ErrUnauthenticated
	}
	if now.Sub(sess.LastSeenAt) >= touchEvery {
		if err := s.Store.TouchSession(ctx, sess.ID, now); err != nil {
			return nil, "", err
		}
	}
	u := sess.User
	ev, moved := stage.PolicyEvent(u, now)
	if sess.Stage != stage.Full || !moved {
		return sess, sess.Stage, nil
	}
	if ev == stage.GraceAllows {
		// A session from before the policy: its user's grace starts now.
		started, err := s.Store.StartGrace(ctx, u.ID, now)
		switch {
		case errors.Is(err, domain.ErrNotFound):
			// The policy changed since the session was read: err on the
			// safe side until the next request reads it again.
			ev = stage.PolicyForces
		case err != nil:
			return nil, "", err
		default:
			u.GraceStartedAt = &started
			if enroll, _ := stage.MustEnroll(u, now); enroll {
				ev = stage.PolicyForces
			}
		}
	}
	current, err = stage.Must(stage.Full, ev)
	return sess, current, err
}

// A user's own sessions and trusted browsers (DESIGN.md "Self-service").
// Sessions are named on the wire by their row id, which is no token: it
// cannot be made into a cookie. Every id a user sends is looked up among
// that user's own rows in SQL, so another user's id is simply not found.
// Ending and removing need a recent proof (the routes are marked recent).

// ErrNoSuchSession answers an id that is not one of the caller's sessions
// or trusted browsers.
var ErrNoSuchSession = shared.Fail(shared.ENotFound, words.NoSuchSession)

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
			LastSeenAt: core.RFC3339(&sess.LastSeenAt), IP: sess.IP, Device: notices.DeviceName(words.In(ctx), sess.UserAgent), Current: sess.ID == current.ID})
	}
	browsers, err := s.Store.TrustedBrowsers(ctx, current.UserID, now)
	if err != nil {
		return out, err
	}
	for _, b := range browsers {
		out.TrustedBrowsers = append(out.TrustedBrowsers, shared.TrustedBrowser{ID: b.ID, CreatedAt: core.RFC3339(&b.CreatedAt),
			LastUsedAt: core.RFC3339(&b.LastUsedAt), ExpiresAt: core.RFC3339(&b.ExpiresAt), IP: b.IP, Device: notices.DeviceName(words.In(ctx), b.UserAgent)})
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

// trustTokenLen is the length of a token from core.NewToken.
const trustTokenLen = 43

var ErrRememberOff = shared.Fail(shared.EInvalid, words.RememberOff).WithField("remember_browser", words.LeaveRememberUnticked)

// TrustedBrowser returns the id of u's trusted browser whose token the
// browser sent, if it may skip the code now; 0 if not.
func (s *Service) TrustedBrowser(ctx context.Context, u *domain.User, token string, now time.Time) (int64, error) {
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

// NewTrust makes a trusted browser for u from c, to be written with the
// login step, and its token for the browser's cookie.
func (s *Service) NewTrust(u *domain.User, c core.Client, now time.Time) (string, *domain.TrustedBrowser, error) {
	token, hash, err := core.NewToken(s.Rand)
	if err != nil {
		return "", nil, err
	}
	return token, &domain.TrustedBrowser{TokenHash: hash, UserID: u.ID, CreatedAt: now, LastUsedAt: now,
		ExpiresAt: now.Add(time.Duration(u.Account.RememberBrowserDays) * 24 * time.Hour), IP: c.IP, UserAgent: c.UserAgent}, nil
}
