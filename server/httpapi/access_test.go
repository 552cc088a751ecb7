package httpapi

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
)

// sessionAt creates a session of the stage for the user straight in the
// store and returns its token: the way to reach stages whose endpoints are
// not the subject of the test. Like a login's, its proof of the user is
// fresh.
func (e *env) sessionAt(u *domain.User, stage string) string {
	e.t.Helper()
	token := rand.Text()
	now := e.svc.Now()
	err := e.st.CreateSession(context.Background(), &domain.Session{TokenHash: core.HashToken(token), UserID: u.ID,
		Stage: stage, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour), IP: "127.0.0.1", UserAgent: "test",
		ReauthAt: &now})
	if err != nil {
		e.t.Fatal(err)
	}
	return token
}

// TestRouteTable_EachStageAndRoleReachesOnlyItsRoutes walks the whole route
// table: no route can be added without falling under these checks.
func TestRouteTable_EachStageAndRoleReachesOnlyItsRoutes(t *testing.T) {
	e := newEnv(t, "sqlite")
	user := e.user("ursula", shared.RoleUser, "Acme")
	admin := e.user("adam", shared.RoleAdmin, "Acme")
	// A user per session: a full session's "End all others" must not end
	// the sessions the other callers are.
	halfway, enroller := e.user("paula", shared.RoleUser, "Acme"), e.user("enid", shared.RoleUser, "Acme")
	changer := e.user("chad", shared.RoleUser, "Acme")
	type caller struct {
		name  string
		token string
		// allowed reports whether the caller may reach a route of this
		// access; if not, refusal is the status and code it gets.
		allowed func(access) (ok bool, status int, code string)
	}
	unauth := func(access) (bool, int, string) { return false, 401, shared.EUnauthenticated }
	callers := []caller{
		{"no session", "", unauth},
		{"unknown token", "forged", unauth},
		{"password_ok", e.sessionAt(halfway, domain.StagePasswordOK), func(a access) (bool, int, string) {
			return a == secondStep, 401, shared.EUnauthenticated
		}},
		{"password_change", e.sessionAt(changer, domain.StagePasswordChange), func(a access) (bool, int, string) {
			if a == secondStep {
				return false, 403, shared.EForbidden
			}
			return a == choosing || a == pastLogin, 403, shared.EPasswordChange
		}},
		{"enrollment", e.sessionAt(enroller, domain.StageEnrollment), func(a access) (bool, int, string) {
			if a == secondStep {
				return false, 403, shared.EForbidden
			}
			return a == enrolling || a == pastLogin, 403, shared.EEnrollmentRequired
		}},
		{"full user", e.sessionAt(user, domain.StageFull), func(a access) (bool, int, string) {
			return a == pastLogin || a == choosing || a == enrolling || a == signedIn, 403, shared.EForbidden
		}},
		{"full admin", e.sessionAt(admin, domain.StageFull), func(a access) (bool, int, string) {
			return a != secondStep, 403, shared.EForbidden
		}},
	}
	for _, rt := range e.api.routes() {
		if rt.access == public {
			continue
		}
		// An id nothing has: an allowed call must not change what the
		// next callers are checked against (a reset would end sessions).
		path := strings.NewReplacer("{id}", "999999").Replace(rt.pattern)
		for _, c := range callers {
			t.Run(rt.method+" "+rt.pattern+" as "+c.name, func(t *testing.T) {
				cl := e.browser()
				if c.token != "" {
					cl = e.withCookie(c.token)
				}
				if rt.access == signingIn {
					full, _, _ := c.allowed(signedIn)
					e.checkSigningIn(t, noFollow(cl), rt, full)
					return
				}
				a := e.do(cl, rt.method, path, "{}")
				ok, status, code := c.allowed(rt.access)
				if ok {
					// Past the access check the handler may refuse the
					// empty body, but never with an access refusal.
					var got shared.Error
					if a.status >= 400 {
						got = a.apiError(t)
					}
					if slices.Contains([]string{shared.EUnauthenticated, shared.EForbidden, shared.EEnrollmentRequired, shared.EPasswordChange}, got.Code) {
						t.Fatalf("allowed caller refused: %d %s", a.status, a.body)
					}
					return
				}
				if a.status != status || a.apiError(t).Code != code {
					t.Fatalf("got %d %s, want %d %s", a.status, a.body, status, code)
				}
			})
		}
	}
}

func TestRouteTable_TheForcedPolicyTakesEffectOnExistingSessions(t *testing.T) {
	e := newEnv(t, "sqlite")
	u := e.user("alice", shared.RoleUser, "Acme")
	c := e.browser()
	e.login(c, "alice", password)
	if a := e.do(c, "GET", "/api/me", nil); a.status != 200 {
		t.Fatalf("before the policy: %d", a.status)
	}
	if _, err := e.st.SetForceTwoFactor(context.Background(), u.AccountID, true, 0, e.svc.Now(), nil); err != nil {
		t.Fatal(err)
	}
	// /api/me stays open to an enrolling session, so the app can show setup.
	a := e.do(c, "GET", "/api/me", nil)
	var me shared.Me
	a.decode(t, &me)
	if a.status != 200 || !me.Force2FA || me.TOTPEnabled {
		t.Fatalf("me under the policy: %d %s", a.status, a.body)
	}
	for _, rt := range e.api.routes() {
		if rt.access == signedIn || rt.access == adminOnly {
			if a := e.do(c, rt.method, rt.pattern, "{}"); a.status != 403 || a.apiError(t).Code != shared.EEnrollmentRequired {
				t.Errorf("%s %s under the policy: %d %s", rt.method, rt.pattern, a.status, a.body)
			}
		}
	}
	var lr shared.LoginResponse
	e.login(c, "alice", password).decode(t, &lr)
	if lr.Next != shared.NextEnroll {
		t.Fatalf("next login: %+v", lr)
	}
}

func TestErrors_OnlyCodedMessagesReachTheClient(t *testing.T) {
	e := newEnv(t, "sqlite")
	driverMsg := `pq: relation "users" does not exist at character 15`
	for _, tc := range []struct {
		err    error
		status int
		code   string
		msg    string
	}{
		{shared.Errorf(shared.EConflict, "Taken."), 409, shared.EConflict, "Taken."},
		{&shared.Error{Code: shared.ERateLimited, Message: "Wait."}, 429, shared.ERateLimited, "Wait."},
		{fmt.Errorf("%w: %s", domain.ErrUnavailable, driverMsg), 503, shared.EUnavailable, errUnavailable.Message},
		{errors.New(driverMsg), 500, shared.EInternal, errInternal.Message},
		{&shared.Error{Code: "made_up", Message: "?"}, 500, "made_up", "?"},
	} {
		rec := httptest.NewRecorder()
		e.api.writeError(rec, httptest.NewRequest("GET", "/api/x", nil), tc.err)
		var got shared.Error
		answer{body: rec.Body.Bytes()}.decode(t, &got)
		if rec.Code != tc.status || got.Code != tc.code || got.Message != tc.msg {
			t.Errorf("%v: %d %+v, want %d %s %q", tc.err, rec.Code, got, tc.status, tc.code, tc.msg)
		}
		if strings.Contains(rec.Body.String(), "pq:") {
			t.Errorf("driver message reached the client: %s", rec.Body)
		}
	}
	// That every code has a status is errors_test.go's, from shared.ErrorCodes.
	if !strings.Contains(e.log.String(), "does not exist at character 15") {
		t.Error("the internal error was not logged")
	}
}

func TestPanicsBecomeAGeneric500(t *testing.T) {
	e := newEnv(t, "sqlite")
	h := e.api.recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("secret detail") }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/x", nil))
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "secret detail") || strings.Contains(rec.Body.String(), "goroutine") {
		t.Fatalf("panic answer: %d %s", rec.Code, rec.Body)
	}
}

// checkSigningIn checks a signingIn route (a page of an application's
// sign-in): a full session passes, any other caller is sent to the login
// page to come back.
func (e *env) checkSigningIn(t *testing.T, c *http.Client, rt route, full bool) {
	t.Helper()
	status, loc := openGet(t, c, e.srv.URL+rt.pattern+"?id=none")
	toLogin := status == http.StatusSeeOther && loc != nil && loc.Path == "/login" && loc.Query().Get("return") == rt.pattern+"?id=none"
	if full == toLogin {
		t.Fatalf("full %v: %d %v", full, status, loc)
	}
}
