package httpapi

import (
	"net/http"

	"github.com/warden-auth/warden/server/auth/idp"
	"github.com/warden-auth/warden/shared"
)

// access is who may call a route. The checks live in one place (serveRoute)
// so that no handler can forget them.
type access int

const (
	public     access = iota // anyone; the handler reads the session itself if it cares
	secondStep               // a session whose password was right and whose second factor is due
	pastLogin                // a session that must replace its one-time password or set up 2FA, or a full one
	choosing                 // a session that must replace its one-time password, or a full one
	enrolling                // a session that must set up 2FA, or a full one
	signedIn                 // a full session
	adminOnly                // a full session of an administrator (either kind; auth decides which account)
	// signingIn is a page of a sign-in to another application: a full
	// session; any other is sent to the login page, which leads back here
	// once the session is full (an application gets no code for less).
	signingIn
)

type route struct {
	method  string
	pattern string
	access  access
	handle  handlerFunc
}

// recent marks a sensitive route: it needs the password or a code given
// within the re-authentication window (auth.RequireRecentProof), else 403
// reauth_required, and the app asks for one and tries again. Routes that
// take a proof in their own body (Disconnect, Regenerate, the password
// change) are not marked.
func (s *Server) recent(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *request) error {
		if err := s.auth.Sessions.RequireRecentProof(r.session); err != nil {
			return err
		}
		return h(w, r)
	}
}

// routes is the whole API at a glance. Tests iterate it, so a route added
// here is covered by the stage and role checks without a test naming it.
func (s *Server) routes() []route {
	return []route{
		{"POST", "/api/login", public, s.handleLogin},
		{"POST", "/api/login/totp", secondStep, s.codeStep(shared.FactorTOTP)},
		{"POST", "/api/login/recovery", secondStep, s.codeStep(shared.MethodRecoveryCode)},
		{"GET", "/api/login/methods", secondStep, s.handleLoginMethods},
		{"POST", "/api/login/key/begin", secondStep, s.handleLoginKeyBegin},
		{"POST", "/api/login/key/finish", secondStep, s.handleLoginKeyFinish},
		{"POST", "/api/login/passkey/begin", public, s.handleLoginPasskeyBegin},
		{"POST", "/api/login/passkey/finish", public, s.handleLoginPasskeyFinish},
		{"POST", "/api/logout", public, s.handleLogout},
		{"GET", "/api/me", pastLogin, s.handleMe},
		{"POST", "/api/me/reauth", enrolling, s.handleReauth},
		{"POST", "/api/me/reauth/key/begin", enrolling, s.handleReauthKeyBegin},
		{"GET", "/api/me/logins", signedIn, s.handleMyLogins},
		{"POST", "/api/me/password", choosing, s.handleChangePassword},
		{"POST", "/api/password/strength", choosing, s.handlePasswordStrength},
		{"GET", "/api/me/notices", signedIn, s.handleMyNotices},
		{"POST", "/api/me/notices/read", signedIn, s.handleNoticesRead},
		{"PUT", "/api/me/email", signedIn, s.recent(s.handleSetEmail)},
		{"PUT", "/api/me/language", signedIn, s.handleSetLanguage},
		{"POST", "/api/email/confirm", public, s.handleConfirmEmail},
		{"GET", "/api/me/sessions", signedIn, s.handleMySessions},
		{"DELETE", "/api/me/sessions/{id}", signedIn, s.recent(s.handleEndSession)},
		{"POST", "/api/me/sessions/end-others", signedIn, s.recent(s.handleEndOtherSessions)},
		{"DELETE", "/api/me/trusted-browsers/{id}", signedIn, s.recent(s.handleRemoveTrustedBrowser)},
		{"POST", "/api/2fa/setup", enrolling, s.recent(s.handleSetup)},
		{"POST", "/api/2fa/connect", enrolling, s.recent(s.handleConnect)},
		{"POST", "/api/2fa/recovery-codes", signedIn, s.handleRegenerateCodes},
		{"POST", "/api/2fa/disconnect", signedIn, s.handleDisconnect},
		{"GET", "/api/2fa/methods", enrolling, s.handleMethods},
		{"POST", "/api/2fa/keys/begin", enrolling, s.recent(s.handleAddKeyBegin)},
		{"POST", "/api/2fa/keys/finish", enrolling, s.recent(s.handleAddKeyFinish)},
		{"PATCH", "/api/2fa/methods/{id}", signedIn, s.handleRenameMethod},
		{"DELETE", "/api/2fa/methods/{id}", signedIn, s.recent(s.handleRemoveMethod)},
		{"GET", "/api/admin/accounts", adminOnly, s.handleAdminAccounts},
		{"POST", "/api/admin/accounts", adminOnly, s.recent(s.handleCreateAccount)},
		{"PATCH", "/api/admin/accounts/{id}", adminOnly, s.recent(s.handleRenameAccount)},
		{"PUT", "/api/admin/accounts/{id}/settings", adminOnly, s.recent(s.handleAdminSettings)},
		{"GET", "/api/admin/users", adminOnly, s.handleAdminUsers},
		{"POST", "/api/admin/users", adminOnly, s.recent(s.handleCreateUser)},
		{"PATCH", "/api/admin/users/{id}", adminOnly, s.recent(s.handleChangeUser)},
		{"POST", "/api/admin/users/{id}/unlock", adminOnly, s.recent(s.handleUnlockUser)},
		{"POST", "/api/admin/users/{id}/reset-2fa", adminOnly, s.recent(s.handleAdminReset)},
		{"GET", "/api/admin/logins", adminOnly, s.handleAdminLogins},
		{"GET", "/api/admin/audit", adminOnly, s.handleAdminAudit},
		// Warden as the platform's OpenID Connect provider (auth/idp): the
		// protocol's endpoints are public, each checking what its protocol
		// asks (a client's secret, PKCE, an access token).
		{"GET", idp.DiscoveryPath, public, s.openID},
		{"GET", idp.KeysPath, public, s.openID},
		{"GET", idp.AuthorizePath, public, s.openID},
		{"POST", idp.AuthorizePath, public, s.openID},
		{"GET", idp.CallbackPath, signingIn, s.handleAuthorizeCallback},
		{"POST", idp.TokenPath, public, s.openID},
		{"GET", idp.UserinfoPath, public, s.openID},
		{"POST", idp.UserinfoPath, public, s.openID},
		{"POST", idp.RevokePath, public, s.openID},
		{"POST", idp.IntrospectPath, public, s.openID},
		{"GET", idp.EndSessionPath, public, s.handleAppLogout},
		// A browser app's preflight before it sends its access token.
		{"OPTIONS", idp.TokenPath, public, s.openID},
		{"OPTIONS", idp.UserinfoPath, public, s.openID},
	}
}

// anyOrigin are the routes a page of any origin may call: they take no
// cookie, only what their protocol authenticates by (a client's secret or
// PKCE verifier, an access token), so cross-origin protection would guard
// nothing there and stop the applications that run in a browser.
var anyOrigin = []string{"POST " + idp.TokenPath, "POST " + idp.UserinfoPath, "POST " + idp.RevokePath}

// formRoutes are the forms a person can submit before the app has loaded
// (forms.go): each runs the API route of its step.
func formRoutes() []formRoute {
	return []formRoute{
		{path: "/login", api: "/api/login", page: "/login", fields: []string{"username", "password"}, keep: "username"},
		{path: "/login/code", api: "/api/login/totp", page: "/login?step=code", fields: []string{"code"}},
		{path: "/login/recovery", api: "/api/login/recovery", page: "/login?step=recovery", fields: []string{"code"}},
		{path: "/profile/connect", api: "/api/2fa/connect", page: "/profile?setup=1", fields: []string{"code"}, codes: true},
		{path: "/logout", api: "/api/logout", page: "/login", to: "/login"},
		// The page a confirmation link opens: a GET shows the button, so a
		// mail scanner that fetches links confirms nothing.
		{path: "/email/confirm", api: "/api/email/confirm", page: "/email/confirm", fields: []string{"token"}, to: "/email/confirm?done=1"},
	}
}

// nextPages is where a login step's next leads.
var nextPages = map[string]string{
	shared.NextDone:   "/",
	shared.NextTOTP:   "/login?step=code",
	shared.NextEnroll: "/profile?setup=1",
	// The app's step; until it runs, the page says it is on its way.
	shared.NextChangePassword: "/login?step=new-password",
}

// mux registers the route table on a ServeMux: one entry per path, so that a
// known path with the wrong method answers 405 with the JSON error body.
func (s *Server) mux() *http.ServeMux {
	mux := http.NewServeMux()
	byPattern := map[string][]route{}
	var order []string
	for _, rt := range s.routes() {
		if _, seen := byPattern[rt.pattern]; !seen {
			order = append(order, rt.pattern)
		}
		byPattern[rt.pattern] = append(byPattern[rt.pattern], rt)
	}
	for _, p := range order {
		mux.Handle(p, s.dispatch(byPattern[p]))
	}
	for _, f := range formRoutes() {
		mux.Handle("POST "+f.path, s.formPost(f, s.dispatch(byPattern[f.api])))
	}
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, errNotFound)
	})
	mux.HandleFunc("POST /lang/{tag}", s.handleChooseLanguage)
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("GET /readyz", s.handleReady)
	mux.Handle("GET /profile", s.setupPage(s.pages))
	// The link's page holds its token: no cache keeps it.
	mux.Handle("GET /email/confirm", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.pages.ServeHTTP(&noStoreWriter{ResponseWriter: w}, r)
	}))
	mux.Handle("/", s.pages)
	return mux
}
