package stage

import (
	"time"

	"github.com/warden-auth/warden/server/domain"
)

// Force 2FA's grace period (issue 16; GitLab's two_factor_grace_period is
// the model). A user without 2FA under the policy may skip the setup until
// their own deadline: the account's grace days counted from their grace
// start, the first login (or, for a session older than the policy, the
// first request) without 2FA under the policy. The days are read at each
// check, so changing them moves every running deadline. The start is kept
// when the user connects 2FA, so a user who disconnects again is held to
// the same deadline and cannot earn a new grace period; switching the
// policy off forgets every start, and switched on again it grants a new one.
// With 0 days nothing starts and the setup is due at once.

// MustEnroll reports whether u must set up 2FA before anything else at now,
// and whether their grace period starts now (a full session, and the start
// to store).
func MustEnroll(u *domain.User, now time.Time) (enroll, startGrace bool) {
	a := u.Account
	switch {
	case !a.ForceTwoFactor || u.TwoFactorEnabled():
		return false, false
	case a.GraceDays <= 0:
		return true, false
	case u.GraceStartedAt == nil:
		return false, true
	}
	deadline, _ := GraceDeadline(u)
	return !now.Before(deadline), false
}

// GraceDeadline is when u must have set up 2FA by under their account's
// grace period. ok is false when no deadline runs for them: the account does
// not force 2FA or has no grace period, u has 2FA, or their grace has not
// started. A deadline already past is returned too (ok true).
func GraceDeadline(u *domain.User) (deadline time.Time, ok bool) {
	a := u.Account
	if a == nil || !a.ForceTwoFactor || a.GraceDays <= 0 || u.TwoFactorEnabled() || u.GraceStartedAt == nil {
		return time.Time{}, false
	}
	return GraceEnd(a, *u.GraceStartedAt), true
}

// GraceEnd is the deadline of a grace period that started at start.
func GraceEnd(a *domain.Account, start time.Time) time.Time {
	return start.Add(time.Duration(a.GraceDays) * 24 * time.Hour)
}

// PasswordEvent is where a right password leads the user u at now, when it
// is not one-time: the second step when 2FA is on, enrollment when the
// account forces 2FA and the user has none and no grace period left
// (MustEnroll), else a full session, whose grace period may start with it.
// Login and ChangeOneTimePassword (package login) share it.
func PasswordEvent(u *domain.User, now time.Time) Event {
	if u.TwoFactorEnabled() {
		return FactorDue
	}
	if ev, ok := PolicyEvent(u, now); ok {
		return ev
	}
	return PasswordRight
}

// PolicyEvent is what the account's Force 2FA says of u at now, if it
// moves them: the setup is due (PolicyForces), or their grace period starts
// now (GraceAllows). Within a grace period that runs already it says
// nothing.
func PolicyEvent(u *domain.User, now time.Time) (Event, bool) {
	enroll, startGrace := MustEnroll(u, now)
	switch {
	case enroll:
		return PolicyForces, true
	case startGrace:
		return GraceAllows, true
	}
	return "", false
}
