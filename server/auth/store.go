package auth

import (
	"context"
	"time"

	"github.com/warden-auth/warden/server/domain"
)

// Store is what the rules need kept; server/store implements it on
// PostgreSQL and SQLite. Every method may return domain.ErrUnavailable when
// the database cannot be reached; the other sentinel errors are named where
// they come back. Methods that take an audit event write it in the same
// transaction as the change.
type Store interface {
	Ping(ctx context.Context) error

	// Accounts and users. Lookups return domain.ErrNotFound when there is
	// none. byAdminID, where taken, scopes the change to that administrator's
	// own account in SQL (0: the command line): another account's row
	// answers domain.ErrNotFound.
	CreateAccount(ctx context.Context, name string, now time.Time) (*domain.Account, error)
	AccountByID(ctx context.Context, id int64) (*domain.Account, error)
	AccountByName(ctx context.Context, name string) (*domain.Account, error)
	SetForceTwoFactor(ctx context.Context, accountID int64, on bool, byAdminID int64, now time.Time, audit *domain.AuditEvent) (*domain.Account, error)
	CountUsers(ctx context.Context) (int, error)
	// CreateUser returns domain.ErrConflict when the username is taken.
	CreateUser(ctx context.Context, u *domain.User, audit *domain.AuditEvent) error
	UserByID(ctx context.Context, id int64) (*domain.User, error)
	UserByUsername(ctx context.Context, username string) (*domain.User, error)
	AccountUsers(ctx context.Context, accountID int64) ([]domain.UserSummary, error)
	// SetPasswordHash and ChangePassword replace the hash only while it is
	// still old, else domain.ErrNotFound. ChangePassword also counts the
	// change (User.PasswordEpoch), ends every session of the user but
	// keepSession and returns how many ended.
	SetPasswordHash(ctx context.Context, userID int64, old, hash string, now time.Time) error
	ChangePassword(ctx context.Context, userID int64, old, hash string, keepSession int64, now time.Time, audit *domain.AuditEvent) (int64, error)
	// SetOneTimePassword sets a hash the user must replace at the next
	// login and ends all their sessions; domain.ErrNotFound if the user is gone.
	SetOneTimePassword(ctx context.Context, userID int64, hash string, now time.Time, audit *domain.AuditEvent) error

	// Sessions and login steps. CompleteLoginStep returns domain.ErrReplay
	// when its code's time step or recovery code was used already, and
	// domain.ErrLocked while the user's codes are locked.
	SessionByTokenHash(ctx context.Context, tokenHash []byte, now time.Time) (*domain.Session, error)
	CompleteLoginStep(ctx context.Context, step domain.LoginStep) error
	TouchSession(ctx context.Context, id int64, now time.Time) error
	MarkReauth(ctx context.Context, sessionID, userID int64, step *int64, now time.Time) error
	DeleteSession(ctx context.Context, tokenHash []byte) error
	DeleteExpiredSessions(ctx context.Context, now, idleBefore time.Time) (int64, error)

	// Password throttling.
	UserAndThrottles(ctx context.Context, username string, keys []string) (*domain.User, map[string]domain.LoginThrottle, error)
	Throttles(ctx context.Context, keys []string) (map[string]domain.LoginThrottle, error)
	ThrottledUntil(ctx context.Context, keys []string, now time.Time) (time.Time, error)
	RecordLoginFailure(ctx context.Context, rules map[string]domain.ThrottleRule, now time.Time) (time.Time, error)
	DeleteStaleThrottles(ctx context.Context, before, now time.Time) (int64, error)

	// The second factor. ConnectTOTP and RegenerateRecoveryCodes return
	// domain.ErrReplay for a code's time step used already, domain.ErrLocked
	// while codes are locked; RemoveTOTP counts the sessions it ended.
	SetPendingTOTP(ctx context.Context, userID int64, sealed []byte, now time.Time) error
	ConnectTOTP(ctx context.Context, userID, step int64, recoveryHashes []string, keepSession int64, now time.Time, audit *domain.AuditEvent) error
	ResealTOTP(ctx context.Context, userID int64, old, resealed []byte) error
	RecordCodeFailure(ctx context.Context, userID int64, now time.Time, threshold int, lockFor func(count int) time.Duration) (domain.CodeFailure, error)
	RemoveTOTP(ctx context.Context, userID int64, byAdminID int64, endSessions bool, now time.Time, audit *domain.AuditEvent) (int64, error)
	RecoveryCodes(ctx context.Context, userID int64) ([]domain.RecoveryCode, error)
	RecoveryCodesLeft(ctx context.Context, userID int64) (int, error)
	RegenerateRecoveryCodes(ctx context.Context, userID, step int64, hashes []string, now time.Time, audit *domain.AuditEvent) error

	// History and audit.
	RecordLoginEvent(ctx context.Context, e *domain.LoginEvent) error
	LoginEvents(ctx context.Context, f domain.LoginEventFilter) (events []domain.LoginEvent, next int64, err error)
	DeleteLoginEventsBefore(ctx context.Context, before time.Time) (int64, error)
	RecordAudit(ctx context.Context, e *domain.AuditEvent) error
	AuditEvents(ctx context.Context, accountID, before int64, limit int) (events []domain.AuditEvent, next int64, err error)

	// Keys sealed in the database. SealedKey returns domain.ErrNotFound
	// when there is none of the name; AddSealedKey domain.ErrConflict when
	// another server added it first.
	SealedKey(ctx context.Context, name string) (*domain.SealedKey, error)
	AddSealedKey(ctx context.Context, k *domain.SealedKey) error
	ResealKey(ctx context.Context, name string, old, resealed []byte, now time.Time) error
	KeyUses(ctx context.Context) (map[string]*domain.KeyUse, error)
}
