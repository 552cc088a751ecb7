package webapp

import (
	"net/url"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
)

// loginHistory lists the user's own login attempts, newest first, a page at
// a time, optionally failures only.
type loginHistory struct {
	app.Compo

	events     []shared.LoginEvent
	next       string
	failedOnly bool
	loading    bool
	errMsg     string
}

const historyPageSize = 20

func (h *loginHistory) OnMount(ctx app.Context) { h.load(ctx, "") }

// load fetches the page after cursor ("" for the first) and appends it.
func (h *loginHistory) load(ctx app.Context, cursor string) {
	q := url.Values{"limit": {"20"}}
	if cursor != "" {
		q.Set("before", cursor)
	}
	if h.failedOnly {
		q.Set("result", "failure")
	}
	h.loading, h.errMsg = true, ""
	ctx.Async(func() {
		var page shared.LoginEventPage
		err := callAPI(ctx, "GET", "/api/me/logins?"+q.Encode(), nil, &page)
		ctx.Dispatch(func(ctx app.Context) {
			h.loading = false
			if err != nil {
				h.errMsg = errorMessage(err)
				return
			}
			if cursor == "" {
				h.events = nil
			}
			h.events = append(h.events, page.Events...)
			h.next = page.Next
		})
	})
}

func (h *loginHistory) Render() app.UI {
	return app.Div().Class("history").Body(
		app.H3().Text("Login history"),
		app.P().Class("muted").Text("Every attempt to log in to your account, successful or not. If you see one you do not recognise, change your password."),
		app.Label().Class("filter").For("history-failed-only").Body(
			app.Input().ID("history-failed-only").Type("checkbox").Checked(h.failedOnly).OnChange(h.toggleFailed),
			app.Text(" Failed attempts only"),
		),
		app.If(h.errMsg != "", func() app.UI { return app.P().Class("error").Role("alert").Text(h.errMsg) }),
		app.Div().Class("table-wrap").Body(
			app.Table().ID("login-history").Class("history-table").Body(
				app.THead().Body(app.Tr().Body(
					app.Th().Scope("col").Text("Date and time"),
					app.Th().Scope("col").Text("Result"),
					app.Th().Scope("col").Text("Method"),
					app.Th().Scope("col").Text("IP address"),
					app.Th().Scope("col").Text("Device"),
					app.Th().Scope("col").Text("Details"),
				)),
				app.TBody().Body(
					app.Range(h.events).Slice(func(i int) app.UI { return historyRow(h.events[i], false) }),
				),
			),
		),
		app.If(len(h.events) == 0 && !h.loading && h.errMsg == "", func() app.UI {
			return app.P().Class("muted").Text("No login attempts to show.")
		}),
		app.If(h.next != "", func() app.UI {
			return app.Button().ID("history-more").Class("secondary").Type("button").Disabled(h.loading).
				OnClick(func(ctx app.Context, e app.Event) { h.load(ctx, h.next) }).Text("Load more")
		}),
	)
}

// historyRow is one attempt; withUser adds the attempted username (the
// administrators' view).
func historyRow(e shared.LoginEvent, withUser bool) app.UI {
	result, class := "Success", "badge badge-on"
	if e.Result != "success" {
		result, class = "Failed", "badge badge-fail"
	}
	return app.Tr().Class("event-"+e.Result).Body(
		app.Td().Body(app.Time().DateTime(e.Time).Text(localTime(e.Time))),
		app.If(withUser, func() app.UI { return app.Td().Text(e.Username) }),
		app.Td().Body(app.Span().Class(class).Text(result)),
		app.Td().Text(shared.MethodText(e.Method)),
		app.Td().Text(e.IP),
		app.Td().Title("%s", e.UserAgent).Text(shared.DescribeUserAgent(e.UserAgent)),
		app.Td().Text(shared.ReasonText(e.Reason)),
	)
}

func (h *loginHistory) toggleFailed(ctx app.Context, e app.Event) {
	h.failedOnly = ctx.JSSrc().Get("checked").Bool()
	h.load(ctx, "")
}

// localTime shows an RFC 3339 time in the browser's time zone.
func localTime(rfc3339 string) string {
	t, err := time.Parse(time.RFC3339, rfc3339)
	if err != nil {
		return rfc3339
	}
	return t.Local().Format("2 Jan 2006, 15:04:05")
}
