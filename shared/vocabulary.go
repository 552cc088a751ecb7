package shared

import (
	"strconv"
	"strings"
)

// The words the server stores and sends and the app shows: login methods,
// results and failure reasons of login events, and audit actions. Defined
// here once; the store writes them, the wire carries them, and MethodText,
// ReasonText and ActionText say them to people.

// Login methods and results of a login event.
const (
	MethodPassword     = "password"
	MethodTOTP         = "totp"
	MethodRecoveryCode = "recovery_code"
	// MethodTrustedBrowser is a password login that a browser trusted at
	// an earlier second step spared its code.
	MethodTrustedBrowser = "trusted_browser"
	MethodSecurityKey    = "security_key" // a security key at the second step
	MethodPasskey        = "passkey"      // a passkey alone: both factors

	ResultSuccess = "success"
	ResultFailure = "failure"
)

// Reasons a login step failed.
const (
	ReasonWrongPassword   = "wrong_password"
	ReasonUnknownUser     = "unknown_user" // only in administrators' views: no account has it
	ReasonWrongCode       = "wrong_code"
	ReasonReusedCode      = "reused_code"
	ReasonLockedOut       = "locked_out"
	ReasonThrottled       = "throttled"
	ReasonMalformedCode   = "malformed_code"        // not a code at all: recorded, not counted toward the lockout
	ReasonStopped         = "authenticator_stopped" // codes refused for good after a run of wrong ones
	ReasonDisabled        = "user_disabled"         // the right password of a disabled user
	ReasonWrongKey        = "wrong_key"             // an assertion that did not verify, or of a key not the user's
	ReasonClonedKey       = "cloned_key"            // the key's sign counter went back: a copy of it may exist
	ReasonStaleKeyRequest = "stale_key_request"     // the challenge expired, was used already, or is not this session's
	ReasonPasskeysOff     = "passkeys_off"          // the account does not allow passkey sign-in
	ReasonMustChange      = "password_must_change"  // a one-time password not yet replaced: no step but its replacement
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
	AuditAccountCreated   = "account_created"
	AuditAccountRenamed   = "account_renamed"
	AuditRoleChanged      = "role_changed"
	AuditUserDisabled     = "user_disabled"
	AuditUserEnabled      = "user_enabled"
	AuditUserUnlocked     = "user_unlocked"
	AuditEmailChanged     = "email_changed"            // detail: "link sent" to a new address, or "removed"
	AuditEmailConfirmed   = "email_confirmed"          // the user opened the link
	AuditTrustPolicy      = "remember_browser_changed" // the account's "Trust a browser for 2FA" days
	AuditSessionEnded     = "session_ended"
	AuditSessionsEnded    = "other_sessions_ended"
	AuditBrowserRemoved   = "trusted_browser_removed"
	AuditPasskeysChanged  = "passkeys_changed"
	AuditKeyAdded         = "security_key_added"
	AuditKeyRemoved       = "security_key_removed"
	AuditAppRemoved       = "authenticator_app_removed" // the app went, security keys stay
	AuditPasswordSet      = "password_set"              // an administrator gave a one-time password
	// Refused security changes: the proof (password, code) was wrong.
	AuditDisconnectRefused = "2fa_disconnect_refused"
	AuditReauthRefused     = "reauth_refused"
	AuditRegenerateRefused = "recovery_codes_regenerate_refused"
	AuditPasswordRefused   = "password_change_refused"
)

var (
	methodTexts = map[string]string{
		MethodPassword:       "Password",
		MethodTOTP:           "Authenticator code",
		MethodRecoveryCode:   "Recovery code",
		MethodTrustedBrowser: "Password on a trusted browser",
	}
	reasonTexts = map[string]string{
		ReasonWrongPassword:   "Wrong password",
		ReasonUnknownUser:     "No such user",
		ReasonWrongCode:       "Wrong code",
		ReasonReusedCode:      "Code already used",
		ReasonLockedOut:       "Locked after too many wrong codes",
		ReasonThrottled:       "Too many failed attempts",
		ReasonMalformedCode:   "Not a code",
		ReasonStopped:         "Authenticator blocked after too many wrong codes",
		ReasonDisabled:        "User disabled",
		MethodSecurityKey:     "Security key",
		MethodPasskey:         "Passkey",
		ReasonWrongKey:        "Security key not accepted",
		ReasonClonedKey:       "Security key refused: its counter went back (a copy may exist)",
		ReasonStaleKeyRequest: "Security key request expired or already used",
		ReasonPasskeysOff:     "Passkeys are switched off for the account",
		ReasonMustChange:      "One-time password not yet replaced",
	}
	actionTexts = map[string]string{
		AuditPolicyChanged:     "Changed Force 2FA",
		AuditTwoFactorReset:    "Reset 2FA",
		AuditConnected:         "Connected 2FA",
		AuditDisconnected:      "Disconnected 2FA",
		AuditCodesRegenerated:  "Regenerated recovery codes",
		AuditUserCreated:       "Created the user",
		AuditPasswordChanged:   "Changed the password",
		AuditAccountCreated:    "Created the account",
		AuditAccountRenamed:    "Renamed the account",
		AuditRoleChanged:       "Changed the role",
		AuditUserDisabled:      "Disabled the user",
		AuditUserEnabled:       "Enabled the user",
		AuditUserUnlocked:      "Unlocked the user",
		AuditEmailChanged:      "Changed the e-mail address",
		AuditEmailConfirmed:    "Confirmed the e-mail address",
		AuditTrustPolicy:       "Changed Trust a browser for 2FA",
		AuditSessionEnded:      "Ended a session",
		AuditSessionsEnded:     "Ended all other sessions",
		AuditBrowserRemoved:    "Removed a trusted browser",
		AuditPasskeysChanged:   "Changed passkey sign-in",
		AuditKeyAdded:          "Added a security key",
		AuditKeyRemoved:        "Removed a security key",
		AuditAppRemoved:        "Removed the authenticator app",
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

// BlockedText says what a history row of attempts a lock blocked stands
// for: "27 attempts blocked while logins were paused".
func BlockedText(reason string, attempts int) string {
	n := strconv.Itoa(attempts) + " attempts"
	if attempts == 1 {
		n = "1 attempt"
	}
	if reason == ReasonLockedOut {
		return n + " blocked while the code step was locked"
	}
	return n + " blocked while logins were paused"
}

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
