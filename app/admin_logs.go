package webapp

import (
	"net/url"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
)

// adminLogins lists the login attempts of the account's users, filterable by
// user, result and time range, a keyset page at a time.
type adminLogins struct {
	app.Compo

	user, since, until string
	failedOnly         bool
	events             []shared.LoginEvent
	next               string
	errMsg             string
	loading            bool
}

func (l *adminLogins) OnMount(ctx app.Context) { l.load(ctx, "") }

func (l *adminLogins) load(ctx app.Context, cursor string) {
	q := url.Values{"limit": {"20"}}
	for k, v := range map[string]string{"user": l.user, "since": l.since, "before": cursor} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if l.until != "" {
		q.Set("until", l.until+"T23:59:59Z") // through the end of that day
	}
	if l.failedOnly {
		q.Set("result", "failure")
	}
	l.loading, l.errMsg = true, ""
	ctx.Async(func() {
		var page shared.LoginEventPage
		err := callAPI(ctx, "GET", "/api/admin/logins?"+q.Encode(), nil, &page)
		ctx.Dispatch(func(ctx app.Context) {
			l.loading = false
			if err != nil {
				l.errMsg = errorMessage(err)
				return
			}
			if cursor == "" {
				l.events = nil
			}
			l.events, l.next = append(l.events, page.Events...), page.Next
		})
	})
}

func (l *adminLogins) Render() app.UI {
	return app.Section().Class("card").Body(
		app.H2().Text("Login attempts"),
		app.Form().Class("filters").OnSubmit(func(ctx app.Context, e app.Event) { e.PreventDefault(); l.load(ctx, "") }).Body(
			app.Div().Class("field").Body(app.Label().For("logins-user").Text("User"),
				app.Input().ID("logins-user").Type("text").Value(l.user).OnInput(l.ValueTo(&l.user))),
			app.Div().Class("field").Body(app.Label().For("logins-since").Text("From"),
				app.Input().ID("logins-since").Type("date").Value(l.since).OnInput(l.ValueTo(&l.since))),
			app.Div().Class("field").Body(app.Label().For("logins-until").Text("To"),
				app.Input().ID("logins-until").Type("date").Value(l.until).OnInput(l.ValueTo(&l.until))),
			app.Label().Class("filter").For("logins-failed").Body(
				app.Input().ID("logins-failed").Type("checkbox").Checked(l.failedOnly).
					OnChange(func(ctx app.Context, e app.Event) { l.failedOnly = ctx.JSSrc().Get("checked").Bool() }),
				app.Text(" Failed only"),
			),
			app.Button().ID("logins-apply").Class("secondary").Type("submit").Text("Apply"),
		),
		app.If(l.errMsg != "", func() app.UI { return app.P().Class("error").Role("alert").Text(l.errMsg) }),
		app.Div().Class("table-wrap").Body(
			app.Table().ID("admin-logins").Class("history-table").Body(
				app.THead().Body(app.Tr().Body(
					app.Th().Scope("col").Text("Date and time"), app.Th().Scope("col").Text("User"),
					app.Th().Scope("col").Text("Result"), app.Th().Scope("col").Text("Method"),
					app.Th().Scope("col").Text("IP address"), app.Th().Scope("col").Text("Device"),
					app.Th().Scope("col").Text("Details"),
				)),
				app.TBody().Body(app.Range(l.events).Slice(func(i int) app.UI { return historyRow(l.events[i], true) })),
			),
		),
		app.If(l.next != "", func() app.UI {
			return app.Button().Class("secondary").Type("button").Disabled(l.loading).
				OnClick(func(ctx app.Context, e app.Event) { l.load(ctx, l.next) }).Text("Load more")
		}),
	)
}

// adminAudit is the account's audit log.
type adminAudit struct {
	app.Compo

	events []shared.AuditEvent
	next   string
	errMsg string
}

func (a *adminAudit) OnMount(ctx app.Context) { a.load(ctx, "") }

func (a *adminAudit) load(ctx app.Context, cursor string) {
	path := "/api/admin/audit?limit=20"
	if cursor != "" {
		path += "&before=" + url.QueryEscape(cursor)
	}
	ctx.Async(func() {
		var page shared.AuditPage
		err := callAPI(ctx, "GET", path, nil, &page)
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				a.errMsg = errorMessage(err)
				return
			}
			a.events, a.next = append(a.events, page.Events...), page.Next
		})
	})
}

func (a *adminAudit) Render() app.UI {
	return app.Section().Class("card").Body(
		app.H2().Text("Audit log"),
		app.If(a.errMsg != "", func() app.UI { return app.P().Class("error").Role("alert").Text(a.errMsg) }),
		app.Div().Class("table-wrap").Body(
			app.Table().ID("audit-log").Class("history-table").Body(
				app.THead().Body(app.Tr().Body(
					app.Th().Scope("col").Text("Date and time"), app.Th().Scope("col").Text("Who"),
					app.Th().Scope("col").Text("What"), app.Th().Scope("col").Text("User"),
					app.Th().Scope("col").Text("IP address"), app.Th().Scope("col").Text("Details"),
				)),
				app.TBody().Body(app.Range(a.events).Slice(func(i int) app.UI {
					e := a.events[i]
					return app.Tr().Body(
						app.Td().Text(localTime(e.Time)), app.Td().Text(e.Actor), app.Td().Text(shared.ActionText(e.Action)),
						app.Td().Text(e.Target), app.Td().Text(e.IP), app.Td().Text(e.Detail),
					)
				})),
			),
		),
		app.If(len(a.events) == 0 && a.errMsg == "", func() app.UI { return app.P().Class("muted").Text("Nothing recorded yet.") }),
		app.If(a.next != "", func() app.UI {
			return app.Button().Class("secondary").Type("button").
				OnClick(func(ctx app.Context, e app.Event) { a.load(ctx, a.next) }).Text("Load more")
		}),
	)
}
