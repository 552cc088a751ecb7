package words

// The words of the login page: the password, the second step, a recovery
// code and a one-time password's replacement.

var (
	LogInToWarden               = Message{ID: "LogInToWarden"}
	NoticeDisconnectedLoggedOut = Message{ID: "NoticeDisconnectedLoggedOut"}
	LogIn                       = Message{ID: "LogIn"}
	SignInWithPasskey           = Message{ID: "SignInWithPasskey"}
	TwoFactorAuthentication     = Message{ID: "TwoFactorAuthentication"}
	EnterAppCode                = Message{ID: "EnterAppCode"}
	AuthenticationCode          = Message{ID: "AuthenticationCode"}
	UseRecoveryCode             = Message{ID: "UseRecoveryCode"}
	LostYourPhone               = Message{ID: "LostYourPhone"}
	EnterRecoveryCodeHelp       = Message{ID: "EnterRecoveryCodeHelp"}
	RecoveryCode                = Message{ID: "RecoveryCode"}
	UseAuthenticatorInstead     = Message{ID: "UseAuthenticatorInstead"}
	ChooseNewPassword           = Message{ID: "ChooseNewPassword"}
	OneTimePasswordLoading      = Message{ID: "OneTimePasswordLoading"}
	OneTimePasswordReplace      = Message{ID: "OneTimePasswordReplace"}
	EnterOneRecoveryCode        = Message{ID: "EnterOneRecoveryCode"}
)

func RememberBrowser(days int) Message { return m("RememberBrowser", arg{"Count", days}) }
