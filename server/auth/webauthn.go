package auth

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
	"github.com/warden-auth/warden/server/auth/history"
	"github.com/warden-auth/warden/server/auth/passwords"
	"github.com/warden-auth/warden/server/auth/stage"
	"github.com/warden-auth/warden/server/auth/throttle"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
)

// Security keys and passkeys (WebAuthn, github.com/go-webauthn/webauthn).
// Each ceremony is begun and finished by two requests: begin keeps the
// challenge in the database (any server process may get the finish), and
// the finish takes it, so each challenge is accepted once. A registration
// and the second step are tied to the session that began them. A passkey
// sign-in has no session yet, and anyone may begin one, so its begin keeps
// nothing: the ceremony goes to the browser sealed (sealedCeremony), and
// the finish spends its challenge once an answer verifies. Keys are
// verified by the library; this file adds who may use which key, the sign
// counter (a counter that goes back means a copy of the key exists), and the
// same lockout as wrong codes.

// RP is the relying party a ceremony runs for: the host users reach the
// server at (PUBLIC_URL, else the request's), as the browser sees it.
type RP struct {
	ID     string // the host, without scheme or port
	Origin string // scheme://host[:port]
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
	errBadCredential = &shared.Error{Code: shared.EInvalid, Message: "The security key's answer could not be read. Try again.",
		Fields: map[string]string{"credential": "Touch your security key again."}}
	errStaleKeyRequest = shared.Errorf(shared.EWrongCode, "That security key request expired or was already used. Try again.")
	errWrongKey        = shared.Errorf(shared.EWrongCode, "That security key was not accepted. Use a key you added to your account.")
	errClonedKey       = shared.Errorf(shared.EWrongCode, "That security key was refused: its counter went back, so a copy of it may exist. "+
		"Use another factor and remove this key.")
	errKeyTaken      = shared.Errorf(shared.EConflict, "That security key is already added.")
	errTooManyKeys   = shared.Errorf(shared.EConflict, "You have %d security keys, the most an account can have. Remove one first.", maxSecurityKeys)
	errNoKeys        = shared.Errorf(shared.EConflict, "You have no security key. Use a code from your authenticator app.")
	errNoSuchMethod  = shared.Errorf(shared.ENotFound, "You have no such second factor.")
	errAppName       = shared.Errorf(shared.EInvalid, "The authenticator app keeps its name.")
	errPasskeysOff   = shared.Errorf(shared.EForbidden, "Passkey sign-in is switched off for your account. Sign in with your password.")
	errKeyNotCreated = shared.Errorf(shared.EWrongCode, "The security key could not be added: its answer did not verify. Try again.")
)

// errNoDomain refuses a ceremony at an IP address: a relying party id is a
// domain, and browsers refuse a page whose host is an address as one
// (WebAuthn: its effective domain must be a valid domain).
var errNoDomain = shared.Errorf(shared.ENoWebAuthn, "%s", shared.MsgWebAuthnAtAddress)

// relyingParty is the library configured for rp, or errNoDomain. Each
// ceremony asks for it first, before it counts or keeps anything.
func (s *Service) relyingParty(rp RP) (*webauthn.WebAuthn, error) {
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

func (k keyOwner) WebAuthnID() []byte          { return userHandle(k.u.ID) }
func (k keyOwner) WebAuthnName() string        { return k.u.Username }
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

func (s *Service) keyOwner(ctx context.Context, u *domain.User) (keyOwner, error) {
	creds, err := s.Store.WebAuthnCredentials(ctx, u.ID)
	return keyOwner{u: u, creds: creds}, err
}

// saveCeremony keeps what the finish of a ceremony needs.
func (s *Service) saveCeremony(ctx context.Context, kind string, sess *domain.Session, name string, sd *webauthn.SessionData) error {
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
func (s *Service) takeCeremony(ctx context.Context, kind string, sess *domain.Session, challenge string) (*domain.WebAuthnCeremony, *webauthn.SessionData, error) {
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
func (s *Service) BeginAddKey(ctx context.Context, sess *domain.Session, rp RP, name string) (*protocol.CredentialCreation, error) {
	if msg := shared.ValidateKeyName(name); msg != "" {
		return nil, &shared.Error{Code: shared.EInvalid, Message: msg, Fields: map[string]string{"name": msg}}
	}
	owner, err := s.keyOwner(ctx, sess.User)
	if err != nil {
		return nil, err
	}
	if len(owner.creds) >= maxSecurityKeys {
		return nil, errTooManyKeys
	}
	w, err := s.relyingParty(rp)
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

// KeyAdded is the outcome of FinishAddKey.
type KeyAdded struct {
	Method        shared.SecondFactor
	RecoveryCodes []string     // when it is the user's first factor
	Session       *LoginResult // for a session that was enrolling: its full replacement
}

// FinishAddKey verifies the browser's answer to BeginAddKey and stores the
// key. The first factor of a user brings the recovery codes; a session that
// was enrolling becomes a full one.
func (s *Service) FinishAddKey(ctx context.Context, sess *domain.Session, current string, rp RP, raw []byte, c core.Client) (*KeyAdded, error) {
	c = c.Clip()
	u := sess.User
	w, err := s.relyingParty(rp)
	if err != nil {
		return nil, err
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(raw)
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
	transports := make([]string, len(cred.Transport))
	for i, t := range cred.Transport {
		transports[i] = core.Clip(string(t), 32)
	}
	now := s.Now()
	key := &domain.WebAuthnCredential{UserID: u.ID, Name: ceremony.Name, CredentialID: cred.ID, PublicKey: cred.PublicKey,
		SignCount: cred.Authenticator.SignCount, Transports: core.Clip(strings.Join(transports, ","), core.MaxStoredField),
		Flags: uint8(cred.Flags.ProtocolValue()), AAGUID: cred.Authenticator.AAGUID, AttestationFormat: cred.AttestationFormat,
		Discoverable: cred.Extensions.RK != nil && *cred.Extensions.RK, AddedAt: now}
	var codes, hashes []string
	if !u.TwoFactorEnabled() {
		if codes, hashes, err = s.newRecoveryCodes(); err != nil {
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
	done := &KeyAdded{Method: keyMethod(*key)}
	if first {
		done.RecoveryCodes = codes
	}
	if done.Session, err = s.completeStep(ctx, sess, current, stage.EnrollmentDone, u, shared.MethodSecurityKey, c, false, nil); err != nil {
		return nil, err
	}
	return done, nil
}

// SecondStep is what the password step answered a user whose second factor
// is due, again: a page reloaded at the second step knows from it which
// factors to offer (a key first).
func (s *Service) SecondStep(u *domain.User) shared.LoginResponse {
	res := shared.LoginResponse{Next: shared.NextTOTP, Methods: factorKinds(u)}
	if u.Account != nil {
		res.RememberBrowserDays = u.Account.RememberBrowserDays
	}
	return res
}

// factorKinds lists the kinds of second factor u has.
func factorKinds(u *domain.User) []string {
	var kinds []string
	if u.TOTPConnected() {
		kinds = append(kinds, shared.FactorTOTP)
	}
	if u.SecurityKeys > 0 {
		kinds = append(kinds, shared.FactorSecurityKey)
	}
	return kinds
}

func keyMethod(k domain.WebAuthnCredential) shared.SecondFactor {
	return shared.SecondFactor{ID: "key-" + strconv.FormatInt(k.ID, 10), Kind: shared.FactorSecurityKey, Name: k.Name,
		AddedAt: core.RFC3339(&k.AddedAt), LastUsedAt: core.RFC3339(k.LastUsedAt), Passkey: k.Discoverable}
}

// Methods lists the user's second factors: the authenticator app, if
// connected, then the security keys, oldest first.
func (s *Service) Methods(ctx context.Context, u *domain.User) ([]shared.SecondFactor, error) {
	out := []shared.SecondFactor{}
	if u.TOTPConnected() {
		out = append(out, shared.SecondFactor{ID: shared.TOTPMethodID, Kind: shared.FactorTOTP, Name: "Authenticator app",
			AddedAt: core.RFC3339(u.TOTPEnabledAt), LastUsedAt: core.RFC3339(u.TOTPLastUsedAt)})
	}
	creds, err := s.Store.WebAuthnCredentials(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	for _, c := range creds {
		out = append(out, keyMethod(c))
	}
	return out, nil
}

// keyID parses a security key's method id ("key-12").
func keyID(id string) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimPrefix(id, "key-"), 10, 64)
	return n, err == nil && strings.HasPrefix(id, "key-") && n > 0
}

// RenameMethod renames one of the user's security keys.
func (s *Service) RenameMethod(ctx context.Context, u *domain.User, id, name string) (shared.SecondFactor, error) {
	if id == shared.TOTPMethodID && u.TOTPConnected() {
		return shared.SecondFactor{}, errAppName
	}
	n, ok := keyID(id)
	if !ok {
		return shared.SecondFactor{}, errNoSuchMethod
	}
	if msg := shared.ValidateKeyName(name); msg != "" {
		return shared.SecondFactor{}, &shared.Error{Code: shared.EInvalid, Message: msg, Fields: map[string]string{"name": msg}}
	}
	k, err := s.Store.RenameWebAuthnCredential(ctx, u.ID, n, strings.TrimSpace(name))
	if errors.Is(err, domain.ErrNotFound) {
		return shared.SecondFactor{}, errNoSuchMethod
	} else if err != nil {
		return shared.SecondFactor{}, err
	}
	return keyMethod(*k), nil
}

// RemoveMethod removes one of the user's second factors. Removing the last
// one is switching 2FA off, under the same rules as Disconnect (the
// password, the warning where the account forces 2FA, then the logout
// everywhere); password is needed for that one only.
func (s *Service) RemoveMethod(ctx context.Context, sess *domain.Session, id, password string, confirm bool, c core.Client) (loggedOut bool, err error) {
	c = c.Clip()
	u := sess.User
	now := s.Now()
	switch n, isKey := keyID(id); {
	case id == shared.TOTPMethodID && u.TOTPConnected():
		err = s.Store.RemoveTOTPOnly(ctx, u.ID, now, s.History.Audit(u.AccountID, u, shared.AuditAppRemoved, u, c, ""))
	case isKey:
		err = s.Store.RemoveWebAuthnCredential(ctx, u.ID, n, now, s.History.Audit(u.AccountID, u, shared.AuditKeyRemoved, u, c, id))
	default:
		return false, errNoSuchMethod
	}
	switch {
	case errors.Is(err, domain.ErrConflict): // the last factor
		if password == "" {
			return false, errLastFactorPassword
		}
		if err := s.switchOffProof(ctx, u, password, c); err != nil {
			return false, err
		}
		return s.switchOff(ctx, u, confirm, c)
	case errors.Is(err, domain.ErrNotFound):
		return false, errNoSuchMethod
	}
	return false, err
}

// BeginKeyLogin is the second login step with a security key: the request
// options listing the user's keys.
func (s *Service) BeginKeyLogin(ctx context.Context, sess *domain.Session, rp RP) (*protocol.CredentialAssertion, error) {
	return s.beginKeyAssertion(ctx, sess, rp, ceremonySecondStep)
}

// BeginKeyProof lets a signed-in user prove it is them with one of their
// keys: the request options whose answer POST /api/me/reauth and POST
// /api/2fa/recovery-codes take. Its challenge is this session's, once.
func (s *Service) BeginKeyProof(ctx context.Context, sess *domain.Session, rp RP) (*protocol.CredentialAssertion, error) {
	return s.beginKeyAssertion(ctx, sess, rp, ceremonyProof)
}

func (s *Service) beginKeyAssertion(ctx context.Context, sess *domain.Session, rp RP, kind string) (*protocol.CredentialAssertion, error) {
	owner, err := s.keyOwner(ctx, sess.User)
	if err != nil {
		return nil, err
	}
	if len(owner.creds) == 0 {
		return nil, errNoKeys
	}
	w, err := s.relyingParty(rp)
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

// keyProof verifies the answer to BeginKeyProof: one of the user's keys,
// for this session's challenge, with a counter that moved. The returned
// proof is used up by the store with the action it allows. Failures are
// passed to refused (which audits them) and count toward the same lockout
// as wrong codes.
func (s *Service) keyProof(ctx context.Context, sess *domain.Session, rp RP, raw []byte, c core.Client, refused func(reason string) error) (proof domain.Proof, reserved int, err error) {
	u := sess.User
	now := s.Now()
	fail := func(reason string, answer *shared.Error) (domain.Proof, int, error) {
		if err := refused(reason); err != nil {
			return domain.Proof{}, 0, err
		}
		return domain.Proof{}, 0, s.Throttle.CountFailure(ctx, u, c, reserved, answer)
	}
	if u.SecurityKeys == 0 {
		return domain.Proof{}, 0, errNoKeys
	}
	if u.CodesLocked(now) {
		return domain.Proof{}, 0, throttle.LockedOut(*u.LockedUntil, now)
	}
	w, err := s.relyingParty(rp)
	if err != nil {
		return domain.Proof{}, 0, err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(raw)
	if err != nil {
		if err := refused(shared.ReasonMalformedCode); err != nil {
			return domain.Proof{}, 0, err
		}
		return domain.Proof{}, 0, errBadCredential
	}
	// Counted before it is checked, as a code is (throttle.ReserveCode).
	if reserved, err = s.Throttle.ReserveCode(ctx, u, now); err != nil {
		return domain.Proof{}, 0, err
	}
	_, sd, err := s.takeCeremony(ctx, ceremonyProof, sess, parsed.Response.CollectedClientData.Challenge)
	if errors.Is(err, errStaleKeyRequest) {
		return fail(shared.ReasonStaleKeyRequest, errStaleKeyRequest)
	} else if err != nil {
		return domain.Proof{}, 0, err
	}
	owner, err := s.keyOwner(ctx, u)
	if err != nil {
		return domain.Proof{}, 0, err
	}
	cred, err := w.ValidateLogin(owner, *sd, parsed)
	if err != nil {
		return fail(shared.ReasonWrongKey, errWrongKey)
	}
	stored := owner.stored(cred.ID)
	switch {
	case stored == nil:
		return fail(shared.ReasonWrongKey, errWrongKey)
	case cred.Authenticator.CloneWarning:
		return fail(shared.ReasonClonedKey, errClonedKey)
	}
	return domain.Proof{SecurityKey: &domain.SecurityKeyUse{ID: stored.ID, Old: stored.SignCount, New: cred.Authenticator.SignCount,
		Flags: uint8(parsed.Response.AuthenticatorData.Flags)}}, reserved, nil
}

// usedProof answers what the store said when it used up a proof: a key
// whose counter another request moved first is a copy, a TOTP step used
// already a replay; both count as wrong.
func (s *Service) usedProof(ctx context.Context, u *domain.User, proof domain.Proof, reserved int, c core.Client, err error, refused func(reason string) error) error {
	switch {
	case errors.Is(err, domain.ErrReplay):
		reason, answer := shared.ReasonReusedCode, errReusedCode
		if proof.SecurityKey != nil {
			reason, answer = shared.ReasonClonedKey, errClonedKey
		}
		if err := refused(reason); err != nil {
			return err
		}
		return s.Throttle.CountFailure(ctx, u, c, reserved, answer)
	case errors.Is(err, domain.ErrLocked):
		now := s.Now()
		return throttle.LockedOut(now.Add(throttle.LockMin), now)
	}
	return err
}

// FinishKeyLogin verifies the assertion for BeginKeyLogin and turns the
// session into a full one. A wrong, replayed or cloned key counts toward the
// same lockout as wrong codes; every attempt is a login event.
func (s *Service) FinishKeyLogin(ctx context.Context, sess *domain.Session, rp RP, raw []byte, c core.Client) (*LoginResult, error) {
	c = c.Clip()
	u := sess.User
	now := s.Now()
	event := history.LoginEvent(u.Username, u, shared.MethodSecurityKey, c, now)
	if u.SecurityKeys == 0 {
		return nil, errNoKeys
	}
	w, err := s.relyingParty(rp)
	if err != nil {
		return nil, err
	}
	if u.CodesLocked(now) {
		return nil, s.Throttle.CodesBlocked(ctx, u, event)
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(raw)
	if err != nil {
		return nil, s.History.Fail(ctx, event, shared.ReasonMalformedCode, errBadCredential)
	}
	// Counted before it is checked, as a code is (throttle.ReserveCode).
	reserved, err := s.Throttle.ReserveCode(ctx, u, now)
	if err != nil {
		return nil, s.Throttle.FailReservation(ctx, event, err)
	}
	_, sd, err := s.takeCeremony(ctx, ceremonySecondStep, sess, parsed.Response.CollectedClientData.Challenge)
	if errors.Is(err, errStaleKeyRequest) {
		return nil, s.Throttle.ReservedFailure(ctx, u, event, reserved, shared.ReasonStaleKeyRequest, errStaleKeyRequest)
	} else if err != nil {
		return nil, err
	}
	owner, err := s.keyOwner(ctx, u)
	if err != nil {
		return nil, err
	}
	cred, err := w.ValidateLogin(owner, *sd, parsed)
	if err != nil {
		return nil, s.Throttle.ReservedFailure(ctx, u, event, reserved, shared.ReasonWrongKey, errWrongKey)
	}
	use, err := s.keyUse(ctx, u, event, reserved, owner, cred, parsed)
	if err != nil {
		return nil, err
	}
	return s.finishKeyStep(ctx, sess, stage.FactorProven, u, event, reserved, shared.MethodSecurityKey, c, use)
}

// keyUse checks the sign counter of a verified assertion: one that did not
// move forward (a counter of zero is a key without one) means another copy
// of the key signed since, and is refused.
func (s *Service) keyUse(ctx context.Context, u *domain.User, event *domain.LoginEvent, reserved int, owner keyOwner, cred *webauthn.Credential, parsed *protocol.ParsedCredentialAssertionData) (*domain.SecurityKeyUse, error) {
	stored := owner.stored(cred.ID)
	if stored == nil { // the library found it among the owner's credentials
		return nil, s.Throttle.ReservedFailure(ctx, u, event, reserved, shared.ReasonWrongKey, errWrongKey)
	}
	if cred.Authenticator.CloneWarning {
		return nil, s.Throttle.ReservedFailure(ctx, u, event, reserved, shared.ReasonClonedKey, errClonedKey)
	}
	return &domain.SecurityKeyUse{ID: stored.ID, Old: stored.SignCount, New: cred.Authenticator.SignCount,
		Flags: uint8(parsed.Response.AuthenticatorData.Flags)}, nil
}

// finishKeyStep writes the full session of a verified key, moving its
// counter in the same transaction.
func (s *Service) finishKeyStep(ctx context.Context, sess *domain.Session, ev stage.Event, u *domain.User, event *domain.LoginEvent, reserved int, method string, c core.Client, use *domain.SecurityKeyUse) (*LoginResult, error) {
	res, err := s.completeStep(ctx, sess, sess.Stage, ev, u, method, c, false, func(ls *domain.LoginStep) { ls.SecurityKey = use })
	switch {
	case errors.Is(err, domain.ErrReplay): // another use of the key moved its counter first
		return nil, s.Throttle.ReservedFailure(ctx, u, event, reserved, shared.ReasonClonedKey, errClonedKey)
	case errors.Is(err, domain.ErrLocked):
		return nil, s.History.Fail(ctx, event, shared.ReasonLockedOut, throttle.LockedOut(s.Now().Add(throttle.LockMin), s.Now()))
	}
	return res, err
}

// A passkey sign-in's ceremony is kept by the browser: its begin is open
// to anyone, so it stores nothing anyone could fill. The library's session
// data goes sealed with the server's keys into a cookie (the HTTP layer's),
// under sealedCeremony's purpose, with its end; the finish opens it on any
// server process, and once an answer to it verifies, spends its challenge
// in the database (Store.SpendChallenge), so that answer signs in once.
var passkeyCeremonyPurpose = []byte("passkey-ceremony")

// spentMargin keeps a spent challenge past its ceremony's end, for server
// processes whose clocks run a little behind the one that spent it.
const spentMargin = time.Minute

// PasskeyBegun is a begun passkey sign-in: the request options for the
// browser, and the ceremony sealed for its cookie, good until Expires.
type PasskeyBegun struct {
	Options  *protocol.CredentialAssertion
	Ceremony string
	Expires  time.Time
}

// BeginPasskeyLogin starts a sign-in with a passkey alone: request options
// without a user (the authenticator chooses a discoverable credential) and
// with user verification required, as the key is then both factors. A
// network whose failures locked it gets no challenge.
func (s *Service) BeginPasskeyLogin(ctx context.Context, rp RP, c core.Client) (*PasskeyBegun, error) {
	now := s.Now()
	w, err := s.relyingParty(rp)
	if err != nil {
		return nil, err
	}
	if until, err := s.Store.ThrottledUntil(ctx, []string{passwords.NetworkKey(c.Clip().IP)}, now); err != nil {
		return nil, err
	} else if !until.IsZero() {
		return nil, core.RateLimited("Too many sign-in attempts from your network.", until, now)
	}
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

// FinishPasskeyLogin verifies a passkey assertion for the sealed ceremony
// of BeginPasskeyLogin and logs its owner in fully: a discoverable
// credential that verified its user is both factors. oldToken is the
// session cookie the request carried, if any; it ends. Failures count
// toward the network's throttle (see below for why not the owner's).
func (s *Service) FinishPasskeyLogin(ctx context.Context, rp RP, raw []byte, ceremony string, c core.Client, oldToken string) (*LoginResult, error) {
	c = c.Clip()
	w, err := s.relyingParty(rp)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	event := history.LoginEvent("", nil, shared.MethodPasskey, c, now)
	ipKey := passwords.NetworkKey(c.IP)
	unknown := func(reason string, answer error) error {
		if _, err := s.Store.RecordLoginFailure(ctx, map[string]domain.ThrottleRule{ipKey: throttle.IPThrottle}, now); err != nil {
			return err
		}
		return s.History.Fail(ctx, event, reason, answer)
	}
	if until, err := s.Store.ThrottledUntil(ctx, []string{ipKey}, now); err != nil {
		return nil, err
	} else if !until.IsZero() {
		return nil, s.Throttle.NetworkBlocked(ctx, event, ipKey, until)
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(raw)
	if err != nil {
		return nil, unknown(shared.ReasonMalformedCode, errBadCredential)
	}
	sd := new(webauthn.SessionData)
	expires, ok := s.OpenUntil(passkeyCeremonyPurpose, ceremony, now, sd)
	if !ok { // none, expired, or not one this server sealed
		return nil, unknown(shared.ReasonStaleKeyRequest, errStaleKeyRequest)
	}
	// The owner is whoever registered the credential id, and the user
	// handle the authenticator returns must be theirs.
	var owner keyOwner
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
		if owner, err = s.keyOwner(ctx, u); err != nil {
			lookupErr = err
			return nil, err
		}
		return owner, nil
	}
	_, cred, err := w.ValidatePasskeyLogin(find, *sd, parsed)
	switch {
	case lookupErr != nil && !errors.Is(lookupErr, domain.ErrNotFound):
		return nil, lookupErr
	case err != nil && (owner.u == nil || !owner.u.Account.PasskeysAllowed):
		// With passkey sign-in off the key is no way in: an answer that
		// does not verify is a stranger's, told and counted as one for a
		// key nobody registered, so it says nothing of whose id it named,
		// and it is no part of the owner's history.
		return nil, unknown(shared.ReasonWrongKey, errWrongKey)
	}
	u := owner.u
	event.UserID, event.AccountID, event.Username = &u.ID, &u.AccountID, u.Username
	switch {
	case err != nil:
		// Anyone may send an answer for a credential id (they are not
		// secret): one that does not verify counts toward the sender's
		// network, and shows in the owner's history, but does not count
		// toward the owner's code lockout, or a stranger could lock them out.
		return nil, unknown(shared.ReasonWrongKey, errWrongKey)
	}
	// It verified: its challenge is used up now, whatever follows, on
	// every server process (the ceremony is the browser's to resend).
	if err := s.Store.SpendChallenge(ctx, sd.Challenge, expires.Add(spentMargin)); errors.Is(err, domain.ErrReplay) {
		return nil, unknown(shared.ReasonStaleKeyRequest, errStaleKeyRequest)
	} else if err != nil {
		return nil, err
	}
	switch {
	case !u.Account.PasskeysAllowed:
		// The key verified: its holder may be told why it cannot sign in.
		return nil, s.History.Fail(ctx, event, shared.ReasonPasskeysOff, errPasskeysOff)
	case u.CodesLocked(now):
		return nil, s.Throttle.CodesBlocked(ctx, u, event)
	}
	use, err := s.keyUse(ctx, u, event, 0, owner, cred, parsed)
	if err != nil {
		return nil, err
	}
	var old domain.Session
	if oldToken != "" {
		old.TokenHash = core.HashToken(oldToken)
	}
	// The passkey is the whole login: it is news as a password's is.
	if old.NewBrowser, err = s.isNewBrowser(ctx, u, c); err != nil {
		return nil, err
	}
	return s.finishKeyStep(ctx, &old, stage.PasskeySignIn, u, event, 0, shared.MethodPasskey, c, use)
}

// SetPasskeysAllowed switches passkey sign-in on or off for the admin's own
// account. Returns ENotFound for any other account.
func (s *Service) SetPasskeysAllowed(ctx context.Context, admin *domain.User, accountID int64, on bool, c core.Client) (shared.AccountSettings, error) {
	if err := mayAdminister(admin, accountID); err != nil {
		return shared.AccountSettings{}, err
	}
	detail := "off"
	if on {
		detail = "on"
	}
	if err := s.Store.SetPasskeysAllowed(ctx, accountID, on, admin.ID, s.History.Audit(accountID, admin, shared.AuditPasskeysChanged, nil, c, detail)); err != nil {
		return shared.AccountSettings{}, scoped(err)
	}
	a, err := s.Store.AccountByID(ctx, accountID)
	if err != nil {
		return shared.AccountSettings{}, err
	}
	return s.accountSettings(ctx, a)
}
