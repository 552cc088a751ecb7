package words

// The messages of API errors that the app says too, and of the checks of
// what people type (shared's Valid methods and Validate functions).

// Errors of the API and of a form posted before the app ran.
var (
	WrongCredentials = Message{ID: "WrongCredentials"}
	WrongCode        = Message{ID: "WrongCode"}
	SessionExpired   = Message{ID: "SessionExpired"}
	AccountDisabled  = Message{ID: "AccountDisabled"}
	LinkInvalid      = Message{ID: "LinkInvalid"}
	LinkOtherUser    = Message{ID: "LinkOtherUser"}

	CheckWhatYouEntered = Message{ID: "CheckWhatYouEntered"}
	TooManyAttempts     = Message{ID: "TooManyAttempts"}
	ServiceUnavailable  = Message{ID: "ServiceUnavailable"}
	SomethingWentWrong  = Message{ID: "SomethingWentWrong"}
	CorrectTheFields    = Message{ID: "CorrectTheFields"}

	CodeFormat     = Message{ID: "CodeFormat"} // anything that is not six digits
	EnterSixDigits = Message{ID: "EnterSixDigits"}

	WebAuthnAtAddress   = Message{ID: "WebAuthnAtAddress"}
	WebAuthnInsecure    = Message{ID: "WebAuthnInsecure"}
	WebAuthnUnsupported = Message{ID: "WebAuthnUnsupported"}
)

// LinkExpired says a link has expired, and how many hours a link works.
func LinkExpired(hours int) Message { return m("LinkExpired", arg{"Count", hours}) }

// TooManyAttemptsMinutes says when to try again.
func TooManyAttemptsMinutes(count int) Message {
	return m("TooManyAttemptsMinutes", arg{"Count", count})
}

// Checks of names, passwords and codes.
var (
	EnterUsername        = Message{ID: "EnterUsername"}
	UsernameCharacters   = Message{ID: "UsernameCharacters"}
	EnterYourUsername    = Message{ID: "EnterYourUsername"}
	NotAUsername         = Message{ID: "NotAUsername"}
	UsernameInvisible    = Message{ID: "UsernameInvisible"}
	PasswordNotText      = Message{ID: "PasswordNotText"}
	PasswordIsUsername   = Message{ID: "PasswordIsUsername"}
	PasswordHasUsername  = Message{ID: "PasswordHasUsername"}
	EnterYourPassword    = Message{ID: "EnterYourPassword"}
	GivenPasswordTooLong = Message{ID: "GivenPasswordTooLong"}
	EnterTheCode         = Message{ID: "EnterTheCode"}
	CodeTooLong          = Message{ID: "CodeTooLong"}
	AccountNameEmpty     = Message{ID: "AccountNameEmpty"}
	AccountNameInvisible = Message{ID: "AccountNameInvisible"}
	KeyNameEmpty         = Message{ID: "KeyNameEmpty"}
	KeyNameInvisible     = Message{ID: "KeyNameInvisible"}
	EmailInvalid         = Message{ID: "EmailInvalid"}
	RoleUnknown          = Message{ID: "RoleUnknown"}
	ChooseRole           = Message{ID: "ChooseRole"}
	LanguageUnknown      = Message{ID: "LanguageUnknown"}
)

func UsernameLength(least, most int) Message {
	return m("UsernameLength", arg{"Min", least}, arg{"Max", most})
}
func PasswordTooShort(count int) Message   { return m("PasswordTooShort", arg{"Count", count}) }
func PasswordTooLong(count int) Message    { return m("PasswordTooLong", arg{"Count", count}) }
func AccountNameTooLong(count int) Message { return m("AccountNameTooLong", arg{"Count", count}) }
func KeyNameTooLong(count int) Message     { return m("KeyNameTooLong", arg{"Count", count}) }

// Checks of the other requests and queries.
var (
	PatchNothing        = Message{ID: "PatchNothing"}
	ExpectedAccountID   = Message{ID: "ExpectedAccountID"}
	TwoFAFilter         = Message{ID: "TwoFAFilter"}
	NotUsernamePrefix   = Message{ID: "NotUsernamePrefix"}
	NotPageCursor       = Message{ID: "NotPageCursor"}
	LimitRange          = Message{ID: "LimitRange"}
	Force2FAMissing     = Message{ID: "Force2FAMissing"}
	RememberBrowserDays = Message{ID: "RememberBrowserDays"}
	GraceWithoutForce   = Message{ID: "GraceWithoutForce"}
	UnknownFilter       = Message{ID: "UnknownFilter"}
	ResultFilter        = Message{ID: "ResultFilter"}
	DateForm            = Message{ID: "DateForm"}
	DateFrom1970        = Message{ID: "DateFrom1970"}
	DateBefore10000     = Message{ID: "DateBefore10000"}
	RangeOrder          = Message{ID: "RangeOrder"}
	NotANotice          = Message{ID: "NotANotice"}
	OneProofOnly        = Message{ID: "OneProofOnly"}
	PasswordOrCode      = Message{ID: "PasswordOrCode"}
	KeyAnswerMissing    = Message{ID: "KeyAnswerMissing"}
	CodeOrKey           = Message{ID: "CodeOrKey"}
)

func GraceDaysRange(least, most int) Message {
	return m("GraceDaysRange", arg{"Min", least}, arg{"Max", most})
}
func FilterRenamed(name string) Message { return m("FilterRenamed", arg{"Name", name}) }

// Verbatim is a text in no language: a name, or a word a newer server
// sent that this version has no message for.
func Verbatim(text string) Message { return m("Verbatim", arg{"Text", text}) }
