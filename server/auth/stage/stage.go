// Package stage is the login state machine as data (DESIGN.md, flows 1 to
// 3): the stages a session can be in, the events that move one, and the one
// table of which event leads from which stage to which. The code that runs
// a step asks Next and does what the row says; a pair that is not a row is
// refused. A new transition is a new row here, not a new branch elsewhere.
package stage

import (
	"fmt"

	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
)

// The stages. The names are what the sessions table stores (domain).
const (
	// None is no session yet, or one the step ends whatever its stage: a
	// login, a passkey sign-in and a logout start here, and the session
	// the browser came with, if any, ends.
	None           = ""
	PasswordOK     = domain.StagePasswordOK     // the password was right; the second factor is due
	PasswordChange = domain.StagePasswordChange // the password was right but one-time: it must be replaced first
	Enrollment     = domain.StageEnrollment     // the account forces 2FA and the user must set it up first
	Full           = domain.StageFull           // logged in
)

// Stages lists every stage, None first.
var Stages = []string{None, PasswordOK, PasswordChange, Enrollment, Full}

// Event is what happens to a session: a step's outcome, or the account's
// policy read at a request.
type Event string

// The events.
const (
	// PasswordRight: the password, of a user without 2FA whose account
	// does not force it.
	PasswordRight Event = "password right"
	// MustChangePassword: the password was right but one-time (set by an
	// administrator, or the first administrator's).
	MustChangePassword Event = "password must change"
	// FactorDue: the password, of a user with 2FA.
	FactorDue Event = "second factor due"
	// PolicyForces: a user without 2FA in an account that forces it, with
	// no grace period left (mustEnroll); at the password, or at any request
	// of a full session.
	PolicyForces Event = "policy forces 2FA"
	// GraceAllows: as PolicyForces, but the account grants a grace
	// period, and the user's starts with this step: until its end they
	// may skip the setup. (Within a grace that runs already the password
	// is PasswordRight.)
	GraceAllows Event = "grace period allows"
	// TrustedBrowser: the password, from a browser the user trusted at an
	// earlier second step, while the account allows it.
	TrustedBrowser Event = "trusted browser"
	// FactorProven: a code, a recovery code or a security key at the
	// second step.
	FactorProven Event = "second factor proven"
	// EnrollmentDone: the user's first second factor connected.
	EnrollmentDone Event = "enrollment done"
	// PasskeySignIn: a discoverable credential that verified its user,
	// both factors in one.
	PasskeySignIn Event = "passkey sign-in"
	// Reauthenticated: the password, a code or a key given again.
	Reauthenticated Event = "re-authenticated"
	// Ended: logout.
	Ended Event = "ended"
)

// Events lists every event.
var Events = []Event{PasswordRight, MustChangePassword, FactorDue, PolicyForces, GraceAllows, TrustedBrowser,
	FactorProven, EnrollmentDone, PasskeySignIn, Reauthenticated, Ended}

// Lifetime is how long a session of a stage lives at most; the service
// holds the durations (SessionMax, SecondStepTTL, EnrollmentTTL).
type Lifetime int

const (
	NoLifetime     Lifetime = iota // no session
	SessionLife                    // a full session: SessionMax
	SecondStepLife                 // waiting for the second factor: SecondStepTTL
	SetupLife                      // replacing a password or setting up 2FA: EnrollmentTTL
)

// Info is what a stage means to a client: the "next" answer that leads it
// there, and the session's lifetime.
type Info struct {
	Next string
	Life Lifetime
	// MadeByPassword: a session of the stage is made by the step that
	// checked the password it is about, at its CreatedAt (the one-time
	// password a password_change session must replace). Shortly after,
	// the session is that proof, and the replacement need not ask for
	// it again (login.ChangeOneTimePassword).
	MadeByPassword bool
}

var info = map[string]Info{
	None:           {"", NoLifetime, false},
	PasswordOK:     {shared.NextTOTP, SecondStepLife, false},
	PasswordChange: {shared.NextChangePassword, SetupLife, true},
	Enrollment:     {shared.NextEnroll, SetupLife, false},
	Full:           {shared.NextDone, SessionLife, false},
}

// Of returns what stage s means.
func Of(s string) Info { return info[s] }

// row is one transition.
type row struct {
	from  string
	event Event
	to    string
}

// table is every transition there is. A row whose to is its from keeps the
// session as it is; a row to None ends it.
var table = []row{
	// The password step (Login), and the replacement of a one-time
	// password (ChangeOneTimePassword), which leads where the login would
	// have.
	{None, MustChangePassword, PasswordChange},
	{None, TrustedBrowser, Full},
	{None, FactorDue, PasswordOK},
	{None, PolicyForces, Enrollment},
	{None, GraceAllows, Full},
	{None, PasswordRight, Full},
	{PasswordChange, FactorDue, PasswordOK},
	{PasswordChange, PolicyForces, Enrollment},
	{PasswordChange, GraceAllows, Full},
	{PasswordChange, PasswordRight, Full},
	// The second step, and a passkey alone.
	{PasswordOK, FactorProven, Full},
	{None, PasskeySignIn, Full},
	// The first factor connected (login.Enrol: the app or a key): enrolling
	// becomes full; a full session stays.
	{Enrollment, EnrollmentDone, Full},
	{Full, EnrollmentDone, Full},
	// At every request (Authenticate): the account's policy holds for a
	// session that began before it.
	{Full, PolicyForces, Enrollment},
	{Full, GraceAllows, Full},
	// A proof given again (Reauthenticate) keeps the session's stage.
	{Enrollment, Reauthenticated, Enrollment},
	{Full, Reauthenticated, Full},
	// Logout ends whatever session the browser has.
	{None, Ended, None},
}

// Next returns the stage event leads to from from, and false when the pair
// is not a transition: the step must be refused.
func Next(from string, event Event) (to string, ok bool) {
	for _, r := range table {
		if r.from == from && r.event == event {
			return r.to, true
		}
	}
	return "", false
}

// ErrNoTransition is the error of a step whose (stage, event) pair is not in
// the table.
type ErrNoTransition struct {
	From  string
	Event Event
}

func (e *ErrNoTransition) Error() string {
	return fmt.Sprintf("stage: no transition from %q on %q", e.From, e.Event)
}

// Must is Next for a step whose caller has checked the pair can happen: a
// pair that is not a row is an error.
func Must(from string, event Event) (string, error) {
	to, ok := Next(from, event)
	if !ok {
		return "", &ErrNoTransition{From: from, Event: event}
	}
	return to, nil
}
