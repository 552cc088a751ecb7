package words

// The words of login events and audit entries (shared/vocabulary.go), and
// of the devices they came from.

// Login methods.
var (
	MethodPassword       = Message{ID: "MethodPassword"}
	MethodTOTP           = Message{ID: "MethodTOTP"}
	MethodRecoveryCode   = Message{ID: "MethodRecoveryCode"}
	MethodTrustedBrowser = Message{ID: "MethodTrustedBrowser"}
	MethodSecurityKey    = Message{ID: "MethodSecurityKey"}
	MethodPasskey        = Message{ID: "MethodPasskey"}
)

// MethodsJoined is a sign-in of several steps: "Password + Authenticator
// code".
func MethodsJoined(first, then Message) Message {
	return m("MethodsJoined", arg{"First", first}, arg{"Then", then})
}

// Why an attempt failed.
var (
	ReasonWrongPassword   = Message{ID: "ReasonWrongPassword"}
	ReasonUnknownUser     = Message{ID: "ReasonUnknownUser"}
	ReasonWrongCode       = Message{ID: "ReasonWrongCode"}
	ReasonReusedCode      = Message{ID: "ReasonReusedCode"}
	ReasonLockedOut       = Message{ID: "ReasonLockedOut"}
	ReasonThrottled       = Message{ID: "ReasonThrottled"}
	ReasonMalformedCode   = Message{ID: "ReasonMalformedCode"}
	ReasonStopped         = Message{ID: "ReasonStopped"}
	ReasonDisabled        = Message{ID: "ReasonDisabled"}
	ReasonWrongKey        = Message{ID: "ReasonWrongKey"}
	ReasonClonedKey       = Message{ID: "ReasonClonedKey"}
	ReasonStaleKeyRequest = Message{ID: "ReasonStaleKeyRequest"}
	ReasonPasskeysOff     = Message{ID: "ReasonPasskeysOff"}
	ReasonMustChange      = Message{ID: "ReasonMustChange"}

	// A row of attempts a lock blocked.
)

func BlockedCodeStep(count int) Message { return m("BlockedCodeStep", arg{"Count", count}) }
func BlockedLogins(count int) Message   { return m("BlockedLogins", arg{"Count", count}) }

// Audit actions.
var (
	ActionPolicyChanged     = Message{ID: "ActionPolicyChanged"}
	ActionTwoFactorReset    = Message{ID: "ActionTwoFactorReset"}
	ActionConnected         = Message{ID: "ActionConnected"}
	ActionDisconnected      = Message{ID: "ActionDisconnected"}
	ActionCodesRegenerated  = Message{ID: "ActionCodesRegenerated"}
	ActionUserCreated       = Message{ID: "ActionUserCreated"}
	ActionPasswordChanged   = Message{ID: "ActionPasswordChanged"}
	ActionAccountCreated    = Message{ID: "ActionAccountCreated"}
	ActionAccountRenamed    = Message{ID: "ActionAccountRenamed"}
	ActionRoleChanged       = Message{ID: "ActionRoleChanged"}
	ActionUserDisabled      = Message{ID: "ActionUserDisabled"}
	ActionUserEnabled       = Message{ID: "ActionUserEnabled"}
	ActionUserUnlocked      = Message{ID: "ActionUserUnlocked"}
	ActionEmailChanged      = Message{ID: "ActionEmailChanged"}
	ActionEmailConfirmed    = Message{ID: "ActionEmailConfirmed"}
	ActionTrustPolicy       = Message{ID: "ActionTrustPolicy"}
	ActionSessionEnded      = Message{ID: "ActionSessionEnded"}
	ActionSessionsEnded     = Message{ID: "ActionSessionsEnded"}
	ActionBrowserRemoved    = Message{ID: "ActionBrowserRemoved"}
	ActionPasskeysChanged   = Message{ID: "ActionPasskeysChanged"}
	ActionKeyAdded          = Message{ID: "ActionKeyAdded"}
	ActionKeyRemoved        = Message{ID: "ActionKeyRemoved"}
	ActionAppRemoved        = Message{ID: "ActionAppRemoved"}
	ActionPasswordSet       = Message{ID: "ActionPasswordSet"}
	ActionDisconnectRefused = Message{ID: "ActionDisconnectRefused"}
	ActionReauthRefused     = Message{ID: "ActionReauthRefused"}
	ActionRegenerateRefused = Message{ID: "ActionRegenerateRefused"}
	ActionPasswordRefused   = Message{ID: "ActionPasswordRefused"}
	ActorCommandLine        = Message{ID: "ActorCommandLine"}
)

// The details of audit events, as the server stores them (data: a role, a
// number of days, "on") said in words.
var (
	AuditEmailRemoved  = Message{ID: "AuditEmailRemoved"}
	AuditEmailKept     = Message{ID: "AuditEmailKept"}
	AuditEmailLinkSent = Message{ID: "AuditEmailLinkSent"}
)

func AuditDays(count int) Message    { return m("AuditDays", arg{"Count", count}) }
func AuditRole(role Message) Message { return m("AuditRole", arg{"Role", role}) }
func AuditSession(id string) Message { return m("AuditSession", arg{"ID", id}) }
func AuditBrowser(id string) Message { return m("AuditBrowser", arg{"ID", id}) }
func AuditRoleChange(from, to Message) Message {
	return m("AuditRoleChange", arg{"From", from}, arg{"To", to})
}

// AuditWithGrace is Force 2FA switched (state: On or Off) with a grace
// period of count days.
func AuditWithGrace(state Message, count int) Message {
	return m("AuditWithGrace", arg{"State", state}, arg{"Count", count})
}

// Devices, as a User-Agent header names them (the browser and system names
// themselves are Verbatim).
var (
	UnknownDevice  = Message{ID: "UnknownDevice"}
	UnknownBrowser = Message{ID: "UnknownBrowser"}
)

func BrowserOn(browser Message, system string) Message {
	return m("BrowserOn", arg{"Browser", browser}, arg{"System", system})
}
