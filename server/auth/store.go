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
	Accounts(ctx context.Context) ([]domain.Account, error)
	AccountStats(ctx context.Context, accountIDs ...int64) (map[int64]domain.AccountStats, error)
	// CreateAccountAudited and RenameAccount return domain.ErrConflict when
	// another account has the name in any case.
	CreateAccountAudited(ctx context.Context, name string, now time.Time, audit *domain.AuditEvent) (*domain.Account, error)
	RenameAccount(ctx context.Context, id int64, name string, audit *domain.AuditEvent) (*domain.Account, error)
	SetForceTwoFactor(ctx context.Context, accountID int64, on bool, byAdminID int64, now time.Time, audit *domain.AuditEvent) (*domain.Account, error)
	// SetTwoFactorPolicy is SetForceTwoFactor that also sets the grace
	// period (nil: kept); switching off forgets every user's grace start.
	SetTwoFactorPolicy(ctx context.Context, accountID int64, on bool, graceDays *int, byAdminID int64, now time.Time, audit *domain.AuditEvent) (*domain.Account, error)
	// StartGrace starts the user's grace period at now unless it started
	// before, and returns its start; domain.ErrNotFound when the account has
	// no grace period now.
	StartGrace(ctx context.Context, userID int64, now time.Time) (time.Time, error)
	CountUsers(ctx context.Context) (int, error)
	// CreateUser returns domain.ErrConflict when the username is taken.
	CreateUser(ctx context.Context, u *domain.User, audit *domain.AuditEvent) error
	UserByID(ctx context.Context, id int64) (*domain.User, error)
	UserByUsername(ctx context.Context, username string) (*domain.User, error)
	AccountUsers(ctx context.Context, f domain.UserFilter) ([]domain.UserSummary, error)
	// ChangeUser ends every session of a user it disables.
	ChangeUser(ctx context.Context, userID, byAdminID int64, c domain.UserChange, now time.Time, audits []*domain.AuditEvent) (*domain.User, int64, error)
	UnlockUser(ctx context.Context, userID int64, username string, byAdminID int64, now time.Time, audit *domain.AuditEvent) error
	// SetPasswordHash and ChangePassword replace the hash only while it is
	// still old, else domain.ErrNotFound. ChangePassword also counts the
	// change (User.PasswordEpoch), ends every session of the user but
	// keepSession and returns how many ended.
	SetPasswordHash(ctx context.Context, userID int64, old, hash string, now time.Time) error
	ChangePassword(ctx context.Context, userID int64, old, hash string, keepSession int64, now time.Time, audit *domain.AuditEvent) (int64, error)
	// SetOneTimePassword sets a hash the user must replace at the next
	// login and ends all their sessions; domain.ErrNotFound if the user is gone.
	SetOneTimePassword(ctx context.Context, userID, byAdminID int64, hash string, now time.Time, audit *domain.AuditEvent) error

	// Sessions and login steps. CompleteLoginStep returns domain.ErrReplay
	// when its code's time step or recovery code was used already, or its
	// security key's counter moved since it was read, and
	// domain.ErrLocked while the user's codes are locked.
	SessionByTokenHash(ctx context.Context, tokenHash []byte, now time.Time) (*domain.Session, error)
	CompleteLoginStep(ctx context.Context, step domain.LoginStep) error
	TouchSession(ctx context.Context, id int64, now time.Time) error
	MarkReauth(ctx context.Context, sessionID, userID int64, proof domain.Proof, now time.Time) error
	DeleteSession(ctx context.Context, tokenHash []byte) error
	DeleteExpiredSessions(ctx context.Context, now, idleBefore time.Time) (int64, error)

	// A user's own sessions and trusted browsers. The deletions by id are
	// scoped to the user in SQL: another user's id answers
	// domain.ErrNotFound. EndOtherSessions and ChangePassword and RemoveTOTP
	// also remove every trusted browser of the user.
	UserSessions(ctx context.Context, userID int64, now time.Time) ([]domain.Session, error)
	DeleteUserSession(ctx context.Context, userID, id int64, audit *domain.AuditEvent) error
	EndOtherSessions(ctx context.Context, userID, keepSession int64, audit *domain.AuditEvent) (int64, error)
	TrustedBrowser(ctx context.Context, userID int64, tokenHash []byte, now time.Time) (*domain.TrustedBrowser, error)
	TrustedBrowsers(ctx context.Context, userID int64, now time.Time) ([]domain.TrustedBrowser, error)
	DeleteTrustedBrowser(ctx context.Context, userID, id int64, audit *domain.AuditEvent) error
	DeleteExpiredTrustedBrowsers(ctx context.Context, now time.Time) (int64, error)
	SetRememberBrowserDays(ctx context.Context, accountID int64, days int, byAdminID int64, audit *domain.AuditEvent) (*domain.Account, error)

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
	RecordCodeFailure(ctx context.Context, userID int64, now time.Time, threshold int, lockFor func(count int) time.Duration, lockNotice *domain.Notice) (domain.CodeFailure, error)
	ReserveCodeAttempt(ctx context.Context, userID int64, now time.Time) (int, error)
	LockCodes(ctx context.Context, userID int64, reserved int, now time.Time, threshold int, lockFor func(count int) time.Duration, lockNotice *domain.Notice) (domain.CodeFailure, error)
	RemoveTOTP(ctx context.Context, userID int64, byAdminID int64, endSessions bool, now time.Time, audit *domain.AuditEvent) (int64, error)
	RecoveryCodes(ctx context.Context, userID int64) ([]domain.RecoveryCode, error)
	RecoveryCodesLeft(ctx context.Context, userID int64) (int, error)
	RegenerateRecoveryCodes(ctx context.Context, userID int64, proof domain.Proof, hashes []string, now time.Time, audit *domain.AuditEvent) error

	// Security keys (WebAuthn). AddWebAuthnCredential counts the key in
	// User.SecurityKeys and, when it is the user's first factor (first),
	// stores recoveryHashes; it returns domain.ErrConflict for a credential
	// id registered already. RemoveWebAuthnCredential and RemoveTOTPOnly
	// return domain.ErrConflict instead of removing the user's last factor
	// (that is RemoveTOTP), and domain.ErrNotFound for a key of nobody or
	// someone else. TakeCeremony deletes what it returns: a ceremony is
	// taken once (else domain.ErrNotFound, also when expired or of another
	// kind or session; sessionID 0: one without a session).
	SaveCeremony(ctx context.Context, c *domain.WebAuthnCeremony) error
	TakeCeremony(ctx context.Context, challenge, kind string, sessionID int64, now time.Time) (*domain.WebAuthnCeremony, error)
	// SpendChallenge returns domain.ErrReplay for a challenge spent already;
	// DeleteExpiredCeremonies sweeps spent challenges too.
	SpendChallenge(ctx context.Context, challenge string, expires time.Time) error
	DeleteExpiredCeremonies(ctx context.Context, now time.Time) (int64, error)
	WebAuthnCredentials(ctx context.Context, userID int64) ([]domain.WebAuthnCredential, error)
	WebAuthnCredentialByCredentialID(ctx context.Context, credentialID []byte) (*domain.WebAuthnCredential, error)
	AddWebAuthnCredential(ctx context.Context, c *domain.WebAuthnCredential, recoveryHashes []string, keepSession int64, audit *domain.AuditEvent, firstNotice *domain.Notice) (first bool, err error)
	RenameWebAuthnCredential(ctx context.Context, userID, id int64, name string) (*domain.WebAuthnCredential, error)
	RemoveWebAuthnCredential(ctx context.Context, userID, id int64, now time.Time, audit *domain.AuditEvent) error
	RemoveTOTPOnly(ctx context.Context, userID int64, now time.Time, audit *domain.AuditEvent) error
	SetPasskeysAllowed(ctx context.Context, accountID int64, on bool, byAdminID int64, audit *domain.AuditEvent) error

	// History and audit.
	RecordLoginEvent(ctx context.Context, e *domain.LoginEvent) error
	RecordBlockedAttempt(ctx context.Context, e *domain.LoginEvent) error
	LoginEvents(ctx context.Context, f domain.LoginEventFilter) (events []domain.LoginEvent, next int64, err error)
	DeleteLoginEventsBefore(ctx context.Context, before time.Time) (int64, error)
	RecordAudit(ctx context.Context, e *domain.AuditEvent) error
	AuditEvents(ctx context.Context, accountID, before int64, limit int) (events []domain.AuditEvent, next int64, err error)

	// Notices and their mail. MarkNoticesRead touches only userID's notices;
	// ClaimMail hands each due mail to one caller until its lease ends, also
	// across server processes, and drops the mail over its recipient's caps,
	// counted in the database by every process together; MailNotSent gives
	// a claimed mail's count back and retries it at retryAt (nil: drops it).
	Notices(ctx context.Context, userID, before int64, limit int) (notices []domain.Notice, next int64, unread int, err error)
	UnreadNotices(ctx context.Context, userID int64) (int, error)
	MarkNoticesRead(ctx context.Context, userID, upTo int64, now time.Time) error
	HasLoggedInFrom(ctx context.Context, userID int64, ip string, passwordsBefore *time.Time) (bool, error)
	ClaimMail(ctx context.Context, now time.Time, lease time.Duration, limit int, caps domain.MailCaps) (send, dropped []domain.OutboxMail, err error)
	MailSent(ctx context.Context, id int64) error
	MailNotSent(ctx context.Context, m *domain.OutboxMail, retryAt *time.Time, reason string) error
	DeleteStaleMailRecords(ctx context.Context, now time.Time) (int64, error)

	// E-mail addresses (byAdminID scopes as above). RequestEmail returns
	// domain.ErrLocked, with when to try again, past limit links per
	// window; IssueEmailToken domain.ErrNotFound for a link spent meanwhile;
	// ConfirmEmail domain.ErrNotFound for a link used, replaced or expired
	// meanwhile.
	RequestEmail(ctx context.Context, userID, byAdminID int64, address string, now time.Time, limit int, window time.Duration, audit *domain.AuditEvent) (time.Time, error)
	DropEmail(ctx context.Context, userID, byAdminID int64, pendingOnly bool, now time.Time, audit *domain.AuditEvent) error
	EmailConfirmationByToken(ctx context.Context, tokenHash []byte) (*domain.EmailConfirmation, error)
	IssueEmailToken(ctx context.Context, id int64, tokenHash []byte, expires time.Time) error
	ConfirmEmail(ctx context.Context, c *domain.EmailConfirmation, now time.Time, audit *domain.AuditEvent) error

	// Keys sealed in the database. SealedKey returns domain.ErrNotFound
	// when there is none of the name; AddSealedKey domain.ErrConflict when
	// another server added it first.
	SealedKey(ctx context.Context, name string) (*domain.SealedKey, error)
	AddSealedKey(ctx context.Context, k *domain.SealedKey) error
	ResealKey(ctx context.Context, name string, old, resealed []byte, now time.Time) error
	KeyUses(ctx context.Context) (map[string]*domain.KeyUse, error)
}
