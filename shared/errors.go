// Package shared holds what the server and the WebAssembly app both speak: the
// wire types of the JSON API, the coded error type, and field validation. It
// builds for js/wasm and imports nothing that touches a database or the UI.
package shared

import (
	"fmt"
	"maps"
	"slices"

	"github.com/warden-auth/warden/shared/words"
)

// Error codes. The server maps each to one HTTP status in a single table
// (server/httpapi); the app shows Message to the user and may branch on Code.
const (
	EInvalid            = "invalid"             // 400: a field or the body is malformed
	EUnsupportedMedia   = "unsupported_media"   // 415: the body is not JSON
	ETooLarge           = "too_large"           // 413: the body is over the limit
	EUnauthenticated    = "unauthenticated"     // 401: no valid session
	EWrongCredentials   = "wrong_credentials"   // 401: username or password wrong
	EWrongCode          = "wrong_code"          // 401: a wrong, reused or expired second-factor code
	EForbidden          = "forbidden"           // 403: the role does not allow it
	EAccountDisabled    = "account_disabled"    // 403: the right password of a user an administrator disabled
	EEnrollmentRequired = "enrollment_required" // 403: 2FA must be set up first
	EReauthRequired     = "reauth_required"     // 403: a sensitive action needs the password or a code again
	ECrossOrigin        = "cross_origin"        // 403: a state change from another origin
	ENotFound           = "not_found"           // 404
	EMethodNotAllowed   = "method_not_allowed"  // 405
	EConflict           = "conflict"            // 409
	EConfirmRequired    = "confirm_required"    // 409: the user must confirm a warning
	ETwoFactorRequired  = "twofa_required"      // 409: the caller must have 2FA on first
	EMisdirected        = "misdirected"         // 421: a request for another host than the server's PUBLIC_URL
	ERateLimited        = "rate_limited"        // 429: locked out or throttled
	EUnavailable        = "unavailable"         // 503: the database cannot be reached
	EInternal           = "internal"            // 500: anything unexpected; details only in the log

	EPasswordChange = "password_change_required" // 403: a one-time password must be replaced first
	ENoWebAuthn     = "webauthn_unavailable"     // 400: security keys cannot work at the address asked (an IP, not a domain)

	// A link to confirm an e-mail address that does not work.
	ELinkInvalid   = "link_invalid"    // 404: no such link, or used or replaced by a newer one
	ELinkExpired   = "link_expired"    // 410: older than EmailLinkHours
	ELinkOtherUser = "link_other_user" // 403: opened while signed in as someone else
)

// ErrorCodes is every code above. The server's test checks each against its
// status table, so a new code cannot fall through to 500 unnoticed; a test
// there also checks that this list names every E* constant of this package.
var ErrorCodes = []string{
	EInvalid, EUnsupportedMedia, ETooLarge, EUnauthenticated, EWrongCredentials, EWrongCode,
	EForbidden, EAccountDisabled, EEnrollmentRequired, EReauthRequired, ECrossOrigin, ENotFound, EMethodNotAllowed, EConflict,
	EConfirmRequired, ETwoFactorRequired, EMisdirected, ERateLimited, EUnavailable, EInternal,
	EPasswordChange, ENoWebAuthn, ELinkInvalid, ELinkExpired, ELinkOtherUser,
}

// Error is the one error type of the API. It is both the JSON body of every
// error answer and a Go error that the server's layers return.
type Error struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
	// RetryAfter is set on ERateLimited, and on EUnavailable when the server
	// sheds logins: seconds until the next attempt may succeed (also sent as
	// the Retry-After header).
	RetryAfter int `json:"retry_after,omitempty"`
	// Said is the message that Message says, and SaidFields those of
	// Fields, so that In can say them in the reader's language. An error
	// read from an answer has only the text.
	Said       words.Message            `json:"-"`
	SaidFields map[string]words.Message `json:"-"`
}

// Fail is an error with the code, saying m (in English until In).
func Fail(code string, m words.Message) *Error {
	return &Error{Code: code, Message: words.English.Say(m), Said: m}
}

// Invalid is the EInvalid error of one field, which says m both for the
// field and as the error's message.
func Invalid(field string, m words.Message) *Error {
	return Fail(EInvalid, m).WithField(field, m)
}

// WithField adds m as the message of field, and returns e.
func (e *Error) WithField(field string, m words.Message) *Error {
	if e.Fields == nil {
		e.Fields = map[string]string{}
	}
	if e.SaidFields == nil {
		e.SaidFields = map[string]words.Message{}
	}
	e.Fields[field], e.SaidFields[field] = words.English.Say(m), m
	return e
}

// WithRetryAfter sets how many seconds until the next attempt may
// succeed, and returns e.
func (e *Error) WithRetryAfter(secs int) *Error {
	e.RetryAfter = secs
	return e
}

// In is a copy of e said in l: its message and each field's, where e knows
// them as messages.
func (e *Error) In(l *words.Language) *Error {
	c := *e
	if !e.Said.IsZero() {
		c.Message = l.Say(e.Said)
	}
	if len(e.SaidFields) > 0 {
		c.Fields = maps.Clone(e.Fields)
		for field, m := range e.SaidFields {
			c.Fields[field] = l.Say(m)
		}
	}
	return &c
}

func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %s %v", e.Code, e.Message, e.Fields)
	}
	return e.Code + ": " + e.Message
}

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err if it is an *Error, and EInternal otherwise.
func ErrorCode(err error) string {
	if e, ok := err.(*Error); ok && e != nil {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EInternal
}

// maxRetryAfter bounds the wait a page tells from its address: a day, well
// past the longest lock (15 minutes).
const maxRetryAfter = 24 * 60 * 60

// FormErrorWords is what a page says for the code of an error that a form
// post of it was answered with (the code is all the redirect carries: a
// message in a URL could be anyone's words). retryAfter is in seconds. A
// code that no answer has (a link someone made) says nothing (the zero
// Message), and a wait no lock has is not told.
func FormErrorWords(code string, retryAfter int) words.Message {
	if retryAfter < 0 || retryAfter > maxRetryAfter {
		retryAfter = 0
	}
	if !slices.Contains(ErrorCodes, code) {
		return words.Message{}
	}
	switch code {
	case EWrongCredentials:
		return words.WrongCredentials
	case EWrongCode:
		return words.WrongCode
	case EUnauthenticated:
		return words.SessionExpired
	case EAccountDisabled:
		return words.AccountDisabled
	case EInvalid:
		return words.CheckWhatYouEntered
	case ERateLimited:
		if retryAfter > 60 {
			return words.TooManyAttemptsMinutes((retryAfter + 59) / 60)
		}
		return words.TooManyAttempts
	case EUnavailable:
		return words.ServiceUnavailable
	case ELinkInvalid:
		return words.LinkInvalid
	case ELinkExpired:
		return words.LinkExpired(EmailLinkHours)
	case ELinkOtherUser:
		return words.LinkOtherUser
	}
	return words.SomethingWentWrong
}
