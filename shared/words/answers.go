package words

// The messages only the server says: the API's answers that the app shows
// as they come (the code stays the same in every language), the password's
// hint, and the mail of notices. The app has none of them compiled in: a
// message no code of the app names is not in app.wasm, only its catalog
// entry is.

// Answers of the HTTP layer: routes, methods, and request bodies.
var (
	NothingHere            = Message{ID: "NothingHere"}
	MethodNotAllowed       = Message{ID: "MethodNotAllowed"}
	NoPermission           = Message{ID: "NoPermission"}
	SetUpTwoFactorFirst    = Message{ID: "SetUpTwoFactorFirst"}
	ChooseNewPasswordFirst = Message{ID: "ChooseNewPasswordFirst"}
	TemporarilyUnavailable = Message{ID: "TemporarilyUnavailable"}
	ManySigningIn          = Message{ID: "ManySigningIn"}
	InternalError          = Message{ID: "InternalError"}
	OtherSitesRefused      = Message{ID: "OtherSitesRefused"}
	WrongHostName          = Message{ID: "WrongHostName"}
	BodyNotJSON            = Message{ID: "BodyNotJSON"}
	BodyUnreadable         = Message{ID: "BodyUnreadable"}
	BodyEmpty              = Message{ID: "BodyEmpty"}
	BodyOneObject          = Message{ID: "BodyOneObject"}
	BodyInvalidJSON        = Message{ID: "BodyInvalidJSON"}
	GiveFieldOnce          = Message{ID: "GiveFieldOnce"}
	FieldNotAccepted       = Message{ID: "FieldNotAccepted"}
	ExpectedTrueOrFalse    = Message{ID: "ExpectedTrueOrFalse"}
	ExpectedString         = Message{ID: "ExpectedString"}
	ExpectedNumber         = Message{ID: "ExpectedNumber"}
	ExpectedList           = Message{ID: "ExpectedList"}
	ExpectedObject         = Message{ID: "ExpectedObject"}
	AccountIsNumber        = Message{ID: "AccountIsNumber"}
)

func BodyTooLarge(kib int) Message     { return m("BodyTooLarge", arg{"Size", kib}) }
func FieldTwice(name string) Message   { return m("FieldTwice", arg{"Name", name}) }
func UnknownField(name string) Message { return m("UnknownField", arg{"Name", name}) }

// Answers of the second factors.
var (
	TOTPNotConnected      = Message{ID: "TOTPNotConnected"}
	AppKeepsItsName       = Message{ID: "AppKeepsItsName"}
	CodeReused            = Message{ID: "CodeReused"}
	TwoFactorAlreadyOn    = Message{ID: "TwoFactorAlreadyOn"}
	SetupExpired          = Message{ID: "SetupExpired"}
	PasskeysOff           = Message{ID: "PasskeysOff"}
	KeyAnswerUnreadable   = Message{ID: "KeyAnswerUnreadable"}
	TouchKeyAgain         = Message{ID: "TouchKeyAgain"}
	KeyRequestStale       = Message{ID: "KeyRequestStale"}
	KeyNotAccepted        = Message{ID: "KeyNotAccepted"}
	KeyCloned             = Message{ID: "KeyCloned"}
	KeyAlreadyAdded       = Message{ID: "KeyAlreadyAdded"}
	NoSecurityKey         = Message{ID: "NoSecurityKey"}
	NoSuchFactor          = Message{ID: "NoSuchFactor"}
	KeyNotVerified        = Message{ID: "KeyNotVerified"}
	TwoFactorNotConnected = Message{ID: "TwoFactorNotConnected"}
	LastFactorConfirm     = Message{ID: "LastFactorConfirm"}
	MandatoryLoggedOut    = Message{ID: "MandatoryLoggedOut"}
	RecoveryCodeForm      = Message{ID: "RecoveryCodeForm"}
	CheckRecoveryCode     = Message{ID: "CheckRecoveryCode"}
	RecoveryCodeWrong     = Message{ID: "RecoveryCodeWrong"}
	RecoveryCodeUsed      = Message{ID: "RecoveryCodeUsed"}
	RecoveryCodesFirst    = Message{ID: "RecoveryCodesFirst"}
	RecoveryCodeLoginOnly = Message{ID: "RecoveryCodeLoginOnly"}
)

func TooManyKeys(count int) Message { return m("TooManyKeys", arg{"Count", count}) }

// MandatoryDisconnectBy says that a user who disconnects must set 2FA up
// again by the deadline (a DateTime).
func MandatoryDisconnectBy(deadline Message) Message {
	return m("MandatoryDisconnectBy", arg{"Deadline", deadline})
}

// Answers of throttles, sessions, passwords and accounts.
var (
	NetworkFailedLogins    = Message{ID: "NetworkFailedLogins"}
	NetworkSignIns         = Message{ID: "NetworkSignIns"}
	TooManyWrongCodes      = Message{ID: "TooManyWrongCodes"}
	TooManyWrongPasswords  = Message{ID: "TooManyWrongPasswords"}
	PasswordNotRight       = Message{ID: "PasswordNotRight"}
	NoSuchSession          = Message{ID: "NoSuchSession"}
	RememberOff            = Message{ID: "RememberOff"}
	LeaveRememberUnticked  = Message{ID: "LeaveRememberUnticked"}
	ReauthRequired         = Message{ID: "ReauthRequired"}
	StrengthBusy           = Message{ID: "StrengthBusy"}
	PasswordOrNameTooLong  = Message{ID: "PasswordOrNameTooLong"}
	ChooseAnotherPassword  = Message{ID: "ChooseAnotherPassword"}
	PasswordGivenByAdmin   = Message{ID: "PasswordGivenByAdmin"}
	UsernameTakenLowerCase = Message{ID: "UsernameTakenLowerCase"}
	UserCannotBeCreated    = Message{ID: "UserCannotBeCreated"}
	NoSuchAccountOrUser    = Message{ID: "NoSuchAccountOrUser"}
	TwoFactorYoursFirst    = Message{ID: "TwoFactorYoursFirst"}
	ResetOwnTwoFactor      = Message{ID: "ResetOwnTwoFactor"}
	PlatformAdminOnly      = Message{ID: "PlatformAdminOnly"}
	CannotChangeOwnRole    = Message{ID: "CannotChangeOwnRole"}
	CannotDisableYourself  = Message{ID: "CannotDisableYourself"}
	PlatformRoleOnly       = Message{ID: "PlatformRoleOnly"}
	AccountNameTaken       = Message{ID: "AccountNameTaken"}
	UnknownNamesNoAccount  = Message{ID: "UnknownNamesNoAccount"}
)

// TryAgainIn is what was too many, and in how many minutes to try again.
func TryAgainIn(what Message, minutes int) Message {
	return m("TryAgainIn", arg{"What", what}, arg{"Count", minutes})
}
func CodesStopped(count int) Message        { return m("CodesStopped", arg{"Count", count}) }
func UsernameTaken(username string) Message { return m("UsernameTaken", arg{"Username", username}) }
func NoSuchUser(username string) Message    { return m("NoSuchUser", arg{"Username", username}) }

// Why a password is too easy to guess, by what zxcvbn found in it.
var (
	GuessableCommonPassword = Message{ID: "GuessableCommonPassword"}
	GuessableYourNames      = Message{ID: "GuessableYourNames"}
	GuessableCommonWords    = Message{ID: "GuessableCommonWords"}
	GuessableKeyboard       = Message{ID: "GuessableKeyboard"}
	GuessableRepeats        = Message{ID: "GuessableRepeats"}
	GuessableSequences      = Message{ID: "GuessableSequences"}
	GuessableDates          = Message{ID: "GuessableDates"}
	GuessableRecentYears    = Message{ID: "GuessableRecentYears"}
	GuessableShort          = Message{ID: "GuessableShort"}
	PasswordAdvice          = Message{ID: "PasswordAdvice"}
)

// The mail of notices and of a link that confirms an address.
var (
	MailIfNotYou = Message{ID: "MailIfNotYou"}
)

func MailConfirmSubject(issuer string) Message {
	return m("MailConfirmSubject", arg{"Issuer", issuer})
}
func MailLinkWorks(hours int) Message          { return m("MailLinkWorks", arg{"Count", hours}) }
func MailNoticeSubject(notice Message) Message { return m("MailNoticeSubject", arg{"Notice", notice}) }
func MailGreeting(username string) Message     { return m("MailGreeting", arg{"Username", username}) }
func MailNoticeWhat(notice Message) Message    { return m("MailNoticeWhat", arg{"Notice", notice}) }
func MailWhen(when Message) Message            { return m("MailWhen", arg{"When", when}) }
func MailIP(ip string) Message                 { return m("MailIP", arg{"IP", ip}) }
func MailDevice(device string) Message         { return m("MailDevice", arg{"Device", device}) }
func MailAddressGivenFor(username string) Message {
	return m("MailAddressGivenFor", arg{"Username", username})
}

// EmailLinksPerHour is what was too many when an address was changed too
// often: count links in the last hour, the most there may be.
func EmailLinksPerHour(count int) Message { return m("EmailLinksPerHour", arg{"Count", count}) }

// PasswordNotCurrent refuses a new password that is the current one.
var PasswordNotCurrent = Message{ID: "PasswordNotCurrent"}
