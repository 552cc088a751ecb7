package httpapi

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// usersNamed counts the users of that name in the database.
func usersNamed(t *testing.T, e *env, name string) string {
	t.Helper()
	return fmt.Sprint(storetest.Rows(t, e.st, "SELECT count(*) FROM users WHERE lower(username) = lower(?)", name))
}

func TestNewUser_AdministratorsCreateUsersWithAOneTimePassword(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			e.fixClock()
			e.user("root", shared.RolePlatformAdmin, "Default")
			e.user("aadmin", shared.RoleAdmin, "Acme")
			gadmin := e.user("gadmin", shared.RoleAdmin, "Globex")
			e.user("gus", shared.RoleUser, "Globex")
			pa, aa, ga, gu := e.browser(), e.browser(), e.browser(), e.browser()
			e.login(pa, "root", password)
			e.login(aa, "aadmin", password)
			e.login(ga, "gadmin", password)
			e.login(gu, "gus", password)
			acme, _ := e.st.AccountByName(t.Context(), "Acme")

			// The platform administrator creates one in another account.
			a := e.do(pa, "POST", "/api/admin/users", shared.NewUserRequest{Username: " Carol ", AccountID: acme.ID,
				Role: shared.RoleAdmin, Email: "carol@example.com"})
			var created shared.NewUserResponse
			a.decode(t, &created)
			u := created.User
			if a.status != 201 || u.Username != "carol" || u.AccountID != acme.ID || u.Account != "Acme" || u.Role != shared.RoleAdmin ||
				u.Email != "" || u.EmailPending != "carol@example.com" || u.ID == 0 || len(created.Password) < 20 {
				t.Fatalf("create: %d %s", a.status, a.body)
			}
			// The password is the one-time kind: the first login must replace it.
			c := e.browser()
			var lr shared.LoginResponse
			if a := e.login(c, "carol", created.Password); a.status != 200 {
				t.Fatalf("first login: %d %s", a.status, a.body)
			} else if a.decode(t, &lr); lr.Next != shared.NextChangePassword {
				t.Fatalf("first login: %s", a.body)
			}
			if a := e.do(c, "GET", "/api/admin/users", nil); a.status != 403 || a.apiError(t).Code != shared.EPasswordChange {
				t.Fatalf("before the change: %d %s", a.status, a.body)
			}
			if a := e.do(c, "POST", "/api/me/password", shared.ChangePasswordRequest{Current: created.Password, New: "a new and long passphrase 9"}); a.status != 200 {
				t.Fatalf("change: %d %s", a.status, a.body)
			}
			var audit shared.AuditPage
			e.do(pa, "GET", fmt.Sprintf("/api/admin/audit?account=%d", acme.ID), nil).decode(t, &audit)
			if len(audit.Events) != 3 || audit.Events[1].Action != shared.AuditUserCreated ||
				audit.Events[1].Actor != "root" || audit.Events[1].Target != "carol" || audit.Events[1].Detail != "role admin" {
				t.Fatalf("audit: %+v", audit.Events)
			}
			// Two answers never share a password.
			a = e.do(pa, "POST", "/api/admin/users", shared.NewUserRequest{Username: "dave", AccountID: acme.ID, Role: shared.RoleUser})
			var second shared.NewUserResponse
			if a.decode(t, &second); a.status != 201 || second.Password == created.Password || second.User.EmailPending != "" {
				t.Fatalf("second create: %d %s", a.status, a.body)
			}
			if got := fmt.Sprint(storetest.Rows(t, e.st, "SELECT password_must_change, password_hash <> ? FROM users WHERE username = 'dave'", second.Password)); got != "[[1 1]]" && got != "[[true true]]" {
				t.Fatalf("dave's row: %s", got)
			}

			// An account administrator in their own account (0: their own);
			// never a platform administrator.
			a = e.do(aa, "POST", "/api/admin/users", shared.NewUserRequest{Username: "erin", Role: shared.RoleUser})
			if a.decode(t, &created); a.status != 201 || created.User.AccountID != acme.ID {
				t.Fatalf("account admin's create: %d %s", a.status, a.body)
			}
			if a := e.do(aa, "POST", "/api/admin/users", shared.NewUserRequest{Username: "mallory", Role: shared.RolePlatformAdmin}); a.status != 403 {
				t.Fatalf("account admin creates a platform admin: %d %s", a.status, a.body)
			}
			// The administrator of another account: as if Acme did not exist,
			// and nothing is created.
			if a := e.do(ga, "POST", "/api/admin/users", shared.NewUserRequest{Username: "mallory", AccountID: acme.ID, Role: shared.RoleUser}); a.status != 404 {
				t.Fatalf("Globex's admin creates in Acme: %d %s", a.status, a.body)
			}
			if a := e.do(ga, "POST", "/api/admin/users", shared.NewUserRequest{Username: "mallory", AccountID: 999999, Role: shared.RoleUser}); a.status != 404 {
				t.Fatalf("a missing account: %d %s", a.status, a.body)
			}
			if a := e.do(gu, "POST", "/api/admin/users", shared.NewUserRequest{Username: "mallory", Role: shared.RoleUser}); a.status != 403 {
				t.Fatalf("a user creates: %d %s", a.status, a.body)
			}
			if got := usersNamed(t, e, "mallory"); got != "[[0]]" {
				t.Fatalf("mallory was created: %s", got)
			}
			if got := fmt.Sprint(storetest.Rows(t, e.st, "SELECT count(*) FROM users WHERE account_id = ?", gadmin.AccountID)); got != "[[2]]" {
				t.Fatalf("Globex's users: %s", got)
			}

			// Odd bytes and other cases of a taken name are refused in words.
			for body, field := range map[string]string{
				`{"username":"CAROL","role":"user"}`:                           "username",
				`{"username":"ca\u0000rol","role":"user"}`:                     "username",
				`{"username":"ca\trol","role":"user"}`:                         "username",
				`{"username":"x","role":"user"}`:                               "username",
				`{"username":"zoe","role":"root"}`:                             "role",
				`{"username":"zoe"}`:                                           "role",
				`{"username":"zoe","role":"user","email":"a@b"}`:               "email",
				`{"username":"zoe","role":"user","email":"z@example.com\r\n"}`: "email",
				`{"username":"zoe","username":"zed","role":"user"}`:            "username",
				`{"username":"zoe","role":"user","password":"mine"}`:           "password",
			} {
				a := e.do(aa, "POST", "/api/admin/users", body)
				if got := a.apiError(t); a.status/100 != 4 || got.Fields[field] == "" || strings.Contains(got.Message, "invalid") {
					t.Errorf("%s: %d %s, want a word on %s", body, a.status, a.body, field)
				}
			}
			if got := usersNamed(t, e, "carol") + usersNamed(t, e, "zoe") + usersNamed(t, e, "zed"); got != "[[1]][[0]][[0]]" {
				t.Fatalf("after the refusals: %s", got)
			}
		})
	}
}

func TestNewUser_NeedsARecentProof(t *testing.T) {
	e := newEnv(t, "sqlite")
	now := e.fixClock()
	e.user("aadmin", shared.RoleAdmin, "Acme")
	c := e.browser()
	e.login(c, "aadmin", password)
	*now = now.Add(11 * time.Minute)
	if a := e.do(c, "POST", "/api/admin/users", shared.NewUserRequest{Username: "late", Role: shared.RoleUser}); a.status != 403 || a.apiError(t).Code != shared.EReauthRequired {
		t.Fatalf("past the window: %d %s", a.status, a.body)
	}
	if got := usersNamed(t, e, "late"); got != "[[0]]" {
		t.Fatalf("created anyway: %s", got)
	}
}

// An administrator's new address for a user waits for the link mailed to
// it; the user's confirmed one stays until then and is told once, when the
// new one takes over or is removed.
func TestAdminUsers_EmailWaitsForItsLinkAndTheConfirmedOneIsTold(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			e.fixClock()
			box, m := e.mailOn(t)
			e.user("root", shared.RolePlatformAdmin, "Default")
			e.user("aadmin", shared.RoleAdmin, "Acme")
			alice := e.user("alice", shared.RoleUser, "Acme")
			e.user("gadmin", shared.RoleAdmin, "Globex")
			pa, aa, ga := e.browser(), e.browser(), e.browser()
			e.login(pa, "root", password)
			e.login(aa, "aadmin", password)
			e.login(ga, "gadmin", password)
			email := func(s string) string { j, _ := json.Marshal(shared.UserPatch{Email: &s}); return string(j) }
			confirm := func(address string) {
				t.Helper()
				e.deliver(t, m)
				if r := e.do(e.browser(), "POST", "/api/email/confirm", shared.EmailConfirmRequest{Token: lastLink(t, box, address)}); r.status != 204 {
					t.Fatalf("confirm %s: %d %s", address, r.status, r.body)
				}
			}
			if a := e.patchUser(aa, alice.ID, email("old@example.com")); a.status != 200 {
				t.Fatalf("set: %d %s", a.status, a.body)
			}
			confirm("old@example.com")
			var changed shared.AdminUser
			if a := e.patchUser(aa, alice.ID, email("new@example.com")); a.status != 200 {
				t.Fatalf("change: %d %s", a.status, a.body)
			} else if a.decode(t, &changed); changed.Email != "old@example.com" || changed.EmailVerifiedAt == "" || changed.EmailPending != "new@example.com" {
				t.Fatalf("changed: %s", a.body)
			}
			// The pending address again is Resend: a new link, the old one dead.
			e.deliver(t, m)
			first := lastLink(t, box, "new@example.com")
			e.patchUser(aa, alice.ID, email("new@example.com"))
			for _, bad := range []string{"a@b", "Alice <a@example.com>", "a\x00@example.com"} {
				if a := e.patchUser(aa, alice.ID, email(bad)); a.status != 400 || a.apiError(t).Fields["email"] == "" {
					t.Errorf("%q: %d %s", bad, a.status, a.body)
				}
			}
			// Another account's administrator: not found, nothing changed.
			if a := e.patchUser(ga, alice.ID, email("thief@example.com")); a.status != 404 {
				t.Fatalf("Globex's admin: %d %s", a.status, a.body)
			}
			if r := e.do(e.browser(), "POST", "/api/email/confirm", shared.EmailConfirmRequest{Token: first}); r.status != 404 {
				t.Fatalf("the link Resend replaced: %d %s", r.status, r.body)
			}
			confirm("new@example.com")
			if a := e.patchUser(pa, alice.ID, email("")); a.status != 200 {
				t.Fatalf("clear: %d %s", a.status, a.body)
			}
			e.deliver(t, m)
			var got []string
			for _, mail := range box.Mails() {
				kind := "link"
				if mail.Link() == "" {
					kind = mail.Subject()
				}
				got = append(got, mail.To+" "+kind)
			}
			want := []string{"old@example.com link", "new@example.com link", "new@example.com link",
				"old@example.com Security notice: Your e-mail address was changed",
				"new@example.com Security notice: Your e-mail address was changed"}
			if !slices.Equal(got, want) {
				t.Fatalf("mail: %q, want %q", got, want)
			}
			if got := fmt.Sprint(storetest.Rows(t, e.st, "SELECT count(*) FROM users WHERE id = ? AND email IS NULL AND email_pending IS NULL", alice.ID)); got != "[[1]]" {
				t.Fatalf("an address stays: %s", got)
			}
			var audit shared.AuditPage
			e.do(aa, "GET", "/api/admin/audit", nil).decode(t, &audit)
			if len(audit.Events) < 3 || audit.Events[0].Action != shared.AuditEmailChanged || audit.Events[0].Actor != "root" ||
				audit.Events[0].Target != "alice" || audit.Events[0].Detail != "removed" || audit.Events[1].Action != shared.AuditEmailConfirmed ||
				audit.Events[1].Actor != "alice" {
				t.Fatalf("audit: %+v", audit.Events)
			}
		})
	}
}

func TestAdminUsers_PagesAndDeadlines(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			now := e.fixClock()
			admin := e.user("aadmin", shared.RoleAdmin, "Acme")
			for _, n := range []string{"bob", "carl", "dora", "eddy"} {
				e.user(n, shared.RoleUser, "Acme")
			}
			e.user("zed", shared.RoleUser, "Globex")
			c := e.browser()
			e.login(c, "aadmin", password)
			var seen []string
			before := ""
			for pages := 0; pages < 5; pages++ {
				var page shared.UsersPage
				a := e.do(c, "GET", "/api/admin/users?limit=2&before="+before, nil)
				if a.status != 200 {
					t.Fatalf("page: %d %s", a.status, a.body)
				}
				a.decode(t, &page)
				for _, u := range page.Users {
					seen = append(seen, u.Username)
				}
				if before = page.Next; before == "" {
					break
				}
			}
			if strings.Join(seen, " ") != "aadmin bob carl dora eddy" {
				t.Fatalf("pages: %v", seen)
			}
			for _, q := range []string{"limit=0", "limit=101", "before=%00", "before=../x"} {
				if a := e.do(c, "GET", "/api/admin/users?"+q, nil); a.status != 400 {
					t.Errorf("%s: %d %s", q, a.status, a.body)
				}
			}

			// A grace period's deadline shows per user once it runs.
			days := 3
			if _, err := e.st.SetTwoFactorPolicy(t.Context(), admin.AccountID, true, &days, admin.ID, *now, nil); err != nil {
				t.Fatal(err)
			}
			b := e.browser()
			e.login(b, "bob", password)
			users := e.adminUsers(t, c, "q=bob")
			want := now.Add(72 * time.Hour).UTC().Format(time.RFC3339)
			if len(users) != 1 || users[0].TwoFADeadline != want {
				t.Fatalf("bob's deadline: %+v, want %s", users, want)
			}
			if users := e.adminUsers(t, c, "q=carl"); len(users) != 1 || users[0].TwoFADeadline != "" {
				t.Fatalf("carl has not logged in: %+v", users)
			}
		})
	}
}
