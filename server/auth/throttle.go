package auth

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
)

// Password throttling. Failed passwords are counted in the database per
// attempted username (known or not) and per client IP; a key that reaches
// its threshold within the window is locked with the same growing backoff as
// wrong codes. A locked username answers exactly like a wrong password, after
// the same work; a locked IP gets 429 with Retry-After, which says nothing
// about any account. A success clears the username's count but not the IP's:
// an attacker must not be able to reset their IP's count by logging into an
// account of their own. A browser with the username's device cookie
// (device.go) counts under its own key instead of the username's.
var (
	userThrottle = domain.ThrottleRule{Threshold: 5, Window: 15 * time.Minute, LockFor: backoff(5)}
	// An IP may stand for a whole office behind one NAT: a higher threshold.
	ipThrottle = domain.ThrottleRule{Threshold: 20, Window: 15 * time.Minute, LockFor: backoff(20)}
)

// networkLocks remembers the networks (passwords.NetworkKey) this process found
// locked in the database, until their locks end, so that a locked network's
// further attempts are refused before they take a place among the password
// checks or read the database: a flood from it costs one read per process
// and lock. What is remembered stays true: nothing ends a network's lock
// early, and while it lasts its attempts are not counted, so it does not
// grow. At most maxNetworkLocks are remembered; past that a newly found one
// is not, and its network's attempts read the database, within its share
// of the places.
type networkLocks struct {
	mu    sync.Mutex
	until map[string]time.Time
}

const maxNetworkLocks = 10_000

// locked returns until when the network key is known to be locked at now.
func (l *networkLocks) locked(key string, now time.Time) (time.Time, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	until, ok := l.until[key]
	if ok && !now.Before(until) {
		delete(l.until, key)
		return time.Time{}, false
	}
	return until, ok
}

// remember notes that key is locked until then.
func (l *networkLocks) remember(key string, until, now time.Time) {
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
	return core.RateLimited("Too many failed login attempts from your network.", until, now)
}

// failPassword counts a wrong password toward the throttles and records it.
// This attempt still gets the plain answer; a lock it starts applies from
// the next attempt.
func (s *Service) failPassword(ctx context.Context, e *domain.LoginEvent, reason string, rules map[string]domain.ThrottleRule) error {
	if _, err := s.Store.RecordLoginFailure(ctx, rules, s.Now()); err != nil {
		return err
	}
	return s.History.Fail(ctx, e, reason, errWrongCredentials)
}

// networkBlocked is blocked for a network's lock. Its row is the network's,
// no account's: a blocked attempt checked no password, and the names it
// tried are the sender's choice, so none of their owners' histories gets it
// (the platform administrator sees it among the unknown names).
func (s *Service) networkBlocked(ctx context.Context, e *domain.LoginEvent, ipKey string, until time.Time) error {
	e.UserID, e.AccountID, e.Username = nil, nil, ""
	return s.History.Blocked(ctx, e, ipKey, until, shared.ReasonThrottled, errNetworkLocked(until, s.Now()))
}

// codesBlocked is blocked for the second step of u, locked by wrong codes.
func (s *Service) codesBlocked(ctx context.Context, u *domain.User, e *domain.LoginEvent) error {
	return s.History.Blocked(ctx, e, "codes:"+strconv.FormatInt(u.ID, 10), *u.LockedUntil, shared.ReasonLockedOut, lockedOut(*u.LockedUntil, s.Now()))
}

// Second-factor lockout: after lockThreshold consecutive wrong codes, code
// attempts are refused for a period that doubles with each further failure,
// from lockMin up to lockMax. Only a caller who knows the password can reach
// the code step, so only they can cause it.
const (
	lockThreshold = 5
	lockMin       = time.Minute
	lockMax       = 15 * time.Minute
)

func lockFor(failures int) time.Duration { return backoff(lockThreshold)(failures) }

// stopAfter wrong codes in a row, the authenticator's codes are refused for
// good, not just for a while: at the longest lock an attacker who has the
// password still gets some hundred guesses a day, and each is three in a
// million. A right recovery code (spendRecoveryCode) or an administrator's
// reset ends the stop; wrong recovery codes keep counting.
const stopAfter = 20

var errStopped = shared.Errorf(shared.ERateLimited, "After %d wrong codes in a row, codes from the authenticator app are no longer "+
	"accepted for this account. Log in with a recovery code, or ask your administrator to reset two-factor authentication.", stopAfter)

// stopped reports whether the user's authenticator codes are refused for good.
func stopped(u *domain.User) bool { return u.FailedCodeCount >= stopAfter }

// backoff locks for lockMin at the threshold-th failure, doubling with each
// one after, up to lockMax.
func backoff(threshold int) func(failures int) time.Duration {
	return func(failures int) time.Duration {
		return min(lockMin<<min(max(failures-threshold, 0), 10), lockMax)
	}
}

func lockedOut(until, now time.Time) *shared.Error {
	return core.RateLimited("Too many wrong codes.", until, now)
}
