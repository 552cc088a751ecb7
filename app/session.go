package webapp

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
)

// meState is the app state that holds the signed-in user (a session value).
// It is loaded from GET /api/me once, by the first page that needs it, and
// then changed by the flows that change the user (connect, disconnect,
// regenerate, the policy switch, logout, login): a page never asks again.
// It lives in memory only: nothing about the user is kept in the browser.
const meState = "/warden/me"

// session is the signed-in user as the app knows it.
type session struct {
	// me is the user, once known. It is never changed in place: a flow
	// that changes the user sets a new one.
	me     *shared.Me
	errMsg string // why the user could not be loaded
	status meStatus
}

type meStatus int

const (
	meUnknown   meStatus = iota // not asked yet, or forgotten by a login
	meLoading                   // asked, no answer yet
	meKnown                     // me is the signed-in user
	meSignedOut                 // no session
	meFailed                    // the server could not say: ask again on the next page
)

// observeMe makes *s follow the signed-in user, calls changed after every
// change, and asks the server for the user if nobody has yet.
func observeMe(ctx app.Context, s *session, changed func()) {
	ctx.ObserveState(meState, s).OnChange(changed)
	if s.status == meUnknown || s.status == meFailed {
		ctx.SetState(meState, session{status: meLoading})
		loadMe(ctx, nil)
	}
}

// reloadMe asks the server for the user again, where only the server can
// say what changed (the session's stage after a connect or a policy
// change). Until it answers, and if it cannot, the app keeps what it knew.
func reloadMe(ctx app.Context) {
	var s session
	ctx.GetState(meState, &s)
	loadMe(ctx, s.me)
}

// retryMe asks the server for the user again, after it could not say.
func retryMe(ctx app.Context, _ app.Event) {
	ctx.SetState(meState, session{status: meLoading})
	loadMe(ctx, nil)
}

// loadMe fetches the user; known is what to keep when the server cannot
// be reached (nil: nothing, the page says why).
func loadMe(ctx app.Context, known *shared.Me) {
	ctx.Async(func() {
		me, err := request[shared.Me](ctx, "GET", "/api/me", nil)
		switch {
		case err == nil && adoptLanguage(me.Language):
			ctx.Dispatch(func(ctx app.Context) { ctx.Reload() })
		case err == nil:
			ctx.SetState(meState, session{me: &me, status: meKnown})
			hintSession(ctx, true)
		case errorCode(err) == shared.EUnauthenticated:
			signedOut(ctx)
		case known == nil:
			ctx.SetState(meState, session{status: meFailed, errMsg: errorMessage(err)})
		}
	})
}

// updateMe applies change to a copy of the signed-in user and makes it the
// app's: every page and component showing the user follows.
func updateMe(ctx app.Context, change func(me *shared.Me)) {
	var s session
	ctx.GetState(meState, &s)
	if s.me == nil {
		return
	}
	me := *s.me
	change(&me)
	ctx.SetState(meState, session{me: &me, status: meKnown})
}

// signedOut records that the session has ended (logout, a disconnect that
// logged out), so that the login page need not ask.
func signedOut(ctx app.Context) {
	ctx.SetState(meState, session{status: meSignedOut})
	hintSession(ctx, false)
	forgetSkip(ctx)
}

// forgetMe drops the user after a login: whoever is signed in now, the next
// page asks the server. No observer hears it: the login page, which
// observes, is about to leave.
func forgetMe(ctx app.Context) {
	ctx.DelState(meState)
	hintSession(ctx, true)
	forgetSkip(ctx)
}

// sessionHint, in the browser's local storage, says that this browser had a
// session when the app last knew: the login page asks the server who is
// signed in only then, so that a visitor without one (most of them) does
// not get a 401 in the console at every visit. It says nothing about who:
// the session cookie itself is out of the app's reach (HttpOnly). A stale
// hint costs one question, whose 401 removes it.
const sessionHint = "/warden/session-hint"

func hintSession(ctx app.Context, maybe bool) {
	if maybe {
		ctx.LocalStorage().Set(sessionHint, true)
		return
	}
	ctx.LocalStorage().Del(sessionHint)
}

// observeMeIfHinted is observeMe for the login page: without a hint of a
// session, the visitor is taken as signed out and the server is not asked.
func observeMeIfHinted(ctx app.Context, s *session, changed func()) {
	var hinted bool
	ctx.LocalStorage().Get(sessionHint, &hinted)
	var known session
	ctx.GetState(meState, &known)
	if !hinted && (known.status == meUnknown || known.status == meFailed) {
		ctx.SetState(meState, session{status: meSignedOut})
	}
	observeMe(ctx, s, changed)
}

// logOut ends the session on the server, and only then records it and
// leaves for the login page. failed, when set, sees a failure first (as
// apiCall's does).
func logOut(ctx app.Context, a *apiState, failed func(ctx app.Context, err error) bool) {
	send(ctx, a, apiCall{method: "POST", path: "/api/logout", failed: failed}, func(ctx app.Context, _ struct{}) {
		signedOut(ctx)
		navigate(ctx, "/login")
	})
}
