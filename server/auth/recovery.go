package auth

import (
	"context"
	"io"
	"strings"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/auth/throttle"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
)

// Recovery codes: ten per user, each twelve characters of Crockford's base32
// (60 bits), shown as xxxx-xxxx-xxxx. The alphabet has no i, l, o or u, and
// typing one of the look-alikes is forgiven (o -> 0, i and l -> 1).
const (
	recoveryCodeCount = 10
	recoveryCodeLen   = 12
	recoveryAlphabet  = "0123456789abcdefghjkmnpqrstvwxyz"
	recoveryPurpose   = "recovery-code"
)

var (
	errRecoveryFormat = &shared.Error{Code: shared.EInvalid, Message: "A recovery code has 12 letters and digits, like abcd-efgh-2345.",
		Fields: map[string]string{"code": "Check the recovery code."}}
	errWrongRecovery = shared.Errorf(shared.EWrongCode, "That recovery code is not right.")
	errUsedRecovery  = shared.Errorf(shared.EWrongCode, "That recovery code was already used. Each code works once.")
	errTOTPOff       = shared.Errorf(shared.EConflict, "Connect two-factor authentication first.")
)

// newRecoveryCodes returns a fresh set for showing once and the keyed hashes
// that are all the database keeps.
func (s *Service) newRecoveryCodes() (codes, hashes []string, err error) {
	buf := make([]byte, recoveryCodeLen)
	for range recoveryCodeCount {
		if _, err := io.ReadFull(s.Rand, buf); err != nil {
			return nil, nil, err
		}
		raw := make([]byte, recoveryCodeLen)
		for i, b := range buf {
			raw[i] = recoveryAlphabet[b&31] // 32 symbols: every byte value maps evenly
		}
		code := string(raw)
		tag, err := s.Keys.Tag(recoveryPurpose, raw)
		if err != nil {
			return nil, nil, err
		}
		codes = append(codes, code[:4]+"-"+code[4:8]+"-"+code[8:])
		hashes = append(hashes, tag)
	}
	return codes, hashes, nil
}

// normalizeRecoveryCode returns the twelve characters of a typed code.
func normalizeRecoveryCode(in string) (string, bool) {
	var b strings.Builder
	for _, r := range strings.ToLower(in) {
		switch {
		case r == '-' || r == ' ':
			continue
		case r == 'o':
			r = '0'
		case r == 'i' || r == 'l':
			r = '1'
		}
		if r > 127 || !strings.ContainsRune(recoveryAlphabet, r) {
			return "", false
		}
		b.WriteRune(r)
	}
	return b.String(), b.Len() == recoveryCodeLen
}

// RegenerateRecoveryCodes replaces the user's recovery codes after a current
// TOTP code proves it is them, and returns the new set to show once. Wrong
// codes count toward the lockout, as at login.
func (s *Service) RegenerateRecoveryCodes(ctx context.Context, u *domain.User, code string, c core.Client) ([]string, error) {
	if !u.TOTPConnected() {
		return nil, errTOTPOff
	}
	now := s.Now()
	if u.CodesLocked(now) {
		return nil, throttle.LockedOut(*u.LockedUntil, now)
	}
	if throttle.Stopped(u) {
		return nil, throttle.ErrStopped
	}
	_, step, reserved, ok, err := s.checkUserCode(ctx, u, code, now)
	refused := func(reason string) error {
		return s.History.RecordAudit(ctx, s.History.Audit(u.AccountID, u, shared.AuditRegenerateRefused, u, c.Clip(), reason))
	}
	if err == errCodeFormat {
		if err := refused(shared.ReasonMalformedCode); err != nil {
			return nil, err
		}
		return nil, errCodeFormat
	} else if err != nil {
		return nil, err
	}
	if !ok {
		if err := refused(shared.ReasonWrongCode); err != nil {
			return nil, err
		}
		return nil, s.Throttle.CountFailure(ctx, u, c, reserved, errWrongCode)
	}
	return s.regenerate(ctx, u, domain.Proof{TOTPStep: &step}, reserved, c, refused)
}

// RegenerateRecoveryCodesWithKey is RegenerateRecoveryCodes for a user who
// proves it is them with a security key (the answer to BeginKeyProof): a
// user with keys only has no code to give.
func (s *Service) RegenerateRecoveryCodesWithKey(ctx context.Context, sess *domain.Session, rp RP, raw []byte, c core.Client) ([]string, error) {
	c = c.Clip()
	u := sess.User
	refused := func(reason string) error {
		return s.History.RecordAudit(ctx, s.History.Audit(u.AccountID, u, shared.AuditRegenerateRefused, u, c, reason))
	}
	proof, reserved, err := s.keyProof(ctx, sess, rp, raw, c, refused)
	if err != nil {
		return nil, err
	}
	return s.regenerate(ctx, u, proof, reserved, c, refused)
}

// regenerate makes the new set and stores it, using up proof (reserved: the
// attempt throttle.ReserveCode counted for a code, 0 for a key).
func (s *Service) regenerate(ctx context.Context, u *domain.User, proof domain.Proof, reserved int, c core.Client, refused func(reason string) error) ([]string, error) {
	codes, hashes, err := s.newRecoveryCodes()
	if err != nil {
		return nil, err
	}
	err = s.Store.RegenerateRecoveryCodes(ctx, u.ID, proof, hashes, s.Now(),
		s.Notices.WithNotice(s.History.Audit(u.AccountID, u, shared.AuditCodesRegenerated, u, c.Clip(), ""), u, shared.NoticeRecoveryCodesRegenerated, c, ""))
	if err != nil {
		return nil, s.usedProof(ctx, u, proof, reserved, c, err, refused)
	}
	return codes, nil
}
