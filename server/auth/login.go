package auth

import (
	"context"
	"errors"
	"time"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/auth/history"
	"github.com/warden-auth/warden/server/auth/passwords"
	"github.com/warden-auth/warden/server/auth/stage"
	"github.com/warden-auth/warden/server/auth/throttle"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
)

// The login's steps. Where each leads is the stage table's (package stage):
// a step works out its event (the password right, a factor proven...) and
// advance (steps.go) writes the session the table says, or refuses a pair
// the table does not have. The checks before a step are here:
//
//	Login: the password
//	  wrong, unknown user, or a
//	  username locked by failures     -> EWrongCredentials, the same answer
//	  client IP locked by failures    -> ERateLimited with Retry-After
//	  right                           -> passwordEvent, or MustChangePassword,
//	                                     or TrustedBrowser (method trusted_browser)
//	VerifyTOTP, LoginWithRecoveryCode, FinishKeyLogin: the second step
//	  right, not used before          -> FactorProven; with remember_browser
//	                                     (where the account allows it) the browser is trusted
//	  wrong, reused, malformed        -> EWrongCode / EInvalid, counted toward the lockout
//	Authenticate, at every request    -> policyEvent for a full session
//
// Each step that raises a session creates a new session with a new token
// and ends the one the browser came with (Store.CompleteLoginStep, all or
// nothing), so a token planted before login is worth nothing after.
// Throttling and lockout are in package throttle, codes in twofactor.go and
// recovery.go.

// errDisabled answers the right password of a user an administrator disabled.
var errDisabled = shared.Errorf(shared.EAccountDisabled, shared.MsgAccountDisabled)

// LoginResult is a successful login step: the new session's token for the
// cookie, the session, and what the client must do next.
type LoginResult struct {
	Token   string
	Session *domain.Session
	Next    string
	Device  string // a new device cookie for the browser ("": keep the one it has)
	// Trust, when set, is the token of a browser trusted from now on, for
	// its cookie until TrustExpires.
	Trust        string
	TrustExpires time.Time
	// RememberDays, with Next "totp", is how long the second step may
	// trust this browser for (0: not offered).
	RememberDays int
	// Methods are the kinds of second factor the user can use, when the
	// next step is one (next "totp").
	Methods []string
}

// Login checks a username and password. oldToken is the session cookie the
// request carried, if any; it is ended. Returns EWrongCredentials for an
// unknown user and a wrong password alike.
func (s *Service) Login(ctx context.Context, req shared.LoginRequest, c core.Client, oldToken string) (*LoginResult, error) {
	// The HTTP layer checked this too; the rules hold for every caller,
	// before anything is hashed or counted.
	if e := req.Valid(); e != nil {
		return nil, e
	}
	c = c.Clip()
	username := shared.NormalizeUsername(req.Username)
	now := s.Now()
	event := history.LoginEvent(core.Clip(username, 64), nil, shared.MethodPassword, c, now)
	userKey, ipKey := "user:"+event.Username, passwords.NetworkKey(c.IP)
	// A network known to be locked is refused before it takes a place
	// among the password checks: its flood leaves them to everyone else.
	if until, ok := s.Throttle.Locks.Locked(ipKey, now); ok {
		return nil, s.Throttle.NetworkBlocked(ctx, event, ipKey, until)
	}
	place, err := s.Hasher.Admit(c.IP)
	if err != nil {
		return nil, err
	}
	defer place.Done()
	// The device cookie's counter is read with the user; whether the cookie
	// is good is known only once the user (and its password epoch) is.
	keys := []string{userKey, ipKey}
	if k := deviceThrottleKey(c.Device); k != "" {
		keys = append(keys, k)
	}
	u, counters, err := s.Store.UserAndThrottles(ctx, username, keys)
	if err != nil {
		return nil, err
	}
	lockKey := userKey
	known := u != nil
	if known {
		event.UserID, event.AccountID = &u.ID, &u.AccountID
		if u.Username != username {
			// The database found the user under another spelling than
			// the one asked for: count and check the lock under the name
			// it found, or a variant of the name would dodge the lock.
			userKey = "user:" + u.Username
			keys[0], lockKey = userKey, userKey
			if counters, err = s.Store.Throttles(ctx, keys); err != nil {
				return nil, err
			}
		}
		// A browser that proved this username before, with its current
		// password, counts under its own key instead of the username's,
		// so others' failures do not lock it out.
		if k := s.deviceKey(u, c.Device); k != "" {
			lockKey = k
		}
	}
	rules := map[string]domain.ThrottleRule{lockKey: throttle.UserThrottle, ipKey: throttle.IPThrottle}
	if t := counters[ipKey]; t.Locked(now) {
		s.Throttle.Locks.Remember(ipKey, *t.LockedUntil, now)
		place.Done()
		return nil, s.Throttle.NetworkBlocked(ctx, event, ipKey, *t.LockedUntil)
	}
	if t := counters[lockKey]; t.Locked(now) {
		// The attempt still counts for the IP, but does not stretch the
		// username's lock: that would let anyone keep it locked for ever.
		if _, _, err := place.Verify(ctx, req.Password, s.dummy()); err != nil {
			return nil, err
		}
		if _, err := s.Store.RecordLoginFailure(ctx, map[string]domain.ThrottleRule{ipKey: throttle.IPThrottle}, now); err != nil {
			return nil, err
		}
		return nil, s.History.Blocked(ctx, event, lockKey, *t.LockedUntil, shared.ReasonThrottled, throttle.ErrWrongCredentials)
	}

	if !known {
		// Same work as a real check, same answer.
		if _, _, err := place.Verify(ctx, req.Password, s.dummy()); err != nil {
			return nil, err
		}
		return nil, s.Throttle.FailPassword(ctx, event, shared.ReasonUnknownUser, rules)
	}

	ok, rehash, err := place.Verify(ctx, req.Password, u.PasswordHash)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, s.Throttle.FailPassword(ctx, event, shared.ReasonWrongPassword, rules)
	}
	if u.Disabled() {
		// Said only to whoever knows the password, who is most likely the
		// user: a stranger still gets the one answer of a wrong password,
		// so the state of a user is no way to probe names.
		return nil, s.History.Fail(ctx, event, shared.ReasonDisabled, errDisabled)
	}
	if rehash {
		s.upgradeHash(ctx, u, req.Password)
	}

	ev := stage.PasswordEvent(u, now)
	trusted, err := s.trustedBrowser(ctx, u, c.Trust, now)
	if err != nil {
		return nil, err
	}
	switch {
	case u.PasswordMustChange:
		// First the one-time password goes (onetime.go); the second step
		// or the enrollment comes after.
		ev = stage.MustChangePassword
	case trusted != 0:
		// A browser this user trusted at an earlier second step: the
		// password is all it asks, and the history says why.
		ev = stage.TrustedBrowser
		event.Method = shared.MethodTrustedBrowser
	}
	var device string
	if lockKey == userKey {
		if device, err = s.newDevice(u); err != nil {
			return nil, err
		}
	}
	newBrowser, err := s.isNewBrowser(ctx, u, c)
	if err != nil {
		return nil, err
	}
	var end []byte
	if oldToken != "" {
		end = core.HashToken(oldToken)
	}
	res, err := s.advance(ctx, move{from: stage.None, event: ev, end: end, user: u, client: c, now: now, record: event,
		newBrowser: newBrowser, with: func(step *domain.LoginStep) {
			if trusted != 0 {
				step.UsedTrustedBrowser = &trusted
			}
			if _, ok := counters[lockKey]; ok {
				// Most logins have no counter to clear: no statement for
				// them. A failure counted since the read above stays
				// counted, which errs on the safe side.
				step.ClearThrottle = lockKey
			}
		}})
	if err != nil {
		return nil, err
	}
	res.Device = device
	return res, nil
}

// VerifyTOTP is the second login step: a session whose password was right
// presents a code. A right code for a time step after the last accepted one
// turns it into a full session under a new token. Wrong and reused codes are
// counted toward the lockout; every attempt is a login event. remember asks
// to trust the browser (refused before the code is looked at where the
// account does not allow it).
func (s *Service) VerifyTOTP(ctx context.Context, sess *domain.Session, code string, remember bool, c core.Client) (*LoginResult, error) {
	c = c.Clip()
	u := sess.User
	now := s.Now()
	event := history.LoginEvent(u.Username, u, shared.MethodTOTP, c, now)
	if remember && u.Account.RememberBrowserDays == 0 {
		return nil, errRememberOff
	}
	if !u.TOTPConnected() {
		// 2FA was switched off after this session's password step (which
		// Disconnect now ends, but a session may be mid-request): there is
		// no code to check, so the step starts again.
		return nil, core.ErrUnauthenticated
	}
	if u.CodesLocked(now) {
		return nil, s.Throttle.CodesBlocked(ctx, u, event)
	}
	if throttle.Stopped(u) {
		return nil, s.History.Fail(ctx, event, shared.ReasonStopped, throttle.ErrStopped)
	}
	secret, step, reserved, ok, err := s.checkUserCode(ctx, u, code, now)
	switch {
	case err == errCodeFormat:
		// Not a code at all: no guess at the secret, so not counted
		// toward the lockout, but an attempt all the same.
		return nil, s.History.Fail(ctx, event, shared.ReasonMalformedCode, errCodeFormat)
	case err != nil:
		return nil, s.Throttle.FailReservation(ctx, event, err)
	case !ok:
		return nil, s.Throttle.ReservedFailure(ctx, u, event, reserved, shared.ReasonWrongCode, errWrongCode)
	}
	res, err := s.completeStep(ctx, sess, sess.Stage, stage.FactorProven, u, shared.MethodTOTP, c, remember, func(ls *domain.LoginStep) { ls.TOTPStep = &step })
	if err == nil && s.Keys.Stale(u.TOTPSecret) {
		s.reseal(ctx, u, secret)
	}
	switch {
	case errors.Is(err, domain.ErrReplay):
		return nil, s.Throttle.ReservedFailure(ctx, u, event, reserved, shared.ReasonReusedCode, errReusedCode)
	case errors.Is(err, domain.ErrLocked):
		// Another request locked the user between our read and our write.
		u, err := s.Store.UserByID(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		until := now.Add(time.Minute) // a reset may have cleared the lock since
		if u.LockedUntil != nil {
			until = *u.LockedUntil
		}
		return nil, s.History.Fail(ctx, event, shared.ReasonLockedOut, throttle.LockedOut(until, now))
	}
	return res, err
}

// LoginWithRecoveryCode is the second login step with a recovery code
// instead of an authenticator code. The code is spent by the same
// transaction that creates the full session, so of racing requests exactly
// one logs in. Wrong and used codes count toward the same lockout as wrong
// TOTP codes. It returns how many codes are left. remember is as for
// VerifyTOTP.
func (s *Service) LoginWithRecoveryCode(ctx context.Context, sess *domain.Session, code string, remember bool, c core.Client) (*LoginResult, int, error) {
	c = c.Clip()
	u := sess.User
	now := s.Now()
	event := history.LoginEvent(u.Username, u, shared.MethodRecoveryCode, c, now)
	if remember && u.Account.RememberBrowserDays == 0 {
		return nil, 0, errRememberOff
	}
	if u.CodesLocked(now) {
		return nil, 0, s.Throttle.CodesBlocked(ctx, u, event)
	}
	normalized, ok := normalizeRecoveryCode(code)
	if !ok {
		return nil, 0, s.History.Fail(ctx, event, shared.ReasonMalformedCode, errRecoveryFormat)
	}
	reserved, err := s.Throttle.ReserveCode(ctx, u, now)
	if errors.Is(err, throttle.ErrStopped) {
		// Recovery codes are what ends the stop: only a lock refuses them.
		err = nil
	}
	var refused *shared.Error
	if errors.As(err, &refused) {
		return nil, 0, s.History.Fail(ctx, event, shared.ReasonLockedOut, refused)
	} else if err != nil {
		return nil, 0, err
	}
	codes, err := s.Store.RecoveryCodes(ctx, u.ID)
	if err != nil {
		return nil, 0, err
	}
	// Compare with every code, not stopping at a match, so the time taken
	// does not tell which one matched.
	var match *domain.RecoveryCode
	for i := range codes {
		if s.Keys.TagMatches(codes[i].CodeHash, recoveryPurpose, []byte(normalized)) && match == nil {
			match = &codes[i]
		}
	}
	switch {
	case match == nil:
		return nil, 0, s.Throttle.ReservedFailure(ctx, u, event, reserved, shared.ReasonWrongCode, errWrongRecovery)
	case match.UsedAt != nil:
		return nil, 0, s.Throttle.ReservedFailure(ctx, u, event, reserved, shared.ReasonReusedCode, errUsedRecovery)
	}
	left := -1 // the match is spent below
	for _, rc := range codes {
		if rc.UsedAt == nil {
			left++
		}
	}
	res, err := s.completeStep(ctx, sess, sess.Stage, stage.FactorProven, u, shared.MethodRecoveryCode, c, remember, func(step *domain.LoginStep) {
		step.RecoveryCodeID = &match.ID
		step.Notices = append(step.Notices, s.recoveryNotices(u, c, left)...)
	})
	switch {
	case errors.Is(err, domain.ErrReplay): // a racing request spent it first
		return nil, 0, s.Throttle.ReservedFailure(ctx, u, event, reserved, shared.ReasonReusedCode, errUsedRecovery)
	case err != nil:
		return nil, 0, err
	}
	left, err = s.Store.RecoveryCodesLeft(ctx, u.ID)
	return res, left, err
}

// ConnectTOTP confirms the pending secret with a code from the app, switches
// 2FA on and creates the user's recovery codes. The code counts as used. A
// session that was enrolling becomes a full one under a new token; a full
// session stays as it is.
func (s *Service) ConnectTOTP(ctx context.Context, sess *domain.Session, current, code string, c core.Client) (*Connected, error) {
	u := sess.User
	if u.TOTPConnected() {
		return nil, errAlreadyOn
	}
	if u.TOTPPendingSecret == nil {
		return nil, errNoPendingSetup
	}
	now := s.Now()
	_, step, ok, err := s.checkCode(u.ID, u.TOTPPendingSecret, code, now)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errWrongCode
	}
	// Recovery codes come with the first factor and serve every later one.
	var codes, hashes []string
	if !u.TwoFactorEnabled() {
		if codes, hashes, err = s.newRecoveryCodes(); err != nil {
			return nil, err
		}
	}
	if err := s.Store.ConnectTOTP(ctx, u.ID, step, hashes, sess.ID, now,
		s.Notices.WithNotice(s.History.Audit(u.AccountID, u, shared.AuditConnected, u, c.Clip(), ""), u, shared.NoticeTwoFactorConnected, c, "")); errors.Is(err, domain.ErrConflict) {
		return nil, errNoPendingSetup
	} else if err != nil {
		return nil, err
	}
	done := &Connected{RecoveryCodes: codes}
	if done.Session, err = s.completeStep(ctx, sess, current, stage.EnrollmentDone, u, shared.MethodTOTP, c, false, nil); err != nil {
		return nil, err
	}
	return done, nil
}

// errMustChange refuses a full session to a user whose one-time password
// is not yet replaced.
var errMustChange = shared.Errorf(shared.EForbidden, "Your administrator gave you a new password. "+
	"Log in with your username and that password, and choose your own.")

// completeStep moves sess, of the stage from, on event into a full session
// (stage.Must: FactorProven, EnrollmentDone or PasskeySignIn), recording the
// success; with trust, the browser is trusted from now on, in the same
// step. A row that keeps the stage (a full session connecting a factor)
// returns nil. Every step that ends in a full session but Login and
// ChangeOneTimePassword (which route the same users themselves) comes here,
// so its refusals hold for each: a disabled user, and a user who must first
// replace a one-time password (a passkey, say, proves the user but not that
// they replaced it).
func (s *Service) completeStep(ctx context.Context, sess *domain.Session, from string, event stage.Event, u *domain.User, method string, c core.Client, trust bool, with func(*domain.LoginStep)) (*LoginResult, error) {
	c = c.Clip()
	if to, err := stage.Must(from, event); err != nil || to == from {
		return nil, err
	}
	switch {
	case u.Disabled():
		return nil, s.History.Fail(ctx, history.LoginEvent(u.Username, u, method, c, s.Now()), shared.ReasonDisabled, errDisabled)
	case u.PasswordMustChange:
		return nil, s.History.Fail(ctx, history.LoginEvent(u.Username, u, method, c, s.Now()), shared.ReasonMustChange, errMustChange)
	}
	now := s.Now()
	return s.advance(ctx, move{from: from, event: event, end: sess.TokenHash, user: u, client: c, now: now,
		record: history.LoginEvent(u.Username, u, method, c, now), newBrowser: sess.NewBrowser, trust: trust, with: with})
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

// Logout ends the session of token. Ending a session that does not exist is
// not an error.
func (s *Service) Logout(ctx context.Context, token string) error {
	var end []byte
	if token != "" {
		end = core.HashToken(token)
	}
	_, err := s.advance(ctx, move{from: stage.None, event: stage.Ended, end: end})
	return err
}

// upgradeHash re-hashes a password under the current parameters. A failure
// only delays the upgrade to the next login, so it is logged, not returned.
func (s *Service) upgradeHash(ctx context.Context, u *domain.User, password string) {
	hash, err := s.Hasher.Hash(password)
	if err == nil {
		err = s.Store.SetPasswordHash(ctx, u.ID, u.PasswordHash, hash, s.Now())
	}
	if err != nil {
		s.Log.Warn("password hash upgrade failed", "user_id", u.ID, "err", err)
	}
}
