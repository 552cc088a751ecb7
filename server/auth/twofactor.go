package auth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/png"
	"math"
	"strconv"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
)

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

// SealContext binds a sealed TOTP secret to its user (the AEAD's additional
// data): a ciphertext copied to another user's row does not open there.
func SealContext(userID int64) []byte { return []byte("totp:" + strconv.FormatInt(userID, 10)) }

var (
	errCodeFormat     = &shared.Error{Code: shared.EInvalid, Message: shared.CodeFormatMessage, Fields: map[string]string{"code": "Enter six digits."}}
	errWrongCode      = shared.Errorf(shared.EWrongCode, "That code is not right. Check that your phone's clock is correct and try the current code.")
	errReusedCode     = shared.Errorf(shared.EWrongCode, "That code was already used. Wait for your app to show a new one.")
	errAlreadyOn      = shared.Errorf(shared.EConflict, "Two-factor authentication is already connected.")
	errNoPendingSetup = shared.Errorf(shared.EConflict, "Start the setup again: the QR code expired.")
)

func lockedOut(until, now time.Time) *shared.Error {
	return rateLimited("Too many wrong codes.", until, now)
}

func rateLimited(what string, until, now time.Time) *shared.Error {
	secs := int(math.Ceil(until.Sub(now).Seconds()))
	return &shared.Error{Code: shared.ERateLimited, RetryAfter: secs,
		Message: fmt.Sprintf("%s Try again in %s.", what, humanDuration(secs))}
}

func humanDuration(secs int) string {
	if secs <= 60 {
		return "a minute"
	}
	return fmt.Sprintf("%d minutes", (secs+59)/60)
}

// TOTPSetup is a new, pending authenticator secret.
type TOTPSetup struct {
	Secret string // base32, for typing into an app
	URL    string // otpauth://totp/...
	QRPNG  []byte
}

// SetupTOTP creates a new pending secret for u (replacing an earlier pending
// one) and returns what the user needs to add it to an app. The secret is
// stored sealed; once connected no endpoint returns it again. Returns
// EConflict if 2FA is already connected.
func (s *Service) SetupTOTP(ctx context.Context, u *domain.User) (*TOTPSetup, error) {
	if u.TwoFactorEnabled() {
		return nil, errAlreadyOn
	}
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer: s.Issuer, AccountName: u.Username, Period: totpPeriod, SecretSize: 20,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1, Rand: s.Rand,
	})
	if err != nil {
		return nil, err
	}
	raw, err := b32.DecodeString(key.Secret())
	if err != nil {
		return nil, err
	}
	sealed, err := s.Keys.Seal(raw, SealContext(u.ID))
	if err != nil {
		return nil, err
	}
	if err := s.Store.SetPendingTOTP(ctx, u.ID, sealed, s.Now()); errors.Is(err, domain.ErrConflict) {
		return nil, errAlreadyOn
	} else if err != nil {
		return nil, err
	}
	img, err := key.Image(240, 240)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return &TOTPSetup{Secret: key.Secret(), URL: key.URL(), QRPNG: buf.Bytes()}, nil
}

// Connected is the outcome of ConnectTOTP: the recovery codes to show once,
// and, for a session that was enrolling, its replacement.
type Connected struct {
	RecoveryCodes []string
	Session       *LoginResult // nil when the session stays as it was
}

// ConnectTOTP confirms the pending secret with a code from the app, switches
// 2FA on and creates the user's recovery codes. The code counts as used. A
// session that was enrolling becomes a full one under a new token; a full
// session stays as it is.
func (s *Service) ConnectTOTP(ctx context.Context, sess *domain.Session, stage, code string, c Client) (*Connected, error) {
	u := sess.User
	if u.TwoFactorEnabled() {
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
	codes, hashes, err := s.newRecoveryCodes()
	if err != nil {
		return nil, err
	}
	if err := s.Store.ConnectTOTP(ctx, u.ID, step, hashes, sess.ID, now,
		s.audit(u.AccountID, u, shared.AuditConnected, u, c.clip(), "")); errors.Is(err, domain.ErrConflict) {
		return nil, errNoPendingSetup
	} else if err != nil {
		return nil, err
	}
	done := &Connected{RecoveryCodes: codes}
	if stage == domain.StageEnrollment {
		if done.Session, err = s.completeStep(ctx, sess, u, shared.MethodTOTP, c, nil); err != nil {
			return nil, err
		}
	}
	return done, nil
}

// VerifyTOTP is the second login step: a session whose password was right
// presents a code. A right code for a time step after the last accepted one
// turns it into a full session under a new token. Wrong and reused codes are
// counted toward the lockout; every attempt is a login event.
func (s *Service) VerifyTOTP(ctx context.Context, sess *domain.Session, code string, c Client) (*LoginResult, error) {
	c = c.clip()
	u := sess.User
	now := s.Now()
	event := &domain.LoginEvent{CreatedAt: now, UserID: &u.ID, AccountID: &u.AccountID, Username: u.Username,
		IP: c.IP, UserAgent: c.UserAgent, Method: shared.MethodTOTP}
	if !u.TwoFactorEnabled() {
		// 2FA was switched off after this session's password step (which
		// Disconnect now ends, but a session may be mid-request): there is
		// no code to check, so the step starts again.
		return nil, errUnauthenticated
	}
	if u.CodesLocked(now) {
		return nil, s.fail(ctx, event, shared.ReasonLockedOut, lockedOut(*u.LockedUntil, now))
	}
	if stopped(u) {
		return nil, s.fail(ctx, event, shared.ReasonStopped, errStopped)
	}
	secret, step, ok, err := s.checkCode(u.ID, u.TOTPSecret, code, now)
	if err == errCodeFormat {
		// Not a code at all: no guess at the secret, so not counted
		// toward the lockout, but an attempt all the same.
		return nil, s.fail(ctx, event, shared.ReasonMalformedCode, errCodeFormat)
	} else if err != nil {
		return nil, err
	}
	if !ok {
		return nil, s.codeFailure(ctx, u, event, shared.ReasonWrongCode, errWrongCode)
	}
	res, err := s.completeStep(ctx, sess, u, shared.MethodTOTP, c, func(ls *domain.LoginStep) { ls.TOTPStep = &step })
	if err == nil && s.Keys.Stale(u.TOTPSecret) {
		s.reseal(ctx, u, secret)
	}
	switch {
	case errors.Is(err, domain.ErrReplay):
		return nil, s.codeFailure(ctx, u, event, shared.ReasonReusedCode, errReusedCode)
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
		return nil, s.fail(ctx, event, shared.ReasonLockedOut, lockedOut(until, now))
	}
	return res, err
}

// checkCode opens the user's sealed secret and reports the time step whose
// code was typed. A code that is not six digits is EInvalid, before any
// comparison; whether the step was already used is the caller's concern.
func (s *Service) checkCode(userID int64, sealed []byte, code string, now time.Time) (secret []byte, step int64, ok bool, err error) {
	digits, valid := shared.NormalizeCode(code)
	if !valid {
		return nil, 0, false, errCodeFormat
	}
	if secret, err = s.Keys.Open(sealed, SealContext(userID)); err != nil {
		return nil, 0, false, err
	}
	step, ok = matchStep(secret, digits, now)
	return secret, step, ok, nil
}

// reseal moves a secret sealed under a retired key to the current one, so an
// old key can be dropped once every active user has logged in. A failure
// only delays that, so it is logged.
func (s *Service) reseal(ctx context.Context, u *domain.User, secret []byte) {
	resealed, err := s.Keys.Seal(secret, SealContext(u.ID))
	if err == nil {
		err = s.Store.ResealTOTP(ctx, u.ID, u.TOTPSecret, resealed)
	}
	if err != nil {
		s.Log.Warn("re-sealing a TOTP secret failed", "user_id", u.ID, "err", err)
	}
}

// codeFailure counts a wrong code and answers with answer, or with the
// lockout if this failure started one.
func (s *Service) codeFailure(ctx context.Context, u *domain.User, event *domain.LoginEvent, reason string, answer *shared.Error) error {
	err := s.countFailure(ctx, u, answer)
	var e *shared.Error
	if !errors.As(err, &e) {
		return err
	}
	return s.fail(ctx, event, reason, e)
}

// countFailure counts a wrong code toward the lockout and returns answer, or
// the lockout if this failure started one.
func (s *Service) countFailure(ctx context.Context, u *domain.User, answer *shared.Error) error {
	now := s.Now()
	f, err := s.Store.RecordCodeFailure(ctx, u.ID, now, lockThreshold, lockFor)
	if err != nil {
		return err
	}
	switch {
	case f.Count >= stopAfter:
		return errStopped
	case f.LockedUntil != nil:
		return lockedOut(*f.LockedUntil, now)
	}
	return answer
}

// completeStep replaces sess with a full session, recording the success.
func (s *Service) completeStep(ctx context.Context, sess *domain.Session, u *domain.User, method string, c Client, with func(*domain.LoginStep)) (*LoginResult, error) {
	c = c.clip()
	token, hash, err := newToken(s.Rand)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	step := domain.LoginStep{
		EndSession: sess.TokenHash,
		Session: &domain.Session{TokenHash: hash, UserID: u.ID, User: u, Stage: domain.StageFull, CreatedAt: now,
			LastSeenAt: now, ExpiresAt: now.Add(s.SessionMax), IP: c.IP, UserAgent: c.UserAgent, ReauthAt: &now},
		Event: &domain.LoginEvent{CreatedAt: now, UserID: &u.ID, AccountID: &u.AccountID, Username: u.Username,
			IP: c.IP, UserAgent: c.UserAgent, Method: method, Result: shared.ResultSuccess},
		LoggedInAt: &now,
	}
	if with != nil {
		with(&step)
	}
	if err := s.Store.CompleteLoginStep(ctx, step); err != nil {
		return nil, err
	}
	return &LoginResult{Token: token, Session: step.Session, Next: shared.NextDone}, nil
}
