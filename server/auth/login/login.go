// Package login is the login's steps: the password (Login), the second
// step with any factor (SecondStep), a passkey alone, the replacement of a
// one-time password, and the first factor that completes an enrollment
// (Enrol). Where each leads is the stage table's (package stage): a step
// works out its event and advance writes the session the table says, or
// refuses a pair the table does not have. The checks before a step are
// here:
//
//	Login: the password
//	  wrong, unknown user, or a
//	  username locked by failures     -> EWrongCredentials, the same answer
//	  client network locked           -> ERateLimited with Retry-After
//	  right                           -> stage.PasswordEvent, or MustChangePassword,
//	                                     or TrustedBrowser (method trusted_browser)
//	SecondStep: a factor (package factor)
//	  right, not used before          -> FactorProven; with remember_browser
//	                                     (where the account allows it) the browser is trusted
//	  wrong, reused, malformed        -> EWrongCode / EInvalid, counted toward the lockout
//
// Each step that raises a session creates a new session with a new token
// and ends the one the browser came with (Store.CompleteLoginStep, all or
// nothing), so a token planted before login is worth nothing after.
// Throttling and lockout are package throttle's, the factors package
// factor's.
package login

import (
	"context"
	"crypto/rand"
	"fmt"
	"sync"
	"time"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/auth/factor"
	"github.com/warden-auth/warden/server/auth/factor/webauthn"
	"github.com/warden-auth/warden/server/auth/history"
	"github.com/warden-auth/warden/server/auth/passwords"
	"github.com/warden-auth/warden/server/auth/sessions"
	"github.com/warden-auth/warden/server/auth/stage"
	"github.com/warden-auth/warden/server/auth/throttle"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// Store is what the login's steps need kept.
type Store interface {
	// UserAndThrottles reads the user of username (nil: none) and the
	// throttle counters of keys at once.
	UserAndThrottles(ctx context.Context, username string, keys []string) (*domain.User, map[string]domain.LoginThrottle, error)
	// CompleteLoginStep writes a step in one transaction: all of it, or
	// nothing, with domain.ErrReplay when the factor it uses was used
	// meanwhile and domain.ErrLocked while the user's codes are locked.
	CompleteLoginStep(ctx context.Context, step domain.LoginStep) error
	DeleteSession(ctx context.Context, tokenHash []byte) error
	// SetPasswordHash and ChangePassword replace the hash only while it is
	// still old, else domain.ErrNotFound. ChangePassword also counts the
	// change (User.PasswordEpoch), ends every session of the user but
	// keepSession and every trusted browser, and returns how many ended.
	SetPasswordHash(ctx context.Context, userID int64, old, hash string, now time.Time) error
	ChangePassword(ctx context.Context, userID int64, old, hash string, keepSession int64, now time.Time, audit *domain.AuditEvent) (int64, error)
	HasLoggedInFrom(ctx context.Context, userID int64, ip string, passwordsBefore *time.Time) (bool, error)
	UserByID(ctx context.Context, id int64) (*domain.User, error)
}

// Service runs the login's steps.
type Service struct {
	factor.Base
	Store    Store
	Factors  *factor.Service
	Sessions *sessions.Service
	// Passkeys are the security keys, for a sign-in with a passkey alone.
	Passkeys *webauthn.Factor

	dummyOnce sync.Once
	dummyHash string
}

// New returns the login's steps, writing to st.
func New(b factor.Base, st Store, fs *factor.Service, ss *sessions.Service, keys *webauthn.Factor) *Service {
	return &Service{Base: b, Store: st, Factors: fs, Sessions: ss, Passkeys: keys}
}

// errDisabled answers the right password of a user an administrator disabled.
var errDisabled = shared.Fail(shared.EAccountDisabled, words.AccountDisabled)

// Result is a successful login step: the new session's token for the
// cookie, the session, and what the client must do next.
type Result struct {
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
	// CodesLeft, after a recovery code, is how many are left.
	CodesLeft int
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

// attempt is one password step as Login checks it.
type attempt struct {
	event    *domain.LoginEvent
	now      time.Time
	place    *passwords.Place
	userKey  string // the attempted name's throttle key
	ipKey    string // the client network's
	lockKey  string // the key the name's failures count under: its own, or a good device cookie's
	counters map[string]domain.LoginThrottle
}

// Login checks a username and password. oldToken is the session cookie the
// request carried, if any; it is ended. Returns EWrongCredentials for an
// unknown user and a wrong password alike.
func (s *Service) Login(ctx context.Context, req shared.LoginRequest, c core.Client, oldToken string) (*Result, error) {
	// The HTTP layer checked this too; the rules hold for every caller,
	// before anything is hashed or counted.
	if e := req.Valid(); e != nil {
		return nil, e
	}
	c = c.Clip()
	username := shared.NormalizeUsername(req.Username)
	now := s.Now()
	a := &attempt{event: history.LoginEvent(core.Clip(username, 64), nil, shared.MethodPassword, c, now), now: now,
		ipKey: passwords.NetworkKey(c.IP)}
	a.userKey = "user:" + a.event.Username
	// A network known to be locked is refused before it takes a place
	// among the password checks: its flood leaves them to everyone else.
	if until, ok := s.Throttle.Locks.Locked(a.ipKey, now); ok {
		return nil, s.Throttle.NetworkBlocked(ctx, a.event, a.ipKey, until)
	}
	place, err := s.Hasher.Admit(c.IP)
	if err != nil {
		return nil, err
	}
	defer place.Done()
	a.place = place
	u, err := s.findUser(ctx, a, username, c)
	if err != nil {
		return nil, err
	}
	if err := s.checkPassword(ctx, a, u, req.Password); err != nil {
		return nil, err
	}
	return s.passwordRight(ctx, a, u, c, oldToken)
}

// findUser reads the user of username with the throttle counters that
// apply: the name's, the network's and the device cookie's. The cookie's
// counter is read with the user; whether the cookie is good is known only
// once the user (and its password epoch) is.
func (s *Service) findUser(ctx context.Context, a *attempt, username string, c core.Client) (*domain.User, error) {
	keys := []string{a.userKey, a.ipKey}
	if k := deviceThrottleKey(c.Device); k != "" {
		keys = append(keys, k)
	}
	u, counters, err := s.Store.UserAndThrottles(ctx, username, keys)
	if err != nil {
		return nil, err
	}
	a.lockKey = a.userKey
	if u != nil {
		a.event.UserID, a.event.AccountID = &u.ID, &u.AccountID
		if u.Username != username {
			// The database found the user under another spelling than
			// the one asked for: count and check the lock under the name
			// it found, or a variant of the name would dodge the lock.
			a.userKey = "user:" + u.Username
			keys[0], a.lockKey = a.userKey, a.userKey
			if counters, err = s.Throttle.Throttles(ctx, keys); err != nil {
				return nil, err
			}
		}
		// A browser that proved this username before, with its current
		// password, counts under its own key instead of the username's,
		// so others' failures do not lock it out.
		if k := s.deviceKey(u, c.Device); k != "" {
			a.lockKey = k
		}
	}
	a.counters = counters
	return u, nil
}

// checkPassword refuses the attempt unless password is u's: from a locked
// network, for a locked name (after the same work as a check), for an
// unknown name (the same work, the same answer as a wrong password), a
// wrong password, and a disabled user.
func (s *Service) checkPassword(ctx context.Context, a *attempt, u *domain.User, password string) error {
	rules := map[string]domain.ThrottleRule{a.lockKey: throttle.UserThrottle, a.ipKey: throttle.IPThrottle}
	if t := a.counters[a.ipKey]; t.Locked(a.now) {
		s.Throttle.Locks.Remember(a.ipKey, *t.LockedUntil, a.now)
		a.place.Done()
		return s.Throttle.NetworkBlocked(ctx, a.event, a.ipKey, *t.LockedUntil)
	}
	if t := a.counters[a.lockKey]; t.Locked(a.now) {
		// The attempt still counts for the IP, but does not stretch the
		// username's lock: that would let anyone keep it locked for ever.
		if _, _, err := a.place.Verify(ctx, password, s.dummy()); err != nil {
			return err
		}
		if _, err := s.Throttle.RecordLoginFailure(ctx, map[string]domain.ThrottleRule{a.ipKey: throttle.IPThrottle}, a.now); err != nil {
			return err
		}
		return s.History.Blocked(ctx, a.event, a.lockKey, *t.LockedUntil, shared.ReasonThrottled, throttle.ErrWrongCredentials)
	}
	if u == nil {
		// Same work as a real check, same answer.
		if _, _, err := a.place.Verify(ctx, password, s.dummy()); err != nil {
			return err
		}
		return s.Throttle.FailPassword(ctx, a.event, shared.ReasonUnknownUser, rules)
	}
	ok, rehash, err := a.place.Verify(ctx, password, u.PasswordHash)
	if err != nil {
		return err
	}
	if !ok {
		return s.Throttle.FailPassword(ctx, a.event, shared.ReasonWrongPassword, rules)
	}
	if u.Disabled() {
		// Said only to whoever knows the password, who is most likely the
		// user: a stranger still gets the one answer of a wrong password,
		// so the state of a user is no way to probe names.
		return s.History.Fail(ctx, a.event, shared.ReasonDisabled, errDisabled)
	}
	if rehash {
		s.upgradeHash(ctx, u, password)
	}
	return nil
}

// passwordRight moves the login of u on from a right password: where the
// password leads (stage.PasswordEvent), unless it is one-time
// (MustChangePassword: the second step or the enrollment comes after) or
// the browser is one u trusted at an earlier second step (TrustedBrowser:
// the password is all it asks, and the history says why). The browser gets
// a device cookie when it had no good one.
func (s *Service) passwordRight(ctx context.Context, a *attempt, u *domain.User, c core.Client, oldToken string) (*Result, error) {
	ev := stage.PasswordEvent(u, a.now)
	trusted, err := s.Sessions.TrustedBrowser(ctx, u, c.Trust, a.now)
	if err != nil {
		return nil, err
	}
	switch {
	case u.PasswordMustChange:
		ev = stage.MustChangePassword
	case trusted != 0:
		ev = stage.TrustedBrowser
		a.event.Method = shared.MethodTrustedBrowser
	}
	var device string
	if a.lockKey == a.userKey {
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
	res, err := s.advance(ctx, move{from: stage.None, event: ev, end: end, user: u, client: c, now: a.now, record: a.event,
		newBrowser: newBrowser, with: func(step *domain.LoginStep) {
			if trusted != 0 {
				step.UsedTrustedBrowser = &trusted
			}
			if _, ok := a.counters[a.lockKey]; ok {
				// Most logins have no counter to clear: no statement for
				// them. A failure counted since the read above stays
				// counted, which errs on the safe side.
				step.ClearThrottle = a.lockKey
			}
		}})
	if err != nil {
		return nil, err
	}
	res.Device = device
	return res, nil
}

// dummy returns a hash of a random password under the Hasher's parameters.
// Unknown usernames are checked against it so that they cost the same time
// as a wrong password and reveal nothing.
func (s *Service) dummy() string {
	s.dummyOnce.Do(func() {
		h, err := s.Hasher.Hash(rand.Text())
		if err != nil {
			panic(fmt.Sprintf("login: hash a dummy password: %v", err)) // only if crypto/rand fails
		}
		s.dummyHash = h
	})
	return s.dummyHash
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
