package auth

import (
	"context"
	"errors"
	"strings"

	"github.com/trustelem/zxcvbn"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// minPasswordScore is the zxcvbn score a chosen password needs: 3 is "safely
// unguessable" against an online attack and a throttled offline one.
const minPasswordScore = 3

// scoredPrefix bounds what zxcvbn reads: its matching grows fast with the
// length (a 256-byte password takes a fifth of a second), and characters past
// the prefix only add to a password's strength, so scoring the prefix never
// overrates one.
const scoredPrefix = 100

// passwordProblem says in words why u may not choose password, "" when it
// may: the shared rules first (length, the username), then how easy it is to
// guess, with u's username and account name as words an attacker tries.
func passwordProblem(password string, u *domain.User) string {
	_, problem := passwordVerdict(password, u.Username, u.Account)
	return problem
}

// passwordVerdict is zxcvbn's score of password for the user username of
// account (nil: not known yet), and why it is refused ("" when it is not).
func passwordVerdict(password, username string, account *domain.Account) (score int, problem string) {
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

// ChangePassword replaces the session's user's password. The current one is
// the proof (wrong ones count toward the username's throttle, as at login,
// and are audited); the new one must pass passwordProblem. The change ends
// every other session and every trusted browser of the user, this one
// stays, and voids the device cookies earned before (their tag binds the
// password epoch); the browser
// that made the change gets device, a cookie under the new password. Returns
// EWrongCredentials, EInvalid with fields.new saying why, or ERateLimited.
func (s *Service) ChangePassword(ctx context.Context, sess *domain.Session, req shared.ChangePasswordRequest, c Client) (device string, err error) {
	if e := req.Valid(); e != nil {
		return "", e
	}
	c = c.clip()
	u := sess.User
	if err := s.checkOwnPassword(ctx, u, req.Current, c); errors.Is(err, errWrongPassword) {
		if err := s.Store.RecordAudit(ctx, s.audit(u.AccountID, u, shared.AuditPasswordRefused, u, c, shared.ReasonWrongPassword)); err != nil {
			return "", err
		}
		return "", errWrongPassword
	} else if err != nil {
		return "", err
	}
	msg := passwordProblem(req.New, u)
	if msg == "" && req.New == req.Current {
		msg = "Choose a password other than your current one."
	}
	if msg != "" {
		return "", &shared.Error{Code: shared.EInvalid, Message: "Choose another password.", Fields: map[string]string{"new": msg}}
	}
	hash, err := s.Hasher.Hash(req.New)
	if err != nil {
		return "", err
	}
	event := s.audit(u.AccountID, u, shared.AuditPasswordChanged, u, c, "")
	if !u.PasswordMustChange {
		// Replacing a one-time password is the user's first choice of
		// their own, at the login it came with: no news to tell them.
		event = s.withNotice(event, u, shared.NoticePasswordChanged, c, "")
	}
	_, err = s.Store.ChangePassword(ctx, u.ID, u.PasswordHash, hash, sess.ID, s.Now(), event)
	if errors.Is(err, domain.ErrNotFound) {
		// The password changed since this request read it: the proof is
		// no longer the current password.
		return "", errWrongPassword
	}
	if err != nil {
		return "", err
	}
	// Store.ChangePassword removed every trusted browser of the user too,
	// in the same transaction as the sessions.
	changed := *u
	changed.PasswordHash, changed.PasswordEpoch = hash, u.PasswordEpoch+1 // as Store.ChangePassword left the row
	return s.newDevice(&changed)
}
