package webapp

import (
	"net/url"
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
)

// adminLogins lists the login attempts of the account's users, filterable by
// user, result and a range of days, a keyset page at a time.
type adminLogins struct {
	app.Compo
	AccountID int64 // whose attempts (0: the admin's own account)

	// The filter form; it applies on Apply.
	user, since, until string
	failedOnly         bool

	path  string // the list's endpoint with the filters last applied
	apply int    // Apply pressed so many times: each loads the list again
	// fields: the filters the server refused, with why (by query name).
	fields map[string]string
}

func (l *adminLogins) OnInit() { l.path = l.listPath() }

// listPath is the endpoint with the form's filters. From and To are days
// in the browser's time zone; the server takes since and until as instants
// with until exclusive, so To becomes the start of the day after it:
// "to 1 December" is through the last instant of 1 December, local time.
func (l *adminLogins) listPath() string {
	q := url.Values{}
	if l.AccountID != 0 {
		q.Set("account", strconv.FormatInt(l.AccountID, 10))
	}
	if l.user != "" {
		q.Set("user", l.user)
	}
	if l.since != "" {
		q.Set("since", dayStart(l.since, 0))
	}
	if l.until != "" {
		q.Set("until", dayStart(l.until, 1))
	}
	if l.failedOnly {
		q.Set("result", shared.ResultFailure)
	}
	if len(q) == 0 {
		return "/api/admin/logins"
	}
	return "/api/admin/logins?" + q.Encode()
}

// unfiltered is the list's endpoint without the form's filters.
func (l *adminLogins) unfiltered() string { return withAccount("/api/admin/logins", l.AccountID) }

func (l *adminLogins) submit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	l.path, l.apply = l.listPath(), l.apply+1
}

func (l *adminLogins) Render() app.UI {
	return app.Section().Class("card").Body(
		app.H2().Text("Login attempts"),
		app.Form().Class("filters").OnSubmit(l.submit).Body(
			field("logins-user", "User", l.fields["user"],
				app.Input().ID("logins-user").Type("text").Value(l.user).OnInput(l.ValueTo(&l.user))),
			field("logins-since", "From", l.fields["since"],
				app.Input().ID("logins-since").Type("date").Value(l.since).OnInput(l.ValueTo(&l.since))),
			field("logins-until", "To", l.fields["until"],
				app.Input().ID("logins-until").Type("date").Value(l.until).OnInput(l.ValueTo(&l.until))),
			app.Label().Class("filter").For("logins-failed").Body(
				app.Input().ID("logins-failed").Type("checkbox").Checked(l.failedOnly).
					OnChange(func(ctx app.Context, e app.Event) { l.failedOnly = ctx.JSSrc().Get("checked").Bool() }),
				app.Text(" Failed only"),
			),
			app.Button().ID("logins-apply").Class("secondary").Type("submit").Text("Apply"),
		),
		&pagedTable[shared.LoginEvent]{
			ID: "admin-logins", MoreID: "admin-logins-more", Path: l.path, Reload: l.apply,
			Columns: []string{"Date and time", "User", "Result", "Method", "IP address", "Device", "Details"},
			Cells:   func(e shared.LoginEvent) []app.HTMLTd { return historyCells(e, true) },
			Empty:   map[bool]string{false: "No login attempts yet.", true: "No attempts match these filters."}[l.path != l.unfiltered()],
			Loaded: func(err error) {
				l.fields = nil
				if e, ok := err.(*shared.Error); ok {
					l.fields = e.Fields
				}
			},
		},
	)
}
