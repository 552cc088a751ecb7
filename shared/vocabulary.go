package shared

import "strings"

// The words the server stores and sends and the app shows: login methods,
// results and failure reasons of login events, and audit actions. Defined
// here once; the store writes them, the wire carries them, and MethodText,
// ReasonText and ActionText say them to people.

// Login methods and results of a login event.
const (
	MethodPassword     = "password"
	MethodTOTP         = "totp"
	MethodRecoveryCode = "recovery_code"

	ResultSuccess = "success"
	ResultFailure = "failure"
)

// Reasons a login step failed.
const (
	ReasonWrongPassword = "wrong_password"
	ReasonUnknownUser   = "unknown_user" // only in administrators' views: no account has it
	ReasonWrongCode     = "wrong_code"
	ReasonReusedCode    = "reused_code"
	ReasonLockedOut     = "locked_out"
	ReasonThrottled     = "throttled"
	ReasonMalformedCode = "malformed_code"        // not a code at all: recorded, not counted toward the lockout
	ReasonStopped       = "authenticator_stopped" // codes refused for good after a run of wrong ones
)

// Audit actions.
const (
	AuditPolicyChanged    = "policy_changed"
	AuditTwoFactorReset   = "2fa_reset"
	AuditConnected        = "2fa_connected"
	AuditDisconnected     = "2fa_disconnected"
	AuditCodesRegenerated = "recovery_codes_regenerated"
	AuditUserCreated      = "user_created"
	AuditPasswordChanged  = "password_changed"
	AuditPasswordSet      = "password_set" // an administrator gave a one-time password
	// Refused security changes: the proof (password, code) was wrong.
	AuditDisconnectRefused = "2fa_disconnect_refused"
	AuditReauthRefused     = "reauth_refused"
	AuditRegenerateRefused = "recovery_codes_regenerate_refused"
	AuditPasswordRefused   = "password_change_refused"
)

var (
	methodTexts = map[string]string{
		MethodPassword:     "Password",
		MethodTOTP:         "Authenticator code",
		MethodRecoveryCode: "Recovery code",
	}
	reasonTexts = map[string]string{
		ReasonWrongPassword: "Wrong password",
		ReasonUnknownUser:   "No such user",
		ReasonWrongCode:     "Wrong code",
		ReasonReusedCode:    "Code already used",
		ReasonLockedOut:     "Locked after too many wrong codes",
		ReasonThrottled:     "Too many failed attempts",
		ReasonMalformedCode: "Not a code",
		ReasonStopped:       "Authenticator blocked after too many wrong codes",
	}
	actionTexts = map[string]string{
		AuditPolicyChanged:     "Changed Force 2FA",
		AuditTwoFactorReset:    "Reset 2FA",
		AuditConnected:         "Connected 2FA",
		AuditDisconnected:      "Disconnected 2FA",
		AuditCodesRegenerated:  "Regenerated recovery codes",
		AuditUserCreated:       "Created the user",
		AuditPasswordChanged:   "Changed the password",
		AuditPasswordSet:       "Set a one-time password",
		AuditDisconnectRefused: "Disconnect refused",
		AuditReauthRefused:     "Confirming it was them failed",
		AuditRegenerateRefused: "Regenerating recovery codes refused",
		AuditPasswordRefused:   "Password change refused",
	}
)

// MethodText names a login method for people.
func MethodText(method string) string { return text(methodTexts, method) }

// ReasonText explains why an attempt failed ("" for a success).
func ReasonText(reason string) string { return text(reasonTexts, reason) }

// ActionText names an audit action for people.
func ActionText(action string) string { return text(actionTexts, action) }

// text says a word for people; one this version does not know (written by
// a newer server) is shown as itself, readably.
func text(texts map[string]string, word string) string {
	if t, ok := texts[word]; ok {
		return t
	}
	return strings.ReplaceAll(word, "_", " ")
}

// The six-digit code of an authenticator app (RFC 6238 as every app speaks
// it), as typed or pasted.
const (
	CodeDigits = 6
	// CodeFormatMessage is the one answer to anything that is not a code.
	CodeFormatMessage = "Enter the six digits your authenticator app shows."
)

// NormalizeCode returns the six digits of a typed or pasted code. Spaces are
// removed (apps show "123 456"); anything else that is not exactly six ASCII
// digits is refused, so the server never compares it.
func NormalizeCode(s string) (string, bool) {
	s = strings.ReplaceAll(s, " ", "")
	if len(s) != CodeDigits {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", false
		}
	}
	return s, true
}
