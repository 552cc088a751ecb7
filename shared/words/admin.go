package words

// The words of the Administration Panel: accounts, their settings, users,
// login attempts and the audit log.

// The audit log.
var (
	AuditLog        = Message{ID: "AuditLog"}
	ColWho          = Message{ID: "ColWho"}
	ColWhat         = Message{ID: "ColWhat"}
	ColUser         = Message{ID: "ColUser"}
	NothingRecorded = Message{ID: "NothingRecorded"}
)

// An account's settings.
var (
	NoSuchAccount      = Message{ID: "NoSuchAccount"}
	SectionSettings    = Message{ID: "SectionSettings"}
	AccountSettings    = Message{ID: "AccountSettings"}
	Force2FAForUsers   = Message{ID: "Force2FAForUsers"}
	Force2FAHelp       = Message{ID: "Force2FAHelp"}
	AdoptionLabel      = Message{ID: "AdoptionLabel"}
	AdminLacks2FA      = Message{ID: "AdminLacks2FA"}
	TrustBrowserFor2FA = Message{ID: "TrustBrowserFor2FA"}
	TrustBrowserHelp   = Message{ID: "TrustBrowserHelp"}
	AllowPasskeys      = Message{ID: "AllowPasskeys"}
	AllowPasskeysHelp  = Message{ID: "AllowPasskeysHelp"}
	NoGracePeriod      = Message{ID: "NoGracePeriod"}
	ChangeGracePeriod  = Message{ID: "ChangeGracePeriod"}
	AccountName        = Message{ID: "AccountName"}
	Force2FA           = Message{ID: "Force2FA"}
	SaveGracePeriod    = Message{ID: "SaveGracePeriod"}
	GraceDaysHelp      = Message{ID: "GraceDaysHelp"}
)

func AccountSettingsOf(account string) Message {
	return m("AccountSettingsOf", arg{"Account", account})
}
func DaysCount(days int) Message       { return m("DaysCount", arg{"Count", days}) }
func GracePeriodDays(days int) Message { return m("GracePeriodDays", arg{"Count", days}) }
func PolicyOnAt(when string) Message   { return m("PolicyOnAt", arg{"When", when}) }
func PolicyOnAtBy(when string, by string) Message {
	return m("PolicyOnAtBy", arg{"When", when}, arg{"By", by})
}
func PolicyOffAt(when string) Message { return m("PolicyOffAt", arg{"When", when}) }
func PolicyOffAtBy(when string, by string) Message {
	return m("PolicyOffAtBy", arg{"When", when}, arg{"By", by})
}
func UsersCount(users int) Message { return m("UsersCount", arg{"Count", users}) }
func UsersWithout2FA(without int, users Message, account string) Message {
	return m("UsersWithout2FA", arg{"Count", without}, arg{"Users", users}, arg{"Account", account})
}
func EveryUserHas2FA(account string) Message { return m("EveryUserHas2FA", arg{"Account", account}) }
func Force2FAFor(account string) Message     { return m("Force2FAFor", arg{"Account", account}) }
func ChangeGraceOf(account string) Message   { return m("ChangeGraceOf", arg{"Account", account}) }
func GraceDaysField(least int, most int) Message {
	return m("GraceDaysField", arg{"Min", least}, arg{"Max", most})
}

// The accounts of the platform.
var (
	Accounts      = Message{ID: "Accounts"}
	ColUsers      = Message{ID: "ColUsers"}
	ColAdoption   = Message{ID: "ColAdoption"}
	ColForce2FA   = Message{ID: "ColForce2FA"}
	ColActions    = Message{ID: "ColActions"}
	NewAccount    = Message{ID: "NewAccount"}
	CreateAccount = Message{ID: "CreateAccount"}
	NoUsersYet    = Message{ID: "NoUsersYet"}
	Open          = Message{ID: "Open"}
)

func AdoptionWith(with int, percent int) Message {
	return m("AdoptionWith", arg{"Count", with}, arg{"Percent", percent})
}
func AdoptionWithout(without int) Message   { return m("AdoptionWithout", arg{"Count", without}) }
func AdoptionInGrace(users int) Message     { return m("AdoptionInGrace", arg{"Count", users}) }
func AccountCreated(account string) Message { return m("AccountCreated", arg{"Account", account}) }

// Login attempts.
var (
	LoginAttempts        = Message{ID: "LoginAttempts"}
	From                 = Message{ID: "From"}
	To                   = Message{ID: "To"}
	FailedOnly           = Message{ID: "FailedOnly"}
	UnknownUsernames     = Message{ID: "UnknownUsernames"}
	UnknownUsernamesHelp = Message{ID: "UnknownUsernamesHelp"}
	NoLoginAttemptsYet   = Message{ID: "NoLoginAttemptsYet"}
	NoAttemptsMatch      = Message{ID: "NoAttemptsMatch"}
)

// Users, their roles, addresses and 2FA.
var (
	Users              = Message{ID: "Users"}
	TwoFA              = Message{ID: "TwoFA"}
	All                = Message{ID: "All"}
	UsernameStartsWith = Message{ID: "UsernameStartsWith"}
	NoUsersYetList     = Message{ID: "NoUsersYetList"}
	NoUsersMatch       = Message{ID: "NoUsersMatch"}
	ShowMoreUsers      = Message{ID: "ShowMoreUsers"}
	ColEmail           = Message{ID: "ColEmail"}
	ColRecoveryCodes   = Message{ID: "ColRecoveryCodes"}
	ColLastLogin       = Message{ID: "ColLastLogin"}
	ColStatus          = Message{ID: "ColStatus"}
	Never              = Message{ID: "Never"}
	StatusActive       = Message{ID: "StatusActive"}
	StatusDisabled     = Message{ID: "StatusDisabled"}
	StatusLocked       = Message{ID: "StatusLocked"}
	FactorApp          = Message{ID: "FactorApp"}
	FactorKey          = Message{ID: "FactorKey"}
	ListSeparator      = Message{ID: "ListSeparator"}
	Unlock             = Message{ID: "Unlock"}
	Disable            = Message{ID: "Disable"}
	Enable             = Message{ID: "Enable"}
	Reset2FA           = Message{ID: "Reset2FA"}
	ResendLink         = Message{ID: "ResendLink"}
	ChangeTheRole      = Message{ID: "ChangeTheRole"}
	UserEmailField     = Message{ID: "UserEmailField"}
)

func StatusCodeLocked(until string) Message { return m("StatusCodeLocked", arg{"Until", until}) }
func StatusMustSetUp(by string) Message     { return m("StatusMustSetUp", arg{"By", by}) }
func MethodsOfUser(methods string) Message  { return m("MethodsOfUser", arg{"Methods", methods}) }
func DisableUserTitle(username string) Message {
	return m("DisableUserTitle", arg{"Username", username})
}
func DisableUserText(username string) Message { return m("DisableUserText", arg{"Username", username}) }
func DisableUser(username string) Message     { return m("DisableUser", arg{"Username", username}) }
func EmailConfirmedMark(address string) Message {
	return m("EmailConfirmedMark", arg{"Address", address})
}
func EmailNotConfirmedYet(address string) Message {
	return m("EmailNotConfirmedYet", arg{"Address", address})
}
func EditEmailOf(username string) Message { return m("EditEmailOf", arg{"Username", username}) }
func ResendLinkTo(address string) Message { return m("ResendLinkTo", arg{"Address", address}) }
func ResetTitle(username string) Message  { return m("ResetTitle", arg{"Username", username}) }
func ResetText(username string) Message   { return m("ResetText", arg{"Username", username}) }
func ResetFor(username string) Message    { return m("ResetFor", arg{"Username", username}) }
func ResetDone(username string) Message   { return m("ResetDone", arg{"Username", username}) }
func RoleOf(username string) Message      { return m("RoleOf", arg{"Username", username}) }
func MakeRoleTitle(username string, role string) Message {
	return m("MakeRoleTitle", arg{"Username", username}, arg{"Role", role})
}
func MakeRoleText(username string, role string) Message {
	return m("MakeRoleText", arg{"Username", username}, arg{"Role", role})
}
func EmailOf(username string) Message        { return m("EmailOf", arg{"Username", username}) }
func UserHasNoEmail(username string) Message { return m("UserHasNoEmail", arg{"Username", username}) }
func UserLinkSent(address string, username string) Message {
	return m("UserLinkSent", arg{"Address", address}, arg{"Username", username})
}
func UserNoticesGoTo(username string, address string) Message {
	return m("UserNoticesGoTo", arg{"Username", username}, arg{"Address", address})
}
func UserDisabled(username string) Message { return m("UserDisabled", arg{"Username", username}) }
func UserEnabled(username string) Message  { return m("UserEnabled", arg{"Username", username}) }
func UserIsNow(username string, role string) Message {
	return m("UserIsNow", arg{"Username", username}, arg{"Role", role})
}
func UserUnlocked(username string) Message { return m("UserUnlocked", arg{"Username", username}) }

// A new user.
var (
	NewUser              = Message{ID: "NewUser"}
	NewUserEmailField    = Message{ID: "NewUserEmailField"}
	CreateUser           = Message{ID: "CreateUser"}
	OneTimePasswordShown = Message{ID: "OneTimePasswordShown"}
)

func UserCreated(username string) Message { return m("UserCreated", arg{"Username", username}) }
func OneTimePasswordHandOver(username string) Message {
	return m("OneTimePasswordHandOver", arg{"Username", username})
}
