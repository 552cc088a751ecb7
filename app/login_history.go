package webapp

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// loginHistory lists the user's own login attempts, newest first, a page at
// a time, optionally failures only.
type loginHistory struct {
	app.Compo
	failedOnly bool
}

func (h *loginHistory) Render() app.UI {
	return app.Div().Class("history").Body(
		app.H2().Text(say(words.LoginHistory)),
		app.P().Class("muted").Text(say(words.LoginHistoryHelp)),
		app.Label().Class("filter").For("history-failed-only").Body(
			app.Input().ID("history-failed-only").Type("checkbox").Checked(h.failedOnly).OnChange(h.toggleFailed),
			app.Text(say(words.FailedAttemptsOnly)),
		),
		h.table(),
	)
}

// table is the list for the filter as it stands.
func (h *loginHistory) table() *pagedTable[shared.LoginEvent] {
	path := "/api/me/logins"
	if h.failedOnly {
		path += "?result=" + shared.ResultFailure
	}
	return &pagedTable[shared.LoginEvent]{
		ID: "login-history", MoreID: "history-more", Path: path,
		Columns: []words.Message{words.ColDateTime, words.ColResult, words.ColMethod, words.ColIP, words.ColDevice, words.ColDetails},
		Cells:   func(e shared.LoginEvent) []app.HTMLTd { return historyCells(e, false) },
		Empty:   words.NoLoginAttemptsToShow,
	}
}

func (h *loginHistory) toggleFailed(ctx app.Context, e app.Event) {
	h.failedOnly = ctx.JSSrc().Get("checked").Bool()
}

// historyCells is one attempt; withUser adds the attempted username (the
// administrators' view).
func historyCells(e shared.LoginEvent, withUser bool) []app.HTMLTd {
	result, class := words.ResultSuccess, "badge badge-on"
	switch {
	case e.Result != shared.ResultSuccess:
		result, class = words.ResultFailed, "badge badge-fail"
	case e.Pending:
		// The password alone is no sign-in: never shown as a success.
		result, class = words.ResultPending, "badge badge-off"
	}
	cells := []app.HTMLTd{app.Td().Body(app.Time().DateTime(e.Time).Text(localTime(e.Time)))}
	if withUser {
		cells = append(cells, dataCell(e.Username))
	}
	return append(cells,
		app.Td().Body(app.Span().Class(class).Text(say(result))),
		app.Td().Text(say(shared.SignInWords(e))),
		dataCell(e.IP),
		dataCell("").Title("%s", attr(e.UserAgent)).Text(say(shared.DescribeUserAgent(e.UserAgent))),
		app.Td().Text(historyDetail(e)),
	)
}

// historyDetail says why an attempt failed; a row of attempts a lock
// blocked says how many it stands for, and when the last came.
func historyDetail(e shared.LoginEvent) string {
	switch {
	case e.Attempts > 0:
		return say(words.BlockedUntil(shared.BlockedWords(e.Reason, e.Attempts), localTime(e.LastTime)))
	case e.Pending:
		return say(words.SignInNotCompleted)
	}
	return say(shared.ReasonWords(e.Reason))
}
