package webapp

import (
	"net/url"
	"strings"
	"testing"

	"github.com/warden-auth/warden/shared"
)

func TestHeader_TheAvatarCarriesTheUnreadNoticeCount(t *testing.T) {
	html := render(t, &appHeader{Me: &shared.Me{Username: "ann", UnreadNotices: 3}})
	contains(t, html, `id="notice-count"`, `>3<`, `aria-label="Account menu, 3 unread security notices"`)
	none := render(t, &appHeader{Me: &shared.Me{Username: "ann"}})
	lacks(t, none, `id="notice-count"`)
	contains(t, none, `aria-label="Account menu"`)
	if got := avatarLabel(1); got != "Account menu, 1 unread security notice" {
		t.Errorf("one notice: %q", got)
	}
}

func TestSecurityNotices_EachSaysWhatWhenWhereAndWarnsWhenCodesRunLow(t *testing.T) {
	n := &securityNotices{loaded: true, next: "7", notices: []shared.Notice{
		{ID: 9, At: "2026-11-23T10:00:00Z", Kind: shared.NoticeRecoveryCodesLow, Detail: "3", IP: "192.0.2.1", Device: "Firefox on Linux"},
		{ID: 8, At: "2026-11-23T09:00:00Z", Kind: shared.NoticePasswordChanged, IP: "192.0.2.2", Device: "Chrome on Windows", Read: true},
	}}
	html := render(t, n)
	contains(t, html, `id="notices"`, "Warning: ", "notice-warn", "3 recovery codes left.", "Your password was changed.",
		"IP 192.0.2.1", "Firefox on Linux", `datetime="2026-11-23T10:00:00Z"`, `id="notices-more"`)
}

func TestEmailAddress_ShowsTheCurrentAddress(t *testing.T) {
	html := render(t, &emailAddress{Me: &shared.Me{Email: "ann@example.com"}})
	contains(t, html, `id="email"`, `value="ann@example.com"`, `type="email"`, `id="email-submit"`, `<label for="email">`)
}

// A new address waits: the field shows it, the status says where notices
// go meanwhile, and it can be sent again.
func TestEmailAddress_ShowsThePendingAddressAndOffersResend(t *testing.T) {
	html := render(t, &emailAddress{Me: &shared.Me{Email: "ann@example.com", EmailPending: "ann@new.example"}})
	contains(t, shownText(html), "Notices go to ann@example.com", "ann@new.exampleis not confirmed yet")
	contains(t, html, `value="ann@new.example"`, `id="email-pending"`, `id="email-resend"`, `aria-label="Send the link again to ann@new.example"`)
	none := render(t, &emailAddress{Me: &shared.Me{EmailPending: "ann@new.example"}})
	contains(t, none, "Notices are not sent by e-mail now.")
	confirmed := render(t, &emailAddress{Me: &shared.Me{Email: "ann@example.com"}})
	lacks(t, confirmed, `id="email-resend"`, "not confirmed")
}

// The link's page: a button that posts the token (before the app too),
// never the token of another form, and each outcome in words.
func TestEmailConfirmPage_ShowsTheButtonOrWhatHappened(t *testing.T) {
	token := strings.Repeat("aB3_-", 8) + "xyz"
	page := func(query string) string {
		t.Helper()
		q, _ := url.ParseQuery(query)
		p := &emailConfirmPage{}
		p.onNavQuery(q)
		return render(t, p)
	}
	html := page("token=" + token)
	contains(t, html, `id="email-confirm-form"`, `method="post"`, `action="/email/confirm"`, `data-ready="false"`,
		`type="hidden"`, `name="token"`, `value="`+token+`"`, `id="email-confirm-submit"`, "<h1>Confirm your e-mail address</h1>")
	lacks(t, html, `id="email-confirm-error"`)
	for _, hostile := range []string{`"><meta http-equiv="refresh">`, token + "=", "javascript:alert(1)", ""} {
		html := page(url.Values{"token": {hostile}}.Encode())
		lacks(t, html, `id="email-confirm-form"`, "meta", "javascript")
		contains(t, html, `id="email-confirm-error"`, "This link does not work")
	}
	contains(t, page("done=1"), `id="email-confirmed"`, "Your e-mail address is confirmed.")
	contains(t, page("error="+shared.ELinkExpired), `id="email-confirm-error"`, "This link has expired")
	contains(t, page("error="+shared.ELinkOtherUser), "Log out first")
}

// The panel shows each user's confirmed address and the one waiting, with
// Resend for that one.
func TestAdminUsers_ShowConfirmedAndPendingAddresses(t *testing.T) {
	html := render(t, &adminUsers{Me: &shared.Me{Username: "root", Role: shared.RolePlatformAdmin}, users: []shared.AdminUser{
		{ID: 2, Username: "ann", Role: shared.RoleUser, Email: "ann@example.com", EmailPending: "ann@new.example"},
		{ID: 3, Username: "bob", Role: shared.RoleUser, Email: "bob@example.com"},
	}})
	contains(t, shownText(html), "ann@example.com(confirmed)", "Not confirmed yet: ann@new.example", "bob@example.com(confirmed)")
	contains(t, html, `id="email-pending-ann"`, `id="resend-email-ann"`, `id="email-ann"`, `id="email-bob"`)
	lacks(t, html, `id="resend-email-bob"`, `id="email-pending-bob"`)
}
