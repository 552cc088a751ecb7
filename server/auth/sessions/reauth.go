package sessions

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/auth/factor"
	"github.com/warden-auth/warden/server/auth/stage"
	"github.com/warden-auth/warden/server/auth/throttle"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// Re-authentication (DESIGN.md): a stolen session must not be enough to
// change how the account is protected. Sensitive actions need a proof of the
// user, the password or a current code, given within ReauthWindow; the login
// that made the session counts. Actions that take a proof themselves
// (Disconnect its password, Regenerate its code) need no other.

var errReauthRequired = shared.Fail(shared.EReauthRequired, words.ReauthRequired)

// RequireRecentProof returns EReauthRequired unless the session's user proved
// it is them within ReauthWindow.
func (s *Service) RequireRecentProof(sess *domain.Session) error {
	if sess.ReauthAt == nil || s.Now().Sub(*sess.ReauthAt) >= s.ReauthWindow {
		return errReauthRequired
	}
	return nil
}

// Reauthenticate records on the session a proof of its user: the password,
// a current authenticator code or a security key's answer to its proof
// ceremony (used up, as at login). Wrong proofs count toward the same
// throttles as at login, and are audited. Returns EWrongCredentials,
// EWrongCode, EInvalid or ERateLimited. current is the session's effective
// stage (Authenticate), which a proof keeps.
func (s *Service) Reauthenticate(ctx context.Context, sess *domain.Session, current string, rp factor.RP, req shared.ReauthRequest, c core.Client) error {
	if _, err := stage.Must(current, stage.Reauthenticated); err != nil {
		return err
	}
	c = c.Clip()
	u := sess.User
	now := s.Now()
	if !req.HasCredential() && req.Password != "" {
		if err := s.Throttle.CheckOwnPassword(ctx, u, req.Password, c); errors.Is(err, throttle.ErrWrongPassword) {
			if err := s.History.RecordAudit(ctx, s.History.Audit(u.AccountID, u, shared.AuditReauthRefused, u, c, shared.ReasonWrongPassword)); err != nil {
				return err
			}
			return throttle.ErrWrongPassword
		} else if err != nil {
			return err
		}
		return s.Store.MarkReauth(ctx, sess.ID, u.ID, domain.Proof{}, s.reauthMethods(sess, shared.MethodPassword), now)
	}
	kind := shared.FactorTOTP
	if req.HasCredential() {
		kind = shared.FactorSecurityKey
	}
	a := &factor.Attempt{Session: sess, Input: factor.Input{Code: req.Code, Credential: req.Credential, RP: rp}, Client: c,
		Refusals: s.Factors.Audited(u, c, shared.AuditReauthRefused)}
	p, err := s.Factors.Prove(ctx, kind, a)
	if err != nil {
		return err
	}
	return s.Factors.Used(ctx, a, p, s.Store.MarkReauth(ctx, sess.ID, u.ID, p.Use, s.reauthMethods(sess, proofMethod(p.Use)), now))
}

// reauthMethods are what the session's re-authentications proved with
// method, given now: added to the earlier ones when the latest was within
// ReauthWindow (a password, then a code: both), alone otherwise. An
// application that asks for a fresh proof is told these (auth/idp).
func (s *Service) reauthMethods(sess *domain.Session, method string) string {
	if sess.ReauthMethods == "" || sess.ReauthAt == nil || s.Now().Sub(*sess.ReauthAt) >= s.ReauthWindow {
		return method
	}
	if slices.Contains(strings.Fields(sess.ReauthMethods), method) {
		return sess.ReauthMethods
	}
	return sess.ReauthMethods + " " + method
}

// proofMethod names the second factor a proof used.
func proofMethod(p domain.Proof) string {
	switch {
	case p.SecurityKey != nil:
		return shared.MethodSecurityKey
	case p.RecoveryCodeID != nil:
		return shared.MethodRecoveryCode
	}
	return shared.MethodTOTP
}
