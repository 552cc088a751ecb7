package auth

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
	"github.com/warden-auth/warden/server/auth/stage"
	"github.com/warden-auth/warden/server/auth/throttle"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
)

// SealContext binds a sealed TOTP secret to its user (the AEAD's additional
// data): a ciphertext copied to another user's row does not open there.
func SealContext(userID int64) []byte { return []byte("totp:" + strconv.FormatInt(userID, 10)) }

var (
	errCodeFormat     = &shared.Error{Code: shared.EInvalid, Message: shared.CodeFormatMessage, Fields: map[string]string{"code": "Enter six digits."}}
	errWrongCode      = shared.Errorf(shared.EWrongCode, shared.MsgWrongCode)
	errReusedCode     = shared.Errorf(shared.EWrongCode, "That code was already used. Wait for your app to show a new one.")
	errAlreadyOn      = shared.Errorf(shared.EConflict, "Two-factor authentication is already connected.")
	errNoPendingSetup = shared.Errorf(shared.EConflict, "Start the setup again: the QR code expired.")
)

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

// PendingSetup is SetupTOTP for a page the server renders: the secret
// already pending, if any, so a reload or a wrong code shows the key the
// user may have scanned, else a new one.
func (s *Service) PendingSetup(ctx context.Context, u *domain.User) (*TOTPSetup, error) {
	if u.TwoFactorEnabled() || u.TOTPPendingSecret == nil {
		return s.SetupTOTP(ctx, u)
	}
	raw, err := s.Keys.Open(u.TOTPPendingSecret, SealContext(u.ID))
	if err != nil {
		return s.SetupTOTP(ctx, u)
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

func setupOf(key *otp.Key) (*TOTPSetup, error) {
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

// shownCodesFor is how long sealed recovery codes wait for their page.
const shownCodesFor = time.Minute

// SealShownCodes seals fresh recovery codes for the one page that shows
// them, when that page is the server's (a form posted before the app ran):
// they travel in a cookie bound to the user, never in a URL, and expire.
func (s *Service) SealShownCodes(userID int64, codes []string) (string, error) {
	return s.SealUntil(shownCodesContext(userID), codes, s.Now().Add(shownCodesFor))
}

// OpenShownCodes opens what SealShownCodes sealed for userID, if it has not
// expired.
func (s *Service) OpenShownCodes(userID int64, v string) ([]string, bool) {
	var codes []string
	_, ok := s.OpenUntil(shownCodesContext(userID), v, s.Now(), &codes)
	return codes, ok && len(codes) > 0
}

func shownCodesContext(userID int64) []byte {
	return []byte("shown-codes:" + strconv.FormatInt(userID, 10))
}

// Connected is the outcome of ConnectTOTP: the recovery codes to show once,
// and, for a session that was enrolling, its replacement.
type Connected struct {
	RecoveryCodes []string
	Session       *LoginResult // nil when the session stays as it was
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

// checkUserCode is checkCode for the user's connected authenticator, with
// the attempt reserved (throttle.ReserveCode) between the format check and the
// comparison: reserved is its count, for throttle.CountFailure when the code is
// wrong or reused. A lock or stop refuses it without a comparison.
func (s *Service) checkUserCode(ctx context.Context, u *domain.User, code string, now time.Time) (secret []byte, step int64, reserved int, ok bool, err error) {
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
func (s *Service) reseal(ctx context.Context, u *domain.User, secret []byte) {
	resealed, err := s.Keys.Seal(secret, SealContext(u.ID))
	if err == nil {
		err = s.Store.ResealTOTP(ctx, u.ID, u.TOTPSecret, resealed)
	}
	if err != nil {
		s.Log.Warn("re-sealing a TOTP secret failed", "user_id", u.ID, "err", err)
	}
}

var (
	errNotConnected    = shared.Errorf(shared.EConflict, "Two-factor authentication is not connected.")
	errConfirmRequired = shared.Errorf(shared.EConfirmRequired, "Two-factor authentication is mandatory for your account. "+
		"If you disconnect it, you will be logged out everywhere and must set it up again at your next login.")
)

// Disconnect switches the user's 2FA off after their password proves it is
// them. Where the account forces 2FA, it first answers EConfirmRequired
// (the app shows the warning); confirmed, it removes 2FA and ends every
// session of the user, and loggedOut is true, unless the user's grace
// period still runs: then the sessions stay until the deadline. Wrong
// passwords count toward the username's throttle, as at login.
func (s *Service) Disconnect(ctx context.Context, sess *domain.Session, password string, confirm bool, c core.Client) (loggedOut bool, err error) {
	c = c.Clip()
	u := sess.User
	if !u.TwoFactorEnabled() {
		return false, errNotConnected
	}
	if err := s.switchOffProof(ctx, u, password, c); err != nil {
		return false, err
	}
	return s.switchOff(ctx, u, confirm, c)
}

// errLastFactorPassword asks for the proof that removing the last factor
// needs.
var errLastFactorPassword = &shared.Error{Code: shared.EInvalid,
	Message: "This is your last second factor: removing it switches two-factor authentication off. Enter your password to confirm.",
	Fields:  map[string]string{"password": "Enter your password."}}

// switchOffProof checks the password that switching 2FA off needs, however
// it is switched off (Disconnect, or the removal of the last factor), so
// that a stolen session alone cannot do it. Wrong passwords count toward the
// username's throttle (throttle.CheckOwnPassword) and are audited.
func (s *Service) switchOffProof(ctx context.Context, u *domain.User, password string, c core.Client) error {
	if err := s.Throttle.CheckOwnPassword(ctx, u, password, c); errors.Is(err, throttle.ErrWrongPassword) {
		if err := s.History.RecordAudit(ctx, s.History.Audit(u.AccountID, u, shared.AuditDisconnectRefused, u, c, shared.ReasonWrongPassword)); err != nil {
			return err
		}
		return throttle.ErrWrongPassword
	} else if err != nil {
		return err
	}
	return nil
}

// switchOff removes every second factor of the user: Disconnect, and the
// removal of the last one. Where the account forces 2FA, it first answers
// EConfirmRequired (the app shows the warning); confirmed, it also ends
// every session of the user, and loggedOut is true.
func (s *Service) switchOff(ctx context.Context, u *domain.User, confirm bool, c core.Client) (loggedOut bool, err error) {
	now := s.Now()
	forced := u.Account.ForceTwoFactor
	// Within a grace period the user may go without 2FA until their
	// deadline, as GitLab allows: the sessions stay, and the deadline of a
	// grace started earlier stands (a disconnect earns no new one).
	loggedOut = forced
	var deadline time.Time
	if forced && u.Account.GraceDays > 0 {
		start := now
		if u.GraceStartedAt != nil {
			start = *u.GraceStartedAt
		}
		deadline = stage.GraceEnd(u.Account, start)
		loggedOut = !now.Before(deadline)
	}
	switch {
	case forced && !confirm && loggedOut:
		return false, errConfirmRequired
	case forced && !confirm:
		return false, shared.Errorf(shared.EConfirmRequired, "Two-factor authentication is mandatory for your account. "+
			"If you disconnect it, you must set it up again by %s.", deadline.UTC().Format("Monday 2 January 2006, 15:04 UTC"))
	}
	if _, err = s.Store.RemoveTOTP(ctx, u.ID, 0, loggedOut, now, s.Notices.WithNotice(s.History.Audit(u.AccountID, u, shared.AuditDisconnected, u, c, ""), u, shared.NoticeTwoFactorDisconnected, c, "")); err != nil {
		return false, err
	}
	if forced && !loggedOut && u.GraceStartedAt == nil {
		// The policy applies to the user from now: their grace starts.
		if _, err := s.Store.StartGrace(ctx, u.ID, now); err != nil && !errors.Is(err, domain.ErrNotFound) {
			return false, err
		}
	}
	return loggedOut, nil
}
