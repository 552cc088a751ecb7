package webapp

import (
	"reflect"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
)

type homeOnClient struct {
	homePage
	clientSide
}

func (c *homeOnClient) OnPreRender(ctx app.Context) { c.ctx = ctx; c.OnMount(ctx) }

// load replaces the mounted component by c in the same running app (the
// same engine, so the same app state), as a navigation does.
func (s *screen) load(t *testing.T, c inBrowser) {
	t.Helper()
	s.c = c
	if err := s.e.Load(c); err != nil {
		t.Fatal(err)
	}
	s.e.ConsumeAll()
}

var alice = shared.Me{Stage: shared.NextDone, Username: "alice", Account: "Acme", Role: shared.RoleUser,
	TOTPEnabled: true, TOTPEnabledAt: "2026-11-23T10:00:00Z", RecoveryCodesLeft: 10}

func TestPages_AskForTheUserOnceAndShareIt(t *testing.T) {
	api := newFakeAPI(t)
	recordNavigation(t)
	api.on("GET /api/me", answer(200, alice))

	s := open(t, &homeOnClient{})
	sameRequests(t, api.sent(), "GET /api/me")
	contains(t, s.html(), `id="welcome"`, ">alice<")

	s.load(t, &profileOnClient{})
	sameRequests(t, api.sent()) // the profile page knows the user already
	contains(t, s.html(), `id="profile-username"`, ">alice<", ">On<", "10 recovery codes")
}

func TestPages_FollowTheUserWhenAFlowChangesIt(t *testing.T) {
	api := newFakeAPI(t)
	went := recordNavigation(t)
	api.on("GET /api/me", answer(200, alice))
	s := open(t, &profileOnClient{})
	api.sent()

	// Regenerate, say, leaves two codes: the page shows it without asking.
	s.do(func(ctx app.Context) { updateMe(ctx, func(me *shared.Me) { me.RecoveryCodesLeft = 2 }) })
	contains(t, s.html(), "2 recovery codes", `id="codes-warning"`)
	sameRequests(t, api.sent())

	// The server says the session must set up 2FA now (the policy was
	// switched on for a user without it): off to the setup window.
	s.load(t, &homeOnClient{})
	s.do(func(ctx app.Context) {
		updateMe(ctx, func(me *shared.Me) { me.Stage, me.TOTPEnabled = shared.NextEnroll, false })
	})
	if want := []string{"/profile?setup=1"}; !reflect.DeepEqual(*went, want) {
		t.Errorf("navigated to %q, want %q", *went, want)
	}
}

func TestLogout_TheLoginPageKnowsTheSessionEnded(t *testing.T) {
	api := newFakeAPI(t)
	recordNavigation(t)
	api.on("POST /api/logout", answer(204, nil))
	h := &headerOnClient{appHeader: appHeader{Me: &alice, open: true}}
	s := open(t, h)
	s.signIn(&alice)

	s.do(func(ctx app.Context) { h.logout(ctx, noEvent) })
	s.load(t, &loginOnClient{})
	sameRequests(t, api.sent(), "POST /api/logout") // no GET /api/me: the app knows
	contains(t, s.html(), `id="username"`)
}

func TestLogin_TheNextPageAsksWhoIsSignedIn(t *testing.T) {
	api := newFakeAPI(t)
	went := recordNavigation(t)
	api.on("GET /api/me", answer(401, errPleaseLogIn))
	api.on("POST /api/login", answer(200, shared.LoginResponse{Next: shared.NextDone}))
	p := &loginOnClient{}
	s := open(t, p)
	s.do(func(ctx app.Context) {
		p.username, p.password = "alice", "alice's password"
		p.submitPassword(ctx, noEvent)
	})
	if want := []string{"/"}; !reflect.DeepEqual(*went, want) {
		t.Fatalf("navigated to %q, want %q", *went, want)
	}

	api.on("GET /api/me", answer(200, alice))
	s.load(t, &homeOnClient{})
	sameRequests(t, api.sent(), `POST /api/login {"username":"alice","password":"alice's password"}`, "GET /api/me")
	contains(t, s.html(), `id="welcome"`, ">alice<")
}

// Connect hands the codes up to be shown once, and the app's user has 2FA
// on at once; the stage (the end of an enrolment) comes from the server.
func TestConnect_TheUserHas2FAAndTheServerSaysTheNewStage(t *testing.T) {
	api := newFakeAPI(t)
	api.on("POST /api/2fa/setup", answer(200, shared.TOTPSetup{Secret: "JBSWY3DPEHPK3PXP", QRPNG: "iVBORw0KGgo="}))
	api.on("POST /api/2fa/connect", answer(200, shared.ConnectResponse{RecoveryCodes: tenCodes}))
	api.on("GET /api/me", answer(200, alice))
	var shown []string
	c := &connectOnClient{connectTwoFactor: connectTwoFactor{Open: true,
		OnConnected: func(_ app.Context, codes []string) { shown = codes }}}
	s := open(t, c)
	enrolling := shared.Me{Stage: shared.NextEnroll, Username: "alice", Force2FA: true}
	s.signIn(&enrolling)
	contains(t, s.html(), `id="qr-code"`) // Open: the setup window at once

	s.do(func(ctx app.Context) { c.code = "123 456"; c.connect(ctx, noEvent) })
	sameRequests(t, api.sent(), "POST /api/2fa/setup", `POST /api/2fa/connect {"code":"123456"}`, "GET /api/me")
	if !reflect.DeepEqual(shown, tenCodes) {
		t.Errorf("codes handed up: %q", shown)
	}
	if me := s.user().me; me == nil || !me.TOTPEnabled || me.Stage != shared.NextDone {
		t.Errorf("the app's user after connecting: %+v", me)
	}
	lacks(t, s.html(), `id="qr-code"`, `role="alert"`)
}

// The login page asks who is signed in only when the browser had a session
// when the app last knew: a plain visit sends nothing, so no 401 is logged.
// A stale hint costs one question, and its 401 ends the hint.
func TestLoginPage_AsksWhoIsSignedInOnlyWhenASessionMayExist(t *testing.T) {
	api := newFakeAPI(t)
	went := recordNavigation(t)
	s := open(t, &loginOnClient{})
	sameRequests(t, api.sent())
	contains(t, s.html(), `id="username"`)
	if st := s.user().status; st != meSignedOut {
		t.Errorf("without a hint the visitor is %v, want signed out", st)
	}

	api.on("GET /api/me", answer(401, errPleaseLogIn))
	s = open(t, &loginOnClient{hinted: true})
	sameRequests(t, api.sent(), "GET /api/me")
	var hinted bool
	s.c.context().LocalStorage().Get(sessionHint, &hinted)
	if hinted {
		t.Error("the hint outlived a 401")
	}

	api.on("GET /api/me", answer(200, alice))
	s = open(t, &loginOnClient{hinted: true})
	sameRequests(t, api.sent(), "GET /api/me")
	if want := []string{"/"}; !reflect.DeepEqual(*went, want) {
		t.Errorf("a signed-in visitor went to %q, want %q", *went, want)
	}

	// A login leaves the hint for the next visit.
	api.on("POST /api/login", answer(200, shared.LoginResponse{Next: shared.NextDone}))
	p := &loginOnClient{}
	s = open(t, p)
	s.do(func(ctx app.Context) {
		p.username, p.password = "alice", "alice's password"
		p.submitPassword(ctx, noEvent)
	})
	s.c.context().LocalStorage().Get(sessionHint, &hinted)
	if !hinted {
		t.Error("no hint after a login")
	}
}
