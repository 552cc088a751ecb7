package shared

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/warden-auth/warden/shared/words"
)

// Limits of the user-chosen fields. Passwords are counted in characters for
// the minimum (what a person types) and capped in bytes for the maximum (what
// the hash function is fed), per OWASP ASVS 2.1.1 and 2.1.2: at least 8, at
// most 256, and no composition rules.
const (
	PasswordMinChars = 8
	PasswordMaxBytes = 256
	UsernameMinLen   = 3
	UsernameMaxLen   = 32
	AccountNameMax   = 64
)

// NormalizeUsername is how usernames are compared and stored: case-folded and
// trimmed, so that "Alice" and "alice " are the same person.
func NormalizeUsername(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}

// ValidateUsername checks a username for a new user: 3 to 32 characters of
// a-z, 0-9, '.', '_' and '-', starting with a letter or digit. It expects the
// normalized form.
func ValidateUsername(s string) words.Message {
	if s == "" {
		return words.EnterUsername
	}
	if len(s) < UsernameMinLen || len(s) > UsernameMaxLen {
		return words.UsernameLength(UsernameMinLen, UsernameMaxLen)
	}
	for i, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case (c == '.' || c == '_' || c == '-') && i > 0:
		default:
			return words.UsernameCharacters
		}
	}
	return words.Message{}
}

// validateLoginUsername is the looser check at login: any attempted name that
// could be stored is looked up (and, if unknown, fails like a wrong
// password); only empty and absurd input is refused outright.
func validateLoginUsername(s string) words.Message {
	switch {
	case strings.TrimSpace(s) == "":
		return words.EnterYourUsername
	case len(s) > 2*UsernameMaxLen || !utf8.ValidString(s):
		return words.NotAUsername
	case strings.ContainsFunc(s, invisible):
		// A byte that a database or driver drops ("vic\x00" found as
		// "vic") would let the name throttled and the name looked up
		// differ: refused before anything is counted.
		return words.UsernameInvisible
	}
	return words.Message{}
}

// LoginUsernameValid reports whether s could be typed at login: what a page
// may show back in the username field after a form posted before the app
// ran (anything else in the address is dropped, not shown).
func LoginUsernameValid(s string) bool { return validateLoginUsername(s).IsZero() }

// invisible reports the characters no name people read may hold (names.go):
// control characters (C0, DEL, C1), line and paragraph separators, format
// characters (zero-width spaces and joiners, direction marks and overrides,
// BOM) and the other default-ignorable code points (Hangul fillers,
// invisible operators...), but for variation selectors, which only choose
// how the character before them looks (an emoji's colour). Each of the
// others can make two spellings look or compare alike, reorder what is
// shown after it, or show nothing at all.
func invisible(r rune) bool {
	return unicode.IsControl(r) || unicode.In(r, unicode.Zl, unicode.Zp, unicode.Cf) ||
		(DefaultIgnorable(r) && !unicode.Is(unicode.Variation_Selector, r))
}

// ValidatePassword checks a new password against the rules above.
func ValidatePassword(p string) words.Message {
	switch {
	case !utf8.ValidString(p):
		return words.PasswordNotText
	case utf8.RuneCountInString(p) < PasswordMinChars:
		return words.PasswordTooShort(PasswordMinChars)
	case len(p) > PasswordMaxBytes:
		return words.PasswordTooLong(PasswordMaxBytes)
	}
	return words.Message{}
}

// ValidateNewPassword checks a password the user chooses for themselves:
// the rules above, and not their username nor containing it in any case
// (the first thing an attacker who knows the name tries). It says why in
// words; the zero Message is a password these rules accept. How easy it is to guess
// otherwise is the server's to score.
func ValidateNewPassword(p, username string) words.Message {
	if msg := ValidatePassword(p); !msg.IsZero() {
		return msg
	}
	name := NormalizeUsername(username)
	lower := strings.ToLower(p)
	switch {
	case name == "":
	case strings.TrimSpace(lower) == name:
		return words.PasswordIsUsername
	case strings.Contains(lower, name):
		return words.PasswordHasUsername
	}
	return words.Message{}
}

// validateGivenPassword checks a password given as a proof (at login, to
// disconnect, to confirm it is the user): present, and not absurdly long.
// Whether it is right is the server's to say.
func validateGivenPassword(p string) words.Message {
	switch {
	case p == "":
		return words.EnterYourPassword
	case len(p) > PasswordMaxBytes:
		return words.GivenPasswordTooLong
	}
	return words.Message{}
}

// CodeMaxBytes bounds a typed code, authenticator or recovery.
const CodeMaxBytes = 64

// validateGivenCode checks a code given as a proof: present, and not absurdly
// long. Its format is checked by the server, which counts the attempts.
func validateGivenCode(c string) words.Message {
	switch {
	case strings.TrimSpace(c) == "":
		return words.EnterTheCode
	case len(c) > CodeMaxBytes:
		return words.CodeTooLong
	}
	return words.Message{}
}

// ValidateAccountName checks the name of an account (a tenant): a name
// people read (nameRule).
func ValidateAccountName(s string) words.Message { return accountNameRule.check(s) }

var accountNameRule = nameRule{max: AccountNameMax, empty: words.AccountNameEmpty,
	long: words.AccountNameTooLong(AccountNameMax), invisible: words.AccountNameInvisible}

// validator collects one message per field, the way a form shows them.
type validator struct{ fields map[string]words.Message }

func (v *validator) add(field string, msg words.Message) {
	if v.fields == nil {
		v.fields = map[string]words.Message{}
	}
	if _, seen := v.fields[field]; !seen {
		v.fields[field] = msg
	}
}

func (v *validator) check(field string, msg words.Message) {
	if !msg.IsZero() {
		v.add(field, msg)
	}
}

func (v *validator) err() *Error {
	if len(v.fields) == 0 {
		return nil
	}
	e := Fail(EInvalid, words.CorrectTheFields)
	for field, msg := range v.fields {
		e.WithField(field, msg)
	}
	return e
}
