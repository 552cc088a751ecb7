package webauthn

import (
	"bytes"
	"context"
	"errors"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
	"github.com/warden-auth/warden/server/auth/factor"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// A passkey sign-in's ceremony is kept by the browser: its begin is open
// to anyone, so it stores nothing anyone could fill. The library's session
// data goes sealed with the server's keys into a cookie (the HTTP layer's),
// under passkeyCeremonyPurpose, with its end; the finish opens it on any
// server process, and once an answer to it verifies, spends its challenge
// in the database (Store.SpendChallenge), so that answer signs in once. The
// sign-in itself, its throttle and its history, is package login's.
var passkeyCeremonyPurpose = []byte("passkey-ceremony")

// spentMargin keeps a spent challenge past its ceremony's end, for server
// processes whose clocks run a little behind the one that spent it.
const spentMargin = time.Minute

// The answers a passkey sign-in gives.
var (
	// ErrWrongKey answers a key that is nobody's, or did not verify.
	ErrWrongKey = errWrongKey
	// ErrPasskeysOff answers a key that verified, of an account whose
	// passkey sign-in is off.
	ErrPasskeysOff = shared.Fail(shared.EForbidden, words.PasskeysOff)
	// ErrClonedKey answers a key whose counter went back.
	ErrClonedKey = errClonedKey
)

// PasskeyBegun is a begun passkey sign-in: the request options for the
// browser, and the ceremony sealed for its cookie, good until Expires.
type PasskeyBegun struct {
	Options  *protocol.CredentialAssertion
	Ceremony string
	Expires  time.Time
}

// BeginPasskey starts a sign-in with a passkey alone, with w
// (RelyingParty): request options without a user (the authenticator
// chooses a discoverable credential) and with user verification required,
// as the key is then both factors.
func (s *Factor) BeginPasskey(w *webauthn.WebAuthn, now time.Time) (*PasskeyBegun, error) {
	assertion, sd, err := w.BeginDiscoverableLogin(webauthn.WithUserVerification(protocol.VerificationRequired))
	if err != nil {
		return nil, err
	}
	expires := now.Add(ceremonyTTL)
	sealed, err := s.SealUntil(passkeyCeremonyPurpose, sd, expires)
	if err != nil {
		return nil, err
	}
	return &PasskeyBegun{Options: assertion, Ceremony: sealed, Expires: expires}, nil
}

// Passkey is a browser's answer to BeginPasskey, as far as it was read.
type Passkey struct {
	parsed  *protocol.ParsedCredentialAssertionData
	session *webauthn.SessionData
	expires time.Time
	owner   keyOwner
	cred    *webauthn.Credential
}

// ReadPasskey reads raw, the answer to the sealed ceremony. It refuses an
// answer that cannot be read, and one whose ceremony is none, expired, or
// not one this server's keys sealed.
func (s *Factor) ReadPasskey(raw []byte, ceremony string, now time.Time) (*Passkey, *factor.Refusal) {
	parsed, err := protocol.ParseCredentialRequestResponseBytes(raw)
	if err != nil {
		return nil, &factor.Refusal{Reason: shared.ReasonMalformedCode, Answer: errBadCredential}
	}
	sd := new(webauthn.SessionData)
	expires, ok := s.OpenUntil(passkeyCeremonyPurpose, ceremony, now, sd)
	if !ok {
		return nil, &factor.Refusal{Reason: shared.ReasonStaleKeyRequest, Answer: errStaleKeyRequest}
	}
	return &Passkey{parsed: parsed, session: sd, expires: expires}, nil
}

// Verify verifies p with w. owner is whoever registered the credential id
// it names, if the user handle the authenticator returned is theirs (nil:
// nobody); verified is whether the answer verified. err is the database's.
func (s *Factor) Verify(ctx context.Context, w *webauthn.WebAuthn, p *Passkey) (owner *domain.User, verified bool, err error) {
	var lookupErr error
	find := func(rawID, handle []byte) (webauthn.User, error) {
		k, err := s.Store.WebAuthnCredentialByCredentialID(ctx, rawID)
		if err != nil {
			lookupErr = err
			return nil, err
		}
		if !bytes.Equal(handle, userHandle(k.UserID)) {
			return nil, errWrongKey
		}
		u, err := s.Store.UserByID(ctx, k.UserID)
		if err != nil {
			lookupErr = err
			return nil, err
		}
		if p.owner, err = s.keyOwner(ctx, u); err != nil {
			lookupErr = err
			return nil, err
		}
		return p.owner, nil
	}
	_, cred, err := w.ValidatePasskeyLogin(find, *p.session, p.parsed)
	if lookupErr != nil && !errors.Is(lookupErr, domain.ErrNotFound) {
		return nil, false, lookupErr
	}
	p.cred = cred
	return p.owner.u, err == nil, nil
}

// Spend spends the challenge of a verified p, on every server process:
// whatever follows, the answer is used up (the ceremony is the browser's to
// resend). It refuses one spent already.
func (s *Factor) Spend(ctx context.Context, p *Passkey) (*factor.Refusal, error) {
	err := s.Store.SpendChallenge(ctx, p.session.Challenge, p.expires.Add(spentMargin))
	switch {
	case errors.Is(err, domain.ErrReplay):
		return &factor.Refusal{Reason: shared.ReasonStaleKeyRequest, Answer: errStaleKeyRequest}, nil
	case err != nil:
		return nil, err
	}
	return nil, nil
}

// Use is the counter a verified p moves, or its refusal (keyUse).
func (s *Factor) Use(p *Passkey) (*domain.SecurityKeyUse, *factor.Refusal) {
	return keyUse(p.owner, p.cred, p.parsed)
}
