package shared

import (
	"net/mail"
	"strings"
	"unicode/utf8"
)

// Security notices: what happened to a user's account, told to the user in
// the app and, where an address is set, by e-mail.
const (
	NoticeNewBrowserLogin          = "new_browser_login"
	NoticeTwoFactorConnected       = "twofa_connected"
	NoticeTwoFactorDisconnected    = "twofa_disconnected"
	NoticeTwoFactorReset           = "twofa_reset"
	NoticeRecoveryCodeUsed         = "recovery_code_used" // detail: how many codes remain
	NoticeRecoveryCodesLow         = "recovery_codes_low" // detail: how many codes remain
	NoticeRecoveryCodesRegenerated = "recovery_codes_regenerated"
	NoticePasswordChanged          = "password_changed"
	NoticeSessionsEnded            = "sessions_ended" // detail: how many sessions ended
	NoticeSecondStepLocked         = "second_step_locked"
	NoticeEmailChanged             = "email_changed"           // a new address was confirmed, or the address removed
	NoticeEmailConfirmationSent    = "email_confirmation_sent" // detail: the address; its mail is the link, to that address
	NoticeSecurityKeyAdded         = "security_key_added"      // detail: the key's name; a first key is twofa_connected
)

// RecoveryCodesLowAt is how few recovery codes left make a warning.
const RecoveryCodesLowAt = 3

var noticeTexts = map[string]string{
	NoticeNewBrowserLogin:          "New sign-in from a browser or network you have not used before",
	NoticeTwoFactorConnected:       "Two-factor authentication was connected",
	NoticeTwoFactorDisconnected:    "Two-factor authentication was disconnected",
	NoticeTwoFactorReset:           "An administrator reset your two-factor authentication",
	NoticeRecoveryCodeUsed:         "A recovery code was used to sign in",
	NoticeRecoveryCodesLow:         "You are running out of recovery codes: regenerate them",
	NoticeRecoveryCodesRegenerated: "New recovery codes were made; the old ones no longer work",
	NoticePasswordChanged:          "Your password was changed",
	NoticeSessionsEnded:            "Sessions were ended",
	NoticeSecondStepLocked:         "The code step was locked after too many wrong codes",
	NoticeEmailChanged:             "Your e-mail address was changed",
	NoticeEmailConfirmationSent:    "A link to confirm a new e-mail address was sent",
	NoticeSecurityKeyAdded:         "A security key or passkey was added",
}

// NoticeText says a notice kind for people.
func NoticeText(kind string) string { return text(noticeTexts, kind) }

// NoticeDetailText says a notice's detail for people ("" when none).
func NoticeDetailText(kind, detail string) string {
	if detail == "" {
		return ""
	}
	switch kind {
	case NoticeRecoveryCodeUsed, NoticeRecoveryCodesLow:
		if detail == "1" {
			return "1 recovery code left."
		}
		return detail + " recovery codes left."
	case NoticeSecurityKeyAdded:
		return "Its name: " + detail + "."
	case NoticeEmailConfirmationSent:
		return "It went to " + detail + "; notices go there once it is confirmed."
	case NoticeSessionsEnded:
		if detail == "1" {
			return "1 session ended."
		}
		return detail + " sessions ended."
	}
	return detail
}

// NoticeWarns reports whether a notice of kind asks the user to act.
func NoticeWarns(kind string) bool { return kind == NoticeRecoveryCodesLow }

// Notice is one security notice as GET /api/me/notices lists it.
type Notice struct {
	ID     int64  `json:"id"`
	At     string `json:"at"` // RFC 3339, UTC
	Kind   string `json:"kind"`
	IP     string `json:"ip"`
	Device string `json:"device"`
	Detail string `json:"detail"`
	Read   bool   `json:"read"`
}

// NoticePage answers GET /api/me/notices: newest first, the unread count of
// all the user's notices and the cursor of the next page ("" on the last).
type NoticePage struct {
	Notices []Notice `json:"notices"`
	Unread  int      `json:"unread"`
	Next    string   `json:"next,omitempty"`
}

// NoticesReadRequest is the body of POST /api/me/notices/read: every notice
// up to and including this id is read.
type NoticesReadRequest struct {
	UpTo int64 `json:"up_to"`
}

// Valid checks the id.
func (r NoticesReadRequest) Valid() *Error {
	var v validator
	if r.UpTo < 1 {
		v.add("up_to", "That is not a notice from your list.")
	}
	return v.err()
}

// EmailRequest is the body of PUT /api/me/email. A new address is only
// pending: a link to confirm it is mailed to it, and until it is opened
// mail still goes to the confirmed address, if any. The pending address
// again sends a new link (Resend); the confirmed one cancels the pending
// one; "" removes both.
type EmailRequest struct {
	Email string `json:"email"`
}

// Valid checks the address.
func (r EmailRequest) Valid() *Error {
	var v validator
	v.check("email", ValidateEmail(r.Email))
	return v.err()
}

// MaxEmailLength is RFC 5321's limit on a forward path.
const MaxEmailLength = 254

// ValidateEmail checks an e-mail address as typed: one plain address
// (name@domain), no display name, no control characters. "" (no address) is
// allowed. It returns "" when it is fine, else why not, in words.
func ValidateEmail(s string) string {
	if s == "" {
		return ""
	}
	const msg = "Enter one e-mail address, like name@example.com."
	if !utf8.ValidString(s) || len(s) > MaxEmailLength || strings.ContainsFunc(s, invisible) || strings.TrimSpace(s) != s {
		return msg
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return msg
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return msg
	}
	return ""
}

// EmailConfirmRequest is the body of POST /api/email/confirm: the token of
// the link mailed to a new address.
type EmailConfirmRequest struct {
	Token string `json:"token"`
}

// Valid checks the token's form.
func (r EmailConfirmRequest) Valid() *Error {
	if !ValidEmailToken(r.Token) {
		return Errorf(ELinkInvalid, MsgLinkInvalid)
	}
	return nil
}

// EmailLinkHours is how long a confirmation link works after its mail.
const EmailLinkHours = 24

// ValidEmailToken reports whether s has the form of a confirmation link's
// token: 256 bits in unpadded base64url, 43 characters. A page shows only
// such a token back, so nothing else a link carries reaches the page.
func ValidEmailToken(s string) bool {
	if len(s) != 43 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
