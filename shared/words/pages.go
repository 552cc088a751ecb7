package words

// The words of the frame every page shares: the header, the shell, the home
// and not-found pages, the tables and the PWA.

// The product and its pages' titles.
var (
	ProductName    = Message{ID: "ProductName"}
	AppDescription = Message{ID: "AppDescription"}
	// LanguageName is the language's name in itself (English, Русский),
	// for the switch that chooses it; ChooseLanguage labels the switch.
	LanguageName   = Message{ID: "LanguageName"}
	ChooseLanguage = Message{ID: "ChooseLanguage"}
	AppLoading     = Message{ID: "AppLoading"}
	TitleLogIn     = Message{ID: "TitleLogIn"}
	TitleProfile   = Message{ID: "TitleProfile"}
	TitleAdmin     = Message{ID: "TitleAdmin"}
	TitleNotFound  = Message{ID: "TitleNotFound"}
)

// Words many screens use.
var (
	TryAgain          = Message{ID: "TryAgain"}
	Loading           = Message{ID: "Loading"}
	Cancel            = Message{ID: "Cancel"}
	Save              = Message{ID: "Save"}
	Remove            = Message{ID: "Remove"}
	Rename            = Message{ID: "Rename"}
	Apply             = Message{ID: "Apply"}
	Copy              = Message{ID: "Copy"}
	Copied            = Message{ID: "Copied"}
	Verify            = Message{ID: "Verify"}
	Confirm           = Message{ID: "Confirm"}
	Continue          = Message{ID: "Continue"}
	Done              = Message{ID: "Done"}
	Edit              = Message{ID: "Edit"}
	On                = Message{ID: "On"}
	Off               = Message{ID: "Off"}
	LoadMore          = Message{ID: "LoadMore"}
	Username          = Message{ID: "Username"}
	Password          = Message{ID: "Password"}
	Account           = Message{ID: "Account"}
	Role              = Message{ID: "Role"}
	RoleUser          = Message{ID: "RoleUser"}
	RoleAdmin         = Message{ID: "RoleAdmin"}
	RolePlatformAdmin = Message{ID: "RolePlatformAdmin"}
	UseSecurityKey    = Message{ID: "UseSecurityKey"}
)

// Errors the app tells without the server.
var (
	ErrOffline    = Message{ID: "ErrOffline"}
	ErrTimeout    = Message{ID: "ErrTimeout"}
	PleaseLogIn   = Message{ID: "PleaseLogIn"}
	ServerTrouble = Message{ID: "ServerTrouble"}
)

// The header and its account menu.
var (
	AccountMenu        = Message{ID: "AccountMenu"}
	MyProfile          = Message{ID: "MyProfile"}
	MenuAdministration = Message{ID: "MenuAdministration"}
	LogOut             = Message{ID: "LogOut"}
)

func AccountMenuUnread(unread int) Message { return m("AccountMenuUnread", arg{"Count", unread}) }
func UnreadNoticesItem(unread int) Message { return m("UnreadNoticesItem", arg{"Count", unread}) }
func LogoutFailed(why string) Message      { return m("LogoutFailed", arg{"Reason", why}) }

// The home and not-found pages, and the Force 2FA grace banner.
var (
	Welcome              = Message{ID: "Welcome"}
	RegenerateInSettings = Message{ID: "RegenerateInSettings"}
	OpenMyProfile        = Message{ID: "OpenMyProfile"}
	PageNotFound         = Message{ID: "PageNotFound"}
	PageNotFoundText     = Message{ID: "PageNotFoundText"}
	// The page an application's sign-in request ends on when Warden
	// refuses it without sending the browser back (an unknown client, a
	// redirect address not registered), or finds it expired or used.
	AppSignInRefused = Message{ID: "AppSignInRefused"}
	AppSignInExpired = Message{ID: "AppSignInExpired"}
	// The page of an application's sign-in that needs a fresher or
	// stronger proof than the session's (auth/idp's proofFor).
	AppSignInNeedsProof        = Message{ID: "AppSignInNeedsProof"}
	AppSignInNeedsSecondFactor = Message{ID: "AppSignInNeedsSecondFactor"}
	AppSignInNeedsKey          = Message{ID: "AppSignInNeedsKey"}
	ACRUnknown                 = Message{ID: "ACRUnknown"}
	ClientNeedsName            = Message{ID: "ClientNeedsName"}
	ClientNeedsRedirectURI     = Message{ID: "ClientNeedsRedirectURI"}
	PublicClientHasNoSecret    = Message{ID: "PublicClientHasNoSecret"}
	GoHome                     = Message{ID: "GoHome"}
	SetUpNow                   = Message{ID: "SetUpNow"}
	SkipForNow                 = Message{ID: "SkipForNow"}
)

func SignedInAs(username string, account string) Message {
	return m("SignedInAs", arg{"Username", username}, arg{"Account", account})
}
func LoggedInWithRecoveryCode(left int) Message {
	return m("LoggedInWithRecoveryCode", arg{"Count", left})
}
func FewCodesLeft(left int, link Message) Message {
	return m("FewCodesLeft", arg{"Count", left}, arg{"Link", link})
}
func OpenProfileTo(link Message) Message { return m("OpenProfileTo", arg{"Link", link}) }
func SetUpBy(deadline string) Message    { return m("SetUpBy", arg{"Deadline", deadline}) }

// The Administration Panel's frame.
var (
	AdminPanel    = Message{ID: "AdminPanel"}
	AdminNoAccess = Message{ID: "AdminNoAccess"}
	AllAccounts   = Message{ID: "AllAccounts"}
)

// Copying to the clipboard.
var (
	CopyFailedKey      = Message{ID: "CopyFailedKey"}
	CopyFailedPassword = Message{ID: "CopyFailedPassword"}
	CopyFailedCodes    = Message{ID: "CopyFailedCodes"}
)

// What a new application client is refused for.
func RedirectURIMalformed(uri string) Message { return m("RedirectURIMalformed", arg{"URI", uri}) }
func RedirectURINotHTTPS(uri string) Message  { return m("RedirectURINotHTTPS", arg{"URI", uri}) }
func NoSuchRole(role string) Message          { return m("NoSuchRole", arg{"Role", role}) }
