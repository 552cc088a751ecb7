package httpapi

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/warden-auth/warden/server/auth"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// secondServer is another server process on e's database: its own Service
// (nothing cached in common) with the same keys.
func (e *env) secondServer(t *testing.T) *env {
	svc := auth.New(storesOf(e.st), e.svc.Keys, slog.New(slog.NewTextHandler(io.Discard, nil)))
	svc.Hasher, svc.Now = e.svc.Hasher, e.svc.Now
	api := New(Config{Auth: svc, Log: svc.Log, Pages: http.NotFoundHandler()})
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return &env{t: t, srv: srv, api: api, svc: svc, st: e.st, log: &syncBuffer{}}
}

// patchUser sends PATCH /api/admin/users/{id}.
func (e *env) patchUser(c *http.Client, id int64, body string) answer {
	e.t.Helper()
	return e.do(c, "PATCH", fmt.Sprintf("/api/admin/users/%d", id), body)
}

func (e *env) adminUsers(t *testing.T, c *http.Client, query string) []shared.AdminUser {
	t.Helper()
	a := e.do(c, "GET", "/api/admin/users?"+query, nil)
	if a.status != 200 {
		t.Fatalf("users?%s: %d %s", query, a.status, a.body)
	}
	var page shared.UsersPage
	a.decode(t, &page)
	return page.Users
}

func TestPlatform_AdminCreatesRenamesAndSeesEveryAccount(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			e.fixClock()
			e.user("root", shared.RolePlatformAdmin, "Default")
			e.user("gadmin", shared.RoleAdmin, "Globex")
			e.user("gus", shared.RoleUser, "Globex")
			pa, ga, gu := e.browser(), e.browser(), e.browser()
			e.login(pa, "root", password)
			e.login(ga, "gadmin", password)
			e.login(gu, "gus", password)
			var me shared.Me
			e.do(pa, "GET", "/api/me", nil).decode(t, &me)
			if me.Role != shared.RolePlatformAdmin {
				t.Fatalf("/api/me role: %+v", me)
			}

			a := e.do(pa, "POST", "/api/admin/accounts", `{"name":"  Initech  "}`)
			var created shared.AccountSettings
			a.decode(t, &created)
			if a.status != 201 || created.Name != "Initech" || created.ID == 0 || created.Users != 0 || created.CreatedAt == "" {
				t.Fatalf("create: %d %s", a.status, a.body)
			}
			for body, want := range map[string]string{
				`{"name":"initech"}`:                         shared.EConflict,
				`{"name":"GLOBEX"}`:                          shared.EConflict,
				`{"name":"   "}`:                             shared.EInvalid,
				`{"name":"a\u0000b"}`:                        shared.EInvalid,
				`{"name":"tab\there"}`:                       shared.EInvalid,
				`{"name":"` + strings.Repeat("x", 65) + `"}`: shared.EInvalid,
				`{"name":"a","name":"b"}`:                    shared.EInvalid,
			} {
				a := e.do(pa, "POST", "/api/admin/accounts", body)
				if got := a.apiError(t); got.Code != want {
					t.Errorf("create %s: %d %s, want %s", body, a.status, a.body, want)
				}
			}
			a = e.do(pa, "PATCH", fmt.Sprintf("/api/admin/accounts/%d", created.ID), `{"name":"Initrode"}`)
			var renamed shared.AccountSettings
			a.decode(t, &renamed)
			if a.status != 200 || renamed.Name != "Initrode" || renamed.ID != created.ID {
				t.Fatalf("rename: %d %s", a.status, a.body)
			}
			if a := e.do(pa, "PATCH", fmt.Sprintf("/api/admin/accounts/%d", created.ID), `{"name":"globex"}`); a.status != 409 {
				t.Fatalf("rename onto Globex: %d %s", a.status, a.body)
			}
			if a := e.do(pa, "PATCH", "/api/admin/accounts/999999", `{"name":"Nowhere"}`); a.status != 404 {
				t.Fatalf("rename a missing account: %d %s", a.status, a.body)
			}

			var page shared.AccountsPage
			e.do(pa, "GET", "/api/admin/accounts", nil).decode(t, &page)
			names := map[string]shared.AccountSettings{}
			for _, acc := range page.Accounts {
				names[acc.Name] = acc
			}
			if len(page.Accounts) != 3 || names["Globex"].Users != 2 || names["Default"].Users != 1 || names["Initrode"].Users != 0 {
				t.Fatalf("the platform admin's accounts: %+v", page.Accounts)
			}
			// The platform admin reads another account's users, logins and audit log.
			globex := names["Globex"].ID
			if users := e.adminUsers(t, pa, fmt.Sprintf("account=%d", globex)); len(users) != 2 || users[0].Username != "gadmin" || users[0].Account != "Globex" {
				t.Fatalf("Globex's users: %+v", users)
			}
			var audit shared.AuditPage
			e.do(pa, "GET", fmt.Sprintf("/api/admin/audit?account=%d", created.ID), nil).decode(t, &audit)
			if len(audit.Events) != 2 || audit.Events[0].Action != shared.AuditAccountRenamed || audit.Events[0].Detail != "Initech → Initrode" ||
				audit.Events[1].Action != shared.AuditAccountCreated || audit.Events[1].Actor != "root" {
				t.Fatalf("Initrode's audit log: %+v", audit.Events)
			}
			if a := e.do(pa, "GET", "/api/admin/users?account=999999", nil); a.status != 404 {
				t.Fatalf("a missing account's users: %d %s", a.status, a.body)
			}
			// An account admin sees their own; a user nothing.
			var own shared.AccountsPage
			e.do(ga, "GET", "/api/admin/accounts", nil).decode(t, &own)
			if len(own.Accounts) != 1 || own.Accounts[0].Name != "Globex" || own.Accounts[0].Users != 2 {
				t.Fatalf("Globex's admin sees: %+v", own)
			}
			for _, rt := range []struct{ method, path, body string }{
				{"GET", "/api/admin/accounts", ""}, {"POST", "/api/admin/accounts", `{"name":"Mine"}`},
				{"PATCH", fmt.Sprintf("/api/admin/accounts/%d", globex), `{"name":"Mine"}`},
				{"PATCH", "/api/admin/users/1", `{"role":"admin"}`}, {"POST", "/api/admin/users/1/unlock", ""},
			} {
				var body any
				if rt.body != "" {
					body = rt.body
				}
				if a := e.do(gu, rt.method, rt.path, body); a.status != 403 || a.apiError(t).Code != shared.EForbidden {
					t.Errorf("a user: %s %s: %d %s", rt.method, rt.path, a.status, a.body)
				}
			}
			e.do(pa, "GET", "/api/admin/accounts", nil).decode(t, &page)
			if len(page.Accounts) != 3 {
				t.Fatalf("after the refusals: %+v", page.Accounts)
			}
		})
	}
}

func TestPlatform_RoleRules(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			e.fixClock()
			root := e.user("root", shared.RolePlatformAdmin, "Default")
			other := e.user("other", shared.RolePlatformAdmin, "Default")
			dadmin := e.user("dadmin", shared.RoleAdmin, "Default")
			ursula := e.user("ursula", shared.RoleUser, "Default")
			pa, da := e.browser(), e.browser()
			e.login(pa, "root", password)
			e.login(da, "dadmin", password)

			// Nobody changes their own role or disables themselves.
			for c, self := range map[*http.Client]int64{pa: root.ID, da: dadmin.ID} {
				for _, body := range []string{`{"role":"user"}`, `{"disabled":true}`} {
					if a := e.patchUser(c, self, body); a.status != 409 || a.apiError(t).Code != shared.EConflict {
						t.Errorf("self %s: %d %s", body, a.status, a.body)
					}
				}
			}
			// An account admin cannot make, change or disable a platform admin.
			for _, r := range []struct {
				id   int64
				body string
			}{{ursula.ID, `{"role":"platform_admin"}`}, {other.ID, `{"role":"user"}`}, {other.ID, `{"disabled":true}`}} {
				if a := e.patchUser(da, r.id, r.body); a.status != 403 || a.apiError(t).Code != shared.EForbidden {
					t.Errorf("account admin: %d %s: %d %s", r.id, r.body, a.status, a.body)
				}
			}
			if a := e.do(da, "POST", fmt.Sprintf("/api/admin/users/%d/unlock", other.ID), nil); a.status != 403 {
				t.Errorf("account admin unlocks a platform admin: %d %s", a.status, a.body)
			}
			if a := e.do(da, "POST", fmt.Sprintf("/api/admin/users/%d/reset-2fa", other.ID), nil); a.status != 403 {
				t.Errorf("account admin resets a platform admin: %d %s", a.status, a.body)
			}
			for _, body := range []string{`{}`, `{"role":"root"}`, `{"role":""}`, `{"disabled":"yes"}`} {
				if a := e.patchUser(pa, ursula.ID, body); a.status != 400 {
					t.Errorf("bad body %s: %d %s", body, a.status, a.body)
				}
			}
			users := e.adminUsers(t, pa, "")
			for _, u := range users {
				want := map[string]string{"root": "platform_admin", "other": "platform_admin", "dadmin": "admin", "ursula": "user"}[u.Username]
				if u.Role != want || u.Disabled {
					t.Fatalf("after the refusals: %+v", users)
				}
			}

			// What is allowed: the account admin promotes a user to admin; the
			// platform admin makes a platform admin and demotes another.
			var got shared.AdminUser
			a := e.patchUser(da, ursula.ID, `{"role":"admin"}`)
			a.decode(t, &got)
			if a.status != 200 || got.Role != shared.RoleAdmin || got.Username != "ursula" {
				t.Fatalf("promote to admin: %d %s", a.status, a.body)
			}
			if a := e.patchUser(pa, ursula.ID, `{"role":"platform_admin"}`); a.status != 200 {
				t.Fatalf("promote to platform admin: %d %s", a.status, a.body)
			}
			if a := e.patchUser(pa, other.ID, `{"role":"user"}`); a.status != 200 {
				t.Fatalf("demote a platform admin: %d %s", a.status, a.body)
			}
			// The demoted session loses the panel at its next request.
			oc := e.browser()
			e.login(oc, "other", password)
			if a := e.do(oc, "GET", "/api/admin/accounts", nil); a.status != 403 {
				t.Fatalf("a demoted user's panel: %d %s", a.status, a.body)
			}
			var audit shared.AuditPage
			e.do(pa, "GET", "/api/admin/audit", nil).decode(t, &audit)
			if len(audit.Events) < 3 || audit.Events[0].Action != shared.AuditRoleChanged || audit.Events[0].Detail != "platform_admin → user" ||
				audit.Events[0].Target != "other" || audit.Events[2].Actor != "dadmin" {
				t.Fatalf("audit: %+v", audit.Events)
			}
		})
	}
}

// Disabling ends every session of the user at once, on every server process
// (two APIs on one database here), and the user cannot log in until enabled.
func TestPlatform_DisablingEndsSessionsEverywhereAndBlocksLogin(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			e.fixClock()
			second := e.secondServer(t)
			e.user("root", shared.RoleAdmin, "Acme")
			ursula := e.user("ursula", shared.RoleUser, "Acme")
			admin, here, there := e.browser(), e.browser(), second.browser()
			e.login(admin, "root", password)
			e.login(here, "ursula", password)
			second.login(there, "ursula", password)
			if a := second.do(there, "GET", "/api/me", nil); a.status != 200 {
				t.Fatalf("before: %d", a.status)
			}
			a := e.patchUser(admin, ursula.ID, `{"disabled":true}`)
			var got shared.AdminUser
			a.decode(t, &got)
			if a.status != 200 || !got.Disabled {
				t.Fatalf("disable: %d %s", a.status, a.body)
			}
			if a := e.do(here, "GET", "/api/me", nil); a.status != 401 {
				t.Errorf("her session on this server: %d %s", a.status, a.body)
			}
			if a := second.do(there, "GET", "/api/me", nil); a.status != 401 {
				t.Errorf("her session on the other server: %d %s", a.status, a.body)
			}
			// The right password says disabled; a wrong one what it always says.
			if a := e.login(e.browser(), "ursula", password); a.status != 403 || a.apiError(t).Code != shared.EAccountDisabled {
				t.Errorf("log in disabled: %d %s", a.status, a.body)
			}
			if a := e.login(e.browser(), "ursula", "wrong password"); a.status != 401 || a.apiError(t).Code != shared.EWrongCredentials {
				t.Errorf("wrong password while disabled: %d %s", a.status, a.body)
			}
			if users := e.adminUsers(t, admin, "q=urs"); len(users) != 1 || !users[0].Disabled {
				t.Fatalf("listed: %+v", users)
			}
			if a := e.patchUser(admin, ursula.ID, `{"disabled":false}`); a.status != 200 {
				t.Fatalf("enable: %d %s", a.status, a.body)
			}
			if a := e.login(e.browser(), "ursula", password); a.status != 200 {
				t.Fatalf("log in enabled: %d %s", a.status, a.body)
			}
			var audit shared.AuditPage
			e.do(admin, "GET", "/api/admin/audit", nil).decode(t, &audit)
			if len(audit.Events) < 2 || audit.Events[0].Action != shared.AuditUserEnabled || audit.Events[1].Action != shared.AuditUserDisabled {
				t.Fatalf("audit: %+v", audit.Events)
			}
		})
	}
}

func TestPlatform_UnlockAndFilters(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			e.fixClock()
			e.user("root", shared.RoleAdmin, "Acme")
			ursula := e.user("ursula", shared.RoleUser, "Acme")
			e.user("ursa", shared.RoleUser, "Acme")
			e.user("bob", shared.RoleUser, "Acme")
			admin := e.browser()
			e.login(admin, "root", password)
			e.enroll(t, admin, e.svc.Now())
			for range 6 {
				e.login(e.browser(), "ursula", "wrong password")
			}
			if a := e.login(e.browser(), "ursula", password); a.status != 401 {
				t.Fatalf("ursula should be locked: %d %s", a.status, a.body)
			}
			users := e.adminUsers(t, admin, "q=ursula")
			if len(users) != 1 || !users[0].Locked {
				t.Fatalf("locked ursula: %+v", users)
			}
			if a := e.do(admin, "POST", fmt.Sprintf("/api/admin/users/%d/unlock", ursula.ID), nil); a.status != 204 {
				t.Fatalf("unlock: %d %s", a.status, a.body)
			}
			if users := e.adminUsers(t, admin, "q=ursula"); users[0].Locked {
				t.Fatalf("after unlock: %+v", users)
			}
			if a := e.login(e.browser(), "ursula", password); a.status != 200 {
				t.Fatalf("log in after unlock: %d %s", a.status, a.body)
			}
			names := func(users []shared.AdminUser) string {
				var n []string
				for _, u := range users {
					n = append(n, u.Username)
				}
				return strings.Join(n, ",")
			}
			for query, want := range map[string]string{
				"q=URS": "ursa,ursula", "q=ursa_": "", "q=%25": "", "twofa=on": "root", "twofa=off": "bob,ursa,ursula",
				"twofa=off&q=b": "bob", "": "bob,root,ursa,ursula",
			} {
				if got := names(e.adminUsers(t, admin, query)); got != want {
					t.Errorf("users?%s: %s, want %s", query, got, want)
				}
			}
			for _, query := range []string{"twofa=maybe", "account=x", "account=-1", "q=" + strings.Repeat("a", 200)} {
				if a := e.do(admin, "GET", "/api/admin/users?"+query, nil); a.status != 400 {
					t.Errorf("users?%s: %d %s", query, a.status, a.body)
				}
			}
			var audit shared.AuditPage
			e.do(admin, "GET", "/api/admin/audit", nil).decode(t, &audit)
			if audit.Events[0].Action != shared.AuditUserUnlocked || audit.Events[0].Target != "ursula" {
				t.Fatalf("audit: %+v", audit.Events)
			}
		})
	}
}
