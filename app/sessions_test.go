package webapp

import (
	"encoding/json"
	"regexp"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
)

type sessionsOnClient struct {
	sessionsList
	clientSide
}

func (c *sessionsOnClient) OnPreRender(ctx app.Context) { c.ctx = ctx; c.OnMount(ctx) }

// The list shows a row per session with End on the others only; End asks
// for the password past the window, then ends the session and lists again.
func TestSessions_EndAsksForAProofThenEndsAndListsAgain(t *testing.T) {
	api := newFakeAPI(t)
	list := twoSessionsAndABrowser()
	api.on("GET /api/me/sessions", func([]byte) (int, any, error) { return 200, list, nil })
	proved := false
	api.on("DELETE /api/me/sessions/9", func([]byte) (int, any, error) {
		if !proved {
			return 403, shared.Errorf(shared.EReauthRequired, "For your security, confirm it is you."), nil
		}
		list.Sessions = list.Sessions[:1]
		return 204, nil, nil
	})
	api.on("POST /api/me/reauth", func(body []byte) (int, any, error) {
		var req shared.ReauthRequest
		if json.Unmarshal(body, &req) != nil || req.Password != "alice's password" {
			return 401, shared.Errorf(shared.EWrongCredentials, "That password is not right."), nil
		}
		proved = true
		return 204, nil, nil
	})
	c := &sessionsOnClient{}
	s := open(t, c)
	html := s.html()
	contains(t, html, `id="sessions"`, "Firefox on Linux", "This session", "Safari on iOS", "198.51.100.7",
		`id="end-session-9"`, `aria-label="End the session on Safari on iOS"`, `id="end-other-sessions"`,
		`id="trusted-browsers"`, `id="remove-browser-2"`, `data-label="Last active"`)
	lacks(t, html, `id="end-session-4"`)

	s.do(func(ctx app.Context) { c.end(ctx, 9) })
	contains(t, s.html(), `id="reauth-form"`, `id="reauth-password"`)
	s.do(func(ctx app.Context) { c.reauthGate.password = "alice's password"; c.reauthGate.submit(ctx, noEvent) })
	html = s.html()
	lacks(t, html, `id="reauth-form"`, `id="end-session-9"`, "Safari on iOS")
	contains(t, html, "The session was ended.")
	sameRequests(t, api.sent(), "GET /api/me/sessions", "DELETE /api/me/sessions/9",
		`POST /api/me/reauth {"password":"alice's password"}`, "DELETE /api/me/sessions/9", "GET /api/me/sessions")
	// Only the current session is left: nothing else to end.
	lacks(t, html, `id="end-other-sessions"`)
}

// End asks first, naming the browser, and ends nothing until it is
// confirmed; the trusted browsers are a table like the sessions.
func TestSessions_EndAsksFirstAndTrustedBrowsersAreATable(t *testing.T) {
	api := newFakeAPI(t)
	list := twoSessionsAndABrowser()
	api.on("GET /api/me/sessions", answer(200, list))
	c := &sessionsOnClient{}
	s := open(t, c)
	html := s.html()
	contains(t, html, `data-label="Trusted until"`, `id="remove-browser-2"`)
	if !regexp.MustCompile(`<table [^>]*id="trusted-browsers"`).MatchString(html) {
		t.Error("the trusted browsers are not a table")
	}
	lacks(t, html, `id="end-session-dialog"`)
	s.do(func(ctx app.Context) { c.ending = &list.Sessions[1] })
	contains(t, s.html(), `id="end-session-dialog"`, `role="alertdialog"`, "End the session on Safari on iOS?", `id="end-session-confirm"`)
	sameRequests(t, api.sent(), "GET /api/me/sessions")
}

// The second step offers to trust the browser only when the password
// step's answer says the account allows it, and sends the choice.
func TestLogin_TheRememberBoxShowsOnlyWhereTheAccountAllowsIt(t *testing.T) {
	api := loginAPI(t)
	api.on("POST /api/login/totp", answer(200, shared.LoginResponse{Next: shared.NextDone}))
	recordNavigation(t)
	s, p := passwordThenSecondStep(t, api, stepTOTP)
	lacks(t, s.html(), `id="remember-browser"`)

	api.on("POST /api/login", answer(200, shared.LoginResponse{Next: shared.NextTOTP, RememberBrowserDays: 30}))
	s, p = passwordThenSecondStep(t, api, stepTOTP)
	contains(t, s.html(), `id="remember-browser"`, `for="remember-browser"`, "Don&#39;t ask for a code on this browser for 30 days")
	s.do(func(ctx app.Context) { p.remember, p.code = true, "123456"; p.submitCode(ctx, noEvent) })
	sameRequests(t, api.sent(), `POST /api/login/totp {"code":"123456","remember_browser":true}`)
}

// twoSessionsAndABrowser is this session on Firefox, another on Safari, and
// Firefox trusted.
func twoSessionsAndABrowser() shared.Sessions {
	return shared.Sessions{
		Sessions: []shared.Session{
			{ID: 4, CreatedAt: "2026-12-01T10:00:00Z", LastSeenAt: "2026-12-01T10:05:00Z", IP: "192.0.2.1", Device: "Firefox on Linux", Current: true},
			{ID: 9, CreatedAt: "2026-12-01T11:00:00Z", LastSeenAt: "2026-12-01T11:00:00Z", IP: "198.51.100.7", Device: "Safari on iOS"},
		},
		TrustedBrowsers: []shared.TrustedBrowser{{ID: 2, CreatedAt: "2026-12-01T09:00:00Z", ExpiresAt: "2026-12-31T09:00:00Z", IP: "192.0.2.1", Device: "Firefox on Linux"}},
	}
}
