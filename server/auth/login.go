package auth

import (
	"context"
	"errors"
	"net/netip"
	"time"

	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
)

// The login state machine (DESIGN.md, flow 1):
//
//	password ok, 2FA connected           -> stage password_ok, next "totp"
//	password ok, no 2FA, account forces  -> stage enrollment,  next "enroll"
//	password ok, no 2FA, not forced      -> stage full,        next "done"
//	wrong password, unknown user, or a
//	username locked by failed attempts   -> EWrongCredentials, the same answer
//	client IP locked by failed attempts  -> ERateLimited with Retry-After
//
// Each step creates a new session with a new token and ends the one the
// browser came with (store.CompleteLoginStep, all or nothing), so a token
// planted before login is worth nothing after.

// errWrongCredentials is the one answer to a wrong password, an unknown
// username and a locked username, so that none can be told from the others;
// its words cover the lock.
var errWrongCredentials = shared.Errorf(shared.EWrongCredentials,
	"Incorrect username or password. After repeated failures, logins to this username pause for a few minutes.")

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

// ipThrottleKey is the key an address's failures count under. An IPv6 host
// is handed a whole /64 (RFC 4291 §2.5.1: the interface identifier is the
// host's own choice), so counting per address would give one attacker 2^64
// fresh counters; a /64 counts as one address.
func ipThrottleKey(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil || addr.Unmap().Is4() {
		return "ip:" + ip
	}
	p, _ := addr.Prefix(64)
	return "ip:" + p.String()
}

// LoginResult is a successful login step: the new session's token for the
// cookie, the session, and what the client must do next.
type LoginResult struct {
	Token   string
	Session *domain.Session
	Next    string
	Device  string // a new device cookie for the browser ("": keep the one it has)
}

// Login checks a username and password. oldToken is the session cookie the
// request carried, if any; it is ended. Returns EWrongCredentials for an
// unknown user and a wrong password alike.
func (s *Service) Login(ctx context.Context, req shared.LoginRequest, c Client, oldToken string) (*LoginResult, error) {
	// The HTTP layer checked this too; the rules hold for every caller,
	// before anything is hashed or counted.
	if e := req.Valid(); e != nil {
		return nil, e
	}
	done, err := s.Hasher.Admit()
	if err != nil {
		return nil, err
	}
	defer done()
	c = c.clip()
	username := shared.NormalizeUsername(req.Username)
	event := &domain.LoginEvent{Username: clip(username, 64), IP: c.IP, UserAgent: c.UserAgent, Method: shared.MethodPassword}

	now := s.Now()
	userKey, ipKey := "user:"+event.Username, ipThrottleKey(c.IP)
	// A browser that proved this username before counts under its own key
	// instead of the username's, so others' failures do not lock it out.
	lockKey := userKey
	if k := s.deviceKey(username, c.Device); k != "" {
		lockKey = k
	}
	u, counters, err := s.Store.UserAndThrottles(ctx, username, []string{userKey, ipKey, lockKey})
	if err != nil {
		return nil, err
	}
	known := u != nil
	if known {
		event.UserID, event.AccountID = &u.ID, &u.AccountID
		if u.Username != username {
			// The database found the user under another spelling than
			// the one asked for: count and check the lock under the name
			// it found, or a variant of the name would dodge the lock.
			if lockKey == userKey {
				lockKey = "user:" + u.Username
			}
			userKey = "user:" + u.Username
			if counters, err = s.Store.Throttles(ctx, []string{userKey, ipKey, lockKey}); err != nil {
				return nil, err
			}
		}
	}
	rules := map[string]domain.ThrottleRule{lockKey: userThrottle, ipKey: ipThrottle}
	if t := counters[ipKey]; t.Locked(now) {
		return nil, s.fail(ctx, event, shared.ReasonThrottled, rateLimited("Too many failed login attempts from your network.", *t.LockedUntil, now))
	}
	if counters[lockKey].Locked(now) {
		// The attempt still counts for the IP, but does not stretch the
		// username's lock: that would let anyone keep it locked for ever.
		if _, _, err := s.Hasher.VerifyContext(ctx, req.Password, s.dummy()); err != nil {
			return nil, err
		}
		return nil, s.failPassword(ctx, event, shared.ReasonThrottled, map[string]domain.ThrottleRule{ipKey: ipThrottle})
	}

	if !known {
		// Same work as a real check, same answer.
		if _, _, err := s.Hasher.VerifyContext(ctx, req.Password, s.dummy()); err != nil {
			return nil, err
		}
		return nil, s.failPassword(ctx, event, shared.ReasonUnknownUser, rules)
	}

	ok, rehash, err := s.Hasher.VerifyContext(ctx, req.Password, u.PasswordHash)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, s.failPassword(ctx, event, shared.ReasonWrongPassword, rules)
	}
	if rehash {
		s.upgradeHash(ctx, u.ID, req.Password)
	}

	stage, next, ttl := domain.StageFull, shared.NextDone, s.SessionMax
	switch {
	case u.TwoFactorEnabled():
		stage, next, ttl = domain.StagePasswordOK, shared.NextTOTP, s.SecondStepTTL
	case u.Account.ForceTwoFactor:
		stage, next, ttl = domain.StageEnrollment, shared.NextEnroll, s.EnrollmentTTL
	}
	token, hash, err := newToken(s.Rand)
	if err != nil {
		return nil, err
	}
	var device string
	if lockKey == userKey {
		if device, err = s.newDevice(u.Username); err != nil {
			return nil, err
		}
	}
	step := domain.LoginStep{
		Session: &domain.Session{TokenHash: hash, UserID: u.ID, User: u, Stage: stage, CreatedAt: now,
			LastSeenAt: now, ExpiresAt: now.Add(ttl), IP: c.IP, UserAgent: c.UserAgent, ReauthAt: &now},
		Event: withTime(event, now),
	}
	if _, ok := counters[lockKey]; ok {
		// Most logins have no counter to clear: no statement for them. A
		// failure counted since the read above stays counted, which errs
		// on the safe side.
		step.ClearThrottle = lockKey
	}
	event.Result = shared.ResultSuccess
	if oldToken != "" {
		step.EndSession = HashToken(oldToken)
	}
	if stage == domain.StageFull {
		step.LoggedInAt = &now
	}
	if err := s.Store.CompleteLoginStep(ctx, step); err != nil {
		return nil, err
	}
	return &LoginResult{Token: token, Session: step.Session, Next: next, Device: device}, nil
}

// failPassword counts a wrong password toward the throttles and records it.
// This attempt still gets the plain answer; a lock it starts applies from
// the next attempt.
func (s *Service) failPassword(ctx context.Context, e *domain.LoginEvent, reason string, rules map[string]domain.ThrottleRule) error {
	if _, err := s.Store.RecordLoginFailure(ctx, rules, s.Now()); err != nil {
		return err
	}
	return s.fail(ctx, e, reason, errWrongCredentials)
}

// fail records a failed attempt and returns the answer for it.
func (s *Service) fail(ctx context.Context, e *domain.LoginEvent, reason string, answer error) error {
	e.Result, e.Reason = shared.ResultFailure, reason
	if err := s.Store.RecordLoginEvent(ctx, withTime(e, s.Now())); err != nil {
		return err
	}
	return answer
}

func withTime(e *domain.LoginEvent, now time.Time) *domain.LoginEvent {
	e.CreatedAt = now
	return e
}

// upgradeHash re-hashes a password under the current parameters. A failure
// only delays the upgrade to the next login, so it is logged, not returned.
func (s *Service) upgradeHash(ctx context.Context, userID int64, password string) {
	hash, err := s.Hasher.Hash(password)
	if err == nil {
		err = s.Store.SetPasswordHash(ctx, userID, hash, s.Now())
	}
	if err != nil {
		s.Log.Warn("password hash upgrade failed", "user_id", userID, "err", err)
	}
}

// touchEvery limits how often a busy session writes its last-seen time.
const touchEvery = time.Minute

// Authenticate returns the live session of a token, with its user and
// account, and its effective stage. Returns EUnauthenticated if the token is
// unknown, expired or idle too long.
//
// The effective stage is the stored one, except that a full session of a user
// without 2FA in an account that forces 2FA is an enrollment session: the
// policy holds for sessions that began before it was switched on.
func (s *Service) Authenticate(ctx context.Context, token string) (sess *domain.Session, stage string, err error) {
	if token == "" {
		return nil, "", errUnauthenticated
	}
	now := s.Now()
	sess, err = s.Store.SessionByTokenHash(ctx, HashToken(token), now)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, "", errUnauthenticated
	} else if err != nil {
		return nil, "", err
	}
	if now.Sub(sess.LastSeenAt) >= s.SessionIdle {
		if err := s.Store.DeleteSession(ctx, sess.TokenHash); err != nil {
			return nil, "", err
		}
		return nil, "", errUnauthenticated
	}
	if now.Sub(sess.LastSeenAt) >= touchEvery {
		if err := s.Store.TouchSession(ctx, sess.ID, now); err != nil {
			return nil, "", err
		}
	}
	stage = sess.Stage
	u := sess.User
	if stage == domain.StageFull && u.Account.ForceTwoFactor && !u.TwoFactorEnabled() {
		stage = domain.StageEnrollment
	}
	return sess, stage, nil
}

var errUnauthenticated = shared.Errorf(shared.EUnauthenticated, "Please log in.")

// Logout ends the session of token. Ending a session that does not exist is
// not an error.
func (s *Service) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return s.Store.DeleteSession(ctx, HashToken(token))
}

// Sweep deletes expired and idle sessions, stale throttle counters and login
// events past their retention, and returns how many rows it removed.
func (s *Service) Sweep(ctx context.Context) (int64, error) {
	now := s.Now()
	var total int64
	for _, del := range []func() (int64, error){
		func() (int64, error) { return s.Store.DeleteExpiredSessions(ctx, now, now.Add(-s.SessionIdle)) },
		func() (int64, error) { return s.Store.DeleteStaleThrottles(ctx, now.Add(-24*time.Hour), now) },
		func() (int64, error) { return s.Store.DeleteLoginEventsBefore(ctx, now.Add(-s.HistoryRetention)) },
	} {
		n, err := del()
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}
