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

	ID               int64      `bun:"id,pk,autoincrement"`
	Name             string     `bun:"name,notnull"`
	ForceTwoFactor   bool       `bun:"force_2fa,notnull"`
	ForceChangedAt   *time.Time `bun:"force_2fa_changed_at"`
	ForceChangedByID *int64     `bun:"force_2fa_changed_by"`
	CreatedAt        time.Time  `bun:"created_at,notnull"`
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
	FailedCodeCount   int        `bun:"failed_code_count,notnull"`
	LockedUntil       *time.Time `bun:"locked_until"`
	LastLoginAt       *time.Time `bun:"last_login_at"`
	CreatedAt         time.Time  `bun:"created_at,notnull"`
	UpdatedAt         time.Time  `bun:"updated_at,notnull"`

	// PasswordMustChange marks a one-time password (generated, or set by an
	// administrator): the next login must replace it.
	PasswordMustChange bool `bun:"password_must_change,notnull"`
}

// TwoFactorEnabled reports whether the user has connected an authenticator.
func (u *User) TwoFactorEnabled() bool { return u.TOTPEnabledAt != nil }

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
}

// LoginStep is everything a successful login step writes. It is applied in
// one transaction: a login never leaves a session without its event, and
// costs one commit instead of four.
type LoginStep struct {
	EndSession []byte      // token hash of the session this step replaces, if any
	Session    *Session    // the new session
	Event      *LoginEvent // the attempt, for the history
	LoggedInAt *time.Time  // set when the user is now fully logged in
	// TOTPStep, when set, is the time step of the code this step accepted:
	// it must be later than the last accepted one, or the whole step fails
	// with ErrReplay (or ErrLocked while the user is locked out).
	TOTPStep *int64
	// RecoveryCodeID, when set, is the recovery code this step spends: if it
	// was spent already (a racing request), the whole step fails with
	// ErrReplay.
	RecoveryCodeID *int64
	// ClearThrottle, when set, is a login-throttle key whose failures this
	// success forgets.
	ClearThrottle string
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
}

// LoginEventFilter selects a page of login events, newest first.
type LoginEventFilter struct {
	UserID    int64 // whose history; and/or
	AccountID int64 // every attempt on the account's users (at least one of the two is required)
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
