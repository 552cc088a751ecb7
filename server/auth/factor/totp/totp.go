// Package totp is the authenticator app (TOTP, RFC 6238) as a second
// factor: its secret made pending and shown once as a QR code and a key,
// connected by a first right code, and proven at the second step and in a
// re-authentication by a code whose time step was not used before. The
// secret is kept sealed, bound to its user.
package totp

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"strconv"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/auth/factor"
	"github.com/warden-auth/warden/server/auth/factor/recovery"
	"github.com/warden-auth/warden/server/auth/throttle"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// Store is where the app's secret is kept, sealed.
type Store interface {
	// SetPendingTOTP returns domain.ErrConflict when the app is connected.
	SetPendingTOTP(ctx context.Context, userID int64, sealed []byte, now time.Time) error
	// ConnectTOTP makes the pending secret the user's, with step as the
	// last accepted one, stores recoveryHashes (nil: the codes stay) and
	// ends every session but keepSession; domain.ErrConflict when there is
	// no pending secret or the app is connected.
	ConnectTOTP(ctx context.Context, userID, step int64, recoveryHashes []string, keepSession int64, now time.Time, audit *domain.AuditEvent) error
	ResealTOTP(ctx context.Context, userID int64, old, resealed []byte) error
	// RemoveTOTPOnly returns domain.ErrConflict instead of removing the
	// user's last factor.
	RemoveTOTPOnly(ctx context.Context, userID int64, now time.Time, audit *domain.AuditEvent) error
	// WipeTOTP removes the secret and any pending one.
	WipeTOTP(ctx context.Context, userID int64, now time.Time) error
}

// Factor is the authenticator app.
type Factor struct{ recovery.First[Store] }

// New returns the authenticator app kept in st.
func New(b factor.Base, st Store, r *recovery.Factor) *Factor {
	return &Factor{recovery.NewFirst(b, st, r)}
}

var (
	errTOTPOff = shared.Fail(shared.EConflict, words.TOTPNotConnected)
	errAppName = shared.Fail(shared.EInvalid, words.AppKeepsItsName)
)

// Kind names the app.
func (s *Factor) Kind() string { return shared.FactorTOTP }

// Enrolled reports whether u connected an app.
func (s *Factor) Enrolled(u *domain.User) bool { return u.TOTPConnected() }

// List is the app, if connected.
func (s *Factor) List(ctx context.Context, u *domain.User) ([]shared.SecondFactor, error) {
	if !u.TOTPConnected() {
		return nil, nil
	}
	return []shared.SecondFactor{{ID: shared.TOTPMethodID, Kind: shared.FactorTOTP, Name: words.In(ctx).Say(words.FactorAuthenticatorApp),
		AddedAt: core.RFC3339(u.TOTPEnabledAt), LastUsedAt: core.RFC3339(u.TOTPLastUsedAt)}}, nil
}

// Owns reports whether id is u's app.
func (s *Factor) Owns(u *domain.User, id string) bool {
	return id == shared.TOTPMethodID && u.TOTPConnected()
}

// Rename refuses: the app keeps its name.
func (s *Factor) Rename(context.Context, *domain.User, string, string) (shared.SecondFactor, error) {
	return shared.SecondFactor{}, errAppName
}

// Remove removes the app, unless it is u's last factor.
func (s *Factor) Remove(ctx context.Context, u *domain.User, _ string, c core.Client) error {
	return s.Store.RemoveTOTPOnly(ctx, u.ID, s.Now(), s.History.Audit(u.AccountID, u, shared.AuditAppRemoved, u, c, ""))
}

// Wipe removes the app's secret, and any pending one.
func (s *Factor) Wipe(ctx context.Context, userID int64, now time.Time) error {
	return s.Store.WipeTOTP(ctx, userID, now)
}

// Enrol confirms the pending secret with a code from the app, switches the
// app on and, when it is the user's first factor, creates their recovery
// codes. The code counts as used. Every other session of the user ends.
func (s *Factor) Enrol(ctx context.Context, sess *domain.Session, in factor.Input, c core.Client) (*factor.Enrolled, error) {
	u := sess.User
	if u.TOTPConnected() {
		return nil, errAlreadyOn
	}
	if u.TOTPPendingSecret == nil {
		return nil, errNoPendingSetup
	}
	now := s.Now()
	_, step, ok, err := s.checkCode(u.ID, u.TOTPPendingSecret, in.Code, now)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errWrongCode
	}
	// Recovery codes come with the first factor and serve every later one.
	var codes, hashes []string
	if !u.TwoFactorEnabled() {
		if codes, hashes, err = s.Recovery.NewCodes(); err != nil {
			return nil, err
		}
	}
	if err := s.Store.ConnectTOTP(ctx, u.ID, step, hashes, sess.ID, now,
		s.Notices.WithNotice(s.History.Audit(u.AccountID, u, shared.AuditConnected, u, c.Clip(), ""), u, shared.NoticeTwoFactorConnected, c, "")); errors.Is(err, domain.ErrConflict) {
		return nil, errNoPendingSetup
	} else if err != nil {
		return nil, err
	}
	return &factor.Enrolled{RecoveryCodes: codes}, nil
}

// Prove checks a code from the user's app: right for a time step after the
// last accepted one (the proof's use moves it, so a code works once).
// Wrong and reused codes count toward the lockout; after too many in a row
// the app's codes stop (throttle.Stopped) until a recovery code or a reset.
func (s *Factor) Prove(ctx context.Context, a *factor.Attempt) (*factor.Proof, error) {
	u := a.Session.User
	now := s.Now()
	switch {
	case !u.TOTPConnected() && a.AtLogin:
		// 2FA was switched off after this session's password step (which
		// Disconnect now ends, but a session may be mid-request): there is
		// no code to check, so the step starts again.
		return nil, core.ErrUnauthenticated
	case !u.TOTPConnected():
		return nil, errTOTPOff
	case u.CodesLocked(now):
		return nil, a.Refusals.Locked(ctx, u)
	case throttle.Stopped(u):
		return nil, a.Refusals.Stopped(ctx)
	}
	secret, step, reserved, ok, err := s.checkUserCode(ctx, u, a.Input.Code, now)
	switch {
	case err == errCodeFormat:
		// Not a code at all: no guess at the secret, so not counted
		// toward the lockout, but an attempt all the same.
		return nil, a.Refusals.Refuse(ctx, shared.ReasonMalformedCode, errCodeFormat)
	case err != nil:
		return nil, a.Refusals.Reservation(ctx, err)
	case !ok:
		return nil, a.Refusals.Count(ctx, shared.ReasonWrongCode, errWrongCode, reserved)
	}
	p := &factor.Proof{Use: domain.Proof{TOTPStep: &step}, Reserved: reserved,
		ReplayReason: shared.ReasonReusedCode, ReplayAnswer: errReusedCode}
	if s.Keys.Stale(u.TOTPSecret) {
		p.After = func(ctx context.Context) { s.reseal(ctx, u, secret) }
	}
	return p, nil
}

// SealContext binds a sealed TOTP secret to its user (the AEAD's additional
// data): a ciphertext copied to another user's row does not open there.
func SealContext(userID int64) []byte { return []byte("totp:" + strconv.FormatInt(userID, 10)) }

var (
	errCodeFormat     = shared.Fail(shared.EInvalid, words.CodeFormat).WithField("code", words.EnterSixDigits)
	errWrongCode      = shared.Fail(shared.EWrongCode, words.WrongCode)
	errReusedCode     = shared.Fail(shared.EWrongCode, words.CodeReused)
	errAlreadyOn      = shared.Fail(shared.EConflict, words.TwoFactorAlreadyOn)
	errNoPendingSetup = shared.Fail(shared.EConflict, words.SetupExpired)
)

// Setup is a new, pending authenticator secret.
type Setup struct {
	Secret string // base32, for typing into an app
	URL    string // otpauth://totp/...
	QRPNG  []byte
}

// Setup creates a new pending secret for u (replacing an earlier pending
// one) and returns what the user needs to add it to an app. The secret is
// stored sealed; once connected no endpoint returns it again. Returns
// EConflict if 2FA is already connected.
func (s *Factor) Setup(ctx context.Context, u *domain.User) (*Setup, error) {
	if u.TOTPConnected() {
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
	return setupOf(key)
}

// PendingSetup is Setup for a page the server renders: the secret
// already pending, if any, so a reload or a wrong code shows the key the
// user may have scanned, else a new one.
func (s *Factor) PendingSetup(ctx context.Context, u *domain.User) (*Setup, error) {
	if u.TwoFactorEnabled() || u.TOTPPendingSecret == nil {
		return s.Setup(ctx, u)
	}
	raw, err := s.Keys.Open(u.TOTPPendingSecret, SealContext(u.ID))
	if err != nil {
		return s.Setup(ctx, u)
	}
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer: s.Issuer, AccountName: u.Username, Period: totpPeriod, Secret: raw,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1,
	})
	if err != nil {
		return nil, err
	}
	return setupOf(key)
}

func setupOf(key *otp.Key) (*Setup, error) {
	img, err := key.Image(240, 240)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return &Setup{Secret: key.Secret(), URL: key.URL(), QRPNG: buf.Bytes()}, nil
}

// checkCode opens the user's sealed secret and reports the time step whose
// code was typed. A code that is not six digits is EInvalid, before any
// comparison; whether the step was already used is the caller's concern.
func (s *Factor) checkCode(userID int64, sealed []byte, code string, now time.Time) (secret []byte, step int64, ok bool, err error) {
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

// checkUserCode is checkCode for the user's connected authenticator, with
// the attempt reserved (throttle.ReserveCode) between the format check and the
// comparison: reserved is its count, for throttle.CountFailure when the code is
// wrong or reused. A lock or stop refuses it without a comparison.
func (s *Factor) checkUserCode(ctx context.Context, u *domain.User, code string, now time.Time) (secret []byte, step int64, reserved int, ok bool, err error) {
	if _, valid := shared.NormalizeCode(code); !valid {
		return nil, 0, 0, false, errCodeFormat
	}
	if reserved, err = s.Throttle.ReserveCode(ctx, u, now); err != nil {
		return nil, 0, 0, false, err
	}
	secret, step, ok, err = s.checkCode(u.ID, u.TOTPSecret, code, now)
	return secret, step, reserved, ok, err
}

// reseal moves a secret sealed under a retired key to the current one, so an
// old key can be dropped once every active user has logged in. A failure
// only delays that, so it is logged.
func (s *Factor) reseal(ctx context.Context, u *domain.User, secret []byte) {
	resealed, err := s.Keys.Seal(secret, SealContext(u.ID))
	if err == nil {
		err = s.Store.ResealTOTP(ctx, u.ID, u.TOTPSecret, resealed)
	}
	if err != nil {
		s.Log.Warn("re-sealing a TOTP secret failed", "user_id", u.ID, "err", err)
	}
}
