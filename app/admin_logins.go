package webapp

import (
	"net/url"
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// adminLogins lists the login attempts of the account's users, filterable by
// user, result and a range of days, a keyset page at a time. A platform
// administrator may list instead the attempts on usernames no user has,
// which belong to no account (password spraying shows there).
type adminLogins struct {
	app.Compo
	AccountID int64 // whose attempts (0: the admin's own account)
	// Platform offers the "Unknown usernames" filter: the server answers
	// it for the platform administrator alone.
	Platform bool

	// The filter form; it applies on Apply.
	user, from, to      string
	failedOnly, unknown bool

	path  string // the list's endpoint with the filters last applied
	apply int    // Apply pressed so many times: each loads the list again
	// fields: the filters the server refused, with why (by query name).
	fields map[string]string
}

func (l *adminLogins) OnInit() { l.path = l.listPath() }

// listPath is the endpoint with the form's filters. From and To are days
// in the browser's time zone; the server takes from and to as instants
// with to exclusive, so To becomes the start of the day after it:
// "to 1 December" is through the last instant of 1 December, local time.
// Unknown usernames belong to no account: the account is left out.
func (l *adminLogins) listPath() string {
	q := url.Values{}
	switch {
	case l.Platform && l.unknown:
		q.Set("unknown", "true")
	case l.AccountID != 0:
		q.Set("account", strconv.FormatInt(l.AccountID, 10))
	}
	if l.user != "" {
		q.Set("user", l.user)
	}
	if l.from != "" {
		q.Set("from", dayStart(l.from, 0))
	}
	if l.to != "" {
		q.Set("to", dayStart(l.to, 1))
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
		app.H2().Text(say(words.LoginAttempts)),
		app.Form().Class("filters").OnSubmit(l.submit).Body(
			field("logins-user", say(words.ColUser), l.fields["user"],
				app.Input().ID("logins-user").Type("text").Value(attr(l.user)).OnInput(l.ValueTo(&l.user))),
			field("logins-from", say(words.From), l.fields["from"],
				app.Input().ID("logins-from").Type("date").Value(attr(l.from)).OnInput(l.ValueTo(&l.from))),
			field("logins-to", say(words.To), l.fields["to"],
				app.Input().ID("logins-to").Type("date").Value(attr(l.to)).OnInput(l.ValueTo(&l.to))),
			app.Label().Class("filter").For("logins-failed").Body(
				app.Input().ID("logins-failed").Type("checkbox").Checked(l.failedOnly).
					OnChange(func(ctx app.Context, e app.Event) { l.failedOnly = ctx.JSSrc().Get("checked").Bool() }),
				app.Text(say(words.FailedOnly)),
			),
			app.If(l.Platform, func() app.UI {
				return app.Label().Class("filter").For("logins-unknown").Body(
					app.Input().ID("logins-unknown").Type("checkbox").Checked(l.unknown).Aria("describedby", "logins-unknown-hint").
						OnChange(func(ctx app.Context, e app.Event) { l.unknown = ctx.JSSrc().Get("checked").Bool() }),
					app.Text(say(words.UnknownUsernames)),
				)
			}),
			app.Button().ID("logins-apply").Class("secondary").Type("submit").Text(say(words.Apply)),
		),
		app.If(l.Platform, func() app.UI {
			return app.P().ID("logins-unknown-hint").Class("muted").
				Text(say(words.UnknownUsernamesHelp))
		}),
		&pagedTable[shared.LoginEvent]{
			ID: "admin-logins", MoreID: "admin-logins-more", Path: l.path, Reload: l.apply,
			Columns: []words.Message{words.ColDateTime, words.ColUser, words.ColResult, words.ColMethod, words.ColIP, words.ColDevice, words.ColDetails},
			Cells:   func(e shared.LoginEvent) []app.HTMLTd { return historyCells(e, true) },
			Empty:   map[bool]words.Message{false: words.NoLoginAttemptsYet, true: words.NoAttemptsMatch}[l.path != l.unfiltered()],
			Loaded: func(err error) {
				l.fields = nil
				if e, ok := err.(*shared.Error); ok {
					l.fields = sayError(e).Fields
				}
			},
		},
	)
}
