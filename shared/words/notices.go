package words

// Security notices (shared/notices.go): what happened, and its detail.
var (
	NoticeNewBrowserLogin          = Message{ID: "NoticeNewBrowserLogin"}
	NoticeTwoFactorConnected       = Message{ID: "NoticeTwoFactorConnected"}
	NoticeTwoFactorDisconnected    = Message{ID: "NoticeTwoFactorDisconnected"}
	NoticeTwoFactorReset           = Message{ID: "NoticeTwoFactorReset"}
	NoticeRecoveryCodeUsed         = Message{ID: "NoticeRecoveryCodeUsed"}
	NoticeRecoveryCodesLow         = Message{ID: "NoticeRecoveryCodesLow"}
	NoticeRecoveryCodesRegenerated = Message{ID: "NoticeRecoveryCodesRegenerated"}
	NoticePasswordChanged          = Message{ID: "NoticePasswordChanged"}
	NoticeSessionsEnded            = Message{ID: "NoticeSessionsEnded"}
	NoticeSecondStepLocked         = Message{ID: "NoticeSecondStepLocked"}
	NoticeEmailChanged             = Message{ID: "NoticeEmailChanged"}
	NoticeEmailConfirmationSent    = Message{ID: "NoticeEmailConfirmationSent"}
	NoticeSecurityKeyAdded         = Message{ID: "NoticeSecurityKeyAdded"}
)

func NoticeCodesLeft(count int) Message       { return m("NoticeCodesLeft", arg{"Count", count}) }
func NoticeSessionsCount(count int) Message   { return m("NoticeSessionsCount", arg{"Count", count}) }
func NoticeKeyName(name string) Message       { return m("NoticeKeyName", arg{"Name", name}) }
func NoticeLinkSentTo(address string) Message { return m("NoticeLinkSentTo", arg{"Address", address}) }
