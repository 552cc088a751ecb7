package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/auth/idp"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// The relying party of these tests is go-oidc with x/oauth2, nobody's code
// here: what it accepts, an application out there accepts.

const appRedirect = "https://app.example.com/cb"

// rp is an application registered with Warden, and the provider as
// go-oidc discovered it.
type rp struct {
	e        *env
	cfg      oauth2.Config
	provider *gooidc.Provider
}

// walkClock runs the server's clock at real time (op and go-oidc check
// expiries against it), plus a step a test adds to pass a TOTP step.
func (e *env) walkClock() *time.Duration {
	var ahead time.Duration
	e.svc.Now = func() time.Time { return time.Now().Add(ahead) }
	return &ahead
}

func (e *env) registerApp(t *testing.T, nc idp.NewClient) *rp {
	t.Helper()
	if nc.Name == "" {
		nc.Name, nc.RedirectURIs = "Reports", []string{appRedirect}
	}
	c, secret, err := e.svc.IDP.CreateClient(context.Background(), nc)
	if err != nil {
		t.Fatal(err)
	}
	p, err := gooidc.NewProvider(context.Background(), e.srv.URL)
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	var doc struct {
		ResponseTypes []string `json:"response_types_supported"`
		GrantTypes    []string `json:"grant_types_supported"`
		PKCE          []string `json:"code_challenge_methods_supported"`
		EndSession    string   `json:"end_session_endpoint"`
		Revocation    string   `json:"revocation_endpoint"`
	}
	// Discovery says what Warden does, and nothing it does not.
	if err := p.Claims(&doc); err != nil || !slices.Equal(doc.ResponseTypes, []string{"code"}) ||
		!slices.Equal(doc.GrantTypes, []string{"authorization_code", "refresh_token"}) || !slices.Equal(doc.PKCE, []string{"S256"}) ||
		doc.EndSession != e.srv.URL+idp.EndSessionPath || doc.Revocation != e.srv.URL+idp.RevokePath {
		t.Fatalf("discovery: %+v %v", doc, err)
	}
	return &rp{e: e, provider: p, cfg: oauth2.Config{ClientID: c.ID, ClientSecret: secret, Endpoint: p.Endpoint(),
		RedirectURL: nc.RedirectURIs[0], Scopes: []string{gooidc.ScopeOpenID, "profile", "email", gooidc.ScopeOfflineAccess}}}
}

// noFollow is a client of the browser's cookies that shows each redirect.
func noFollow(b *http.Client) *http.Client {
	return &http.Client{Jar: b.Jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// openGet sends a GET and returns the status and the Location.
func openGet(t *testing.T, c *http.Client, u string) (int, *url.URL) {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc, _ := res.Location()
	return res.StatusCode, loc
}

// startSignIn opens the application's authorization URL in the browser and
// returns the callback it leads to.
func (a *rp) startSignIn(t *testing.T, b *http.Client, opts ...oauth2.AuthCodeOption) string {
	t.Helper()
	status, loc := openGet(t, noFollow(b), a.cfg.AuthCodeURL("st-123", opts...))
	if status != http.StatusFound || loc == nil || loc.Path != idp.CallbackPath {
		t.Fatalf("/authorize: %d %v\n%s", status, loc, a.e.log.String())
	}
	return loc.String()
}

// finish opens the callback with the browser's session and returns the
// code and state the application got.
func (a *rp) finish(t *testing.T, b *http.Client, callback string) (code, state string) {
	t.Helper()
	status, loc := openGet(t, noFollow(b), callback)
	if status != http.StatusFound || loc == nil || !strings.HasPrefix(loc.String(), a.cfg.RedirectURL+"?") {
		t.Fatalf("callback: %d %v\n%s", status, loc, a.e.log.String())
	}
	return loc.Query().Get("code"), loc.Query().Get("state")
}

// signInWithTOTP is a user with an authenticator app signing in to the
// application: /authorize, Warden's login with the password and a code,
// and back. It returns the code and the PKCE verifier.
func (a *rp) signInWithTOTP(t *testing.T, username string, ahead *time.Duration) (code, verifier string) {
	t.Helper()
	e, b := a.e, a.e.browser()
	verifier = oauth2.GenerateVerifier()
	callback := a.startSignIn(t, b, oauth2.S256ChallengeOption(verifier), gooidc.Nonce("n-456"))
	// Without a session the callback sends the browser to the login page,
	// to come back.
	if status, loc := openGet(t, noFollow(b), callback); status != http.StatusSeeOther || loc.Path != "/login" || loc.Query().Get("return") != strings.TrimPrefix(callback, e.srv.URL) {
		t.Fatalf("callback before the login: %d %v", status, loc)
	}
	*ahead += 30 * time.Second // the next TOTP step
	e.loginWithCode(t, b, username, e.svc.Now())
	code, state := a.finish(t, b, callback)
	if state != "st-123" || code == "" {
		t.Fatalf("code %q, state %q", code, state)
	}
	return code, verifier
}

// totpUser makes a user of Acme with an authenticator app (olga with a
// confirmed e-mail address too).
func (e *env) totpUser(t *testing.T, name string) *domain.User {
	t.Helper()
	u := e.user(name, shared.RoleUser, "Acme")
	b := e.browser()
	e.login(b, name, password)
	if name == "olga" {
		box, m := e.mailOn(t)
		e.confirmAddress(t, b, box, m, "olga@example.com")
	}
	if e.secrets == nil {
		e.secrets = map[string]string{}
	}
	e.secrets[name] = e.enroll(t, b, e.svc.Now())
	e.do(b, "POST", "/api/logout", nil)
	return u
}

// newOlgaAndApp is a test's start: a fresh server, olga with her
// authenticator app, a confidential client, and the clock that walks.
func newOlgaAndApp(t *testing.T, dialect string) (*env, *rp, *time.Duration) {
	t.Helper()
	e := newEnv(t, dialect)
	ahead := e.walkClock()
	e.totpUser(t, "olga")
	return e, e.registerApp(t, idp.NewClient{}), ahead
}

// grantOf is the grant a refresh token belongs to, from the database.
func (e *env) grantOf(refresh string) (*domain.OIDCGrant, error) {
	_, g, err := e.st.TokenGrant(context.Background(), core.HashToken(refresh))
	return g, err
}

func TestOpenID_CodeFlowWithPKCEAndTOTPGivesVerifiedIdentityAndRotatingRefresh(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e, app, ahead := newOlgaAndApp(t, dialect)
			ctx := context.Background()

			code, verifier := app.signInWithTOTP(t, "olga", ahead)
			tok, err := app.cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier))
			if err != nil {
				t.Fatalf("exchange: %v\n%s", err, e.log.String())
			}
			raw, _ := tok.Extra("id_token").(string)
			idt, err := app.provider.Verifier(&gooidc.Config{ClientID: app.cfg.ClientID}).Verify(ctx, raw)
			if err != nil {
				t.Fatalf("ID token: %v", err)
			}
			var claims struct {
				Username string   `json:"preferred_username"`
				Email    string   `json:"email"`
				Verified bool     `json:"email_verified"`
				AMR      []string `json:"amr"`
				ACR      string   `json:"acr"`
				Account  string   `json:"account_name"`
				Role     string   `json:"role"`
				AuthTime int64    `json:"auth_time"`
			}
			if err := idt.Claims(&claims); err != nil {
				t.Fatal(err)
			}
			if idt.Nonce != "n-456" || idt.Subject == "" || idt.Subject == "olga" || claims.Username != "olga" || claims.Email != "olga@example.com" || !claims.Verified ||
				!slices.Equal(claims.AMR, []string{"pwd", "otp", "mfa"}) || claims.ACR != idp.ACRMultiFactor ||
				claims.Account != "Acme" || claims.Role != shared.RoleUser || claims.AuthTime == 0 {
				t.Fatalf("ID token claims: sub %q nonce %q %+v", idt.Subject, idt.Nonce, claims)
			}

			// A browser app may ask too: its preflight is answered, without
			// the browser's cookies.
			a := e.do(e.browser(), "OPTIONS", idp.UserinfoPath, nil, "Origin", "https://spa.example",
				"Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization")
			if a.status >= 300 || a.header.Get("Access-Control-Allow-Origin") != "https://spa.example" || a.header.Get("Access-Control-Allow-Credentials") != "" {
				t.Fatalf("preflight: %d %v", a.status, a.header)
			}
			info, err := app.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
			if err != nil || info.Subject != idt.Subject || info.Email != "olga@example.com" || !info.EmailVerified {
				t.Fatalf("userinfo: %v %+v", err, info)
			}

			// Refresh: a new refresh token each time; the spent one, shown
			// again, ends the whole family.
			old := *tok
			old.Expiry = time.Now().Add(-time.Minute)
			fresh, err := app.cfg.TokenSource(ctx, &old).Token()
			if err != nil || fresh.RefreshToken == "" || fresh.RefreshToken == tok.RefreshToken || fresh.AccessToken == tok.AccessToken {
				t.Fatalf("refresh: %v %+v", err, fresh)
			}
			if _, err := app.cfg.TokenSource(ctx, &old).Token(); err == nil {
				t.Fatal("a spent refresh token was taken again")
			}
			if g, err := e.grantOf(fresh.RefreshToken); !errors.Is(err, domain.ErrNotFound) {
				t.Fatalf("after the replay the family lives on: %+v %v", g, err)
			}
			stale := *fresh
			stale.Expiry = time.Now().Add(-time.Minute)
			if _, err := app.cfg.TokenSource(ctx, &stale).Token(); err == nil {
				t.Fatal("the family's newest refresh token still works after a replay")
			}
			if _, err := app.provider.UserInfo(ctx, oauth2.StaticTokenSource(fresh)); err == nil {
				t.Fatal("the family's access token still works after a replay")
			}
		})
	}
}

// exchange posts a code to the token endpoint as the client id/secret and
// returns the status.
func (a *rp) exchange(t *testing.T, clientID, secret, code, redirect, verifier string) int {
	t.Helper()
	status, _ := a.exchangeFrom(t, "", clientID, secret, code, redirect, verifier)
	return status
}

// exchangeFrom is exchange sent by a page of origin (none: "") as a browser
// sends it, and returns the answer's headers too.
func (a *rp) exchangeFrom(t *testing.T, origin, clientID, secret, code, redirect, verifier string) (int, http.Header) {
	t.Helper()
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}, "client_id": {clientID}}
	if verifier != "" {
		form.Set("code_verifier", verifier)
	}
	status, h, _ := a.postAs(t, idp.TokenPath, form, clientID, secret, origin)
	return status, h
}

// postAs posts form to path as the client (HTTP Basic with its secret;
// none: the client_id alone), from a page of origin (none: ""), and returns
// the answer.
func (a *rp) postAs(t *testing.T, path string, form url.Values, clientID, secret, origin string) (int, http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest("POST", a.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if secret != "" {
		req.SetBasicAuth(url.QueryEscape(clientID), url.QueryEscape(secret))
	}
	if origin != "" {
		req.Header.Set("Origin", origin)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, body
}

// A code works once. Twenty racers with one code: one spends it, and the
// nineteen others are replays, which end whatever it gave (RFC 6749
// 4.1.2): a grant made before them is deleted, one made after them is
// refused.
func TestOpenID_TwentyRacersWithOneCodeLeaveNoGrant(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e, app, ahead := newOlgaAndApp(t, dialect)
			code, verifier := app.signInWithTOTP(t, "olga", ahead)
			statuses := e.raceAt(t, "TakeAuthCode", 20, func(int) int {
				return app.exchange(t, app.cfg.ClientID, app.cfg.ClientSecret, code, appRedirect, verifier)
			})
			if count(statuses, 200) > 1 || count(statuses, 200)+count(statuses, 400) != 20 {
				t.Fatalf("statuses of 20 exchanges of one code: %v", statuses)
			}
			if got := storetest.Rows(t, e.st, "SELECT (SELECT count(*) FROM oidc_grants) + (SELECT count(*) FROM oidc_tokens)"); got[0][0] != "0" {
				t.Fatalf("grants and tokens left after a code's replays: %v", got)
			}
		})
	}
}

// A code exchanged, then presented again, ends the tokens it gave: the
// access token, the refresh token, the grant in the database.
func TestOpenID_AReusedCodeRevokesTheTokensItGave(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e, app, ahead := newOlgaAndApp(t, dialect)
			code, verifier := app.signInWithTOTP(t, "olga", ahead)
			tok, err := app.cfg.Exchange(context.Background(), code, oauth2.VerifierOption(verifier))
			if err != nil {
				t.Fatalf("exchange: %v", err)
			}
			if _, err := app.provider.UserInfo(context.Background(), oauth2.StaticTokenSource(tok)); err != nil {
				t.Fatalf("userinfo before the replay: %v", err)
			}
			if status := app.exchange(t, app.cfg.ClientID, app.cfg.ClientSecret, code, appRedirect, verifier); status != 400 {
				t.Fatalf("the code's second exchange: %d", status)
			}
			app.assertTokensEnded(t, "a replayed code", tok)
			if got := storetest.Rows(t, e.st, "SELECT count(*) FROM oidc_auth_requests"); got[0][0] != "0" {
				t.Fatalf("the replayed code's request is kept: %v", got)
			}
			// Its third showing finds nothing, and is refused all the same.
			if status := app.exchange(t, app.cfg.ClientID, app.cfg.ClientSecret, code, appRedirect, verifier); status != 400 {
				t.Fatalf("the code's third exchange: %d", status)
			}
		})
	}
}

func TestOpenID_ACodeIsRefusedToAnotherClientOrRedirectAndThenSpent(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e, app, ahead := newOlgaAndApp(t, dialect)
			other := e.registerApp(t, idp.NewClient{Name: "Other", RedirectURIs: []string{appRedirect}})

			code, verifier := app.signInWithTOTP(t, "olga", ahead)
			if s := app.exchange(t, other.cfg.ClientID, other.cfg.ClientSecret, code, appRedirect, verifier); s != 400 {
				t.Fatalf("another client's exchange: %d", s)
			}
			// The attempt spent the code: the real client cannot use it either.
			if s := app.exchange(t, app.cfg.ClientID, app.cfg.ClientSecret, code, appRedirect, verifier); s != 400 {
				t.Fatalf("the code after another client tried it: %d", s)
			}

			code, verifier = app.signInWithTOTP(t, "olga", ahead)
			if s := app.exchange(t, app.cfg.ClientID, app.cfg.ClientSecret, code, appRedirect+"/other", verifier); s != 400 {
				t.Fatalf("another redirect_uri: %d", s)
			}
			code, verifier = app.signInWithTOTP(t, "olga", ahead)
			if s := app.exchange(t, app.cfg.ClientID, "wrong-secret", code, appRedirect, verifier); s != 401 {
				t.Fatalf("a wrong secret: %d", s)
			}
			// A code not exchanged within its two minutes is void.
			code, verifier = app.signInWithTOTP(t, "olga", ahead)
			*ahead += 2*time.Minute + time.Second
			if s := app.exchange(t, app.cfg.ClientID, app.cfg.ClientSecret, code, appRedirect, verifier); s != 400 {
				t.Fatalf("a code past its life: %d", s)
			}
		})
	}
}

func TestOpenID_PKCEIsRequiredOfAPublicClientAndItsVerifierChecked(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			ahead := e.walkClock()
			e.totpUser(t, "olga")
			app := e.registerApp(t, idp.NewClient{Name: "SPA", RedirectURIs: []string{appRedirect}, Public: true})
			b := e.browser()
			for name, opts := range map[string][]oauth2.AuthCodeOption{
				"no challenge": nil,
				"plain":        {oauth2.SetAuthURLParam("code_challenge", "abc"), oauth2.SetAuthURLParam("code_challenge_method", "plain")},
			} {
				status, loc := openGet(t, noFollow(b), app.cfg.AuthCodeURL("st-123", opts...))
				if status != http.StatusFound || loc.Query().Get("error") != "invalid_request" || loc.Query().Get("code") != "" {
					t.Fatalf("%s: %d %v", name, status, loc)
				}
			}
			code, verifier := app.signInWithTOTP(t, "olga", ahead)
			if s := app.exchange(t, app.cfg.ClientID, "", code, appRedirect, verifier+"x"); s != 400 {
				t.Fatalf("a wrong verifier: %d", s)
			}
			code, _ = app.signInWithTOTP(t, "olga", ahead)
			if s := app.exchange(t, app.cfg.ClientID, "", code, appRedirect, ""); s != 400 {
				t.Fatalf("no verifier: %d", s)
			}
			// The right one, sent as a browser app sends it: from its own
			// origin, which may read the answer but never with cookies.
			code, verifier = app.signInWithTOTP(t, "olga", ahead)
			s, h := app.exchangeFrom(t, "https://spa.example", app.cfg.ClientID, "", code, appRedirect, verifier)
			if s != 200 || h.Get("Access-Control-Allow-Origin") != "https://spa.example" || h.Get("Access-Control-Allow-Credentials") != "" {
				t.Fatalf("the right verifier from the app's origin: %d %v\n%s", s, h, e.log.String())
			}
		})
	}
}

func TestOpenID_NearMissRedirectURIsAreRefusedWithoutRedirecting(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			e.walkClock()
			app := e.registerApp(t, idp.NewClient{})
			b := noFollow(e.browser())
			for _, bad := range []string{
				"https://app.example.com/cb2", "https://app.example.com/c", "https://app.example.com/cb/",
				"https://app.example.com:8443/cb", "https://evil@app.example.com/cb", "https://app.example.com/cb#frag",
				"http://app.example.com/cb", "https://app.example.com.evil.example/cb", "https://evil.example/cb",
			} {
				cfg := app.cfg
				cfg.RedirectURL = bad
				res, err := b.Get(cfg.AuthCodeURL("st-123", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
				if err != nil {
					t.Fatal(err)
				}
				body := readBody(res)
				if res.StatusCode != 400 || res.Header.Get("Location") != "" || !strings.Contains(body, htmlText(words.English.Say(words.AppSignInRefused))) {
					t.Errorf("%s: %d %q %s", bad, res.StatusCode, res.Header.Get("Location"), body)
				}
			}
			// An unknown client too.
			cfg := app.cfg
			cfg.ClientID = "nobody"
			if status, loc := openGet(t, b, cfg.AuthCodeURL("st-123")); status != 400 || loc != nil {
				t.Errorf("an unknown client: %d %v", status, loc)
			}
		})
	}
}

func TestOpenID_ASessionShortOfFullGetsNoCode(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			e.walkClock()
			u := e.user("paula", shared.RoleUser, "Acme")
			app := e.registerApp(t, idp.NewClient{})
			for _, stage := range []string{domain.StagePasswordOK, domain.StageEnrollment, domain.StagePasswordChange} {
				b := e.withCookie(e.sessionAt(u, stage))
				callback := app.startSignIn(t, b, oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))
				status, loc := openGet(t, noFollow(b), callback)
				if status != http.StatusSeeOther || loc.Path != "/login" || loc.Query().Get("code") != "" {
					t.Errorf("%s: %d %v", stage, status, loc)
				}
			}
			// An application that asked for no login page (prompt=none) is
			// told at once that a login is required.
			b := e.withCookie(e.sessionAt(u, domain.StagePasswordOK))
			callback := app.startSignIn(t, b, oauth2.S256ChallengeOption(oauth2.GenerateVerifier()), oauth2.SetAuthURLParam("prompt", "none"))
			status, loc := openGet(t, noFollow(b), callback)
			if status != http.StatusFound || !strings.HasPrefix(loc.String(), appRedirect+"?") || loc.Query().Get("error") != "login_required" ||
				loc.Query().Get("state") != "st-123" || loc.Query().Get("code") != "" {
				t.Errorf("prompt=none: %d %v", status, loc)
			}
			// A full session's request gets its code.
			b = e.withCookie(e.sessionAt(u, domain.StageFull))
			code, _ := app.finish(t, b, app.startSignIn(t, b, oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
			if code == "" {
				t.Fatal("a full session got no code")
			}
		})
	}
}

func readBody(res *http.Response) string {
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

// htmlText is s as html/template writes it in text.
func htmlText(s string) string { return template.HTMLEscapeString(s) }

// signIn logs olga in with pw, and with her authenticator's next code if
// she has one connected.
func (e *env) signIn(t *testing.T, b *http.Client, pw string, ahead *time.Duration) {
	t.Helper()
	var lr shared.LoginResponse
	e.login(b, "olga", pw).decode(t, &lr)
	if lr.Next != shared.NextTOTP {
		return
	}
	*ahead += 30 * time.Second
	if a := e.do(b, "POST", "/api/login/totp", shared.CodeRequest{Code: code(t, e.secrets["olga"], e.svc.Now())}); a.status != 200 {
		t.Fatalf("code step: %d %s", a.status, a.body)
	}
}

// signedInApp is olga, with pw, signed in to app in browser b: its tokens.
func (a *rp) signedInApp(t *testing.T, b *http.Client, pw string, ahead *time.Duration) *oauth2.Token {
	t.Helper()
	verifier := oauth2.GenerateVerifier()
	callback := a.startSignIn(t, b, oauth2.S256ChallengeOption(verifier))
	a.e.signIn(t, b, pw, ahead)
	code, _ := a.finish(t, b, callback)
	tok, err := a.cfg.Exchange(context.Background(), code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// assertTokensEnded checks that tok's grant is gone from the database and
// that neither its access nor its refresh token works.
func (a *rp) assertTokensEnded(t *testing.T, how string, tok *oauth2.Token) {
	t.Helper()
	ctx := context.Background()
	if g, err := a.e.grantOf(tok.RefreshToken); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("%s: the grant outlived its session: %+v %v", how, g, err)
	}
	if _, err := a.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok)); err == nil {
		t.Errorf("%s: the access token still works", how)
	}
	old := *tok
	old.Expiry = time.Now().Add(-time.Minute)
	if _, err := a.cfg.TokenSource(ctx, &old).Token(); err == nil {
		t.Errorf("%s: the refresh token still works", how)
	}
}

// Whatever ends a Warden session ends what applications got from it.
func TestOpenID_EveryWayASessionEndsEndsItsTokens(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e, app, ahead := newOlgaAndApp(t, dialect)
			olga, err := e.st.UserByUsername(context.Background(), "olga")
			if err != nil {
				t.Fatal(err)
			}
			e.user("adam", shared.RoleAdmin, "Acme")
			admin := e.browser()
			e.login(admin, "adam", password)
			pw := password
			for _, end := range []struct {
				how string
				do  func(b *http.Client) answer
			}{
				{"logout", func(b *http.Client) answer { return e.do(b, "POST", "/api/logout", nil) }},
				{"ended from another browser", func(b *http.Client) answer {
					other := e.browser()
					e.signIn(t, other, pw, ahead)
					var list shared.Sessions
					e.do(other, "GET", "/api/me/sessions", nil).decode(t, &list)
					for _, s := range list.Sessions {
						if !s.Current {
							return e.do(other, "DELETE", fmt.Sprintf("/api/me/sessions/%d", s.ID), nil)
						}
					}
					t.Fatal("no other session")
					return answer{}
				}},
				{"the user's password changed elsewhere", func(b *http.Client) answer {
					other := e.browser()
					e.signIn(t, other, pw, ahead)
					a := e.do(other, "POST", "/api/me/password", shared.ChangePasswordRequest{Current: pw, New: pw + " anew"})
					pw += " anew"
					return a
				}},
				{"2FA reset by the administrator", func(b *http.Client) answer {
					return e.do(admin, "POST", fmt.Sprintf("/api/admin/users/%d/reset-2fa", olga.ID), nil)
				}},
				{"the user disabled", func(b *http.Client) answer {
					yes := true
					return e.do(admin, "PATCH", fmt.Sprintf("/api/admin/users/%d", olga.ID), shared.UserPatch{Disabled: &yes})
				}},
			} {
				b := e.browser()
				tok := app.signedInApp(t, b, pw, ahead)
				if _, err := app.provider.UserInfo(context.Background(), oauth2.StaticTokenSource(tok)); err != nil {
					t.Fatalf("%s: userinfo before: %v", end.how, err)
				}
				if a := end.do(b); a.status >= 300 {
					t.Fatalf("%s: %d %s", end.how, a.status, a.body)
				}
				app.assertTokensEnded(t, end.how, tok)
				if t.Failed() {
					return
				}
			}
		})
	}
}

// A sign-in Warden no longer stands by ends its tokens before any sweep: a
// session past its end, a user whom the account's Force 2FA sends back to
// the setup.
func TestOpenID_TokensEndWithTheSessionsEndAndTheForcedPolicy(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			ahead := e.walkClock()
			e.user("olga", shared.RoleUser, "Acme")
			root := e.user("root", shared.RoleAdmin, "Acme")
			app := e.registerApp(t, idp.NewClient{})
			ctx := context.Background()

			tok := app.signedInApp(t, e.browser(), password, ahead)
			*ahead += e.svc.SessionMax
			old := *tok
			old.Expiry = time.Now().Add(-time.Minute)
			if _, err := app.cfg.TokenSource(ctx, &old).Token(); err == nil {
				t.Fatal("a refresh token outlived its session's end")
			}

			tok = app.signedInApp(t, e.browser(), password, ahead)
			if _, err := app.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok)); err != nil {
				t.Fatalf("userinfo before the policy: %v", err)
			}
			admin := e.browser()
			e.login(admin, "root", password)
			e.enroll(t, admin, e.svc.Now())
			if a := e.setPolicy(t, admin, root.AccountID, true); a.status != 200 {
				t.Fatalf("Force 2FA: %d %s", a.status, a.body)
			}
			if _, err := app.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok)); err == nil {
				t.Fatal("userinfo after Force 2FA sent the user back to the setup")
			}
			old = *tok
			old.Expiry = time.Now().Add(-time.Minute)
			if _, err := app.cfg.TokenSource(ctx, &old).Token(); err == nil {
				t.Fatal("a refresh after Force 2FA sent the user back to the setup")
			}
		})
	}
}

// A client for users only stops answering for a user made an administrator
// since: the rule holds for the tokens, not only the sign-in.
func TestOpenID_AClientsRulesHoldForItsTokens(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			ahead := e.walkClock()
			olga := e.user("olga", shared.RoleUser, "Acme")
			e.user("adam", shared.RoleAdmin, "Acme")
			app := e.registerApp(t, idp.NewClient{Name: "Staff", RedirectURIs: []string{appRedirect}, Roles: []string{shared.RoleUser}})
			ctx := context.Background()

			// An administrator is sent back to the application refused.
			b := e.browser()
			callback := app.startSignIn(t, b, oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))
			e.login(b, "adam", password)
			status, loc := openGet(t, noFollow(b), callback)
			if status != http.StatusFound || !strings.HasPrefix(loc.String(), appRedirect+"?") || loc.Query().Get("error") != "access_denied" || loc.Query().Get("code") != "" {
				t.Fatalf("an administrator at a client for users: %d %v", status, loc)
			}

			tok := app.signedInApp(t, e.browser(), password, ahead)
			if _, err := app.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok)); err != nil {
				t.Fatalf("userinfo as a user: %v", err)
			}
			role := shared.RoleAdmin // by the command line: it ends no session
			if _, _, err := e.st.ChangeUser(ctx, olga.ID, 0, domain.UserChange{Role: &role}, e.svc.Now(), nil); err != nil {
				t.Fatal(err)
			}
			if _, err := app.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok)); err == nil {
				t.Fatal("userinfo as an administrator at a client for users")
			}
			old := *tok
			old.Expiry = time.Now().Add(-time.Minute)
			if _, err := app.cfg.TokenSource(ctx, &old).Token(); err == nil {
				t.Fatal("a refresh as an administrator at a client for users")
			}
		})
	}
}

// revoke asks the revocation endpoint, as the client of as, to end token.
func (a *rp) revoke(t *testing.T, as *rp, token string) int {
	t.Helper()
	status, _, _ := a.postAs(t, idp.RevokePath, url.Values{"token": {token}}, as.cfg.ClientID, as.cfg.ClientSecret, "")
	return status
}

func TestOpenID_RevocationEndsAnAccessTokenAndARefreshTokenItsGrant(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e, app, ahead := newOlgaAndApp(t, dialect)
			other := e.registerApp(t, idp.NewClient{Name: "Other", RedirectURIs: []string{appRedirect}})
			ctx := context.Background()
			works := func(tok *oauth2.Token) bool {
				_, err := app.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
				return err == nil
			}
			tok := app.signedInApp(t, e.browser(), password, ahead)

			if s := app.revoke(t, other, tok.AccessToken); s != 401 || !works(tok) {
				t.Fatalf("another client revoked the token: %d", s)
			}
			if s := app.revoke(t, app, tok.AccessToken); s != 200 || works(tok) {
				t.Fatalf("revoke the access token: %d", s)
			}
			// The refresh token is another token: it still works.
			old := *tok
			old.Expiry = time.Now().Add(-time.Minute)
			fresh, err := app.cfg.TokenSource(ctx, &old).Token()
			if err != nil || !works(fresh) {
				t.Fatalf("refresh after the access token's revocation: %v", err)
			}
			if s := app.revoke(t, other, fresh.RefreshToken); s != 401 {
				t.Fatalf("another client revoked the refresh token: %d", s)
			}
			if s := app.revoke(t, app, fresh.RefreshToken); s != 200 || works(fresh) {
				t.Fatalf("revoke the refresh token: %d, its access token works: %v", s, works(fresh))
			}
			if g, err := e.grantOf(fresh.RefreshToken); !errors.Is(err, domain.ErrNotFound) {
				t.Fatalf("the revoked family lives on: %+v %v", g, err)
			}
			if s := app.revoke(t, app, "no-such-token"); s != 200 {
				t.Fatalf("an unknown token: %d", s)
			}
		})
	}
}

// introspect asks the introspection endpoint, as the client of as, about
// token.
func (a *rp) introspect(t *testing.T, as *rp, token string) (int, map[string]any) {
	t.Helper()
	status, _, body := a.postAs(t, idp.IntrospectPath, url.Values{"token": {token}}, as.cfg.ClientID, as.cfg.ClientSecret, "")
	var out map[string]any
	json.Unmarshal(body, &out)
	return status, out
}

func TestOpenID_IntrospectionAnswersTheTokensClientWhileTheSignInStands(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e, app, ahead := newOlgaAndApp(t, dialect)
			other := e.registerApp(t, idp.NewClient{Name: "Other", RedirectURIs: []string{appRedirect}})
			b := e.browser()
			tok := app.signedInApp(t, b, password, ahead)

			s, got := app.introspect(t, app, tok.AccessToken)
			if s != 200 || got["active"] != true || got["client_id"] != app.cfg.ClientID || got["sub"] == "" ||
				got["username"] != nil && got["username"] != "olga" || got["preferred_username"] != "olga" || got["role"] != shared.RoleUser {
				t.Fatalf("the token's client: %d %v", s, got)
			}
			if s, got := app.introspect(t, other, tok.AccessToken); s != 200 || got["active"] != false || len(got) != 1 {
				t.Fatalf("another client: %d %v", s, got)
			}
			if s, got := app.introspect(t, app, tok.RefreshToken); s != 200 || got["active"] != false {
				t.Fatalf("a refresh token: %d %v", s, got)
			}
			if s, _ := app.introspect(t, &rp{cfg: oauth2.Config{ClientID: app.cfg.ClientID, ClientSecret: "wrong"}}, tok.AccessToken); s != 401 {
				t.Fatalf("a wrong secret: %d", s)
			}
			e.do(b, "POST", "/api/logout", nil)
			if s, got := app.introspect(t, app, tok.AccessToken); s != 200 || got["active"] != false {
				t.Fatalf("after the logout: %d %v", s, got)
			}
		})
	}
}

// A sign-in completes only in the browser that started it: an attacker who
// starts one and sends its callback link to a signed-in victim gets no code
// for the victim, whose browser gets Warden's page.
func TestOpenID_ACallbackLinkOpenedInAnotherBrowserGivesNoCode(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e, app, ahead := newOlgaAndApp(t, dialect)
			e.user("vera", shared.RoleUser, "Acme")
			attacker := e.browser()
			callback := app.startSignIn(t, attacker, oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))

			victim := e.browser()
			e.login(victim, "vera", password)
			res, err := noFollow(victim).Get(callback)
			if err != nil {
				t.Fatal(err)
			}
			if body := readBody(res); res.StatusCode != 400 || res.Header.Get("Location") != "" || !strings.Contains(body, htmlText(words.English.Say(words.AppSignInExpired))) {
				t.Fatalf("the victim's browser: %d %q %s", res.StatusCode, res.Header.Get("Location"), body)
			}
			// The browser that started it completes it.
			e.signIn(t, attacker, password, ahead)
			if code, _ := app.finish(t, attacker, callback); code == "" {
				t.Fatal("no code in the browser that started the sign-in")
			}
		})
	}
}
