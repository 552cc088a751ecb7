package webapp

import (
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
)

type auditTableOnClient struct {
	pagedTable[shared.AuditEvent]
	clientSide
}

func (c *auditTableOnClient) OnPreRender(ctx app.Context) { c.ctx = ctx; c.OnMount(ctx) }

func auditTable() *auditTableOnClient {
	return &auditTableOnClient{pagedTable: pagedTable[shared.AuditEvent]{
		ID: "audit-log", MoreID: "audit-more", Path: "/api/admin/audit",
		Columns: []string{"Date and time", "What"}, Cells: auditCells, Empty: "Nothing recorded yet.",
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
		`<td data-label="What">`) // what a phone shows beside each value, the rows stacked
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
