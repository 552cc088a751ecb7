// Package factor is the one interface every second factor is behind, and
// what goes through it. Each factor is a package below this one: totp (an
// authenticator app), webauthn (security keys and passkeys) and recovery
// (recovery codes). Its Service is the registry of them: the login's second
// step and a re-authentication prove one (Prove, with Refusals saying how
// a refused attempt is recorded), the user's list of factors is theirs in
// order, removing one asks the one that owns it, and switching 2FA off
// (Disconnect, the last factor's removal, an administrator's reset) takes
// every one.
//
// Adding a factor is a package that implements Factor, registered in
// auth.New (README, "How to add a second factor").
package factor

import (
	"context"
	"time"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
)

// Factor is one kind of second factor.
type Factor interface {
	// Kind names it (shared.FactorTOTP, shared.FactorSecurityKey,
	// shared.MethodRecoveryCode): the step that proves it names it, and so
	// does the login history.
	Kind() string
	// Enrolled reports whether u has it as a factor of its own, one the
	// login's second step offers. Recovery codes come with the others and
	// are none.
	Enrolled(u *domain.User) bool
	// List is its entries in u's list of factors.
	List(ctx context.Context, u *domain.User) ([]shared.SecondFactor, error)
	// Enrol finishes adding it for the session's user with in (what began
	// it is the factor's own: a QR code, a ceremony). The user's first
	// factor brings the recovery codes.
	Enrol(ctx context.Context, sess *domain.Session, in Input, c core.Client) (*Enrolled, error)
	// Prove checks an attempt at it. It refuses through a.Refusals, and
	// returns what the proof writes in the transaction that relies on it.
	Prove(ctx context.Context, a *Attempt) (*Proof, error)
	// Owns reports whether id, of the list of factors, is one of u's of
	// this kind.
	Owns(u *domain.User, id string) bool
	// Rename renames the one of u's that id names.
	Rename(ctx context.Context, u *domain.User, id, name string) (shared.SecondFactor, error)
	// Remove removes the one of u's that id names, audited. Returns
	// domain.ErrConflict instead of removing the user's last factor (that
	// is switching 2FA off), domain.ErrNotFound for none.
	Remove(ctx context.Context, u *domain.User, id string, c core.Client) error
	// Wipe removes every one of the user's, when 2FA is switched off,
	// within the transaction ctx carries (Service.SwitchOff).
	Wipe(ctx context.Context, userID int64, now time.Time) error
}

// RP is the relying party a WebAuthn ceremony runs for: the host users
// reach the server at (PUBLIC_URL, else the request's), as the browser sees
// it.
type RP struct {
	ID     string // the host, without scheme or port
	Origin string // scheme://host[:port]
}

// Input is what a user gives to prove a factor or to finish adding one.
type Input struct {
	Code       string // a typed code
	Credential []byte // a security key's answer
	RP         RP
}

// Attempt is one try at proving a factor.
type Attempt struct {
	Session *domain.Session // its user is the one to prove
	Input   Input
	Client  core.Client // clipped
	// AtLogin is the login's second step; else a signed-in user proves it
	// is them (a re-authentication, Regenerate).
	AtLogin bool
	// Refusals records and answers what is refused.
	Refusals Refusals
}

// Refusals is how an attempt's refusals are recorded and answered: at the
// login's second step as login events (package login), for a signed-in user
// as audit events (Service.Audited).
type Refusals interface {
	// Locked answers an attempt of a user whose codes are locked.
	Locked(ctx context.Context, u *domain.User) error
	// Stopped answers an authenticator code after too many wrong ones in a
	// row (throttle.Stopped).
	Stopped(ctx context.Context) error
	// Refuse records an attempt refused before it was counted (not a
	// code at all, say) and answers it.
	Refuse(ctx context.Context, reason string, answer *shared.Error) error
	// Count counts a wrong attempt toward the lockout (reserved: its
	// count from throttle.ReserveCode, 0: none yet), records it, and
	// answers it, or with the lock it started.
	Count(ctx context.Context, reason string, answer *shared.Error, reserved int) error
	// Reservation answers a refusal of throttle.ReserveCode (locked or
	// stopped since the session was read).
	Reservation(ctx context.Context, err error) error
	// LockedMeanwhile answers a proof whose write found the user's codes
	// locked since it was checked.
	LockedMeanwhile(ctx context.Context, u *domain.User) error
}

// Proof is a factor proven: what it writes in the transaction that relies
// on it (a login step, a re-authentication, a new set of recovery codes),
// which uses it up, and how a refusal of that write is answered.
type Proof struct {
	Use      domain.Proof
	Reserved int              // the attempt's count (throttle.ReserveCode)
	Notices  []*domain.Notice // told with the write
	// ReplayReason and ReplayAnswer refuse a proof the write finds used
	// meanwhile (domain.ErrReplay): a code spent, a key's counter moved.
	ReplayReason string
	ReplayAnswer *shared.Error
	// After, if set, runs once the write committed.
	After func(ctx context.Context)
	// CodesLeft, if set, counts the user's recovery codes after it.
	CodesLeft func(ctx context.Context) (int, error)
}

// Enrolled is a factor added.
type Enrolled struct {
	Method        *shared.SecondFactor // its entry in the list, when it has one of its own
	RecoveryCodes []string             // when it is the user's first factor
}

// Refusal is why an attempt is refused: the reason the history or the
// audit log records, and the answer.
type Refusal struct {
	Reason string
	Answer *shared.Error
}
