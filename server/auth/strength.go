package auth

import (
	"runtime"
	"sync"

	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
)

// strengthSlots bounds how many passwords are scored at once for the
// strength hint: each costs up to tens of milliseconds of CPU (scoredPrefix
// bounds it), and the hint is asked for while typing, so a client sending
// them without pause must not take the CPUs the logins need.
var strengthSlots = sync.OnceValue(func() chan struct{} {
	return make(chan struct{}, max(1, runtime.NumCPU()/2))
})

var errStrengthBusy = &shared.Error{Code: shared.ERateLimited, RetryAfter: 1,
	Message: "Too many passwords are being checked at once. Try again in a moment."}

// PasswordStrength scores a password being typed by the session's user,
// with the rules a new password must pass (passwordVerdict), for the hint
// beside the field: the hint and the refusal never disagree. Username, when
// given, is the name the password is for (an administrator choosing one for
// a new user), in the caller's account. The password is neither stored nor
// logged. Returns EInvalid for a password past the length limit, and
// ERateLimited while every slot is busy.
func (s *Service) PasswordStrength(sess *domain.Session, req shared.PasswordStrengthRequest) (shared.PasswordStrength, error) {
	if len(req.Password) > shared.PasswordMaxBytes || len(req.Username) > 2*shared.UsernameMaxLen {
		return shared.PasswordStrength{}, shared.Errorf(shared.EInvalid, "The password or the username is too long.")
	}
	username := sess.User.Username
	if req.Username != "" {
		username = shared.NormalizeUsername(req.Username)
	}
	select {
	case strengthSlots() <- struct{}{}:
		defer func() { <-strengthSlots() }()
	default:
		return shared.PasswordStrength{}, errStrengthBusy
	}
	score, problem := passwordVerdict(req.Password, username, sess.User.Account)
	res := shared.PasswordStrength{Score: score, OK: problem == "", Warning: problem, Suggestions: []string{}}
	if !res.OK {
		res.Suggestions = append(res.Suggestions, "A few unrelated words, or a longer password, are hard to guess and easy to remember.")
	}
	return res, nil
}
