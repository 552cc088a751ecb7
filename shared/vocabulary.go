package shared

import (
	"strings"

	"github.com/warden-auth/warden/shared/words"
)

// The words the server stores and sends and the app shows: login methods,
// results and failure reasons of login events, and audit actions. Defined
// here once; the store writes them, the wire carries them, and MethodWords,
// ReasonWords and ActionWords name their messages (shared/words).

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
	methodWords = map[string]words.Message{
		MethodPassword:       words.MethodPassword,
		MethodTOTP:           words.MethodTOTP,
		MethodRecoveryCode:   words.MethodRecoveryCode,
		MethodTrustedBrowser: words.MethodTrustedBrowser,
	}
	reasonWords = map[string]words.Message{
		ReasonWrongPassword:   words.ReasonWrongPassword,
		ReasonUnknownUser:     words.ReasonUnknownUser,
		ReasonWrongCode:       words.ReasonWrongCode,
		ReasonReusedCode:      words.ReasonReusedCode,
		ReasonLockedOut:       words.ReasonLockedOut,
		ReasonThrottled:       words.ReasonThrottled,
		ReasonMalformedCode:   words.ReasonMalformedCode,
		ReasonStopped:         words.ReasonStopped,
		ReasonDisabled:        words.ReasonDisabled,
		MethodSecurityKey:     words.MethodSecurityKey,
		MethodPasskey:         words.MethodPasskey,
		ReasonWrongKey:        words.ReasonWrongKey,
		ReasonClonedKey:       words.ReasonClonedKey,
		ReasonStaleKeyRequest: words.ReasonStaleKeyRequest,
		ReasonPasskeysOff:     words.ReasonPasskeysOff,
		ReasonMustChange:      words.ReasonMustChange,
	}
	actionWords = map[string]words.Message{
		AuditPolicyChanged:     words.ActionPolicyChanged,
		AuditTwoFactorReset:    words.ActionTwoFactorReset,
		AuditConnected:         words.ActionConnected,
		AuditDisconnected:      words.ActionDisconnected,
		AuditCodesRegenerated:  words.ActionCodesRegenerated,
		AuditUserCreated:       words.ActionUserCreated,
		AuditPasswordChanged:   words.ActionPasswordChanged,
		AuditAccountCreated:    words.ActionAccountCreated,
		AuditAccountRenamed:    words.ActionAccountRenamed,
		AuditRoleChanged:       words.ActionRoleChanged,
		AuditUserDisabled:      words.ActionUserDisabled,
		AuditUserEnabled:       words.ActionUserEnabled,
		AuditUserUnlocked:      words.ActionUserUnlocked,
		AuditEmailChanged:      words.ActionEmailChanged,
		AuditEmailConfirmed:    words.ActionEmailConfirmed,
		AuditTrustPolicy:       words.ActionTrustPolicy,
		AuditSessionEnded:      words.ActionSessionEnded,
		AuditSessionsEnded:     words.ActionSessionsEnded,
		AuditBrowserRemoved:    words.ActionBrowserRemoved,
		AuditPasskeysChanged:   words.ActionPasskeysChanged,
		AuditKeyAdded:          words.ActionKeyAdded,
		AuditKeyRemoved:        words.ActionKeyRemoved,
		AuditAppRemoved:        words.ActionAppRemoved,
		AuditPasswordSet:       words.ActionPasswordSet,
		AuditDisconnectRefused: words.ActionDisconnectRefused,
		AuditReauthRefused:     words.ActionReauthRefused,
		AuditRegenerateRefused: words.ActionRegenerateRefused,
		AuditPasswordRefused:   words.ActionPasswordRefused,
	}
)

// MethodWords names a login method.
func MethodWords(method string) words.Message { return said(methodWords, method) }

// SignInWords says the methods of a history row: a sign-in's steps in
// order ("Password + Authenticator code"), or the one step's method.
func SignInWords(e LoginEvent) words.Message {
	if len(e.Methods) < 2 {
		return MethodWords(e.Method)
	}
	said := MethodWords(e.Methods[0])
	for _, m := range e.Methods[1:] {
		said = words.MethodsJoined(said, MethodWords(m))
	}
	return said
}

// ReasonWords says why an attempt failed (the zero Message for a success).
func ReasonWords(reason string) words.Message { return said(reasonWords, reason) }

// BlockedWords says what a history row of attempts a lock blocked stands
// for: "27 attempts blocked while logins were paused".
func BlockedWords(reason string, attempts int) words.Message {
	if reason == ReasonLockedOut {
		return words.BlockedCodeStep(attempts)
	}
	return words.BlockedLogins(attempts)
}

// ActorCommandLine is the audit log's actor when an operator's command,
// not a user, did the action; no username has a space in it.
const ActorCommandLine = "command line"

// ActorWords is an audit entry's actor: a user's name as it is, the
// command line in words.
func ActorWords(actor string) words.Message {
	if actor == ActorCommandLine {
		return words.ActorCommandLine
	}
	return words.Verbatim(actor)
}

// ActionWords names an audit action.
func ActionWords(action string) words.Message { return said(actionWords, action) }

// said is the message of a word the server stores; one this version does
// not know (written by a newer server) is said as itself, readably.
func said(known map[string]words.Message, word string) words.Message {
	if m, ok := known[word]; ok {
		return m
	}
	if word == "" {
		return words.Message{}
	}
	return words.Verbatim(strings.ReplaceAll(word, "_", " "))
}

// The six-digit code of an authenticator app (RFC 6238 as every app speaks
// it), as typed or pasted.
const (
	CodeDigits = 6
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
