// Package throttle is how guessing is slowed and stopped: failed passwords
// counted per username, per browser and per client network, each locked
// with a growing backoff at its threshold; the networks this process knows
// are locked, refused before any work; and the lockout of the second
// factor after wrong codes, and its stop for good.
package throttle

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/auth/history"
	"github.com/warden-auth/warden/server/auth/notices"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// Store is what the throttles need kept. Counters and locks live in the
// database, so every server process enforces them together.
type Store interface {
	Throttles(ctx context.Context, keys []string) (map[string]domain.LoginThrottle, error)
	ThrottledUntil(ctx context.Context, keys []string, now time.Time) (time.Time, error)
	RecordLoginFailure(ctx context.Context, rules map[string]domain.ThrottleRule, now time.Time) (time.Time, error)
	DeleteStaleThrottles(ctx context.Context, before, now time.Time) (int64, error)
	// ReserveCodeAttempt returns domain.ErrLocked while the user's codes
	// are locked; LockCodes and RecordCodeFailure write lockNotice only
	// with the lock they start.
	ReserveCodeAttempt(ctx context.Context, userID int64, now time.Time) (int, error)
	RecordCodeFailure(ctx context.Context, userID int64, now time.Time, threshold int, lockFor func(count int) time.Duration, lockNotice *domain.Notice) (domain.CodeFailure, error)
	LockCodes(ctx context.Context, userID int64, reserved int, now time.Time, threshold int, lockFor func(count int) time.Duration, lockNotice *domain.Notice) (domain.CodeFailure, error)
	UserByID(ctx context.Context, id int64) (*domain.User, error)
}

// Service counts failures, locks and refuses.
type Service struct {
	*core.Env
	Store   Store
	History *history.Service
	Notices *notices.Service
	// Locks are the networks this process found locked.
	Locks NetworkLocks
}

// New returns the throttles kept in st.
func New(env *core.Env, st Store, h *history.Service, n *notices.Service) *Service {
	return &Service{Env: env, Store: st, History: h, Notices: n}
}

// Sweep deletes the counters that no longer count.
func (s *Service) Sweep(ctx context.Context) (int64, error) {
	now := s.Now()
	return s.Store.DeleteStaleThrottles(ctx, now.Add(-24*time.Hour), now)
}

// Password throttling. Failed passwords are counted in the database per
// attempted username (known or not) and per client IP; a key that reaches
// its threshold within the window is locked with the same growing backoff as
// wrong codes. A locked username answers exactly like a wrong password, after
// the same work; a locked IP gets 429 with Retry-After, which says nothing
// about any account. A success clears the username's count but not the IP's:
// an attacker must not be able to reset their IP's count by logging into an
// account of their own. A browser with the username's device cookie
// (package login) counts under its own key instead of the username's.
var (
	UserThrottle = domain.ThrottleRule{Threshold: 5, Window: 15 * time.Minute, LockFor: backoff(5)}
	// An IP may stand for a whole office behind one NAT: a higher threshold.
	IPThrottle = domain.ThrottleRule{Threshold: 20, Window: 15 * time.Minute, LockFor: backoff(20)}
)

// NetworkLocks remembers the networks (passwords.NetworkKey) this process found
// locked in the database, until their locks end, so that a locked network's
// further attempts are refused before they take a place among the password
// checks or read the database: a flood from it costs one read per process
// and lock. What is remembered stays true: nothing ends a network's lock
// early, and while it lasts its attempts are not counted, so it does not
// grow. At most maxNetworkLocks are remembered; past that a newly found one
// is not, and its network's attempts read the database, within its share
// of the places.
type NetworkLocks struct {
	mu    sync.Mutex
	until map[string]time.Time
}

const maxNetworkLocks = 10_000

// Locked returns until when the network key is known to be locked at now.
func (l *NetworkLocks) Locked(key string, now time.Time) (time.Time, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	until, ok := l.until[key]
	if ok && !now.Before(until) {
		delete(l.until, key)
		return time.Time{}, false
	}
	return until, ok
}

// Remember notes that key is locked until then.
func (l *NetworkLocks) Remember(key string, until, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.until == nil {
		l.until = map[string]time.Time{}
	}
	if len(l.until) >= maxNetworkLocks {
		for k, u := range l.until {
			if !now.Before(u) {
				delete(l.until, k)
			}
		}
		if len(l.until) >= maxNetworkLocks {
			return
		}
	}
	l.until[key] = until
}

// errNetworkLocked answers an attempt from a locked network.
func errNetworkLocked(until, now time.Time) *shared.Error {
	return core.RateLimited(words.NetworkFailedLogins, until, now)
}

// FailPassword counts a wrong password toward the throttles and records it.
// This attempt still gets the plain answer; a lock it starts applies from
// the next attempt.
func (s *Service) FailPassword(ctx context.Context, e *domain.LoginEvent, reason string, rules map[string]domain.ThrottleRule) error {
	if _, err := s.Store.RecordLoginFailure(ctx, rules, s.Now()); err != nil {
		return err
	}
	return s.History.Fail(ctx, e, reason, ErrWrongCredentials)
}

// NetworkBlocked is blocked for a network's lock. Its row is the network's,
// no account's: a blocked attempt checked no password, and the names it
// tried are the sender's choice, so none of their owners' histories gets it
// (the platform administrator sees it among the unknown names).
func (s *Service) NetworkBlocked(ctx context.Context, e *domain.LoginEvent, ipKey string, until time.Time) error {
	e.UserID, e.AccountID, e.Username = nil, nil, ""
	return s.History.Blocked(ctx, e, ipKey, until, shared.ReasonThrottled, errNetworkLocked(until, s.Now()))
}

// CodesBlocked is blocked for the second step of u, locked by wrong codes.
func (s *Service) CodesBlocked(ctx context.Context, u *domain.User, e *domain.LoginEvent) error {
	return s.History.Blocked(ctx, e, "codes:"+strconv.FormatInt(u.ID, 10), *u.LockedUntil, shared.ReasonLockedOut, LockedOut(*u.LockedUntil, s.Now()))
}

// Second-factor lockout: after LockThreshold consecutive wrong codes, code
// attempts are refused for a period that doubles with each further failure,
// from LockMin up to LockMax. Only a caller who knows the password can reach
// the code step, so only they can cause it.
const (
	LockThreshold = 5
	LockMin       = time.Minute
	LockMax       = 15 * time.Minute
)

func LockFor(failures int) time.Duration { return backoff(LockThreshold)(failures) }

// StopAfter wrong codes in a row, the authenticator's codes are refused for
// good, not just for a while: at the longest lock an attacker who has the
// password still gets some hundred guesses a day, and each is three in a
// million. A right recovery code (spendRecoveryCode) or an administrator's
// reset ends the stop; wrong recovery codes keep counting.
const StopAfter = 20

var ErrStopped = shared.Fail(shared.ERateLimited, words.CodesStopped(StopAfter))

// Stopped reports whether the user's authenticator codes are refused for good.
func Stopped(u *domain.User) bool { return u.FailedCodeCount >= StopAfter }

// backoff locks for LockMin at the threshold-th failure, doubling with each
// one after, up to LockMax.
func backoff(threshold int) func(failures int) time.Duration {
	return func(failures int) time.Duration {
		return min(LockMin<<min(max(failures-threshold, 0), 10), LockMax)
	}
}

func LockedOut(until, now time.Time) *shared.Error {
	return core.RateLimited(words.TooManyWrongCodes, until, now)
}

// CodeFailure counts a wrong code and answers with answer, or with the
// lockout if this failure started one.
func (s *Service) CodeFailure(ctx context.Context, u *domain.User, event *domain.LoginEvent, reason string, answer *shared.Error) error {
	return s.ReservedFailure(ctx, u, event, 0, reason, answer)
}

// ReservedFailure is CodeFailure for an attempt ReserveCode counted already
// (reserved is its count; 0: not reserved, count it now).
func (s *Service) ReservedFailure(ctx context.Context, u *domain.User, event *domain.LoginEvent, reserved int, reason string, answer *shared.Error) error {
	err := s.CountFailure(ctx, u, core.Client{IP: event.IP, UserAgent: event.UserAgent}, reserved, answer)
	var e *shared.Error
	if !errors.As(err, &e) {
		return err
	}
	return s.History.Fail(ctx, event, reason, e)
}

// ReserveCode counts an attempt at a code before the code is compared, and
// refuses it while the user is locked or Stopped: the check and the count
// are one write, so from the moment a lock is written no racing attempt
// compares a code (the session's copy of the user may be older). It returns
// the count with this attempt, for CountFailure.
func (s *Service) ReserveCode(ctx context.Context, u *domain.User, now time.Time) (int, error) {
	n, err := s.Store.ReserveCodeAttempt(ctx, u.ID, now)
	switch {
	case errors.Is(err, domain.ErrLocked):
		// Locked since the session read the user: say the lock that runs.
		fresh, err := s.Store.UserByID(ctx, u.ID)
		if err != nil {
			return 0, err
		}
		until := now.Add(LockMin) // a reset may have cleared the lock since
		if fresh.CodesLocked(now) {
			until = *fresh.LockedUntil
		}
		return 0, LockedOut(until, now)
	case errors.Is(err, domain.ErrNotFound):
		return 0, core.ErrUnauthenticated
	case err != nil:
		return 0, err
	case n > StopAfter:
		return n, ErrStopped // counted: a recovery code may still end the stop
	}
	return n, nil
}

// FailReservation records a refusal of ReserveCode (locked or Stopped
// since the session was read) as the failure of event, with its reason;
// other errors pass as they are.
func (s *Service) FailReservation(ctx context.Context, event *domain.LoginEvent, err error) error {
	var refused *shared.Error
	if !errors.As(err, &refused) || refused.Code != shared.ERateLimited {
		return err
	}
	reason := shared.ReasonLockedOut
	if refused == ErrStopped {
		reason = shared.ReasonStopped
	}
	return s.History.Fail(ctx, event, reason, refused)
}

// CountFailure counts a wrong code toward the lockout (reserved: the count
// ReserveCode returned for it, 0: count it now) and returns answer, or the
// lockout if the failure locks (and the user is told, from c, once, by the
// failure that started the lock).
func (s *Service) CountFailure(ctx context.Context, u *domain.User, c core.Client, reserved int, answer *shared.Error) error {
	now := s.Now()
	notice := s.Notices.Notice(u, shared.NoticeSecondStepLocked, c, "")
	var f domain.CodeFailure
	var err error
	if reserved > 0 {
		f, err = s.Store.LockCodes(ctx, u.ID, reserved, now, LockThreshold, LockFor, notice)
	} else {
		f, err = s.Store.RecordCodeFailure(ctx, u.ID, now, LockThreshold, LockFor, notice)
	}
	if err != nil {
		return err
	}
	switch {
	case f.Count >= StopAfter:
		return ErrStopped
	case f.LockedUntil != nil:
		return LockedOut(*f.LockedUntil, now)
	}
	return answer
}

// ErrWrongPassword answers a signed-in user's wrong password.
var ErrWrongPassword = shared.Fail(shared.EWrongCredentials, words.PasswordNotRight)

// CheckOwnPassword checks a signed-in user's password, as a proof for a
// sensitive action. Wrong ones count toward the username's throttle, as at
// login, and a throttled username is refused before any check. Returns
// ErrWrongPassword or ERateLimited. c is the client asking: its network's
// share of the password checks is taken.
func (s *Service) CheckOwnPassword(ctx context.Context, u *domain.User, password string, c core.Client) error {
	place, err := s.Hasher.Admit(c.Clip().IP)
	if err != nil {
		return err
	}
	defer place.Done()
	now := s.Now()
	key := "user:" + u.Username
	if until, err := s.Store.ThrottledUntil(ctx, []string{key}, now); err != nil {
		return err
	} else if !until.IsZero() {
		return core.RateLimited(words.TooManyWrongPasswords, until, now)
	}
	ok, _, err := place.Verify(ctx, password, u.PasswordHash)
	if err != nil {
		return err
	}
	if !ok {
		if _, err := s.Store.RecordLoginFailure(ctx, map[string]domain.ThrottleRule{key: UserThrottle}, now); err != nil {
			return err
		}
		return ErrWrongPassword
	}
	return nil
}

// ErrWrongCredentials is the one answer to a wrong password, an unknown
// username and a locked username, so that none can be told from the others;
// its words cover the lock.
var ErrWrongCredentials = shared.Fail(shared.EWrongCredentials, words.WrongCredentials)

// Throttles reads the counters of keys.
func (s *Service) Throttles(ctx context.Context, keys []string) (map[string]domain.LoginThrottle, error) {
	return s.Store.Throttles(ctx, keys)
}

// ThrottledUntil is when the last lock of keys ends (zero: none runs at now).
func (s *Service) ThrottledUntil(ctx context.Context, keys []string, now time.Time) (time.Time, error) {
	return s.Store.ThrottledUntil(ctx, keys, now)
}

// RecordLoginFailure counts a failure under each rule's key, locking those
// that reach their threshold.
func (s *Service) RecordLoginFailure(ctx context.Context, rules map[string]domain.ThrottleRule, now time.Time) (time.Time, error) {
	return s.Store.RecordLoginFailure(ctx, rules, now)
}
