package webapp

import (
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

type auditTableOnClient struct {
	pagedTable[shared.AuditEvent]
	clientSide
}

func (c *auditTableOnClient) OnPreRender(ctx app.Context) { c.ctx = ctx; c.OnMount(ctx) }

func auditTable() *auditTableOnClient {
	return &auditTableOnClient{pagedTable: pagedTable[shared.AuditEvent]{
		ID: "audit-log", MoreID: "audit-more", Path: "/api/admin/audit",
		Columns: []words.Message{words.ColDateTime, words.ColWhat}, Cells: auditCells, Empty: words.NothingRecorded,
	}}
}

func audit(ids ...string) []shared.AuditEvent {
	var out []shared.AuditEvent
	for _, id := range ids {
		out = append(out, shared.AuditEvent{Time: "2026-11-23T10:00:00Z", Actor: "root", Action: shared.AuditTwoFactorReset, Target: "user-" + id})
	}
	return out
}

// rowsOf lists the targets of the audit rows shown, in order.
func rowsOf(html string) []string {
	var out []string
	for _, part := range strings.Split(html, "user-")[1:] {
		out = append(out, part[:strings.Index(part, "<")])
	}
	return out
}

func TestPagedTable_LoadsAPageThenAppendsTheNextByItsCursorUntilTheLast(t *testing.T) {
	api := newFakeAPI(t)
	api.on("GET /api/admin/audit?limit=20", answer(200, shared.AuditPage{Events: audit("3", "2"), Next: "2"}))
	api.on("GET /api/admin/audit?before=2&limit=20", answer(200, shared.AuditPage{Events: audit("1")}))
	c := auditTable()
	s := open(t, c)

	sameRequests(t, api.sent(), "GET /api/admin/audit?limit=20")
	html := s.html()
	contains(t, html, `id="audit-log"`, `<th scope="col">Date and time</th>`, `<th scope="col">What</th>`, `id="audit-more"`, "Load more",
		`<td class="data" data-label="What">`) // what a phone shows beside each value, the rows stacked
	if got := rowsOf(html); strings.Join(got, ",") != "3,2" {
		t.Fatalf("rows after the first page: %q", got)
	}

	s.do(func(ctx app.Context) { c.more(ctx, noEvent) })
	sameRequests(t, api.sent(), "GET /api/admin/audit?before=2&limit=20")
	html = s.html()
	if got := rowsOf(html); strings.Join(got, ",") != "3,2,1" {
		t.Fatalf("rows after Load more: %q", got)
	}
	// The server gave no cursor: that was the last page.
	lacks(t, html, `id="audit-more"`, "Nothing recorded yet.")
}

func TestPagedTable_ANewFilterStartsAgainFromTheFirstPage(t *testing.T) {
	api := newFakeAPI(t)
	api.on("GET /api/admin/audit?limit=20", answer(200, shared.AuditPage{Events: audit("3", "2"), Next: "2"}))
	api.on("GET /api/admin/audit?account=7&limit=20", answer(200, shared.AuditPage{}))
	c := auditTable()
	s := open(t, c)
	api.sent()

	s.do(func(ctx app.Context) { c.Path = "/api/admin/audit?account=7"; c.OnUpdate(ctx) })
	sameRequests(t, api.sent(), "GET /api/admin/audit?account=7&limit=20")
	html := s.html()
	if got := rowsOf(html); len(got) != 0 {
		t.Errorf("rows of the old filter still shown: %q", got)
	}
	contains(t, html, "Nothing recorded yet.")
	lacks(t, html, `id="audit-more"`)

	// An update that changes nothing the list depends on asks nothing.
	s.do(func(ctx app.Context) { c.OnUpdate(ctx) })
	sameRequests(t, api.sent())
}

// A filter the server refuses empties the list (its rows belong to other
// filters) and says which field, for the form to mark.
func TestPagedTable_AFilterTheServerRefusesDropsTheRowsAndNamesTheField(t *testing.T) {
	api := newFakeAPI(t)
	api.on("GET /api/admin/audit?limit=20", answer(200, shared.AuditPage{Events: audit("3", "2"), Next: "2"}))
	api.on("GET /api/admin/audit?since=yesterday&limit=20", answer(400,
		&shared.Error{Code: shared.EInvalid, Message: "Check the filters.", Fields: map[string]string{"since": "That is not a date."}}))
	c := auditTable()
	var heard []error
	c.Loaded = func(err error) { heard = append(heard, err) }
	s := open(t, c)
	api.sent()

	s.do(func(ctx app.Context) { c.Path = "/api/admin/audit?since=yesterday"; c.OnUpdate(ctx) })
	html := s.html()
	if got := rowsOf(html); len(got) != 0 {
		t.Errorf("rows of the old filter still shown: %q", got)
	}
	contains(t, html, "Check the filters.")
	lacks(t, html, `id="audit-more"`)
	if len(heard) != 2 || heard[0] != nil || errorCode(heard[1]) != shared.EInvalid || heard[1].(*shared.Error).Fields["since"] == "" {
		t.Errorf("the table told: %v", heard)
	}
}

func TestAdminLogins_MarksTheRefusedFilterAndSaysNoAttemptsMatch(t *testing.T) {
	l := &adminLogins{user: "nobody", path: "/api/admin/logins?user=nobody", fields: map[string]string{"from": "That is not a date."}}
	html := render(t, l)
	if !attrSet(t, html, "logins-from", "aria-invalid") {
		t.Errorf("the refused field is not marked:\n%s", html)
	}
	contains(t, html, "That is not a date.", "No attempts match these filters.")
	if attrSet(t, html, "logins-user", "aria-invalid") {
		t.Error("a field the server took is marked")
	}
	contains(t, render(t, &adminLogins{path: "/api/admin/logins"}), "No login attempts yet.")
}

// A change the admin makes while the audit log shows loads it again, which
// records it.
func TestAdminPage_TheAuditLogFollowsTheAdminsOwnChanges(t *testing.T) {
	api := newFakeAPI(t)
	for _, path := range []string{"/api/admin/audit?limit=20", "/api/admin/logins?limit=20"} {
		api.on("GET "+path, answer(200, shared.AuditPage{}))
	}
	api.on("GET /api/me", answer(200, shared.Me{Username: "root", Role: shared.RoleAdmin, TOTPEnabled: true}))
	c := &adminOnClient{}
	c.tab = tabAudit
	s := open(t, c)
	contains(t, s.html(), `id="audit-log"`)
	api.sent()
	s.do(func(ctx app.Context) { c.changed(ctx) })
	found := false
	for _, r := range api.sent() {
		found = found || r == "GET /api/admin/audit?limit=20"
	}
	if !found {
		t.Error("the audit log was not asked again after a change")
	}

	// Both places that change something say so.
	api.on("GET /api/admin/accounts", answer(200, shared.AccountsPage{Accounts: []shared.AccountSettings{{ID: 1, Name: "Acme"}}}))
	api.on("PUT /api/admin/accounts/1/settings", answer(200, shared.AccountSettings{ID: 1, Name: "Acme", Force2FA: true}))
	api.on("GET /api/me", answer(200, shared.Me{Username: "root", Role: shared.RoleAdmin, TOTPEnabled: true}))
	changes := 0
	a := &adminAccountOnClient{adminAccount: adminAccount{Me: &shared.Me{Username: "root", Role: shared.RoleAdmin, TOTPEnabled: true},
		OnChanged: func(app.Context) { changes++ }}}
	sa := open(t, a)
	sa.do(func(ctx app.Context) { a.toggle(ctx, noEvent) })
	sa.do(func(ctx app.Context) { a.confirm(ctx, noEvent) })
	api.on("POST /api/admin/users/2/reset-2fa", answer(204, nil))
	api.on("GET /api/admin/users", answer(200, shared.UsersPage{Users: []shared.AdminUser{}}))
	u := &adminUsersOnClient{adminUsers: adminUsers{OnChanged: func(app.Context) { changes++ }}}
	su := open(t, u)
	su.do(func(ctx app.Context) { u.reset(shared.AdminUser{ID: 2, Username: "ursula"})(ctx, noEvent) })
	if changes != 2 {
		t.Errorf("%d changes told, want 2 (the switch, the reset)", changes)
	}
}
