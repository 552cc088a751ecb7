package webapp

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// adminAudit is the account's audit log, a page at a time.
type adminAudit struct {
	app.Compo
	Reload    int   // a change loads the log again (the admin changed something here)
	AccountID int64 // whose log (0: the admin's own account)
}

func (a *adminAudit) Render() app.UI {
	return app.Section().Class("card").Body(
		app.H2().Text(say(words.AuditLog)),
		&pagedTable[shared.AuditEvent]{
			ID: "audit-log", MoreID: "audit-more", Path: withAccount("/api/admin/audit", a.AccountID), Reload: a.Reload,
			Columns: []words.Message{words.ColDateTime, words.ColWho, words.ColWhat, words.ColUser, words.ColIP, words.ColDetails},
			Cells:   auditCells,
			Empty:   words.NothingRecorded,
		},
	)
}

func auditCells(e shared.AuditEvent) []app.HTMLTd {
	return []app.HTMLTd{
		app.Td().Text(localTime(e.Time)), dataCell(say(shared.ActorWords(e.Actor))), app.Td().Text(say(shared.ActionWords(e.Action))),
		dataCell(e.Target), dataCell(e.IP), app.Td().Text(say(shared.AuditDetailWords(e.Action, e.Detail))),
	}
}
