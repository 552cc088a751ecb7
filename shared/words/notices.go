package words

// Security notices (shared/notices.go): what happened, and its detail.
var (
	NoticeNewBrowserLogin          = text("NoticeNewBrowserLogin")
	NoticeTwoFactorConnected       = text("NoticeTwoFactorConnected")
	NoticeTwoFactorDisconnected    = text("NoticeTwoFactorDisconnected")
	NoticeTwoFactorReset           = text("NoticeTwoFactorReset")
	NoticeRecoveryCodeUsed         = text("NoticeRecoveryCodeUsed")
	NoticeRecoveryCodesLow         = text("NoticeRecoveryCodesLow")
	NoticeRecoveryCodesRegenerated = text("NoticeRecoveryCodesRegenerated")
	NoticePasswordChanged          = text("NoticePasswordChanged")
	NoticeSessionsEnded            = text("NoticeSessionsEnded")
	NoticeSecondStepLocked         = text("NoticeSecondStepLocked")
	NoticeEmailChanged             = text("NoticeEmailChanged")
	NoticeEmailConfirmationSent    = text("NoticeEmailConfirmationSent")
	NoticeSecurityKeyAdded         = text("NoticeSecurityKeyAdded")

	NoticeCodesLeft     = with[int]("NoticeCodesLeft", "Count")
	NoticeSessionsCount = with[int]("NoticeSessionsCount", "Count")
	NoticeKeyName       = with[string]("NoticeKeyName", "Name")
	NoticeLinkSentTo    = with[string]("NoticeLinkSentTo", "Address")
)
