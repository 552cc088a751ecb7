package webapp

import (
	"fmt"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// sessionsList is the Sessions part of Security settings: where the user is
// signed in, with End for each other session and End all others, and the
// browsers trusted to skip the code, each with Remove. Ending and removing
// may ask for the password first (reauthGate).
type sessionsList struct {
	app.Compo
	reauthGate
	list shared.Sessions
	said string // what the last action did, for the status line
}

var sessionColumns = []words.Message{words.ColDevice, words.ColIP, words.ColSignedIn, words.ColLastActive, words.ColActions}

func (s *sessionsList) OnMount(ctx app.Context) {
	s.mountedAt(ctx)
	s.load(ctx)
}

func (s *sessionsList) load(ctx app.Context) {
	send(ctx, &s.apiState, apiCall{method: "GET", path: "/api/me/sessions"}, func(ctx app.Context, res shared.Sessions) {
		s.list = res
	})
}

func (s *sessionsList) Render() app.UI {
	others := len(s.list.Sessions) > 1 || len(s.list.TrustedBrowsers) > 0
	return app.Div().Class("sessions").Body(
		app.H2().Text(say(words.Sessions)),
		app.P().Class("muted").Text(say(words.SessionsHelp)),
		s.prompt(s.ValueTo, true),
		app.If(s.errMsg != "", func() app.UI { return app.P().Class("error").Role("alert").Text(s.errMsg) }),
		app.P().Role("status").Class("success").Text(s.said),
		app.Div().Class("table-wrap").Body(
			app.Table().ID("sessions").Class("history-table").Aria("busy", s.busy).Body(
				headerRow(sessionColumns),
				app.TBody().Body(app.Range(s.list.Sessions).Slice(func(i int) app.UI { return s.sessionRow(s.list.Sessions[i]) })),
			),
		),
		app.If(others, func() app.UI {
			return app.Button().ID("end-other-sessions").Class("secondary").Type("button").Disabled(s.busy).
				OnClick(s.endOthers).Text(say(words.EndAllOtherSessions))
		}),
		app.H2().Text(say(words.TrustedBrowsers)),
		app.P().Class("muted").Text(say(words.TrustedBrowsersHelp)),
		app.If(len(s.list.TrustedBrowsers) == 0, func() app.UI {
			return app.P().ID("trusted-browsers").Class("muted").Text(say(words.NoTrustedBrowsers))
		}).Else(func() app.UI {
			return app.Ul().ID("trusted-browsers").Body(app.Range(s.list.TrustedBrowsers).Slice(func(i int) app.UI {
				b := s.list.TrustedBrowsers[i]
				return app.Li().Body(
					app.Text(say(words.TrustedBrowserLine(b.Device, b.IP, localTime(b.CreatedAt), formatDay(b.ExpiresAt)))+" "),
					app.Button().ID(fmt.Sprintf("remove-browser-%d", b.ID)).Class("secondary inline").Type("button").Disabled(s.busy).
						Aria("label", attr(say(words.RemoveTrustedBrowser(b.Device)))).
						OnClick(func(ctx app.Context, e app.Event) { s.removeBrowser(ctx, b.ID) }).Text(say(words.Remove)),
				)
			}))
		}),
	)
}

func (s *sessionsList) sessionRow(sess shared.Session) app.UI {
	device := app.Td().Text(sess.Device)
	action := app.Td()
	if sess.Current {
		device = app.Td().Body(app.Text(sess.Device+" "), app.Span().Class("badge badge-on").Text(say(words.ThisSession)))
	} else {
		action = app.Td().Body(app.Button().ID(fmt.Sprintf("end-session-%d", sess.ID)).Class("secondary inline").Type("button").
			Disabled(s.busy).Aria("label", attr(say(words.EndSessionOn(sess.Device)))).
			OnClick(func(ctx app.Context, e app.Event) { s.end(ctx, sess.ID) }).Text(say(words.End)))
	}
	return tableRow(sessionColumns, []app.HTMLTd{
		device,
		dataCell(sess.IP),
		app.Td().Body(app.Time().DateTime(sess.CreatedAt).Text(localTime(sess.CreatedAt))),
		app.Td().Body(app.Time().DateTime(sess.LastSeenAt).Text(localTime(sess.LastSeenAt))),
		action,
	})
}

func (s *sessionsList) end(ctx app.Context, id int64) {
	s.said = ""
	send(ctx, &s.apiState, apiCall{method: "DELETE", path: fmt.Sprintf("/api/me/sessions/%d", id), failed: func(ctx app.Context, err error) bool {
		return s.needsProof(ctx, err, func(ctx app.Context) { s.end(ctx, id) })
	}}, func(ctx app.Context, _ struct{}) {
		s.said = say(words.SessionEnded)
		s.load(ctx)
	})
}

func (s *sessionsList) endOthers(ctx app.Context, e app.Event) {
	s.said = ""
	send(ctx, &s.apiState, apiCall{method: "POST", path: "/api/me/sessions/end-others", failed: func(ctx app.Context, err error) bool {
		return s.needsProof(ctx, err, func(ctx app.Context) { s.endOthers(ctx, e) })
	}}, func(ctx app.Context, res shared.EndedSessions) {
		s.said = say(words.EndedOtherSessions(int(res.Ended)))
		s.load(ctx)
	})
}

func (s *sessionsList) removeBrowser(ctx app.Context, id int64) {
	s.said = ""
	send(ctx, &s.apiState, apiCall{method: "DELETE", path: fmt.Sprintf("/api/me/trusted-browsers/%d", id), failed: func(ctx app.Context, err error) bool {
		return s.needsProof(ctx, err, func(ctx app.Context) { s.removeBrowser(ctx, id) })
	}}, func(ctx app.Context, _ struct{}) {
		s.said = say(words.BrowserNoLongerTrusted)
		s.load(ctx)
	})
}
