// Package webauthn is security keys and passkeys as a second factor
// (WebAuthn, github.com/go-webauthn/webauthn). Each ceremony is begun and
// finished by two requests: begin keeps the challenge in the database (any
// server process may get the finish), and the finish takes it, so each
// challenge is accepted once. A registration, the second step and a proof
// are tied to the session that began them. A passkey sign-in has no
// session yet, and anyone may begin one, so its begin keeps nothing: the
// ceremony goes to the browser sealed (passkey.go), and the finish spends
// its challenge once an answer verifies. Keys are verified by the library;
// this package adds who may use which key, the sign counter (a counter that
// goes back means a copy of the key exists), and the same lockout as wrong
// codes.
package webauthn

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/auth/factor"
	"github.com/warden-auth/warden/server/auth/factor/recovery"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// Store is where the keys and the ceremonies are kept.
type Store interface {
	// SaveCeremony keeps a begun ceremony; TakeCeremony deletes what it
	// returns: a ceremony is taken once (else domain.ErrNotFound, also
	// when expired or of another kind or session; sessionID 0: one
	// without a session).
	SaveCeremony(ctx context.Context, c *domain.WebAuthnCeremony) error
	TakeCeremony(ctx context.Context, challenge, kind string, sessionID int64, now time.Time) (*domain.WebAuthnCeremony, error)
	// SpendChallenge returns domain.ErrReplay for a challenge spent already.
	SpendChallenge(ctx context.Context, challenge string, expires time.Time) error
	DeleteExpiredCeremonies(ctx context.Context, now time.Time) (int64, error)
	WebAuthnCredentials(ctx context.Context, userID int64) ([]domain.WebAuthnCredential, error)
	WebAuthnCredentialByCredentialID(ctx context.Context, credentialID []byte) (*domain.WebAuthnCredential, error)
	// AddWebAuthnCredential counts the key in User.SecurityKeys and, when
	// it is the user's first factor (first), stores recoveryHashes and
	// ends every other session; domain.ErrConflict for a credential id
	// registered already.
	AddWebAuthnCredential(ctx context.Context, c *domain.WebAuthnCredential, recoveryHashes []string, keepSession int64, audit *domain.AuditEvent, firstNotice *domain.Notice) (first bool, err error)
	RenameWebAuthnCredential(ctx context.Context, userID, id int64, name string) (*domain.WebAuthnCredential, error)
	// RemoveWebAuthnCredential returns domain.ErrConflict instead of
	// removing the user's last factor, domain.ErrNotFound for a key of
	// nobody or someone else.
	RemoveWebAuthnCredential(ctx context.Context, userID, id int64, now time.Time, audit *domain.AuditEvent) error
	UserByID(ctx context.Context, id int64) (*domain.User, error)
	WipeWebAuthnCredentials(ctx context.Context, userID int64) error
}

// Factor is the security keys and passkeys.
type Factor struct{ recovery.First[Store] }

// New returns the keys kept in st.
func New(b factor.Base, st Store, r *recovery.Factor) *Factor {
	return &Factor{recovery.NewFirst(b, st, r)}
}

// Ceremony kinds.
const (
	ceremonyRegister   = "register"
	ceremonySecondStep = "second_step"
	ceremonyProof      = "proof" // a signed-in user proving it is them (re-authentication, Regenerate)
)

const (
	// ceremonyTTL is how long a begun ceremony can be finished: long
	// enough to find a key and touch it.
	ceremonyTTL = 5 * time.Minute
	// maxSecurityKeys bounds a user's keys (and so the size of every
	// request options list).
	maxSecurityKeys = 20
)

var (
	errBadCredential   = shared.Fail(shared.EInvalid, words.KeyAnswerUnreadable).WithField("credential", words.TouchKeyAgain)
	errStaleKeyRequest = shared.Fail(shared.EWrongCode, words.KeyRequestStale)
	errWrongKey        = shared.Fail(shared.EWrongCode, words.KeyNotAccepted)
	errClonedKey       = shared.Fail(shared.EWrongCode, words.KeyCloned)
	errKeyTaken        = shared.Fail(shared.EConflict, words.KeyAlreadyAdded)
	errTooManyKeys     = shared.Fail(shared.EConflict, words.TooManyKeys(maxSecurityKeys))
	errNoKeys          = shared.Fail(shared.EConflict, words.NoSecurityKey)
	errNoSuchMethod    = shared.Fail(shared.ENotFound, words.NoSuchFactor)
	errKeyNotCreated   = shared.Fail(shared.EWrongCode, words.KeyNotVerified)
)

// errNoDomain refuses a ceremony at an IP address: a relying party id is a
// domain, and browsers refuse a page whose host is an address as one
// (WebAuthn: its effective domain must be a valid domain).
var errNoDomain = shared.Fail(shared.ENoWebAuthn, words.WebAuthnAtAddress)

// RelyingParty is the library configured for rp, or errNoDomain. Each
// ceremony asks for it first, before it counts or keeps anything.
func (s *Factor) RelyingParty(rp factor.RP) (*webauthn.WebAuthn, error) {
	if shared.IsAddressHost(rp.ID) {
		return nil, errNoDomain
	}
	return webauthn.New(&webauthn.Config{RPID: rp.ID, RPDisplayName: s.Issuer, RPOrigins: []string{rp.Origin}})
}

// userHandle is the WebAuthn user id of a user: the row id, which says
// nothing about the person (the spec forbids names and e-mail addresses).
func userHandle(userID int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(userID)) }

// keyOwner is a user as the library sees them.
type keyOwner struct {
	u     *domain.User
	creds []domain.WebAuthnCredential
}

func (k keyOwner) WebAuthnID() []byte { return userHandle(k.u.ID) }

func (k keyOwner) WebAuthnName() string { return k.u.Username }

func (k keyOwner) WebAuthnDisplayName() string { return k.u.Username }

func (k keyOwner) WebAuthnCredentials() []webauthn.Credential {
	out := make([]webauthn.Credential, len(k.creds))
	for i, c := range k.creds {
		var transports []protocol.AuthenticatorTransport
		for t := range strings.SplitSeq(c.Transports, ",") {
			if t != "" {
				transports = append(transports, protocol.AuthenticatorTransport(t))
			}
		}
		out[i] = webauthn.Credential{ID: c.CredentialID, PublicKey: c.PublicKey, AttestationFormat: c.AttestationFormat,
			Transport: transports, Flags: webauthn.NewCredentialFlags(protocol.AuthenticatorFlags(c.Flags)),
			Authenticator: webauthn.Authenticator{AAGUID: c.AAGUID, SignCount: c.SignCount}}
	}
	return out
}

// stored returns the stored credential with the library's credential id.
func (k keyOwner) stored(id []byte) *domain.WebAuthnCredential {
	for i := range k.creds {
		if bytes.Equal(k.creds[i].CredentialID, id) {
			return &k.creds[i]
		}
	}
	return nil
}

func (s *Factor) keyOwner(ctx context.Context, u *domain.User) (keyOwner, error) {
	creds, err := s.Store.WebAuthnCredentials(ctx, u.ID)
	return keyOwner{u: u, creds: creds}, err
}

// saveCeremony keeps what the finish of a ceremony needs.
func (s *Factor) saveCeremony(ctx context.Context, kind string, sess *domain.Session, name string, sd *webauthn.SessionData) error {
	data, err := json.Marshal(sd)
	if err != nil {
		return err
	}
	c := &domain.WebAuthnCeremony{Challenge: sd.Challenge, Kind: kind, Name: name, Data: data, ExpiresAt: s.Now().Add(ceremonyTTL)}
	if sess != nil {
		c.SessionID, c.UserID = &sess.ID, &sess.UserID
	}
	return s.Store.SaveCeremony(ctx, c)
}

// takeCeremony takes the ceremony whose challenge the browser signed, if it
// is of kind and of sess (nil: none). Returns errStaleKeyRequest when there
// is none: expired, finished already, or another session's.
func (s *Factor) takeCeremony(ctx context.Context, kind string, sess *domain.Session, challenge string) (*domain.WebAuthnCeremony, *webauthn.SessionData, error) {
	var sessionID int64
	if sess != nil {
		sessionID = sess.ID
	}
	c, err := s.Store.TakeCeremony(ctx, challenge, kind, sessionID, s.Now())
	if errors.Is(err, domain.ErrNotFound) {
		return nil, nil, errStaleKeyRequest
	} else if err != nil {
		return nil, nil, err
	}
	sd := new(webauthn.SessionData)
	if err := json.Unmarshal(c.Data, sd); err != nil {
		return nil, nil, err
	}
	return c, sd, nil
}

// BeginAddKey starts adding a security key named name: the creation options
// for navigator.credentials.create. The user's keys are excluded, so the
// same key is not added twice; a discoverable credential is preferred, so
// the key can also be a passkey.
func (s *Factor) BeginAddKey(ctx context.Context, sess *domain.Session, rp factor.RP, name string) (*protocol.CredentialCreation, error) {
	if msg := shared.ValidateKeyName(name); !msg.IsZero() {
		return nil, shared.Invalid("name", msg)
	}
	owner, err := s.keyOwner(ctx, sess.User)
	if err != nil {
		return nil, err
	}
	if len(owner.creds) >= maxSecurityKeys {
		return nil, errTooManyKeys
	}
	w, err := s.RelyingParty(rp)
	if err != nil {
		return nil, err
	}
	creation, sd, err := w.BeginRegistration(owner,
		webauthn.WithExclusions(webauthn.Credentials(owner.WebAuthnCredentials()).CredentialDescriptors()),
		webauthn.WithAuthenticatorSelection(protocol.AuthenticatorSelection{
			ResidentKey: protocol.ResidentKeyRequirementPreferred, UserVerification: protocol.VerificationPreferred}),
		webauthn.WithConveyancePreference(protocol.PreferNoAttestation),
		webauthn.WithExtensions(webauthn.WithExtensionCredProps()))
	if err != nil {
		return nil, err
	}
	if err := s.saveCeremony(ctx, ceremonyRegister, sess, strings.TrimSpace(name), sd); err != nil {
		return nil, err
	}
	return creation, nil
}

func KeyMethod(k domain.WebAuthnCredential) shared.SecondFactor {
	return shared.SecondFactor{ID: "key-" + strconv.FormatInt(k.ID, 10), Kind: shared.FactorSecurityKey, Name: k.Name,
		AddedAt: core.RFC3339(&k.AddedAt), LastUsedAt: core.RFC3339(k.LastUsedAt), Passkey: k.Discoverable}
}

// keyID parses a security key's method id ("key-12").
func keyID(id string) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimPrefix(id, "key-"), 10, 64)
	return n, err == nil && strings.HasPrefix(id, "key-") && n > 0
}

// BeginKeyLogin is the second login step with a security key: the request
// options listing the user's keys.
func (s *Factor) BeginKeyLogin(ctx context.Context, sess *domain.Session, rp factor.RP) (*protocol.CredentialAssertion, error) {
	return s.beginKeyAssertion(ctx, sess, rp, ceremonySecondStep)
}

// BeginKeyProof lets a signed-in user prove it is them with one of their
// keys: the request options whose answer POST /api/me/reauth and POST
// /api/2fa/recovery-codes take. Its challenge is this session's, once.
func (s *Factor) BeginKeyProof(ctx context.Context, sess *domain.Session, rp factor.RP) (*protocol.CredentialAssertion, error) {
	return s.beginKeyAssertion(ctx, sess, rp, ceremonyProof)
}

func (s *Factor) beginKeyAssertion(ctx context.Context, sess *domain.Session, rp factor.RP, kind string) (*protocol.CredentialAssertion, error) {
	owner, err := s.keyOwner(ctx, sess.User)
	if err != nil {
		return nil, err
	}
	if len(owner.creds) == 0 {
		return nil, errNoKeys
	}
	w, err := s.RelyingParty(rp)
	if err != nil {
		return nil, err
	}
	assertion, sd, err := w.BeginLogin(owner, webauthn.WithUserVerification(protocol.VerificationDiscouraged))
	if err != nil {
		return nil, err
	}
	if err := s.saveCeremony(ctx, kind, sess, "", sd); err != nil {
		return nil, err
	}
	return assertion, nil
}

// Kind names the keys.
func (s *Factor) Kind() string { return shared.FactorSecurityKey }

// Enrolled reports whether u has a key.
func (s *Factor) Enrolled(u *domain.User) bool { return u.SecurityKeys > 0 }

// List is u's keys, oldest first.
func (s *Factor) List(ctx context.Context, u *domain.User) ([]shared.SecondFactor, error) {
	creds, err := s.Store.WebAuthnCredentials(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	out := make([]shared.SecondFactor, len(creds))
	for i, c := range creds {
		out[i] = KeyMethod(c)
	}
	return out, nil
}

// Owns reports whether id names a key ("key-12"); whether it is u's, the
// store says (scoped to the user in SQL).
func (s *Factor) Owns(_ *domain.User, id string) bool {
	_, ok := keyID(id)
	return ok
}

// Rename renames one of the user's keys.
func (s *Factor) Rename(ctx context.Context, u *domain.User, id, name string) (shared.SecondFactor, error) {
	n, ok := keyID(id)
	if !ok {
		return shared.SecondFactor{}, errNoSuchMethod
	}
	if msg := shared.ValidateKeyName(name); !msg.IsZero() {
		return shared.SecondFactor{}, shared.Invalid("name", msg)
	}
	k, err := s.Store.RenameWebAuthnCredential(ctx, u.ID, n, strings.TrimSpace(name))
	if errors.Is(err, domain.ErrNotFound) {
		return shared.SecondFactor{}, errNoSuchMethod
	} else if err != nil {
		return shared.SecondFactor{}, err
	}
	return KeyMethod(*k), nil
}

// Remove removes one of the user's keys, unless it is their last factor.
func (s *Factor) Remove(ctx context.Context, u *domain.User, id string, c core.Client) error {
	n, _ := keyID(id)
	return s.Store.RemoveWebAuthnCredential(ctx, u.ID, n, s.Now(), s.History.Audit(u.AccountID, u, shared.AuditKeyRemoved, u, c, id))
}

// Wipe removes every key of the user.
func (s *Factor) Wipe(ctx context.Context, userID int64, _ time.Time) error {
	return s.Store.WipeWebAuthnCredentials(ctx, userID)
}

// Enrol verifies the browser's answer to BeginAddKey and stores the key.
// The first factor of a user brings the recovery codes and ends every
// other session, as connecting the app does.
func (s *Factor) Enrol(ctx context.Context, sess *domain.Session, in factor.Input, c core.Client) (*factor.Enrolled, error) {
	c = c.Clip()
	u := sess.User
	w, err := s.RelyingParty(in.RP)
	if err != nil {
		return nil, err
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(in.Credential)
	if err != nil {
		return nil, errBadCredential
	}
	ceremony, sd, err := s.takeCeremony(ctx, ceremonyRegister, sess, parsed.Response.CollectedClientData.Challenge)
	if err != nil {
		return nil, err
	}
	owner, err := s.keyOwner(ctx, u)
	if err != nil {
		return nil, err
	}
	cred, err := w.CreateCredential(owner, *sd, parsed)
	if err != nil {
		s.Log.Info("a security key's registration did not verify", "user_id", u.ID, "err", err)
		return nil, errKeyNotCreated
	}
	key := s.newKey(u, ceremony.Name, cred)
	var codes, hashes []string
	if !u.TwoFactorEnabled() {
		if codes, hashes, err = s.Recovery.NewCodes(); err != nil {
			return nil, err
		}
	}
	// The first factor switches 2FA on and is told as the app's connection
	// is; a further key is news of its own (a stolen session could add one).
	first, err := s.Store.AddWebAuthnCredential(ctx, key, hashes, sess.ID,
		s.Notices.WithNotice(s.History.Audit(u.AccountID, u, shared.AuditKeyAdded, u, c, key.Name), u, shared.NoticeSecurityKeyAdded, c, key.Name),
		s.Notices.Notice(u, shared.NoticeTwoFactorConnected, c, ""))
	if errors.Is(err, domain.ErrConflict) {
		return nil, errKeyTaken
	} else if err != nil {
		return nil, err
	}
	m := KeyMethod(*key)
	done := &factor.Enrolled{Method: &m}
	if first {
		done.RecoveryCodes = codes
	}
	return done, nil
}

// newKey is the row of a credential the library created for u.
func (s *Factor) newKey(u *domain.User, name string, cred *webauthn.Credential) *domain.WebAuthnCredential {
	transports := make([]string, len(cred.Transport))
	for i, t := range cred.Transport {
		transports[i] = core.Clip(string(t), 32)
	}
	return &domain.WebAuthnCredential{UserID: u.ID, Name: name, CredentialID: cred.ID, PublicKey: cred.PublicKey,
		SignCount: cred.Authenticator.SignCount, Transports: core.Clip(strings.Join(transports, ","), core.MaxStoredField),
		Flags: uint8(cred.Flags.ProtocolValue()), AAGUID: cred.Authenticator.AAGUID, AttestationFormat: cred.AttestationFormat,
		Discoverable: cred.Extensions.RK != nil && *cred.Extensions.RK, AddedAt: s.Now()}
}

// Prove verifies a key's answer: at the login's second step to
// BeginKeyLogin, for a signed-in user to BeginKeyProof; one of the user's
// keys, for this session's challenge, with a counter that moved. The proof
// moves the counter in the write that uses it. A wrong, replayed or cloned
// key counts toward the same lockout as wrong codes.
func (s *Factor) Prove(ctx context.Context, a *factor.Attempt) (*factor.Proof, error) {
	u := a.Session.User
	now := s.Now()
	if u.SecurityKeys == 0 {
		return nil, errNoKeys
	}
	w, err := s.RelyingParty(a.Input.RP)
	if err != nil {
		return nil, err
	}
	if u.CodesLocked(now) {
		return nil, a.Refusals.Locked(ctx, u)
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(a.Input.Credential)
	if err != nil {
		return nil, a.Refusals.Refuse(ctx, shared.ReasonMalformedCode, errBadCredential)
	}
	// Counted before it is checked, as a code is (throttle.ReserveCode).
	reserved, err := s.Throttle.ReserveCode(ctx, u, now)
	if err != nil {
		return nil, a.Refusals.Reservation(ctx, err)
	}
	kind := ceremonyProof
	if a.AtLogin {
		kind = ceremonySecondStep
	}
	_, sd, err := s.takeCeremony(ctx, kind, a.Session, parsed.Response.CollectedClientData.Challenge)
	if errors.Is(err, errStaleKeyRequest) {
		return nil, a.Refusals.Count(ctx, shared.ReasonStaleKeyRequest, errStaleKeyRequest, reserved)
	} else if err != nil {
		return nil, err
	}
	owner, err := s.keyOwner(ctx, u)
	if err != nil {
		return nil, err
	}
	cred, err := w.ValidateLogin(owner, *sd, parsed)
	if err != nil {
		return nil, a.Refusals.Count(ctx, shared.ReasonWrongKey, errWrongKey, reserved)
	}
	use, refused := keyUse(owner, cred, parsed)
	if refused != nil {
		return nil, a.Refusals.Count(ctx, refused.Reason, refused.Answer, reserved)
	}
	return &factor.Proof{Use: domain.Proof{SecurityKey: use}, Reserved: reserved,
		ReplayReason: shared.ReasonClonedKey, ReplayAnswer: errClonedKey}, nil
}

// keyUse checks the sign counter of a verified assertion: one that did not
// move forward (a counter of zero is a key without one) means another copy
// of the key signed since, and is refused.
func keyUse(owner keyOwner, cred *webauthn.Credential, parsed *protocol.ParsedCredentialAssertionData) (*domain.SecurityKeyUse, *factor.Refusal) {
	stored := owner.stored(cred.ID)
	switch {
	case stored == nil: // the library found it among the owner's credentials
		return nil, &factor.Refusal{Reason: shared.ReasonWrongKey, Answer: errWrongKey}
	case cred.Authenticator.CloneWarning:
		return nil, &factor.Refusal{Reason: shared.ReasonClonedKey, Answer: errClonedKey}
	}
	return &domain.SecurityKeyUse{ID: stored.ID, Old: stored.SignCount, New: cred.Authenticator.SignCount,
		Flags: uint8(parsed.Response.AuthenticatorData.Flags)}, nil
}

// Sweep deletes the ceremonies nobody finished and the spent challenges.
func (s *Factor) Sweep(ctx context.Context) (int64, error) {
	return s.Store.DeleteExpiredCeremonies(ctx, s.Now())
}
