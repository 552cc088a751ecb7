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
	// ending is the session whose End waits for its confirmation (nil:
	// none): ending one logs a browser out, so it asks first.
	ending *shared.Session
}

var (
	sessionColumns = []words.Message{words.ColDevice, words.ColIP, words.ColSignedIn, words.ColLastActive, words.ColActions}
	browserColumns = []words.Message{words.ColDevice, words.ColIP, words.ColTrustedSince, words.ColTrustedUntil, words.ColActions}
)

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
	others := len(s.list.Sessions) > 1
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
		app.If(s.ending != nil, s.confirmation),
		app.If(others, func() app.UI {
			return app.Button().ID("end-other-sessions").Class("secondary").Type("button").Disabled(s.busy).
				OnClick(s.endOthers).Text(say(words.EndAllOtherSessions))
		}),
		app.H2().Text(say(words.TrustedBrowsers)),
		app.P().Class("muted").Text(say(words.TrustedBrowsersHelp)),
		app.If(len(s.list.TrustedBrowsers) == 0, func() app.UI {
			return app.P().ID("trusted-browsers").Class("muted").Text(say(words.NoTrustedBrowsers))
		}).Else(func() app.UI {
			return app.Div().Class("table-wrap").Body(
				app.Table().ID("trusted-browsers").Class("history-table").Body(
					headerRow(browserColumns),
					app.TBody().Body(app.Range(s.list.TrustedBrowsers).Slice(func(i int) app.UI { return s.browserRow(s.list.TrustedBrowsers[i]) })),
				),
			)
		}),
	)
}

// browserRow is a trusted browser, as a session's row is a session.
func (s *sessionsList) browserRow(b shared.TrustedBrowser) app.UI {
	return tableRow(browserColumns, []app.HTMLTd{
		app.Td().Text(b.Device),
		dataCell(b.IP),
		app.Td().Body(app.Time().DateTime(b.CreatedAt).Text(localTime(b.CreatedAt))),
		app.Td().Body(app.Time().DateTime(b.ExpiresAt).Text(formatDay(b.ExpiresAt))),
		app.Td().Body(app.Button().ID(fmt.Sprintf("remove-browser-%d", b.ID)).Class("secondary inline").Type("button").Disabled(s.busy).
			Aria("label", attr(say(words.RemoveTrustedBrowser(b.Device)))).
			OnClick(func(ctx app.Context, e app.Event) { s.removeBrowser(ctx, b.ID) }).Text(say(words.Remove))),
	})
}

// confirmation asks before a session ends, in a dialog over the list: which
// browser, and what ending it does. Escape or Cancel leaves it running.
func (s *sessionsList) confirmation() app.UI {
	sess := *s.ending
	cancel := func(ctx app.Context) {
		s.ending = nil
		s.focus(ctx, fmt.Sprintf("end-session-%d", sess.ID))
	}
	return app.Div().Class("dialog-backdrop").Body(
		app.Div().ID("end-session-dialog").Class("card dialog").Role("alertdialog").Aria("modal", "true").TabIndex(-1).
			Aria("labelledby", "end-session-title").Aria("describedby", "end-session-text").OnKeyDown(onEscape(cancel)).Body(
			app.H2().ID("end-session-title").Text(say(words.EndSessionQuestion(sess.Device))),
			app.P().ID("end-session-text").Text(say(words.EndSessionConsequence)),
			app.Div().Class("actions").Body(
				app.Button().ID("end-session-confirm").Class("danger").Type("button").Disabled(s.busy).
					OnClick(func(ctx app.Context, e app.Event) { s.ending = nil; s.end(ctx, sess.ID) }).Text(say(words.EndSession)),
				app.Button().ID("end-session-cancel").Class("secondary").Type("button").
					OnClick(func(ctx app.Context, e app.Event) { cancel(ctx) }).Text(say(words.Cancel)),
			),
		),
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
			OnClick(func(ctx app.Context, e app.Event) {
				s.ending = &sess
				s.focus(ctx, "end-session-dialog")
			}).Text(say(words.End)))
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
