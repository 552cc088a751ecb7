package auth

import (
	"context"
	"errors"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/auth/stage"
	"github.com/warden-auth/warden/server/auth/throttle"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
)

// Re-authentication (DESIGN.md): a stolen session must not be enough to
// change how the account is protected. Sensitive actions need a proof of the
// user, the password or a current code, given within ReauthWindow; the login
// that made the session counts. Actions that take a proof themselves
// (Disconnect its password, Regenerate its code) need no other.

var errReauthRequired = shared.Errorf(shared.EReauthRequired,
	"For your security, confirm it is you: enter your password (or a code from your authenticator app, or use your security key).")

// RequireRecentProof returns EReauthRequired unless the session's user proved
// it is them within ReauthWindow.
func (s *Service) RequireRecentProof(sess *domain.Session) error {
	if sess.ReauthAt == nil || s.Now().Sub(*sess.ReauthAt) >= s.ReauthWindow {
		return errReauthRequired
	}
	return nil
}

// Reauthenticate records on the session a proof of its user: the password,
// a current authenticator code or a security key's answer to BeginKeyProof
// (used up, as at login). Wrong proofs
// count toward the same throttles as at login, and are audited. Returns
// EWrongCredentials, EWrongCode, EInvalid or ERateLimited. current is the
// session's effective stage (Authenticate), which a proof keeps.
func (s *Service) Reauthenticate(ctx context.Context, sess *domain.Session, current string, rp RP, req shared.ReauthRequest, c core.Client) error {
	if _, err := stage.Must(current, stage.Reauthenticated); err != nil {
		return err
	}
	c = c.Clip()
	u := sess.User
	now := s.Now()
	refused := func(reason string, answer error) error {
		if err := s.History.RecordAudit(ctx, s.History.Audit(u.AccountID, u, shared.AuditReauthRefused, u, c, reason)); err != nil {
			return err
		}
		return answer
	}
	if req.HasCredential() {
		audit := func(reason string) error { return refused(reason, nil) }
		proof, reserved, err := s.keyProof(ctx, sess, rp, req.Credential, c, audit)
		if err != nil {
			return err
		}
		return s.usedProof(ctx, u, proof, reserved, c, s.Store.MarkReauth(ctx, sess.ID, u.ID, proof, now), audit)
	}
	if req.Password != "" {
		if err := s.Throttle.CheckOwnPassword(ctx, u, req.Password, c); errors.Is(err, throttle.ErrWrongPassword) {
			return refused(shared.ReasonWrongPassword, err)
		} else if err != nil {
			return err
		}
		return s.Store.MarkReauth(ctx, sess.ID, u.ID, domain.Proof{}, now)
	}
	if !u.TOTPConnected() {
		return errTOTPOff
	}
	if u.CodesLocked(now) {
		return throttle.LockedOut(*u.LockedUntil, now)
	}
	if throttle.Stopped(u) {
		return throttle.ErrStopped
	}
	_, step, reserved, ok, err := s.checkUserCode(ctx, u, req.Code, now)
	switch {
	case err == errCodeFormat:
		return refused(shared.ReasonMalformedCode, err)
	case err != nil:
		return err
	case !ok:
		if err := refused(shared.ReasonWrongCode, nil); err != nil {
			return err
		}
		return s.Throttle.CountFailure(ctx, u, c, reserved, errWrongCode)
	}
	proof := domain.Proof{TOTPStep: &step}
	return s.usedProof(ctx, u, proof, reserved, c, s.Store.MarkReauth(ctx, sess.ID, u.ID, proof, now),
		func(reason string) error { return refused(reason, nil) })
}
