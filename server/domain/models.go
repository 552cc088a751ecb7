// Package domain holds what the server's layers share: the records of users,
// accounts, sessions and their history, and the sentinel errors a store
// returns. auth decides with them, store keeps them (the Bun tags say
// where), httpapi only carries them between the client and auth.
package domain

import (
	"time"

	"github.com/uptrace/bun"
)

// Account is a tenant of the platform and holds its policies.
type Account struct {
	bun.BaseModel `bun:"table:accounts,alias:a"`

	ID   int64  `bun:"id,pk,autoincrement"`
	Name string `bun:"name,notnull"`
	// NameKey is what names are compared by (store/sqldb.AccountNameKey),
	// unique: the store writes it with Name.
	NameKey          string     `bun:"name_key,notnull"`
	ForceTwoFactor   bool       `bun:"force_2fa,notnull"`
	ForceChangedAt   *time.Time `bun:"force_2fa_changed_at"`
	ForceChangedByID *int64     `bun:"force_2fa_changed_by"`
	// RememberBrowserDays is how long a browser trusted at the second
	// step skips the code: 0 (off), 7 or 30.
	RememberBrowserDays int `bun:"remember_browser_days,notnull"`
	// GraceDays is how long, from their own start (User.GraceStartedAt), a
	// user without 2FA may still skip its setup under ForceTwoFactor.
	GraceDays int `bun:"grace_days,notnull"`
	// PasskeysAllowed lets the account's users sign in with a passkey
	// alone (it counts as both factors).
	PasskeysAllowed bool      `bun:"passkeys_allowed,notnull"`
	CreatedAt       time.Time `bun:"created_at,notnull"`
}

// NewAccount is an account as it starts, whoever creates it (the panel, the
// command line, a user created into a new account): the one place of a new
// account's defaults. Passkey sign-in is on (README), Force 2FA and trusted
// browsers off.
func NewAccount(name string, now time.Time) *Account {
	return &Account{Name: name, PasskeysAllowed: true, CreatedAt: now}
}

// User is a person who logs in. Secrets never leave the server: the JSON tags
// are "-" so that no accidental encoding can carry them.
type User struct {
	bun.BaseModel `bun:"table:users,alias:u"`

	ID                int64      `bun:"id,pk,autoincrement"`
	AccountID         int64      `bun:"account_id,notnull"`
	Account           *Account   `bun:"rel:belongs-to,join:account_id=id"`
	Username          string     `bun:"username,notnull"`
	PasswordHash      string     `bun:"password_hash,notnull" json:"-"`
	PasswordEpoch     int64      `bun:"password_epoch,notnull"` // counts password changes; device cookies bind it
	Role              string     `bun:"role,notnull"`
	TOTPSecret        []byte     `bun:"totp_secret" json:"-"`
	TOTPPendingSecret []byte     `bun:"totp_pending_secret" json:"-"`
	TOTPEnabledAt     *time.Time `bun:"totp_enabled_at"`
	TOTPLastStep      int64      `bun:"totp_last_step,notnull"`
	TOTPLastUsedAt    *time.Time `bun:"totp_last_used_at"` // the app's code last accepted; nil: never since connected
	FailedCodeCount   int        `bun:"failed_code_count,notnull"`
	LockedUntil       *time.Time `bun:"locked_until"`
	LastLoginAt       *time.Time `bun:"last_login_at"`
	DisabledAt        *time.Time `bun:"disabled_at"` // set by an administrator: no login, no session
	// Language is the tag of the catalog the user chose to read Warden in
	// ("": none chosen; the browser's then).
	Language string `bun:"language,notnull"`
	// Email is where notices go by mail (nil: nowhere): always an address
	// its owner confirmed, at EmailVerifiedAt, by opening the link mailed to
	// it. EmailPending is a new address waiting for that; it gets nothing
	// but its link.
	Email           *string    `bun:"email"`
	EmailVerifiedAt *time.Time `bun:"email_verified_at"`
	EmailPending    *string    `bun:"email_pending"`
	// GraceStartedAt is when the account's Force 2FA grace period began
	// for this user: their first login (or request) without 2FA under the
	// policy. Switching the policy off clears it (auth/stage.MustEnroll).
	GraceStartedAt *time.Time `bun:"twofa_grace_started_at"`
	// SecurityKeys counts the user's WebAuthn credentials, kept by the
	// same transactions that add and remove them, so that every read of a
	// user knows whether 2FA is on without another query.
	SecurityKeys int `bun:"security_keys,notnull"`
	// PasswordMustChange marks a one-time password (generated, or set by an
	// administrator): the next login must replace it.
	PasswordMustChange bool      `bun:"password_must_change,notnull"`
	CreatedAt          time.Time `bun:"created_at,notnull"`
	UpdatedAt          time.Time `bun:"updated_at,notnull"`
}

// Disabled reports whether an administrator disabled the user.
func (u *User) Disabled() bool { return u.DisabledAt != nil }

// TwoFactorEnabled reports whether 2FA is on: the user has at least one
// second factor, an authenticator app or a security key. It is the one
// place that rule lives.
func (u *User) TwoFactorEnabled() bool { return u.TOTPConnected() || u.SecurityKeys > 0 }

// TOTPConnected reports whether the user has connected an authenticator app.
func (u *User) TOTPConnected() bool { return u.TOTPEnabledAt != nil }

// CodesLocked reports whether the user's second-factor attempts are locked
// at now, after a run of wrong codes.
func (u *User) CodesLocked(now time.Time) bool {
	return u.LockedUntil != nil && u.LockedUntil.After(now)
}

// UserSummary is a user as the Administration Panel lists them. Its User
// holds no password hash and no secret: the listing never reads them.
type UserSummary struct {
	User
	RecoveryCodesLeft int `bun:"recovery_codes_left"`
	// PasswordLockedUntil is the username's password throttle lock, if any.
	PasswordLockedUntil *time.Time `bun:"password_locked_until"`
}

// UserFilter selects the users an administrator lists.
type UserFilter struct {
	AccountID int64
	TwoFA     string // "on", "off" or "" for both
	Prefix    string // usernames that start with it (normalized)
	After     string // only usernames after it: the next page
	Limit     int    // at most this many (0: all)
}

// UserChange is what an administrator changes of a user; nil fields stay.
type UserChange struct {
	Role     *string
	Disabled *bool // true ends every session of the user
}

// AccountStats counts an account's users.
type AccountStats struct {
	Users        int
	UsersWith2FA int
	// GraceStarts are the grace starts of the users without 2FA whose
	// grace period began (auth decides which still run).
	GraceStarts []time.Time
}

// Session stages (DESIGN.md): a session rises from PasswordOK or Enrollment to
// Full, and its token is rotated each time it does.
const (
	StagePasswordOK = "password_ok" // the password was right; the second factor is due
	StageEnrollment = "enrollment"  // 2FA is forced and must be set up first
	StageFull       = "full"
)

// StagePasswordChange: the password was right but one-time; it must be
// replaced, then the session goes on to the stage the login would have had.
const StagePasswordChange = "password_change"

// Session is a logged-in browser. Only the SHA-256 of its token is stored, so
// a copy of the database does not hand out live sessions.
type Session struct {
	bun.BaseModel `bun:"table:sessions,alias:s"`

	ID         int64     `bun:"id,pk,autoincrement"`
	TokenHash  []byte    `bun:"token_hash,notnull" json:"-"`
	UserID     int64     `bun:"user_id,notnull"`
	User       *User     `bun:"rel:belongs-to,join:user_id=id"`
	Stage      string    `bun:"stage,notnull"`
	CreatedAt  time.Time `bun:"created_at,notnull"`
	LastSeenAt time.Time `bun:"last_seen_at,notnull"`
	ExpiresAt  time.Time `bun:"expires_at,notnull"`
	IP         string    `bun:"ip,notnull"`
	UserAgent  string    `bun:"user_agent,notnull"`
	// ReauthAt is when the user last proved it is them in this session:
	// the login that made it, or a re-authentication.
	ReauthAt *time.Time `bun:"reauth_at"`
	// NewBrowser is set at the password step when the user has not logged
	// in from this browser or IP before; the step that completes the login
	// makes the notice.
	NewBrowser bool `bun:"new_browser,notnull"`
	// Methods are what this sign-in proved: the methods of the login's
	// steps (shared.Method*), in order, space-separated. An application
	// signed in through Warden is told them (amr, acr).
	Methods string `bun:"methods,notnull"`
	// ReauthMethods are what the re-authentications up to ReauthAt proved
	// (shared.Method*, space-separated): those given within ReauthWindow
	// of the one before add up. Empty: none since the login.
	ReauthMethods string `bun:"reauth_methods,notnull"`
	// LoginEventID is the history's row of the sign-in this session is a
	// step of, while it is not complete (PasswordOK, PasswordChange,
	// Enrollment): the step that continues it updates that row instead of
	// adding one (LoginStep).
	LoginEventID *int64 `bun:"login_event_id"`
}

// LoginStep is everything a successful login step writes. It is applied in
// one transaction: a login never leaves a session without its event, and
// costs one commit instead of four.
type LoginStep struct {
	EndSession []byte   // token hash of the session this step replaces, if any
	Session    *Session // the new session
	// Event is the attempt, for the history. A step that continues a
	// sign-in (Event.ID set: the ended session's LoginEventID) updates that
	// row (Method, Methods, Pending) instead of adding one; a step into a
	// stage short of full (Event.Pending) leaves its row's id to the new
	// session.
	Event      *LoginEvent
	LoggedInAt *time.Time // set when the user is now fully logged in
	// Proof is the second factor this step used up, if any: if it was used
	// already (a racing request), the whole step fails.
	Proof
	// ClearThrottle, when set, is a login-throttle key whose failures this
	// success forgets.
	ClearThrottle string
	// Notices are told to the user in the same transaction.
	Notices []*Notice
	// StartGrace, when set with LoggedInAt, starts the user's Force 2FA grace
	// period at this time, unless it has started already or the account no
	// longer has one.
	StartGrace *time.Time
	// TrustBrowser, when set, is a browser the user trusts from now on.
	TrustBrowser *TrustedBrowser
	// UsedTrustedBrowser, when set, is the trusted browser that spared this
	// login its code: its last use is the session's creation.
	UsedTrustedBrowser *int64
}

// TrustedBrowser is a browser a user chose at the second step to skip the
// code for a while. Only the SHA-256 of its token is stored; it is bound to
// one user.
type TrustedBrowser struct {
	bun.BaseModel `bun:"table:trusted_browsers,alias:tb"`

	ID         int64     `bun:"id,pk,autoincrement"`
	TokenHash  []byte    `bun:"token_hash,notnull" json:"-"`
	UserID     int64     `bun:"user_id,notnull"`
	CreatedAt  time.Time `bun:"created_at,notnull"`
	LastUsedAt time.Time `bun:"last_used_at,notnull"`
	ExpiresAt  time.Time `bun:"expires_at,notnull"`
	IP         string    `bun:"ip,notnull"`
	UserAgent  string    `bun:"user_agent,notnull"`
}

// Proof is a second factor used up by a write that relies on it (a login
// step, a re-authentication, new recovery codes): what each factor's proof
// writes in that transaction.
type Proof struct {
	// TOTPStep, when set, is the time step of the code accepted: it must
	// be later than the last accepted one, or the write fails with
	// ErrReplay (or ErrLocked while the user is locked out).
	TOTPStep *int64
	// RecoveryCodeID, when set, is the recovery code spent: if it was
	// spent already, the write fails with ErrReplay.
	RecoveryCodeID *int64
	// SecurityKey, when set, is the security key an assertion used: its
	// sign counter moves from Old to New, and if another request moved it
	// first the write fails with ErrReplay.
	SecurityKey *SecurityKeyUse
}

// SecurityKeyUse is a security key's sign counter moving forward at a login.
type SecurityKeyUse struct {
	ID       int64
	Old, New uint32
	Flags    uint8 // the assertion's authenticator flags (the backup state may change)
}

// WebAuthnCredential is a security key or passkey of a user. The public key
// is not a secret; the private one never leaves the authenticator.
type WebAuthnCredential struct {
	bun.BaseModel `bun:"table:webauthn_credentials,alias:wc"`

	ID                int64      `bun:"id,pk,autoincrement"`
	UserID            int64      `bun:"user_id,notnull"`
	Name              string     `bun:"name,notnull"`
	CredentialID      []byte     `bun:"credential_id,notnull"`
	PublicKey         []byte     `bun:"public_key,notnull"` // COSE
	SignCount         uint32     `bun:"sign_count,notnull"`
	Transports        string     `bun:"transports,notnull"` // comma-separated, as the browser reported them
	Flags             uint8      `bun:"flags,notnull"`      // authenticator data flags at registration (backup eligibility must not change)
	AAGUID            []byte     `bun:"aaguid"`
	AttestationFormat string     `bun:"attestation_format,notnull"`
	Discoverable      bool       `bun:"discoverable,notnull"` // a passkey: it can sign in without a username
	AddedAt           time.Time  `bun:"added_at,notnull"`
	LastUsedAt        *time.Time `bun:"last_used_at"`
}

// WebAuthnCeremony is a WebAuthn registration or assertion between its begin
// and its finish: the challenge the browser must sign and the library's
// session data. It is kept in the database, so any server process can finish
// it, and taken (deleted) by the finish, so it works once.
type WebAuthnCeremony struct {
	bun.BaseModel `bun:"table:webauthn_ceremonies,alias:wce"`

	Challenge string    `bun:"challenge,pk"` // base64url, as clientDataJSON carries it
	Kind      string    `bun:"kind,notnull"`
	SessionID *int64    `bun:"session_id"` // nil for a passkey sign-in, which has no session yet
	UserID    *int64    `bun:"user_id"`
	Name      string    `bun:"name,notnull"` // the name a registration gives the new key
	Data      []byte    `bun:"data,notnull"` // webauthn.SessionData as JSON
	ExpiresAt time.Time `bun:"expires_at,notnull"`
}

// SpentChallenge is the challenge of a passkey sign-in whose answer
// verified: the ceremony itself lives sealed in the browser, so this row is
// what makes it work once. It is kept until the ceremony expires.
type SpentChallenge struct {
	bun.BaseModel `bun:"table:webauthn_spent_challenges,alias:wsc"`

	Challenge string    `bun:"challenge,pk"`
	ExpiresAt time.Time `bun:"expires_at,notnull"`
}

// LoginEvent is one attempt at one login step, successful or not.
type LoginEvent struct {
	bun.BaseModel `bun:"table:login_events,alias:e"`

	ID        int64     `bun:"id,pk,autoincrement"`
	CreatedAt time.Time `bun:"created_at,notnull"`
	AccountID *int64    `bun:"account_id"`
	UserID    *int64    `bun:"user_id"`
	Username  string    `bun:"username,notnull"`
	IP        string    `bun:"ip,notnull"`
	UserAgent string    `bun:"user_agent,notnull"`
	Method    string    `bun:"method,notnull"`
	Result    string    `bun:"result,notnull"`
	Reason    string    `bun:"reason,notnull"`
	// A row of attempts a lock blocked stands for all of them (one per
	// lock, whoever sent them): LockPeriod names the lock (its key and
	// its end), Attempts counts them and LastAt is the last one's time;
	// CreatedAt, IP and UserAgent are the first one's. Other rows are one
	// attempt each (Attempts 0 is stored as 1).
	Attempts   int        `bun:"attempts,nullzero,notnull,default:1"`
	LastAt     *time.Time `bun:"last_at"`
	LockPeriod *string    `bun:"lock_period"`
	// A successful row stands for a whole sign-in, not a step: Methods
	// are its steps' methods, in order, space-separated (Method is the
	// last one's), and Pending says it is not complete yet (the password
	// was right, the second step or the password change is still due, or
	// never came). A failed row is one step.
	Methods string `bun:"methods,notnull"`
	Pending bool   `bun:"pending,notnull"`
}

// LoginEventFilter selects a page of login events, newest first.
type LoginEventFilter struct {
	UserID    int64 // whose history; and/or
	AccountID int64 // every attempt on the account's users (at least one of the two is required)
	// NoAccount, instead of both, selects the attempts that belong to no
	// account: usernames no user has, passkeys no user registered.
	NoAccount bool
	Before    int64 // keyset cursor: only events with a smaller id; 0 for the first page
	Limit     int   // page size, 1 to 100
	OnlyFails bool  // only failed attempts
	// UsernamePrefix, if set, keeps the attempts whose attempted name starts
	// with it (names are stored normalized: give it normalized).
	UsernamePrefix string
	Since          time.Time // if set, only events at or after
	Until          time.Time // if set, only events before
}

// LoginThrottle counts recent failed password attempts for one key
// ("ip:192.0.2.1" or "user:alice").
type LoginThrottle struct {
	bun.BaseModel `bun:"table:login_throttles,alias:lt"`

	Key         string     `bun:"key,pk"`
	Failures    int        `bun:"failures,notnull"`
	LockedUntil *time.Time `bun:"locked_until"`
	UpdatedAt   time.Time  `bun:"updated_at,notnull"`
}

// Locked reports whether the counter's key is locked at now.
func (t LoginThrottle) Locked(now time.Time) bool {
	return t.LockedUntil != nil && t.LockedUntil.After(now)
}

// ThrottleRule is how failures of one kind of key lock it.
type ThrottleRule struct {
	Threshold int           // failures within Window before a lock
	Window    time.Duration // a failure older than this starts the count anew
	LockFor   func(failures int) time.Duration
}

// CodeFailure is the outcome of a wrong second-factor code.
type CodeFailure struct {
	Count       int        // consecutive failures, capped at MaxCountedFailures
	LockedUntil *time.Time // set once the count reaches the threshold
}

// RecoveryCode is one single-use recovery code, kept only as a keyed hash.
type RecoveryCode struct {
	bun.BaseModel `bun:"table:recovery_codes,alias:rc"`

	ID        int64      `bun:"id,pk,autoincrement"`
	UserID    int64      `bun:"user_id,notnull"`
	CodeHash  string     `bun:"code_hash,notnull" json:"-"`
	UsedAt    *time.Time `bun:"used_at"`
	CreatedAt time.Time  `bun:"created_at,notnull"`
}

// AuditEvent is one administrative action or security change, written in the
// same transaction as the change itself.
type AuditEvent struct {
	bun.BaseModel `bun:"table:audit_events,alias:ae"`

	ID         int64     `bun:"id,pk,autoincrement"`
	CreatedAt  time.Time `bun:"created_at,notnull"`
	AccountID  int64     `bun:"account_id,notnull"`
	ActorID    *int64    `bun:"actor_id"` // nil for the command line
	ActorName  string    `bun:"actor_name,notnull"`
	Action     string    `bun:"action,notnull"`
	TargetID   *int64    `bun:"target_id"`
	TargetName string    `bun:"target_name,notnull"`
	IP         string    `bun:"ip,notnull"`
	Detail     string    `bun:"detail,notnull"`
	// Notice, when set, tells the user of the change: written with the
	// event, so exactly when the change is.
	Notice *Notice `bun:"-"`
}

// SealedKey is a key the server keeps in the database, sealed under the
// server's key ring (sealing.Keyring); only its name is readable.
type SealedKey struct {
	bun.BaseModel `bun:"table:sealed_keys,alias:sk"`

	Name      string    `bun:"name,pk"`
	Sealed    []byte    `bun:"sealed,notnull" json:"-"`
	CreatedAt time.Time `bun:"created_at,notnull"`
	SealedAt  time.Time `bun:"sealed_at,notnull"`
}

// KeyUse is how many stored values need one key of the ring to be read.
type KeyUse struct {
	KeyID         string
	TOTPSecrets   int // connected authenticators
	PendingTOTP   int // set-ups not yet confirmed
	RecoveryCodes int // unused codes hashed under the ring key itself (before sealed keys)
	SealedKeys    int // keys of sealed_keys
}

// Total is the number of values that need the key.
func (u KeyUse) Total() int { return u.TOTPSecrets + u.PendingTOTP + u.RecoveryCodes + u.SealedKeys }

// Notice tells a user of something that happened to their account
// (shared.Notice* kinds). The store writes it in the transaction of the
// event, with an outbox row when Mail is set and the user has an address.
type Notice struct {
	bun.BaseModel `bun:"table:notices,alias:n"`

	ID        int64      `bun:"id,pk,autoincrement"`
	UserID    int64      `bun:"user_id,notnull"`
	CreatedAt time.Time  `bun:"created_at,notnull"`
	Kind      string     `bun:"kind,notnull"`
	IP        string     `bun:"ip,notnull"`
	Device    string     `bun:"device,notnull"`     // browser and OS, from the user agent, in English
	UserAgent string     `bun:"user_agent,notnull"` // whence Device ("" in rows older than it)
	Detail    string     `bun:"detail,notnull"`
	ReadAt    *time.Time `bun:"read_at"`
	// Mail asks for the notice to go by e-mail too (mail is configured).
	Mail bool `bun:"-"`
	// Confirmation, when set, is a link to confirm a new address, written
	// with the notice; the notice's mail carries it to that address (not
	// to the user's confirmed one).
	Confirmation *EmailConfirmation `bun:"-"`
}

// EmailConfirmation is one link to confirm an address for a user. Its
// token is made when its mail is sent (TokenHash: its SHA-256; the token
// itself is kept nowhere) and works until ExpiresAt, once: SpentAt is set
// when it is used or a newer link replaces it.
type EmailConfirmation struct {
	bun.BaseModel `bun:"table:email_confirmations,alias:ec"`

	ID        int64      `bun:"id,pk,autoincrement"`
	UserID    int64      `bun:"user_id,notnull"`
	Address   string     `bun:"address,notnull"`
	Origin    string     `bun:"origin,notnull"` // scheme://host the link names ("": the server's own)
	TokenHash []byte     `bun:"token_hash" json:"-"`
	CreatedAt time.Time  `bun:"created_at,notnull"`
	ExpiresAt *time.Time `bun:"expires_at"`
	SpentAt   *time.Time `bun:"spent_at"`
}

// MailCaps bound the mail one recipient address gets in a day, counted in
// the database by every sender together: PerDay of every kind, and of
// those at most LinksPerDay confirmation links (which anyone may ask to be
// sent to any address), so links cannot crowd out a user's own notices.
type MailCaps struct {
	PerDay      int
	LinksPerDay int
}

// OutboxMail is one e-mail waiting to be sent, with its notice and the
// user's name to write it.
type OutboxMail struct {
	bun.BaseModel `bun:"table:mail_outbox,alias:mo"`

	ID            int64      `bun:"id,pk,autoincrement"`
	NoticeID      int64      `bun:"notice_id,notnull"`
	Notice        *Notice    `bun:"rel:belongs-to,join:notice_id=id"`
	ToAddress     string     `bun:"to_address,notnull"`
	CreatedAt     time.Time  `bun:"created_at,notnull"`
	Attempts      int        `bun:"attempts,notnull"`
	NextAttemptAt time.Time  `bun:"next_attempt_at,notnull"`
	ClaimedUntil  *time.Time `bun:"claimed_until"`
	LastError     string     `bun:"last_error,notnull"`
	// ConfirmationID names the link this mail carries, if it is one.
	ConfirmationID *int64             `bun:"confirmation_id"`
	Confirmation   *EmailConfirmation `bun:"rel:belongs-to,join:confirmation_id=id"`
	Username       string             `bun:"username,scanonly"` // the notice's user, read with the claim
	Language       string             `bun:"language,scanonly"` // and the language they read ("": none chosen)
}
