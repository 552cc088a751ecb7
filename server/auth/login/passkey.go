package login

import (
	"context"
	"errors"

	gowebauthn "github.com/go-webauthn/webauthn/webauthn"
	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/auth/factor"
	"github.com/warden-auth/warden/server/auth/factor/webauthn"
	"github.com/warden-auth/warden/server/auth/history"
	"github.com/warden-auth/warden/server/auth/passwords"
	"github.com/warden-auth/warden/server/auth/stage"
	"github.com/warden-auth/warden/server/auth/throttle"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// BeginPasskeyLogin starts a sign-in with a passkey alone (package
// webauthn keeps the ceremony). A network whose failures locked it gets no
// challenge.
func (s *Service) BeginPasskeyLogin(ctx context.Context, rp factor.RP, c core.Client) (*webauthn.PasskeyBegun, error) {
	now := s.Now()
	w, err := s.Passkeys.RelyingParty(rp)
	if err != nil {
		return nil, err
	}
	if until, err := s.Throttle.ThrottledUntil(ctx, []string{passwords.NetworkKey(c.Clip().IP)}, now); err != nil {
		return nil, err
	} else if !until.IsZero() {
		return nil, core.RateLimited(words.NetworkSignIns, until, now)
	}
	return s.Passkeys.BeginPasskey(w, now)
}

// FinishPasskeyLogin verifies a passkey's answer to the sealed ceremony of
// BeginPasskeyLogin and logs its owner in fully (stage.PasskeySignIn): a
// discoverable credential that verified its user is both factors. oldToken
// is the session cookie the request carried, if any; it ends. Failures
// count toward the network's throttle (see verifyPasskey for why not the
// owner's).
func (s *Service) FinishPasskeyLogin(ctx context.Context, rp factor.RP, raw []byte, ceremony string, c core.Client, oldToken string) (*Result, error) {
	c = c.Clip()
	w, err := s.Passkeys.RelyingParty(rp)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	event := history.LoginEvent("", nil, shared.MethodPasskey, c, now)
	ipKey := passwords.NetworkKey(c.IP)
	if until, err := s.Throttle.ThrottledUntil(ctx, []string{ipKey}, now); err != nil {
		return nil, err
	} else if !until.IsZero() {
		return nil, s.Throttle.NetworkBlocked(ctx, event, ipKey, until)
	}
	unknown := func(r *factor.Refusal) error {
		if _, err := s.Throttle.RecordLoginFailure(ctx, map[string]domain.ThrottleRule{ipKey: throttle.IPThrottle}, now); err != nil {
			return err
		}
		return s.History.Fail(ctx, event, r.Reason, r.Answer)
	}
	p, refused := s.Passkeys.ReadPasskey(raw, ceremony, now)
	if refused != nil {
		return nil, unknown(refused)
	}
	u, err := s.verifyPasskey(ctx, w, p, event, unknown)
	if err != nil {
		return nil, err
	}
	switch {
	case !u.Account.PasskeysAllowed:
		// The key verified: its holder may be told why it cannot sign in.
		return nil, s.History.Fail(ctx, event, shared.ReasonPasskeysOff, webauthn.ErrPasskeysOff)
	case u.CodesLocked(now):
		return nil, s.Throttle.CodesBlocked(ctx, u, event)
	}
	use, refused := s.Passkeys.Use(p)
	if refused != nil {
		return nil, s.Throttle.ReservedFailure(ctx, u, event, 0, refused.Reason, refused.Answer)
	}
	old := domain.Session{Stage: stage.None}
	if oldToken != "" {
		old.TokenHash = core.HashToken(oldToken)
	}
	// The passkey is the whole login: it is news as a password's is.
	if old.NewBrowser, err = s.isNewBrowser(ctx, u, c); err != nil {
		return nil, err
	}
	res, err := s.completeStep(ctx, &old, stage.None, stage.PasskeySignIn, u, shared.MethodPasskey, c, false,
		func(step *domain.LoginStep) { step.SecurityKey = use })
	switch {
	case errors.Is(err, domain.ErrReplay): // another use of the key moved its counter first
		return nil, s.Throttle.ReservedFailure(ctx, u, event, 0, shared.ReasonClonedKey, webauthn.ErrClonedKey)
	case errors.Is(err, domain.ErrLocked):
		return nil, s.History.Fail(ctx, event, shared.ReasonLockedOut, throttle.LockedOut(s.Now().Add(throttle.LockMin), s.Now()))
	}
	return res, err
}

// verifyPasskey verifies p and returns its owner, once its challenge is
// spent. Anyone may send an answer for a credential id (they are not
// secret): one that does not verify counts toward the sender's network, and
// shows in the owner's history, but does not count toward the owner's code
// lockout, or a stranger could lock them out.
func (s *Service) verifyPasskey(ctx context.Context, w *gowebauthn.WebAuthn, p *webauthn.Passkey, event *domain.LoginEvent, unknown func(*factor.Refusal) error) (*domain.User, error) {
	wrong := &factor.Refusal{Reason: shared.ReasonWrongKey, Answer: webauthn.ErrWrongKey}
	u, verified, err := s.Passkeys.Verify(ctx, w, p)
	switch {
	case err != nil:
		return nil, err
	case !verified && (u == nil || !u.Account.PasskeysAllowed):
		// With passkey sign-in off the key is no way in: an answer that
		// does not verify is a stranger's, told and counted as one for a
		// key nobody registered, so it says nothing of whose id it named,
		// and it is no part of the owner's history.
		return nil, unknown(wrong)
	}
	event.UserID, event.AccountID, event.Username = &u.ID, &u.AccountID, u.Username
	if !verified {
		return nil, unknown(wrong)
	}
	// It verified: its challenge is used up now, whatever follows.
	if refused, err := s.Passkeys.Spend(ctx, p); err != nil {
		return nil, err
	} else if refused != nil {
		return nil, unknown(refused)
	}
	return u, nil
}
