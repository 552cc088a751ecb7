package webapp

import (
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
