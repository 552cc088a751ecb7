package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/internal/testclock"
	"github.com/warden-auth/warden/server/internal/testcode"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

const firefoxUA = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"

// noticeKinds counts the user's notices by kind, from the database.
func (e *env) noticeKinds(t *testing.T, u *domain.User) map[string]int {
	t.Helper()
	got := map[string]int{}
	for _, row := range storetest.Rows(t, e.st, "SELECT kind FROM notices WHERE user_id = ?", u.ID) {
		got[fmt.Sprint(row[0])]++
	}
	return got
}

func (e *env) loginFrom(c *http.Client, username, pw, ip string) answer {
	e.t.Helper()
	return e.do(c, "POST", "/api/login", shared.LoginRequest{Username: username, Password: pw}, "X-Forwarded-For", ip, "User-Agent", firefoxUA)
}

func wantKinds(t *testing.T, step string, got, want map[string]int) {
	t.Helper()
	for k, n := range want {
		if got[k] != n {
			t.Errorf("after %s: %d %s notices, want %d (all: %v)", step, got[k], k, n, got)
		}
	}
	for k, n := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("after %s: %d unexpected %s notices", step, n, k)
		}
	}
}

// Every kind of notice is made by its real action, once: a first login
// makes none, a new browser on a known IP none, a known browser on a new IP
// none, and a browser and IP never used one; refused actions make none.
func TestNotices_EachActionMakesItsNoticeExactlyOnce(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			now := e.fixClock()
			e.api.trustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
			alice := e.user("alice", shared.RoleUser, "Acme")
			e.user("root", shared.RoleAdmin, "Acme")
			want := map[string]int{}
			check := func(step string) { t.Helper(); wantKinds(t, step, e.noticeKinds(t, alice), want) }

			a := e.browser()
			e.loginFrom(a, "alice", password, "198.51.100.1")
			check("the first login")
			e.loginFrom(e.browser(), "alice", password, "198.51.100.1")
			check("a new browser on a known IP")
			e.loginFrom(a, "alice", password, "203.0.113.9")
			check("a known browser on a new IP")
			e.loginFrom(e.browser(), "alice", "wrong password", "203.0.113.50")
			check("a wrong password")
			e.loginFrom(e.browser(), "alice", password, "203.0.113.50")
			want[shared.NoticeNewBrowserLogin]++
			check("a new browser on a new IP")

			secret := e.enroll(t, a, *now)
			want[shared.NoticeTwoFactorConnected]++
			check("connect")

			*now = now.Add(time.Minute)
			if r := e.do(a, "POST", "/api/2fa/recovery-codes", shared.CodeRequest{Code: testcode.Wrong(t, secret, *now)}); r.status == 200 {
				t.Fatal("regenerate with a wrong code worked")
			}
			var regen shared.ConnectResponse
			e.do(a, "POST", "/api/2fa/recovery-codes", shared.CodeRequest{Code: code(t, secret, *now)}).decode(t, &regen)
			want[shared.NoticeRecoveryCodesRegenerated]++
			check("regenerate")

			// Seven recovery-code logins leave 3: the seventh warns. The
			// first comes from a new browser and IP, the others from that IP.
			for i, rc := range regen.RecoveryCodes[:7] {
				c := e.browser()
				e.loginFrom(c, "alice", password, "192.0.2.77")
				r := e.do(c, "POST", "/api/login/recovery", shared.CodeRequest{Code: rc}, "X-Forwarded-For", "192.0.2.77", "User-Agent", firefoxUA)
				if r.status != 200 {
					t.Fatalf("recovery login %d: %d %s", i, r.status, r.body)
				}
			}
			want[shared.NoticeRecoveryCodeUsed] += 7
			want[shared.NoticeRecoveryCodesLow]++
			want[shared.NoticeNewBrowserLogin]++
			check("seven recovery codes")
			details := storetest.Rows(t, e.st, "SELECT detail FROM notices WHERE user_id = ? AND kind = ? ORDER BY id", alice.ID, shared.NoticeRecoveryCodesLow)
			if fmt.Sprint(details) != "[[3]]" {
				t.Errorf("recovery_codes_low details %v", details)
			}

			// Five wrong codes lock the second step: one notice.
			*now = now.Add(time.Minute)
			c := e.browser()
			e.loginFrom(c, "alice", password, "192.0.2.77")
			for range 6 {
				e.do(c, "POST", "/api/login/totp", shared.CodeRequest{Code: testcode.Wrong(t, secret, *now)}, "X-Forwarded-For", "192.0.2.77")
			}
			want[shared.NoticeSecondStepLocked]++
			check("the lockout")
			*now = now.Add(30 * time.Minute)

			a = e.browser()
			e.loginFrom(a, "alice", password, "198.51.100.1")
			e.do(a, "POST", "/api/login/totp", shared.CodeRequest{Code: code(t, secret, *now)}, "X-Forwarded-For", "198.51.100.1")
			if r := e.changePassword(a, "not my password", newPassword); r.status == 204 {
				t.Fatal("a wrong current password changed it")
			}
			if r := e.changePassword(a, password, newPassword); r.status != 204 {
				t.Fatalf("change: %d %s", r.status, r.body)
			}
			want[shared.NoticePasswordChanged]++
			check("the password change")

			if r := e.do(a, "POST", "/api/2fa/disconnect", map[string]any{"password": newPassword}); r.status != 200 {
				t.Fatalf("disconnect: %d %s", r.status, r.body)
			}
			want[shared.NoticeTwoFactorDisconnected]++
			check("disconnect")

			*now = now.Add(time.Minute)
			e.enroll(t, a, *now)
			want[shared.NoticeTwoFactorConnected]++
			admin := e.browser()
			e.loginFrom(admin, "root", password, "198.51.100.200")
			if r := e.do(admin, "POST", fmt.Sprintf("/api/admin/users/%d/reset-2fa", alice.ID), nil); r.status != 204 {
				t.Fatalf("reset: %d %s", r.status, r.body)
			}
			want[shared.NoticeTwoFactorReset]++
			check("the admin's reset")

			// Ending sessions (built elsewhere) puts this notice on its audit event.
			n := e.svc.Notices.SessionsEndedNotice(alice, core.Client{IP: "198.51.100.1", UserAgent: firefoxUA}, 2)
			if err := e.st.RecordAudit(context.Background(), &domain.AuditEvent{CreatedAt: *now, AccountID: alice.AccountID, Action: "sessions_ended", Notice: n}); err != nil {
				t.Fatal(err)
			}
			want[shared.NoticeSessionsEnded]++
			check("ending sessions")
			if n.Detail != "2" || n.Device != "Firefox on Linux" || n.IP != "198.51.100.1" {
				t.Errorf("sessions_ended notice %+v", n)
			}
			if r := e.do(admin, "GET", "/api/me/notices", nil); r.status != 200 {
				t.Fatalf("root's notices: %d", r.status)
			}
			if got := e.noticeKinds(t, &domain.User{ID: alice.ID + 1}); len(got) != 0 {
				t.Errorf("root got notices of alice's account: %v", got)
			}
		})
	}
}

// The list is the user's own, newest first, paged; read marks count only
// the user's own notices, and another user's ids change nothing.
func TestNotices_ListAndReadMarksAreTheUsersOwn(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			e.fixClock()
			alice, bob := e.user("alice", shared.RoleUser, "Acme"), e.user("bob", shared.RoleUser, "Acme")
			for i := range 23 {
				for _, u := range []*domain.User{alice, bob} {
					n := e.svc.Notices.SessionsEndedNotice(u, core.Client{IP: "192.0.2.1", UserAgent: firefoxUA}, int64(i+1))
					if err := e.st.RecordAudit(context.Background(), &domain.AuditEvent{AccountID: u.AccountID, Action: "x", Notice: n}); err != nil {
						t.Fatal(err)
					}
				}
			}
			ac, bc := e.browser(), e.browser()
			e.login(ac, "alice", password)
			e.login(bc, "bob", password)
			var page shared.NoticePage
			e.do(ac, "GET", "/api/me/notices", nil).decode(t, &page)
			if len(page.Notices) != 20 || page.Unread != 23 || page.Next == "" || page.Notices[0].Detail != "23" ||
				page.Notices[0].Device != "Firefox on Linux" || page.Notices[0].IP != "192.0.2.1" {
				t.Fatalf("alice's first page: %+v", page)
			}
			newest := page.Notices[0].ID
			var rest shared.NoticePage
			e.do(ac, "GET", "/api/me/notices?before="+page.Next, nil).decode(t, &rest)
			if len(rest.Notices) != 3 || rest.Next != "" || rest.Notices[2].Detail != "1" {
				t.Fatalf("alice's second page: %+v", rest)
			}
			// Bob marks up to alice's newest id: only his own become read.
			if r := e.do(bc, "POST", "/api/me/notices/read", shared.NoticesReadRequest{UpTo: newest}); r.status != 204 {
				t.Fatalf("bob's mark: %d %s", r.status, r.body)
			}
			var me shared.Me
			e.do(ac, "GET", "/api/me", nil).decode(t, &me)
			if me.UnreadNotices != 23 {
				t.Fatalf("alice's unread after bob's mark: %d", me.UnreadNotices)
			}
			e.do(bc, "GET", "/api/me", nil).decode(t, &me)
			if me.UnreadNotices != 1 { // his newest came after alice's newest
				t.Fatalf("bob's unread after his mark: %d", me.UnreadNotices)
			}
			for _, body := range []string{`{"up_to":0}`, `{"up_to":"1"}`, `{"up_to":1,"up_to":2}`, `{"up_to":1}` + "\x00"} {
				if r := e.do(ac, "POST", "/api/me/notices/read", body); r.status != 400 {
					t.Errorf("read mark %q: %d %s", body, r.status, r.body)
				}
			}
			if r := e.do(ac, "POST", "/api/me/notices/read", shared.NoticesReadRequest{UpTo: newest}); r.status != 204 {
				t.Fatalf("alice's mark: %d", r.status)
			}
			e.do(ac, "GET", "/api/me/notices", nil).decode(t, &page)
			if page.Unread != 0 || !page.Notices[0].Read {
				t.Fatalf("after alice's mark: %+v", page.Notices[0])
			}
			if r := e.do(e.browser(), "GET", "/api/me/notices", nil); r.status != 401 {
				t.Fatalf("without a session: %d", r.status)
			}
		})
	}
}

// Changing the address needs a recent proof; the new one waits for its
// link, and the confirmed one is told when it is replaced.
func TestSetEmail_NeedsReauthAndTellsTheOldAddress(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			now := e.fixClock()
			box, m := e.mailOn(t)
			alice := e.user("alice", shared.RoleUser, "Acme")
			c := e.browser()
			e.login(c, "alice", password)
			for _, bad := range []string{"not an address", "Alice <a@example.com>", "a@example.com\r\nBcc: x@example.com", "a@b", "a\x00@example.com"} {
				if r := e.do(c, "PUT", "/api/me/email", shared.EmailRequest{Email: bad}); r.status != 400 || r.apiError(t).Fields["email"] == "" {
					t.Errorf("address %q: %d %s", bad, r.status, r.body)
				}
			}
			e.confirmAddress(t, c, box, m, "old@example.com")
			*now = now.Add(11 * time.Minute)
			r := e.do(c, "PUT", "/api/me/email", shared.EmailRequest{Email: "new@example.com"})
			if r.status != 403 || r.apiError(t).Code != shared.EReauthRequired {
				t.Fatalf("change past the window: %d %s", r.status, r.body)
			}
			if r := e.do(c, "POST", "/api/me/reauth", shared.ReauthRequest{Password: password}); r.status != 204 {
				t.Fatalf("reauth: %d", r.status)
			}
			if r := e.do(c, "PUT", "/api/me/email", shared.EmailRequest{Email: "new@example.com"}); r.status != 204 {
				t.Fatalf("change: %d %s", r.status, r.body)
			}
			var me shared.Me
			e.do(c, "GET", "/api/me", nil).decode(t, &me)
			if me.Email != "old@example.com" || me.EmailPending != "new@example.com" || me.EmailVerifiedAt != testclock.Base.UTC().Format(time.RFC3339) {
				t.Fatalf("me: %+v", me)
			}
			rows := storetest.Rows(t, e.st, "SELECT mo.to_address, n.kind FROM mail_outbox mo JOIN notices n ON n.id = mo.notice_id WHERE n.user_id = ? ORDER BY mo.id", alice.ID)
			if fmt.Sprint(rows) != "[[new@example.com "+shared.NoticeEmailConfirmationSent+"]]" {
				t.Fatalf("outbox %v", rows)
			}
			e.deliver(t, m)
			if r := e.do(c, "POST", "/api/email/confirm", shared.EmailConfirmRequest{Token: lastLink(t, box, "new@example.com")}); r.status != 204 {
				t.Fatalf("confirm: %d %s", r.status, r.body)
			}
			rows = storetest.Rows(t, e.st, "SELECT mo.to_address, n.kind FROM mail_outbox mo JOIN notices n ON n.id = mo.notice_id WHERE n.user_id = ? ORDER BY mo.id", alice.ID)
			if fmt.Sprint(rows) != "[[old@example.com "+shared.NoticeEmailChanged+"]]" {
				t.Fatalf("outbox %v", rows)
			}
			me = shared.Me{}
			e.do(c, "GET", "/api/me", nil).decode(t, &me)
			if me.Email != "new@example.com" || me.EmailPending != "" {
				t.Fatalf("me: %+v", me)
			}
		})
	}
}

// A right password from an IP whose second step failed does not make the IP
// known: the login completed from there later is news.
func TestNotices_APasswordAloneDoesNotMakeAnIPKnown(t *testing.T) {
	e := newEnv(t, "sqlite")
	now := e.fixClock()
	e.api.trustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	alice := e.user("alice", shared.RoleUser, "Acme")
	a := e.browser()
	e.loginFrom(a, "alice", password, "198.51.100.1")
	secret := e.enroll(t, a, *now)
	*now = now.Add(time.Minute)
	thief := e.browser()
	e.loginFrom(thief, "alice", password, "203.0.113.66")
	e.do(thief, "POST", "/api/login/totp", shared.CodeRequest{Code: testcode.Wrong(t, secret, *now)}, "X-Forwarded-For", "203.0.113.66")
	wantKinds(t, "a failed second step", e.noticeKinds(t, alice), map[string]int{shared.NoticeTwoFactorConnected: 1})
	thief = e.browser()
	e.loginFrom(thief, "alice", password, "203.0.113.66")
	if r := e.do(thief, "POST", "/api/login/totp", shared.CodeRequest{Code: code(t, secret, *now)}, "X-Forwarded-For", "203.0.113.66"); r.status != 200 {
		t.Fatalf("second step: %d %s", r.status, r.body)
	}
	wantKinds(t, "the completed login", e.noticeKinds(t, alice), map[string]int{shared.NoticeTwoFactorConnected: 1, shared.NoticeNewBrowserLogin: 1})
}
