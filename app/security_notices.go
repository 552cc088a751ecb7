package webapp

import (
	"net/url"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// securityNotices is Security settings -> Security notices: what happened
// to the account, newest first, a page at a time. Seeing the list marks
// them read, and the count on the avatar goes away.
type securityNotices struct {
	app.Compo
	apiState
	marking apiState // the read mark: its failure only leaves the count

	notices []shared.Notice
	next    string
	loaded  bool
}

func (n *securityNotices) OnMount(ctx app.Context) {
	n.mountedAt(ctx)
	n.load(ctx, "")
}

func (n *securityNotices) Render() app.UI {
	return app.Div().Class("security-notices").Body(
		app.H2().ID("notices-title").Text(say(words.SecurityNotices)),
		app.P().Class("muted").Text(say(words.SecurityNoticesHelp)),
		app.If(n.errMsg != "", func() app.UI {
			return app.P().ID("notices-error").Class("form-error").Role("alert").Text(n.errMsg)
		}),
		app.If(n.loaded && len(n.notices) == 0, func() app.UI {
			return app.P().ID("notices-empty").Class("muted").Text(say(words.NoSecurityNotices))
		}),
		app.Ul().ID("notices").Class("notice-list").Aria("labelledby", "notices-title").Body(
			app.Range(n.notices).Slice(func(i int) app.UI { return noticeItem(n.notices[i]) }),
		),
		app.If(n.next != "", func() app.UI {
			return app.Button().ID("notices-more").Class("secondary").Type("button").Disabled(n.busy).
				OnClick(func(ctx app.Context, e app.Event) { n.load(ctx, n.next) }).Text(say(words.ShowOlderNotices))
		}),
	)
}

// noticeItem says one notice in words: what, when, from where, on what.
func noticeItem(nt shared.Notice) app.UI {
	class := "notice-item"
	if shared.NoticeWarns(nt.Kind) {
		class += " notice-warn"
	}
	if !nt.Read {
		class += " notice-unread"
	}
	where := ""
	if nt.IP != "" {
		where = say(words.NoticeFromIP(nt.IP))
	}
	if nt.Device != "" {
		where += " · " + nt.Device
	}
	return app.Li().Class(class).Body(
		app.If(shared.NoticeWarns(nt.Kind), func() app.UI { return app.Strong().Text(say(words.NoticeWarning)) }),
		app.Span().Class("notice-what").Text(say(words.NoticeSaid(shared.NoticeWords(nt.Kind)))),
		app.If(!shared.NoticeDetailWords(nt.Kind, nt.Detail).IsZero(), func() app.UI {
			return app.Text(" " + say(shared.NoticeDetailWords(nt.Kind, nt.Detail)))
		}),
		app.Div().Class("muted").Body(
			app.Time().DateTime(nt.At).Text(localTime(nt.At)),
			app.Text(where),
		),
	)
}

// load fetches the page before the cursor ("" for the newest); the first
// page marks everything up to its newest notice read.
func (n *securityNotices) load(ctx app.Context, before string) {
	path := "/api/me/notices"
	if before != "" {
		path += "?before=" + url.QueryEscape(before)
	}
	send(ctx, &n.apiState, apiCall{method: "GET", path: path}, func(ctx app.Context, page shared.NoticePage) {
		n.notices, n.next, n.loaded = append(n.notices, page.Notices...), page.Next, true
		if before == "" && page.Unread > 0 && len(page.Notices) > 0 {
			n.markRead(ctx, page.Notices[0].ID)
		}
	})
}

func (n *securityNotices) markRead(ctx app.Context, upTo int64) {
	n.marking.home, n.marking.homeSet = n.home, n.homeSet
	send(ctx, &n.marking, apiCall{method: "POST", path: "/api/me/notices/read", body: shared.NoticesReadRequest{UpTo: upTo},
		failed: func(ctx app.Context, err error) bool { return true }}, // the count stays; the next visit tries again
		func(ctx app.Context, _ struct{}) {
			updateMe(ctx, func(me *shared.Me) { me.UnreadNotices = 0 })
		})
}
