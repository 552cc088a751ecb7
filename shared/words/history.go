package words

// The words of login events and audit entries (shared/vocabulary.go), and
// of the devices they came from.

// Login methods.
var (
	MethodPassword       = text("MethodPassword")
	MethodTOTP           = text("MethodTOTP")
	MethodRecoveryCode   = text("MethodRecoveryCode")
	MethodTrustedBrowser = text("MethodTrustedBrowser")
	MethodSecurityKey    = text("MethodSecurityKey")
	MethodPasskey        = text("MethodPasskey")
)

// Why an attempt failed.
var (
	ReasonWrongPassword   = text("ReasonWrongPassword")
	ReasonUnknownUser     = text("ReasonUnknownUser")
	ReasonWrongCode       = text("ReasonWrongCode")
	ReasonReusedCode      = text("ReasonReusedCode")
	ReasonLockedOut       = text("ReasonLockedOut")
	ReasonThrottled       = text("ReasonThrottled")
	ReasonMalformedCode   = text("ReasonMalformedCode")
	ReasonStopped         = text("ReasonStopped")
	ReasonDisabled        = text("ReasonDisabled")
	ReasonWrongKey        = text("ReasonWrongKey")
	ReasonClonedKey       = text("ReasonClonedKey")
	ReasonStaleKeyRequest = text("ReasonStaleKeyRequest")
	ReasonPasskeysOff     = text("ReasonPasskeysOff")
	ReasonMustChange      = text("ReasonMustChange")

	// A row of attempts a lock blocked.
	BlockedCodeStep = with[int]("BlockedCodeStep", "Count")
	BlockedLogins   = with[int]("BlockedLogins", "Count")
)

// Audit actions.
var (
	ActionPolicyChanged     = text("ActionPolicyChanged")
	ActionTwoFactorReset    = text("ActionTwoFactorReset")
	ActionConnected         = text("ActionConnected")
	ActionDisconnected      = text("ActionDisconnected")
	ActionCodesRegenerated  = text("ActionCodesRegenerated")
	ActionUserCreated       = text("ActionUserCreated")
	ActionPasswordChanged   = text("ActionPasswordChanged")
	ActionAccountCreated    = text("ActionAccountCreated")
	ActionAccountRenamed    = text("ActionAccountRenamed")
	ActionRoleChanged       = text("ActionRoleChanged")
	ActionUserDisabled      = text("ActionUserDisabled")
	ActionUserEnabled       = text("ActionUserEnabled")
	ActionUserUnlocked      = text("ActionUserUnlocked")
	ActionEmailChanged      = text("ActionEmailChanged")
	ActionEmailConfirmed    = text("ActionEmailConfirmed")
	ActionTrustPolicy       = text("ActionTrustPolicy")
	ActionSessionEnded      = text("ActionSessionEnded")
	ActionSessionsEnded     = text("ActionSessionsEnded")
	ActionBrowserRemoved    = text("ActionBrowserRemoved")
	ActionPasskeysChanged   = text("ActionPasskeysChanged")
	ActionKeyAdded          = text("ActionKeyAdded")
	ActionKeyRemoved        = text("ActionKeyRemoved")
	ActionAppRemoved        = text("ActionAppRemoved")
	ActionPasswordSet       = text("ActionPasswordSet")
	ActionDisconnectRefused = text("ActionDisconnectRefused")
	ActionReauthRefused     = text("ActionReauthRefused")
	ActionRegenerateRefused = text("ActionRegenerateRefused")
	ActionPasswordRefused   = text("ActionPasswordRefused")
)

// Devices, as a User-Agent header names them (the browser and system names
// themselves are Verbatim).
var (
	UnknownDevice  = text("UnknownDevice")
	UnknownBrowser = text("UnknownBrowser")
	BrowserOn      = with2[Message, string]("BrowserOn", "Browser", "System")
)
