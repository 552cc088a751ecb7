// Package strength is the rules a chosen password must pass: zxcvbn's score
// with the user's own words as an attacker's first guesses, and why a
// password is refused, in words. It is apart from package passwords (the
// hashes and their checks) so that a program that only hashes, the bench's
// raw baseline, does not carry zxcvbn's dictionaries: some 7 MB of maps of
// strings that every garbage collection marks (docs/PERFORMANCE.md).
package strength

import (
	"runtime"
	"strings"
	"sync"

	"github.com/trustelem/zxcvbn"

	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
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

// Strength scores a password being typed by the session's user, with the
// rules a new password must pass (Verdict), for the hint beside the field:
// the hint and the refusal never disagree. Username, when given, is the name
// the password is for (an administrator choosing one for a new user), in the
// caller's account. The password is neither stored nor logged. Returns
// EInvalid for a password past the length limit, and ERateLimited while
// every slot is busy.
func Strength(sess *domain.Session, req shared.PasswordStrengthRequest) (shared.PasswordStrength, error) {
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
	score, problem := Verdict(req.Password, username, sess.User.Account)
	res := shared.PasswordStrength{Score: score, OK: problem == "", Warning: problem, Suggestions: []string{}}
	if !res.OK {
		res.Suggestions = append(res.Suggestions, "A few unrelated words, or a longer password, are hard to guess and easy to remember.")
	}
	return res, nil
}

// minPasswordScore is the zxcvbn score a chosen password needs: 3 is "safely
// unguessable" against an online attack and a throttled offline one.
const minPasswordScore = 3

// scoredPrefix bounds what zxcvbn reads: its matching grows fast with the
// length (a 256-byte password takes a fifth of a second), and characters past
// the prefix only add to a password's strength, so scoring the prefix never
// overrates one.
const scoredPrefix = 100

// Problem says in words why u may not choose password, "" when it may: the
// shared rules first (length, the username), then how easy it is to guess,
// with u's username and account name as words an attacker tries.
func Problem(password string, u *domain.User) string {
	_, problem := Verdict(password, u.Username, u.Account)
	return problem
}

// Verdict is zxcvbn's score of password for the user username of
// account (nil: not known yet), and why it is refused ("" when it is not).
func Verdict(password, username string, account *domain.Account) (score int, problem string) {
	inputs := []string{username}
	if account != nil {
		// The name and each of its words: "Acme Tools" makes "acmetools"
		// and "tools2026" as guessable as "Acme Tools" itself.
		inputs = append(append(inputs, account.Name), strings.Fields(account.Name)...)
	}
	scored := []rune(password)
	if len(scored) > scoredPrefix {
		scored = scored[:scoredPrefix]
	}
	r := zxcvbn.PasswordStrength(string(scored), inputs)
	if msg := shared.ValidateNewPassword(password, username); !msg.IsZero() {
		return min(r.Score, minPasswordScore-1), words.English.Say(msg)
	}
	if r.Score >= minPasswordScore {
		return r.Score, ""
	}
	for _, m := range r.Sequence {
		w, ok := weaknesses[m.Pattern+"/"+m.DictionaryName]
		if !ok {
			w, ok = weaknesses[m.Pattern]
		}
		if ok {
			return r.Score, "This password is too easy to guess: " + w + passwordAdvice
		}
	}
	// Nothing but characters to try one by one: too few of them.
	return r.Score, "This password is too easy to guess: a short one is found quickly even when it looks random." + passwordAdvice
}

const passwordAdvice = " Try a few unrelated words, or a longer password."

// weaknesses says what zxcvbn found in words, by the pattern of a match (and
// its dictionary's name for dictionary matches).
var weaknesses = map[string]string{
	"dictionary/passwords":   "it is, or is built on, a commonly used password.",
	"dictionary/user_inputs": "it contains your username or your account's name.",
	"dictionary":             "common words and names on their own are easy to guess.",
	"spatial":                "keyboard patterns like qwerty or zxcvbn are easy to guess.",
	"repeat":                 "repeated characters or words like aaa or abcabc are easy to guess.",
	"sequence":               "sequences like abc or 6543 are easy to guess.",
	"date":                   "dates and years are easy to guess.",
	"regex":                  "recent years are easy to guess.",
}
