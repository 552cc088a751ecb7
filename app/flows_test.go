package webapp

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
)

// fakeAPI stands in for the server behind sendRequest. Its routes answer as
// server/httpapi does: a status, and a shared/ value or *shared.Error as the
// JSON body. Every request is kept for the test to check.
type fakeAPI struct {
	t        *testing.T
	mu       sync.Mutex
	routes   map[string]route
	requests []string // "METHOD /path body"
}

// route answers one request; a non-nil err is a request that got no answer.
type route func(body []byte) (status int, answer any, err error)

func newFakeAPI(t *testing.T) *fakeAPI {
	f := &fakeAPI{t: t, routes: map[string]route{}}
	prev := sendRequest
	sendRequest = f.send
	t.Cleanup(func() { sendRequest = prev })
	return f
}

func (f *fakeAPI) on(methodPath string, r route) { f.routes[methodPath] = r }

func (f *fakeAPI) send(_ context.Context, method, path string, body []byte) (int, []byte, error) {
	f.mu.Lock()
	r, ok := f.routes[method+" "+path]
	req := method + " " + path
	if body != nil {
		req += " " + string(body)
	}
	f.requests = append(f.requests, req)
	f.mu.Unlock()
	if !ok {
		f.t.Errorf("unexpected request %s %s", method, path)
		return 404, []byte(`{"code":"not_found","message":"There is nothing here."}`), nil
	}
	status, answer, err := r(body)
	if err != nil {
		return 0, nil, err
	}
	b, err := json.Marshal(answer)
	if err != nil {
		f.t.Fatal(err)
	}
	return status, b, nil
}

// sent returns the requests so far and forgets them.
func (f *fakeAPI) sent() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.requests
	f.requests = nil
	return r
}

func answer(status int, v any) route {
	return func([]byte) (int, any, error) { return status, v, nil }
}

func unreachable() route {
	return func([]byte) (int, any, error) { return 0, nil, errors.New("connection refused") }
}

var errPleaseLogIn = shared.Errorf(shared.EUnauthenticated, "Please log in.") // the server's 401 for a missing or ended session

// recordNavigation replaces navigate: go-app's test engine has no routes to
// go to. It returns where the app went.
func recordNavigation(t *testing.T) *[]string {
	var went []string
	prev := navigate
	navigate = func(_ app.Context, u string) { went = append(went, u) }
	t.Cleanup(func() { navigate = prev })
	return &went
}

// go-app runs OnMount only in the browser, and its test engine cannot fire a
// DOM event. It does run OnPreRender, with the component's own context: the
// wrappers below use it to run OnMount as the browser would, and keep the
// context so that a test can call the event handlers the elements are bound
// to. Each wrapper embeds the real component: its Render and state are the
// ones under test.
type clientSide struct{ ctx app.Context }

func (c *clientSide) context() app.Context { return c.ctx }

type inBrowser interface {
	app.Composer
	context() app.Context
}

type loginOnClient struct {
	loginPage
	clientSide
	hinted bool // the browser had a session when the app last knew
}

func (c *loginOnClient) OnPreRender(ctx app.Context) {
	c.ctx = ctx
	if c.hinted {
		hintSession(ctx, true)
	}
	c.OnMount(ctx)
}

type profileOnClient struct {
	profilePage
	clientSide
}

func (c *profileOnClient) OnPreRender(ctx app.Context) { c.ctx = ctx; c.OnMount(ctx) }

type settingsOnClient struct {
	securitySettings
	clientSide
}

func (c *settingsOnClient) OnPreRender(ctx app.Context) { c.ctx = ctx }

type regenerateOnClient struct {
	regenerateCodes
	clientSide
}

func (c *regenerateOnClient) OnPreRender(ctx app.Context) { c.ctx = ctx; c.OnMount(ctx) }

type adminOnClient struct {
	adminPage
	clientSide
}

func (c *adminOnClient) OnPreRender(ctx app.Context) { c.ctx = ctx; c.OnMount(ctx) }

type adminUsersOnClient struct {
	adminUsers
	clientSide
}

func (c *adminUsersOnClient) OnPreRender(ctx app.Context) { c.ctx = ctx; c.OnMount(ctx) }

type adminAccountOnClient struct {
	adminAccount
	clientSide
}

func (c *adminAccountOnClient) OnPreRender(ctx app.Context) { c.ctx = ctx; c.OnMount(ctx) }

type connectOnClient struct {
	connectTwoFactor
	clientSide
}

func (c *connectOnClient) OnPreRender(ctx app.Context) { c.ctx = ctx; c.OnMount(ctx) }

type changePasswordOnClient struct {
	changePassword
	clientSide
}

func (c *changePasswordOnClient) OnPreRender(ctx app.Context) { c.ctx = ctx; c.OnMount(ctx) }

type disconnectOnClient struct {
	disconnectTwoFactor
	clientSide
}

func (c *disconnectOnClient) OnPreRender(ctx app.Context) { c.ctx = ctx; c.OnMount(ctx) }

// screen is a component mounted in go-app's test engine.
type screen struct {
	e app.TestEngine
	c inBrowser
}

func open(t *testing.T, c inBrowser) *screen {
	t.Helper()
	s := &screen{e: app.NewTestEngine(), c: c}
	if err := s.e.Load(c); err != nil {
		t.Fatal(err)
	}
	s.e.ConsumeAll()
	return s
}

// do runs an event handler as go-app does for a DOM event, dispatched on the
// component's context so that the component renders again, then everything
// the handler started (requests, their dispatches).
func (s *screen) do(handler func(ctx app.Context)) {
	s.c.context().Dispatch(handler)
	s.e.ConsumeAll()
}

// html is the component's mounted tree: what the user sees.
func (s *screen) html() string { return app.HTMLString(s.c) }

// signIn puts me in the app state, as the first page that asked the server
// for the user would have.
func (s *screen) signIn(me *shared.Me) {
	s.do(func(ctx app.Context) { ctx.SetState(meState, session{me: me, status: meKnown}) })
}

// user is the app state's signed-in user.
func (s *screen) user() session {
	var u session
	s.c.context().GetState(meState, &u)
	return u
}

// noEvent stands for the DOM event a handler receives; its methods do nothing
// outside the browser.
var noEvent = app.Event{Value: app.Undefined()}

// attrSet reports whether the element with the id carries attr as true
// (go-app writes false as attr="false").
func attrSet(t *testing.T, html, id, attr string) bool {
	t.Helper()
	tag := regexp.MustCompile(`<[a-z]+ [^>]*id="` + id + `"[^>]*>`).FindString(html)
	if tag == "" {
		t.Fatalf("no #%s in:\n%s", id, html)
	}
	return regexp.MustCompile(` ` + attr + `[ >]`).MatchString(tag)
}

func sameRequests(t *testing.T, got []string, want ...string) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("requests:\n got %q\nwant %q", got, want)
	}
}

// loginAPI is the server's login for alice, who has 2FA: the password step
// leaves a pre-login session, which the second step needs.
func loginAPI(t *testing.T) *fakeAPI {
	api := newFakeAPI(t)
	api.on("GET /api/me", answer(401, errPleaseLogIn)) // no session yet
	api.on("POST /api/login", func(body []byte) (int, any, error) {
		var req shared.LoginRequest
		if json.Unmarshal(body, &req) != nil || req.Username != "alice" || req.Password != "alice's password" {
			return 401, shared.Errorf(shared.EWrongCredentials, "Incorrect username or password."), nil
		}
		return 200, shared.LoginResponse{Next: shared.NextTOTP}, nil
	})
	return api
}

// passwordThenSecondStep logs in with the password and opens the second step
// the test names, where the pre-login session is then found ended.
func passwordThenSecondStep(t *testing.T, api *fakeAPI, step string) (*screen, *loginOnClient) {
	t.Helper()
	p := &loginOnClient{}
	s := open(t, p)
	s.do(func(ctx app.Context) {
		p.username, p.password = "alice", "alice's password"
		p.submitPassword(ctx, noEvent)
	})
	contains(t, s.html(), `id="code"`)
	if step == stepRecovery {
		s.do(func(ctx app.Context) { p.onNavQuery(url.Values{"step": {"recovery"}}) }) // the "Use a recovery code" link
		contains(t, s.html(), `id="recovery-code"`)
	}
	sameRequests(t, api.sent(), `POST /api/login {"username":"alice","password":"alice's password"}`)
	return s, p
}

func TestLogin_ASessionThatEndsAtTheSecondStepReturnsToThePasswordStep(t *testing.T) {
	for _, tc := range []struct {
		step   string
		path   string
		submit func(p *loginOnClient, ctx app.Context)
		sent   string
	}{
		{stepTOTP, "/api/login/totp", func(p *loginOnClient, ctx app.Context) {
			p.code = "123 456"
			p.submitCode(ctx, noEvent)
		}, `{"code":"123456"}`},
		{stepRecovery, "/api/login/recovery", func(p *loginOnClient, ctx app.Context) {
			p.recovery = "abcd-efgh-0001"
			p.submitRecovery(ctx, noEvent)
		}, `{"code":"abcd-efgh-0001"}`},
	} {
		t.Run(tc.step, func(t *testing.T) {
			api := loginAPI(t)
			went := recordNavigation(t)
			// The pre-login session expired while the user looked for the code.
			api.on("POST "+tc.path, answer(401, errPleaseLogIn))
			s, p := passwordThenSecondStep(t, api, tc.step)

			s.do(func(ctx app.Context) { tc.submit(p, ctx) })
			sameRequests(t, api.sent(), "POST "+tc.path+" "+tc.sent)
			html := s.html()
			contains(t, html, `id="password"`, `id="login-submit"`, `value="alice"`,
				"Your sign-in took too long. Please enter your password again.")
			lacks(t, html, `id="code"`, `id="recovery-code"`, "Please log in.")
			if submitDisabled(t, html) {
				t.Error("the password step's button is disabled")
			}
			if len(*went) != 0 {
				t.Errorf("navigated to %q", *went)
			}
		})
	}
}

// A 401 for a wrong code is not an ended session: the user stays on the step
// and may try again.
func TestLogin_AWrongCodeKeepsTheSecondStep(t *testing.T) {
	api := loginAPI(t)
	api.on("POST /api/login/totp", answer(401, shared.Errorf(shared.EWrongCode, "That code is not right. Check your app and try again.")))
	s, p := passwordThenSecondStep(t, api, stepTOTP)

	s.do(func(ctx app.Context) {
		p.code = "654321"
		p.submitCode(ctx, noEvent)
	})
	html := s.html()
	contains(t, html, `id="code"`, "That code is not right.")
	lacks(t, html, `id="password"`, "took too long")
}

func TestProfile_ASessionThatEndedSendsTheUserToTheLoginPage(t *testing.T) {
	api := newFakeAPI(t)
	went := recordNavigation(t)
	api.on("GET /api/me", answer(401, errPleaseLogIn))

	s := open(t, &profileOnClient{})
	sameRequests(t, api.sent(), "GET /api/me")
	if want := []string{"/login"}; !reflect.DeepEqual(*went, want) {
		t.Errorf("navigated to %q, want %q", *went, want)
	}
	// Until the login page replaces it, the page shows nothing of the
	// account, and no error that would suggest a retry.
	html := s.html()
	contains(t, html, "Loading")
	lacks(t, html, "My profile", `id="avatar"`, `role="alert"`, "Please log in.")
}

func TestAdminAccount_TheForce2FASwitchRevertsWhenTheChangeIsNotSaved(t *testing.T) {
	for _, fail := range []struct {
		name  string
		route route
		shown string
	}{
		{"409", answer(409, shared.Errorf(shared.EConflict, "Another administrator changed the policy. Reload to see it.")),
			"Another administrator changed the policy. Reload to see it."},
		{"503", answer(503, shared.Errorf(shared.EUnavailable, "The service is temporarily unavailable. Please try again in a moment.")),
			"The service is temporarily unavailable. Please try again in a moment."},
		{"network error", unreachable(), errOffline.Message},
	} {
		for _, was := range []bool{false, true} {
			t.Run(fail.name+"/"+say(onOff(was)), func(t *testing.T) {
				api := newFakeAPI(t)
				went := recordNavigation(t)
				api.on("GET /api/admin/accounts", answer(200, shared.AccountsPage{Accounts: []shared.AccountSettings{{ID: 7, Name: "Acme", Force2FA: was}}}))
				api.on("PUT /api/admin/accounts/7/settings", fail.route)
				a := &adminAccountOnClient{adminAccount: adminAccount{Me: &shared.Me{Username: "root", Role: shared.RoleAdmin, TOTPEnabled: true}}}
				s := open(t, a)
				if got := attrSet(t, s.html(), "force-2fa", "checked"); got != was {
					t.Fatalf("loaded switch on = %v, want %v", got, was)
				}

				s.do(func(ctx app.Context) { a.toggle(ctx, noEvent) })
				want := []string{"GET /api/admin/accounts"}
				if !was { // switching on asks first, with the counts read again
					s.do(func(ctx app.Context) { a.confirm(ctx, noEvent) })
					want = append(want, "GET /api/admin/accounts", `PUT /api/admin/accounts/7/settings {"force_2fa":true,"grace_days":0}`)
				} else {
					want = append(want, `PUT /api/admin/accounts/7/settings {"force_2fa":false}`)
				}
				sameRequests(t, api.sent(), want...)
				html := s.html()
				if attrSet(t, html, "force-2fa", "checked") != was {
					t.Errorf("after the failed save the switch shows %s, the saved state is %s", onOff(!was), onOff(was))
				}
				if attrSet(t, html, "force-2fa", "disabled") {
					t.Error("the switch stays disabled after the failed save")
				}
				contains(t, html, `role="alert"`, fail.shown)
				if len(*went) != 0 {
					t.Errorf("navigated to %q", *went)
				}
			})
		}
	}
}

// The contrast to the test above: a saved change stays, with who made it.
func TestAdminAccount_TheForce2FASwitchShowsASavedChange(t *testing.T) {
	api := newFakeAPI(t)
	api.on("GET /api/admin/accounts", answer(200, shared.AccountsPage{Accounts: []shared.AccountSettings{{ID: 7, Name: "Acme"}}}))
	api.on("PUT /api/admin/accounts/7/settings", answer(200, shared.AccountSettings{ID: 7, Name: "Acme", Force2FA: true,
		ChangedAt: "2026-11-23T10:00:00Z", ChangedBy: "root"}))
	root := shared.Me{Stage: shared.NextDone, Username: "root", Role: shared.RoleAdmin, TOTPEnabled: true}
	api.on("GET /api/me", answer(200, func() shared.Me { m := root; m.Force2FA = true; return m }()))
	a := &adminAccountOnClient{adminAccount: adminAccount{Me: &root}}
	s := open(t, a)
	s.signIn(&root)

	s.do(func(ctx app.Context) { a.toggle(ctx, noEvent) })
	s.do(func(ctx app.Context) { a.confirm(ctx, noEvent) })
	html := s.html()
	if !attrSet(t, html, "force-2fa", "checked") {
		t.Error("the saved switch shows Off")
	}
	contains(t, html, `id="policy-changed"`, "by root")
	lacks(t, html, `role="alert"`, `id="force-2fa-dialog"`)
	// The session's user is asked for again: what it may do is the server's to say.
	sameRequests(t, api.sent(), "GET /api/admin/accounts", "GET /api/admin/accounts",
		`PUT /api/admin/accounts/7/settings {"force_2fa":true,"grace_days":0}`, "GET /api/me")
	if me := s.user().me; me == nil || !me.Force2FA {
		t.Errorf("the app's user after the change: %+v", me)
	}
}

// disconnectAPI is the server's Disconnect for alice: a wrong password is
// refused; where the account forces 2FA, an unconfirmed request is answered
// with the warning, and a confirmed one ends every session.
func disconnectAPI(t *testing.T, forced bool) *fakeAPI {
	api := newFakeAPI(t)
	api.on("POST /api/2fa/disconnect", func(body []byte) (int, any, error) {
		var req shared.DisconnectRequest
		switch {
		case json.Unmarshal(body, &req) != nil || req.Password != "alice's password":
			return 401, shared.Errorf(shared.EWrongCredentials, "That password is not right."), nil
		case forced && !req.Confirm:
			return 409, shared.Errorf(shared.EConfirmRequired, "Two-factor authentication is mandatory for your account. "+
				"If you disconnect it, you will be logged out everywhere and must set it up again at your next login."), nil
		}
		return 200, shared.DisconnectResponse{LoggedOut: forced}, nil
	})
	return api
}

// openDisconnectForm opens the Disconnect form and sends the password.
func openDisconnectForm(s *screen, c *disconnectOnClient) {
	s.do(func(ctx app.Context) { c.openForm(ctx, noEvent) })
	s.do(func(ctx app.Context) {
		c.password = "alice's password"
		c.submit(ctx, noEvent)
	})
}

func TestSecuritySettings_DisconnectUnderThePolicyWarnsThenConfirmsAndLogsOut(t *testing.T) {
	api := disconnectAPI(t, true)
	went := recordNavigation(t)
	c := &disconnectOnClient{}
	s := open(t, c)
	s.signIn(&shared.Me{Username: "alice", TOTPEnabled: true, Force2FA: true, RecoveryCodesLeft: 10})

	openDisconnectForm(s, c)
	sameRequests(t, api.sent(), `POST /api/2fa/disconnect {"password":"alice's password","confirm":false}`)
	html := s.html()
	contains(t, html, `id="disconnect-warning"`, `role="alertdialog"`, "mandatory for your account", `id="disconnect-confirm"`)
	lacks(t, html, `id="disconnect-submit"`)
	if attrSet(t, html, "disconnect-confirm", "disabled") {
		t.Error("the confirm button is disabled")
	}
	if len(*went) != 0 {
		t.Fatalf("navigated to %q before the confirmation", *went)
	}

	s.do(func(ctx app.Context) { c.confirm(ctx, noEvent) })
	sameRequests(t, api.sent(), `POST /api/2fa/disconnect {"password":"alice's password","confirm":true}`)
	if len(*went) != 1 {
		t.Fatalf("navigated to %q, want the login page once", *went)
	}
	u, err := url.Parse((*went)[0])
	if err != nil || u.Path != "/login" {
		t.Fatalf("navigated to %q, want /login", (*went)[0])
	}
	// The login page says why the user is there.
	p := &loginPage{notice: say(notices[u.Query().Get("notice")])}
	contains(t, render(t, p), `id="login-notice"`, "logged out everywhere", `id="password"`)
}

func TestSecuritySettings_DisconnectWithoutThePolicySucceedsDirectly(t *testing.T) {
	api := disconnectAPI(t, false)
	went := recordNavigation(t)
	c := &disconnectOnClient{}
	s := open(t, c)
	s.signIn(&shared.Me{Username: "alice", TOTPEnabled: true, RecoveryCodesLeft: 10})

	openDisconnectForm(s, c)
	sameRequests(t, api.sent(), `POST /api/2fa/disconnect {"password":"alice's password","confirm":false}`)
	lacks(t, s.html(), `id="disconnect-warning"`, `id="disconnect-password"`, `role="alert"`)
	// The app's user has 2FA off now; Security settings, rendered with it
	// as the page does, says so and offers Connect again.
	me := s.user().me
	if me == nil || me.TOTPEnabled || me.RecoveryCodesLeft != 0 {
		t.Fatalf("the app's user after the disconnect: %+v", me)
	}
	html := render(t, &securitySettings{Me: me})
	contains(t, html, `id="twofa-status"`, ">Off<", `id="connect-2fa"`)
	lacks(t, html, `id="disconnect-warning"`, `id="disconnect-password"`, `id="recovery-codes-left"`, `role="alert"`)
	if len(*went) != 0 {
		t.Errorf("navigated to %q: the session goes on without the policy", *went)
	}
}

type headerOnClient struct {
	appHeader
	clientSide
}

func (c *headerOnClient) OnPreRender(ctx app.Context) { c.ctx = ctx }

// Logging out while the server cannot be reached must not look like it
// worked: the session still lives. The header says so and offers to try
// again; the app goes to the login page only once the server ended it.
func TestHeader_LogoutThatDidNotHappenSaysSoAndTriesAgain(t *testing.T) {
	api := newFakeAPI(t)
	went := recordNavigation(t)
	logoutRetry = 0 // the test engine waits for every timer: the test presses Try again itself
	t.Cleanup(func() { logoutRetry = 5 * time.Second })
	h := &headerOnClient{appHeader: appHeader{Me: &shared.Me{Username: "alice"}, open: true}}
	s := open(t, h)

	api.on("POST /api/logout", unreachable())
	s.do(func(ctx app.Context) { h.logout(ctx, noEvent) })
	if len(*went) != 0 {
		t.Fatalf("went to %v although the session was not ended", *went)
	}
	contains(t, s.html(), `id="logout-error"`, "Logging out failed, and you are still logged in", "Could not reach the server", `id="logout-retry"`)

	api.on("POST /api/logout", answer(204, nil))
	s.do(func(ctx app.Context) { h.logout(ctx, noEvent) })
	if !reflect.DeepEqual(*went, []string{"/login"}) {
		t.Fatalf("after the server ended the session: went to %v", *went)
	}
	sameRequests(t, api.sent(), "POST /api/logout", "POST /api/logout")
}

// A sensitive action past the re-authentication window asks for the
// password inline and, once it is right, runs the action again: the user
// stays where they were. A wrong password keeps the prompt open with the
// server's reason; Cancel closes it without running anything.
func TestSecuritySettings_ASensitiveActionAsksForThePasswordAndRunsAgain(t *testing.T) {
	api := newFakeAPI(t)
	proved := false
	api.on("POST /api/2fa/setup", func([]byte) (int, any, error) {
		if !proved {
			return 403, shared.Errorf(shared.EReauthRequired, "For your security, confirm it is you."), nil
		}
		return 200, shared.TOTPSetup{Secret: "JBSWY3DPEHPK3PXP", OTPAuthURL: "otpauth://totp/x", QRPNG: "iVBORw0KGgo="}, nil
	})
	api.on("POST /api/me/reauth", func(body []byte) (int, any, error) {
		var req shared.ReauthRequest
		if json.Unmarshal(body, &req) != nil || req.Password != "alice's password" {
			return 401, shared.Errorf(shared.EWrongCredentials, "That password is not right."), nil
		}
		proved = true
		return 204, nil, nil
	})
	c := &connectOnClient{}
	s := open(t, c)

	s.do(func(ctx app.Context) { c.startSetup(ctx, noEvent) })
	contains(t, s.html(), `id="reauth-form"`, `id="reauth-password"`, "Confirm it is you")
	lacks(t, s.html(), `id="reauth-code"`, `id="qr-code"`) // no authenticator yet: the password is the proof

	s.do(func(ctx app.Context) { c.reauthGate.password = "wrong"; c.reauthGate.submit(ctx, noEvent) })
	contains(t, s.html(), `id="reauth-form"`, `id="reauth-error"`, "That password is not right.")
	lacks(t, s.html(), `id="qr-code"`)

	s.do(func(ctx app.Context) { c.reauthGate.password = "alice's password"; c.reauthGate.submit(ctx, noEvent) })
	lacks(t, s.html(), `id="reauth-form"`)
	contains(t, s.html(), `id="qr-code"`, `id="manual-key"`)
	sameRequests(t, api.sent(), "POST /api/2fa/setup", `POST /api/me/reauth {"password":"wrong"}`,
		`POST /api/me/reauth {"password":"alice's password"}`, "POST /api/2fa/setup")

	// Cancel runs nothing.
	proved = false
	c.setup = nil
	s.do(func(ctx app.Context) { c.startSetup(ctx, noEvent) })
	s.do(func(ctx app.Context) { c.reauthGate.cancel(ctx, noEvent) })
	lacks(t, s.html(), `id="reauth-form"`, `id="qr-code"`)
	sameRequests(t, api.sent(), "POST /api/2fa/setup")
}

// The Force 2FA switch past the window: it shows what is saved while the
// prompt asks, and flips once the proof (here a code) is given.
func TestAdminAccount_TheSwitchWaitsForAProofThenFlips(t *testing.T) {
	api := newFakeAPI(t)
	proved := false
	api.on("GET /api/admin/accounts", answer(200, shared.AccountsPage{Accounts: []shared.AccountSettings{{ID: 1, Name: "Acme"}}}))
	api.on("PUT /api/admin/accounts/1/settings", func([]byte) (int, any, error) {
		if !proved {
			return 403, shared.Errorf(shared.EReauthRequired, "For your security, confirm it is you."), nil
		}
		return 200, shared.AccountSettings{ID: 1, Name: "Acme", Force2FA: true, ChangedBy: "root"}, nil
	})
	api.on("POST /api/me/reauth", func(body []byte) (int, any, error) {
		proved = string(body) == `{"code":"123456"}`
		return 204, nil, nil
	})
	api.on("GET /api/me", answer(200, shared.Me{Stage: shared.NextDone, Username: "root", Role: shared.RoleAdmin, TOTPEnabled: true}))
	c := &adminAccountOnClient{adminAccount: adminAccount{Me: &shared.Me{Username: "root", Role: shared.RoleAdmin, TOTPEnabled: true}}}
	s := open(t, c)
	s.do(func(ctx app.Context) { c.toggle(ctx, noEvent) })
	s.do(func(ctx app.Context) { c.confirm(ctx, noEvent) })
	if c.account.Force2FA {
		t.Fatal("the switch shows On before the change was saved")
	}
	contains(t, s.html(), `id="reauth-form"`, `id="reauth-code"`)
	lacks(t, s.html(), `role="alert"`)
	s.do(func(ctx app.Context) { c.reauthGate.code = "123 456"; c.reauthGate.submit(ctx, noEvent) })
	if !c.account.Force2FA {
		t.Fatal("the switch did not flip after the proof")
	}
	lacks(t, s.html(), `id="reauth-form"`)
	sameRequests(t, api.sent(), "GET /api/admin/accounts", "GET /api/admin/accounts", `PUT /api/admin/accounts/1/settings {"force_2fa":true,"grace_days":0}`,
		`POST /api/me/reauth {"code":"123456"}`, `PUT /api/admin/accounts/1/settings {"force_2fa":true,"grace_days":0}`, "GET /api/me")
}

// When the server cannot be reached, a signed-in page says so and offers
// Try again, which asks once more and then shows the page.
func TestProfile_AnUnreachableServerOffersTryAgain(t *testing.T) {
	api := newFakeAPI(t)
	recordNavigation(t)
	api.on("GET /api/me", unreachable())
	c := &profileOnClient{}
	s := open(t, c)
	contains(t, s.html(), errOffline.Message, `id="retry"`)
	api.on("GET /api/me", answer(200, shared.Me{Stage: shared.NextDone, Username: "alice", Role: shared.RoleUser, Account: "Acme"}))
	s.do(func(ctx app.Context) { retryMe(ctx, noEvent) })
	sameRequests(t, api.sent(), "GET /api/me", "GET /api/me")
	html := s.html()
	lacks(t, html, errOffline.Message, `id="retry"`)
	contains(t, html, "alice")
}

// A user the policy sends to set up 2FA, who cancels, is logged out: the
// session could do nothing else.
func TestForcedSetup_CancelLogsOut(t *testing.T) {
	api := newFakeAPI(t)
	went := recordNavigation(t)
	api.on("POST /api/2fa/setup", answer(200, shared.TOTPSetup{Secret: "JBSWY3DPEHPK3PXP", QRPNG: "iVBORw0KGgo="}))
	api.on("POST /api/logout", answer(204, nil))
	c := &connectOnClient{connectTwoFactor: connectTwoFactor{Open: true, Enrolling: true}}
	s := open(t, c)
	s.signIn(&shared.Me{Stage: shared.NextEnroll, Username: "ursula", Force2FA: true})
	contains(t, s.html(), `id="connect-cancel"`, "Cancel and log out")
	s.do(func(ctx app.Context) { c.cancel(ctx, noEvent) })
	sameRequests(t, api.sent(), "POST /api/2fa/setup", "POST /api/logout")
	if want := []string{"/login"}; !reflect.DeepEqual(*went, want) {
		t.Errorf("navigated to %q, want %q", *went, want)
	}
	if st := s.user().status; st != meSignedOut {
		t.Errorf("the app's user after Cancel: %v", st)
	}
}

// After the codes of a forced setup are saved, Continue goes into the app;
// a connect from the settings themselves stays there.
func TestForcedSetup_ContinueGoesIntoTheApp(t *testing.T) {
	for _, tc := range []struct {
		setup bool
		want  []string
	}{{true, []string{"/"}}, {false, nil}} {
		went := recordNavigation(t)
		stage := shared.NextDone
		if tc.setup {
			stage = shared.NextEnroll
		}
		c := &settingsOnClient{securitySettings: securitySettings{OpenSetup: tc.setup, Me: &shared.Me{Username: "ursula", Stage: stage}}}
		s := open(t, c)
		s.do(func(ctx app.Context) { c.showConnected(ctx, tenCodes) })
		contains(t, s.html(), `id="codes-continue"`)
		s.do(func(ctx app.Context) { c.codesStored(ctx) })
		if !reflect.DeepEqual(*went, tc.want) {
			t.Errorf("setup=%v: navigated to %q, want %q", tc.setup, *went, tc.want)
		}
	}
}

// inputValue is the value attribute of the input with the id.
func inputValue(t *testing.T, html, id string) string {
	t.Helper()
	tag := regexp.MustCompile(`<input [^>]*id="` + id + `"[^>]*>`).FindString(html)
	if tag == "" {
		t.Fatalf("no #%s in:\n%s", id, html)
	}
	return regexp.MustCompile(` value="([^"]*)"`).FindStringSubmatch(tag + ` value=""`)[1]
}

// A password or code the server refused is cleared (the browser test sees
// the field focused too); the next try starts from an empty field.
func TestLogin_ARefusedPasswordOrCodeIsCleared(t *testing.T) {
	api := loginAPI(t)
	api.on("POST /api/login/totp", answer(401, shared.Errorf(shared.EWrongCode, "That code is not right. Check your app and try again.")))
	api.on("POST /api/login/recovery", answer(401, shared.Errorf(shared.EWrongCode, "That recovery code is not right.")))
	p := &loginOnClient{}
	s := open(t, p)
	s.do(func(ctx app.Context) {
		p.username, p.password = "alice", "not it"
		p.submitPassword(ctx, noEvent)
	})
	contains(t, s.html(), "Incorrect username or password.")
	if p.password != "" || inputValue(t, s.html(), "password") != "" || p.username != "alice" {
		t.Errorf("after a wrong password: username %q, password %q", p.username, p.password)
	}
	api.sent()

	s, p = passwordThenSecondStep(t, api, stepTOTP)
	s.do(func(ctx app.Context) { p.code = "654321"; p.submitCode(ctx, noEvent) })
	contains(t, s.html(), "That code is not right.", `id="lost-phone"`, "Lost your phone?", "recovery code", "administrator")
	if p.code != "" || inputValue(t, s.html(), "code") != "" {
		t.Errorf("after a wrong code the field holds %q", p.code)
	}

	s.do(func(ctx app.Context) { p.onNavQuery(url.Values{"step": {"recovery"}}) }) // the "Use a recovery code" link
	s.do(func(ctx app.Context) { p.recovery = "abcd-efgh-0001"; p.submitRecovery(ctx, noEvent) })
	contains(t, s.html(), "That recovery code is not right.")
	if p.recovery != "" || inputValue(t, s.html(), "recovery-code") != "" {
		t.Errorf("after a wrong recovery code the field holds %q", p.recovery)
	}
}

// Connect, Regenerate and Disconnect empty a refused code or password too.
func TestSecuritySettings_ARefusedCodeOrPasswordIsCleared(t *testing.T) {
	api := newFakeAPI(t)
	wrong := answer(401, shared.Errorf(shared.EWrongCode, "That code is not right."))
	api.on("POST /api/2fa/setup", answer(200, shared.TOTPSetup{Secret: "JBSWY3DPEHPK3PXP", QRPNG: "iVBORw0KGgo="}))
	api.on("POST /api/2fa/connect", wrong)
	api.on("POST /api/2fa/recovery-codes", wrong)
	api.on("POST /api/2fa/disconnect", answer(401, shared.Errorf(shared.EWrongCredentials, "That password is not right.")))

	c := &connectOnClient{connectTwoFactor: connectTwoFactor{Open: true}}
	s := open(t, c)
	s.do(func(ctx app.Context) { c.code = "123 456"; c.connect(ctx, noEvent) })
	contains(t, s.html(), "That code is not right.")
	if c.code != "" || inputValue(t, s.html(), "connect-code") != "" {
		t.Errorf("Connect kept the refused code %q", c.code)
	}

	r := &regenerateOnClient{regenerateCodes: regenerateCodes{Left: 10, open: true}}
	s = open(t, r)
	s.do(func(ctx app.Context) { r.code = "123456"; r.submit(ctx, noEvent) })
	contains(t, s.html(), "That code is not right.")
	if r.code != "" || inputValue(t, s.html(), "regenerate-code") != "" {
		t.Errorf("Regenerate kept the refused code %q", r.code)
	}

	d := &disconnectOnClient{}
	s = open(t, d)
	s.do(func(ctx app.Context) { d.openForm(ctx, noEvent) })
	s.do(func(ctx app.Context) { d.password = "not it"; d.submit(ctx, noEvent) })
	contains(t, s.html(), "That password is not right.")
	if d.password != "" || inputValue(t, s.html(), "disconnect-password") != "" {
		t.Errorf("Disconnect kept the refused password %q", d.password)
	}
}

// The password form: two new passwords that differ are caught before any
// request; the server's reason for refusing the new one is shown at that
// field; a wrong current password is emptied; a change says so and clears
// the form.
func TestChangePassword_RefusalsAreShownAtTheirFieldAndAChangeClearsTheForm(t *testing.T) {
	api := newFakeAPI(t)
	c := &changePasswordOnClient{}
	s := open(t, c)
	contains(t, s.html(), `id="password-current"`, `id="password-new"`, `id="password-repeat"`, `id="password-submit"`,
		`autocomplete="new-password"`)

	s.do(func(ctx app.Context) {
		c.current, c.next, c.repeat = "old secret 1", "a new long secret", "a new long secreT"
		c.submit(ctx, noEvent)
	})
	sameRequests(t, api.sent())
	contains(t, s.html(), "The two new passwords are not the same.")

	api.on("POST /api/me/password", answer(400, &shared.Error{Code: shared.EInvalid, Message: "Please correct the highlighted fields.",
		Fields: map[string]string{"new": "This is one of the most common passwords."}}))
	s.do(func(ctx app.Context) { c.repeat = c.next; c.submit(ctx, noEvent) })
	want, _ := json.Marshal(shared.ChangePasswordRequest{Current: "old secret 1", New: "a new long secret"})
	sameRequests(t, api.sent(), "POST /api/me/password "+string(want))
	contains(t, s.html(), `id="password-new-error"`, "This is one of the most common passwords.")
	// One sentence per refusal: the field says why, the form says no more.
	lacks(t, s.html(), `id="password-error"`, "Please correct the highlighted fields.")
	// Show password shows both new fields as typed, and says it is pressed.
	s.do(func(ctx app.Context) { c.show = true })
	if n := strings.Count(s.html(), `type="text"`); n != 2 || strings.Contains(s.html(), `aria-pressed="false"`) {
		t.Errorf("Show password: %d fields shown as text", n)
	}
	s.do(func(ctx app.Context) { c.show = false })

	api.on("POST /api/me/password", answer(401, shared.Errorf(shared.EWrongCredentials, "That password is not right.")))
	s.do(func(ctx app.Context) { c.submit(ctx, noEvent) })
	if c.current != "" || c.next == "" {
		t.Errorf("after a wrong current password: current %q, new %q", c.current, c.next)
	}
	contains(t, s.html(), "That password is not right.")

	api.on("POST /api/me/password", answer(204, nil))
	s.do(func(ctx app.Context) { c.current = "old secret 1"; c.submit(ctx, noEvent) })
	html := s.html()
	contains(t, html, `id="password-changed"`, "other sessions have ended")
	lacks(t, html, `role="alert"`)
	if c.current != "" || c.next != "" || c.repeat != "" {
		t.Errorf("after the change the form holds %q %q %q", c.current, c.next, c.repeat)
	}
}
