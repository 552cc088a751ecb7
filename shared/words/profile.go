package words

// The words of My profile: security settings, second factors, recovery
// codes, sessions, notices, the e-mail address and the password.

// Login history (the admin's too).
var (
	LoginHistory          = Message{ID: "LoginHistory"}
	LoginHistoryHelp      = Message{ID: "LoginHistoryHelp"}
	FailedAttemptsOnly    = Message{ID: "FailedAttemptsOnly"}
	ColDateTime           = Message{ID: "ColDateTime"}
	ColResult             = Message{ID: "ColResult"}
	ColMethod             = Message{ID: "ColMethod"}
	ColIP                 = Message{ID: "ColIP"}
	ColDevice             = Message{ID: "ColDevice"}
	ColDetails            = Message{ID: "ColDetails"}
	NoLoginAttemptsToShow = Message{ID: "NoLoginAttemptsToShow"}
	ResultSuccess         = Message{ID: "ResultSuccess"}
	ResultFailed          = Message{ID: "ResultFailed"}
	ResultPending         = Message{ID: "ResultPending"}
	SignInNotCompleted    = Message{ID: "SignInNotCompleted"}
)

func BlockedUntil(blocked Message, last string) Message {
	return m("BlockedUntil", arg{"Blocked", blocked}, arg{"Last", last})
}

// Security notices.
var (
	SecurityNotices     = Message{ID: "SecurityNotices"}
	SecurityNoticesHelp = Message{ID: "SecurityNoticesHelp"}
	NoSecurityNotices   = Message{ID: "NoSecurityNotices"}
	ShowOlderNotices    = Message{ID: "ShowOlderNotices"}
	NoticeWarning       = Message{ID: "NoticeWarning"}
)

func NoticeSaid(what Message) Message { return m("NoticeSaid", arg{"What", what}) }
func NoticeFromIP(ip string) Message  { return m("NoticeFromIP", arg{"IP", ip}) }

// Sessions and trusted browsers.
var (
	ColSignedIn            = Message{ID: "ColSignedIn"}
	ColLastActive          = Message{ID: "ColLastActive"}
	ColTrustedSince        = Message{ID: "ColTrustedSince"}
	ColTrustedUntil        = Message{ID: "ColTrustedUntil"}
	EndSession             = Message{ID: "EndSession"}
	EndSessionConsequence  = Message{ID: "EndSessionConsequence"}
	Sessions               = Message{ID: "Sessions"}
	SessionsHelp           = Message{ID: "SessionsHelp"}
	EndAllOtherSessions    = Message{ID: "EndAllOtherSessions"}
	TrustedBrowsers        = Message{ID: "TrustedBrowsers"}
	TrustedBrowsersHelp    = Message{ID: "TrustedBrowsersHelp"}
	NoTrustedBrowsers      = Message{ID: "NoTrustedBrowsers"}
	ThisSession            = Message{ID: "ThisSession"}
	End                    = Message{ID: "End"}
	SessionEnded           = Message{ID: "SessionEnded"}
	BrowserNoLongerTrusted = Message{ID: "BrowserNoLongerTrusted"}
)

func RemoveTrustedBrowser(device string) Message {
	return m("RemoveTrustedBrowser", arg{"Device", device})
}
func EndSessionOn(device string) Message { return m("EndSessionOn", arg{"Device", device}) }
func EndSessionQuestion(device string) Message {
	return m("EndSessionQuestion", arg{"Device", device})
}
func EndedOtherSessions(ended int) Message { return m("EndedOtherSessions", arg{"Count", ended}) }

// Connecting an authenticator app.
var (
	ConnectHelp       = Message{ID: "ConnectHelp"}
	Connect           = Message{ID: "Connect"}
	InstallApp        = Message{ID: "InstallApp"}
	InstallAppHelp    = Message{ID: "InstallAppHelp"}
	AddToApp          = Message{ID: "AddToApp"}
	AddToAppHelp      = Message{ID: "AddToAppHelp"}
	QRCodeAlt         = Message{ID: "QRCodeAlt"}
	OpenInApp         = Message{ID: "OpenInApp"}
	Key               = Message{ID: "Key"}
	CopyKey           = Message{ID: "CopyKey"}
	EnterSixDigitCode = Message{ID: "EnterSixDigitCode"}
	CodeFromApp       = Message{ID: "CodeFromApp"}
	AddKeyInstead     = Message{ID: "AddKeyInstead"}
	CancelAndLogOut   = Message{ID: "CancelAndLogOut"}
)

// Recovery codes: how many are left, making new ones, and the list shown once.
var (
	NoCodesLeft          = Message{ID: "NoCodesLeft"}
	FewCodesLeftWarning  = Message{ID: "FewCodesLeftWarning"}
	RecoveryCodes        = Message{ID: "RecoveryCodes"}
	RegenerateCodes      = Message{ID: "RegenerateCodes"}
	MakeNewCodes         = Message{ID: "MakeNewCodes"}
	ConfirmWithKey       = Message{ID: "ConfirmWithKey"}
	ConfirmWithCodeOrKey = Message{ID: "ConfirmWithCodeOrKey"}
	ConfirmWithCode      = Message{ID: "ConfirmWithCode"}
	SaveYourCodes        = Message{ID: "SaveYourCodes"}
	SaveYourCodesHelp    = Message{ID: "SaveYourCodesHelp"}
	CodesShownOnce       = Message{ID: "CodesShownOnce"}
	Download             = Message{ID: "Download"}
	Print                = Message{ID: "Print"}
	CodesSaved           = Message{ID: "CodesSaved"}
	CodesFileEach        = Message{ID: "CodesFileEach"}
	CodesFileKeep        = Message{ID: "CodesFileKeep"}
	CodesFileTitle       = Message{ID: "CodesFileTitle"}
)

func CodesLeftEach(codes Message) Message   { return m("CodesLeftEach", arg{"Codes", codes}) }
func RecoveryCodesCount(left int) Message   { return m("RecoveryCodesCount", arg{"Count", left}) }
func CodesStopWorking(how Message) Message  { return m("CodesStopWorking", arg{"How", how}) }
func CodesFileUser(username string) Message { return m("CodesFileUser", arg{"Username", username}) }
func CodesFileCreated(day Message) Message  { return m("CodesFileCreated", arg{"Day", day}) }

// The password.
var (
	CurrentPassword    = Message{ID: "CurrentPassword"}
	ChangePassword     = Message{ID: "ChangePassword"}
	OneTimePassword    = Message{ID: "OneTimePassword"}
	SaveAndContinue    = Message{ID: "SaveAndContinue"}
	PasswordChanged    = Message{ID: "PasswordChanged"}
	NewPassword        = Message{ID: "NewPassword"}
	NewPasswordAgain   = Message{ID: "NewPasswordAgain"}
	PasswordsDiffer    = Message{ID: "PasswordsDiffer"}
	StrengthVeryWeak   = Message{ID: "StrengthVeryWeak"}
	StrengthWeak       = Message{ID: "StrengthWeak"}
	StrengthFair       = Message{ID: "StrengthFair"}
	StrengthStrong     = Message{ID: "StrengthStrong"}
	StrengthVeryStrong = Message{ID: "StrengthVeryStrong"}
)

func PasswordRules(least int) Message       { return m("PasswordRules", arg{"Count", least}) }
func StrengthGood(strength Message) Message { return m("StrengthGood", arg{"Strength", strength}) }
func StrengthTooWeak(strength Message, warning string) Message {
	return m("StrengthTooWeak", arg{"Strength", strength}, arg{"Warning", warning})
}

// Disconnecting two-factor authentication.
var (
	Disconnect       = Message{ID: "Disconnect"}
	DisconnectTitle  = Message{ID: "DisconnectTitle"}
	Disconnect2FA    = Message{ID: "Disconnect2FA"}
	DisconnectHelp   = Message{ID: "DisconnectHelp"}
	Warning          = Message{ID: "Warning"}
	DisconnectAnyway = Message{ID: "DisconnectAnyway"}
)

// The e-mail address notices go to, and its confirmation.
var (
	Email                = Message{ID: "Email"}
	EmailHelp            = Message{ID: "EmailHelp"}
	EmailAddress         = Message{ID: "EmailAddress"}
	SaveEmailAddress     = Message{ID: "SaveEmailAddress"}
	NoticesNotMailed     = Message{ID: "NoticesNotMailed"}
	SendLinkAgain        = Message{ID: "SendLinkAgain"}
	EmailRemoved         = Message{ID: "EmailRemoved"}
	TitleConfirmEmail    = Message{ID: "TitleConfirmEmail"}
	EmailConfirmed       = Message{ID: "EmailConfirmed"}
	GoToWarden           = Message{ID: "GoToWarden"}
	OpenSecuritySettings = Message{ID: "OpenSecuritySettings"}
	ConfirmEmailHelp     = Message{ID: "ConfirmEmailHelp"}
	ConfirmMyEmail       = Message{ID: "ConfirmMyEmail"}
	ConfirmYourEmail     = Message{ID: "ConfirmYourEmail"}
)

func NoticesGoTo(address string) Message { return m("NoticesGoTo", arg{"Address", address}) }
func EmailPendingFor(address string, hours int) Message {
	return m("EmailPendingFor", arg{"Address", address}, arg{"Count", hours})
}
func SendLinkAgainTo(address string) Message { return m("SendLinkAgainTo", arg{"Address", address}) }
func NoticesKeepGoingTo(address string) Message {
	return m("NoticesKeepGoingTo", arg{"Address", address})
}
func LinkSentTo(address string) Message { return m("LinkSentTo", arg{"Address", address}) }

// Confirming it is the user, before a sensitive change.
var (
	ConfirmItIsYou = Message{ID: "ConfirmItIsYou"}
	ReauthHelp     = Message{ID: "ReauthHelp"}
	OrAppCode      = Message{ID: "OrAppCode"}
)

// Second factors: the authenticator app, security keys and passkeys.
var (
	SecondFactors          = Message{ID: "SecondFactors"}
	NoSecondFactor         = Message{ID: "NoSecondFactor"}
	LastFactorHelp         = Message{ID: "LastFactorHelp"}
	RemoveAndSwitchOff     = Message{ID: "RemoveAndSwitchOff"}
	RemoveAndLogOut        = Message{ID: "RemoveAndLogOut"}
	AddSecurityKey         = Message{ID: "AddSecurityKey"}
	KeyName                = Message{ID: "KeyName"}
	KeyNamePlaceholder     = Message{ID: "KeyNamePlaceholder"}
	AddAndTouchKey         = Message{ID: "AddAndTouchKey"}
	SaveName               = Message{ID: "SaveName"}
	FactorAuthenticatorApp = Message{ID: "FactorAuthenticatorApp"}
	FactorPasskey          = Message{ID: "FactorPasskey"}
	FactorNeverUsed        = Message{ID: "FactorNeverUsed"}
	KeyDidNotAnswer        = Message{ID: "KeyDidNotAnswer"}
	BrowserCannotUseKeys   = Message{ID: "BrowserCannotUseKeys"}
)

func RenameNamed(name string) Message   { return m("RenameNamed", arg{"Name", name}) }
func RemoveNamed(name string) Message   { return m("RemoveNamed", arg{"Name", name}) }
func NewNameFor(name string) Message    { return m("NewNameFor", arg{"Name", name}) }
func FactorAdded(day string) Message    { return m("FactorAdded", arg{"Day", day}) }
func FactorLastUsed(day string) Message { return m("FactorLastUsed", arg{"Day", day}) }

// Security settings.
var (
	SecuritySettings   = Message{ID: "SecuritySettings"}
	SectionSecurity    = Message{ID: "SectionSecurity"}
	ShowPassword       = Message{ID: "ShowPassword"}
	AccountRequires2FA = Message{ID: "AccountRequires2FA"}
	TwoFAIsOn          = Message{ID: "TwoFAIsOn"}
	LeaveWithoutSaving = Message{ID: "LeaveWithoutSaving"}
)

func Status(state Message) Message { return m("Status", arg{"State", state}) }
func Since(day string) Message     { return m("Since", arg{"Day", day}) }
