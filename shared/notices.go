package shared

import (
	"net"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/warden-auth/warden/shared/words"
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

var noticeWords = map[string]words.Message{
	NoticeNewBrowserLogin:          words.NoticeNewBrowserLogin,
	NoticeTwoFactorConnected:       words.NoticeTwoFactorConnected,
	NoticeTwoFactorDisconnected:    words.NoticeTwoFactorDisconnected,
	NoticeTwoFactorReset:           words.NoticeTwoFactorReset,
	NoticeRecoveryCodeUsed:         words.NoticeRecoveryCodeUsed,
	NoticeRecoveryCodesLow:         words.NoticeRecoveryCodesLow,
	NoticeRecoveryCodesRegenerated: words.NoticeRecoveryCodesRegenerated,
	NoticePasswordChanged:          words.NoticePasswordChanged,
	NoticeSessionsEnded:            words.NoticeSessionsEnded,
	NoticeSecondStepLocked:         words.NoticeSecondStepLocked,
	NoticeEmailChanged:             words.NoticeEmailChanged,
	NoticeEmailConfirmationSent:    words.NoticeEmailConfirmationSent,
	NoticeSecurityKeyAdded:         words.NoticeSecurityKeyAdded,
}

// NoticeWords says a notice kind.
func NoticeWords(kind string) words.Message { return said(noticeWords, kind) }

// NoticeDetailWords says a notice's detail (the zero Message when none).
func NoticeDetailWords(kind, detail string) words.Message {
	if detail == "" {
		return words.Message{}
	}
	n, err := strconv.Atoi(detail)
	switch {
	case kind == NoticeSecurityKeyAdded:
		return words.NoticeKeyName(detail)
	case kind == NoticeEmailConfirmationSent:
		return words.NoticeLinkSentTo(detail)
	case err != nil:
	case kind == NoticeRecoveryCodeUsed, kind == NoticeRecoveryCodesLow:
		return words.NoticeCodesLeft(n)
	case kind == NoticeSessionsEnded:
		return words.NoticeSessionsCount(n)
	}
	return words.Verbatim(detail)
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
		v.add("up_to", words.NotANotice)
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
// allowed. It returns the zero Message when it is fine, else why not.
func ValidateEmail(s string) words.Message {
	if s == "" {
		return words.Message{}
	}
	msg := words.EmailInvalid
	if !utf8.ValidString(s) || len(s) > MaxEmailLength || strings.ContainsFunc(s, invisible) || strings.TrimSpace(s) != s {
		return msg
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || !dotAtom(local) || !(dotAtom(domain) || domainLiteral(domain)) {
		return msg
	}
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return msg
	}
	return words.Message{}
}

// The address is RFC 5322's addr-spec written plainly, exactly what
// net/mail.ParseAddress reads back as itself with no display name: no
// quoted local part, comment, space or angle brackets, which it would drop.
// net/mail is not called: it links MIME's decoders into app.wasm, about
// 30 KB brotli (docs/PERFORMANCE.md); a test checks both agree.

// dotAtom reports whether s is a dot-atom: atext runs joined by single dots.
func dotAtom(s string) bool {
	if s == "" || strings.HasPrefix(s, ".") || strings.HasSuffix(s, ".") || strings.Contains(s, "..") {
		return false
	}
	for _, r := range s {
		if r != '.' && !atext(r) {
			return false
		}
	}
	return true
}

// atext: a visible character (any from U+0080 on, RFC 6532) but the specials.
func atext(r rune) bool {
	return !strings.ContainsRune(`()<>[]:;@\,".`, r) && ('!' <= r && r <= '~' || r >= utf8.RuneSelf)
}

// domainLiteral reports whether s is "[" dtext "]" naming an IP address.
func domainLiteral(s string) bool {
	if !strings.HasPrefix(s, "[") || !strings.HasSuffix(s, "]") || len(s) < 2 {
		return false
	}
	ip := s[1 : len(s)-1]
	for _, r := range ip {
		if r == '[' || r == ']' || r == '\\' || !('!' <= r && r <= '~' || r >= utf8.RuneSelf) {
			return false
		}
	}
	return net.ParseIP(ip) != nil
}

// EmailConfirmRequest is the body of POST /api/email/confirm: the token of
// the link mailed to a new address.
type EmailConfirmRequest struct {
	Token string `json:"token"`
}

// Valid checks the token's form.
func (r EmailConfirmRequest) Valid() *Error {
	if !ValidEmailToken(r.Token) {
		return Fail(ELinkInvalid, words.LinkInvalid)
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
