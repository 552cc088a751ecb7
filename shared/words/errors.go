package words

// The messages of API errors that the app says too, and of the checks of
// what people type (shared's Valid methods and Validate functions).

// Errors of the API and of a form posted before the app ran.
var (
	WrongCredentials = text("WrongCredentials")
	WrongCode        = text("WrongCode")
	SessionExpired   = text("SessionExpired")
	AccountDisabled  = text("AccountDisabled")
	LinkInvalid      = text("LinkInvalid")
	LinkExpired      = with[int]("LinkExpired", "Count") // hours a link works
	LinkOtherUser    = text("LinkOtherUser")

	CheckWhatYouEntered    = text("CheckWhatYouEntered")
	TooManyAttempts        = text("TooManyAttempts")
	TooManyAttemptsMinutes = with[int]("TooManyAttemptsMinutes", "Count")
	ServiceUnavailable     = text("ServiceUnavailable")
	SomethingWentWrong     = text("SomethingWentWrong")
	CorrectTheFields       = text("CorrectTheFields")

	CodeFormat     = text("CodeFormat") // anything that is not six digits
	EnterSixDigits = text("EnterSixDigits")

	WebAuthnAtAddress   = text("WebAuthnAtAddress")
	WebAuthnInsecure    = text("WebAuthnInsecure")
	WebAuthnUnsupported = text("WebAuthnUnsupported")
)

// Checks of names, passwords and codes.
var (
	EnterUsername        = text("EnterUsername")
	UsernameLength       = with2[int, int]("UsernameLength", "Min", "Max")
	UsernameCharacters   = text("UsernameCharacters")
	EnterYourUsername    = text("EnterYourUsername")
	NotAUsername         = text("NotAUsername")
	UsernameInvisible    = text("UsernameInvisible")
	PasswordNotText      = text("PasswordNotText")
	PasswordTooShort     = with[int]("PasswordTooShort", "Count")
	PasswordTooLong      = with[int]("PasswordTooLong", "Count")
	PasswordIsUsername   = text("PasswordIsUsername")
	PasswordHasUsername  = text("PasswordHasUsername")
	EnterYourPassword    = text("EnterYourPassword")
	GivenPasswordTooLong = text("GivenPasswordTooLong")
	EnterTheCode         = text("EnterTheCode")
	CodeTooLong          = text("CodeTooLong")
	AccountNameEmpty     = text("AccountNameEmpty")
	AccountNameTooLong   = with[int]("AccountNameTooLong", "Count")
	AccountNameInvisible = text("AccountNameInvisible")
	KeyNameEmpty         = text("KeyNameEmpty")
	KeyNameTooLong       = with[int]("KeyNameTooLong", "Count")
	KeyNameInvisible     = text("KeyNameInvisible")
	EmailInvalid         = text("EmailInvalid")
	RoleUnknown          = text("RoleUnknown")
	ChooseRole           = text("ChooseRole")
)

// Checks of the other requests and queries.
var (
	PatchNothing        = text("PatchNothing")
	ExpectedAccountID   = text("ExpectedAccountID")
	TwoFAFilter         = text("TwoFAFilter")
	NotUsernamePrefix   = text("NotUsernamePrefix")
	NotPageCursor       = text("NotPageCursor")
	LimitRange          = text("LimitRange")
	Force2FAMissing     = text("Force2FAMissing")
	RememberBrowserDays = text("RememberBrowserDays")
	GraceWithoutForce   = text("GraceWithoutForce")
	GraceDaysRange      = with2[int, int]("GraceDaysRange", "Min", "Max")
	UnknownFilter       = text("UnknownFilter")
	ResultFilter        = text("ResultFilter")
	DateForm            = text("DateForm")
	DateFrom1970        = text("DateFrom1970")
	DateBefore10000     = text("DateBefore10000")
	RangeOrder          = text("RangeOrder")
	FilterRenamed       = with[string]("FilterRenamed", "Name")
	NotANotice          = text("NotANotice")
	OneProofOnly        = text("OneProofOnly")
	PasswordOrCode      = text("PasswordOrCode")
	KeyAnswerMissing    = text("KeyAnswerMissing")
	CodeOrKey           = text("CodeOrKey")
)

// Verbatim is a text in no language: a name, or a word a newer server
// sent that this version has no message for.
var Verbatim = with[string]("Verbatim", "Text")
