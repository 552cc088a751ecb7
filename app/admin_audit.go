package webapp

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
)

// adminAudit is the account's audit log, a page at a time.
type adminAudit struct {
	app.Compo
	Reload    int   // a change loads the log again (the admin changed something here)
	AccountID int64 // whose log (0: the admin's own account)
}

func (a *adminAudit) Render() app.UI {
	return app.Section().Class("card").Body(
		app.H2().Text("Audit log"),
		&pagedTable[shared.AuditEvent]{
			ID: "audit-log", MoreID: "audit-more", Path: withAccount("/api/admin/audit", a.AccountID), Reload: a.Reload,
			Columns: []string{"Date and time", "Who", "What", "User", "IP address", "Details"},
			Cells:   auditCells,
			Empty:   "Nothing recorded yet.",
		},
	)
}

func auditCells(e shared.AuditEvent) []app.HTMLTd {
	return []app.HTMLTd{
		app.Td().Text(localTime(e.Time)), app.Td().Text(e.Actor), app.Td().Text(say(shared.ActionWords(e.Action))),
		app.Td().Text(e.Target), app.Td().Text(e.IP), app.Td().Text(e.Detail),
	}
}
