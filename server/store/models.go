package store

import (
	"time"

	"github.com/uptrace/bun"
)

// Session stages (DESIGN.md): a session rises from PasswordOK or Enrollment to
// Full, and its token is rotated each time it does.
const (
	StagePasswordOK = "password_ok" // the password was right; the second factor is due
	StageEnrollment = "enrollment"  // 2FA is forced and must be set up first
	StageFull       = "full"
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
}

// TwoFactorEnabled reports whether the user has connected an authenticator.
func (u *User) TwoFactorEnabled() bool { return u.TOTPEnabledAt != nil }

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
