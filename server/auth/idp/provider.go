package idp

import (
	"context"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/rs/cors"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// The provider's paths, set here rather than left to op's defaults.
const (
	AuthorizePath  = "/authorize"
	CallbackPath   = shared.AppSignInCallback // op's: the authorize path and "/callback"
	TokenPath      = "/oauth/token"
	UserinfoPath   = "/userinfo"
	KeysPath       = "/oauth/keys"
	DiscoveryPath  = oidc.DiscoveryEndpoint
	RevokePath     = "/oauth/revoke"     // RFC 7009
	IntrospectPath = "/oauth/introspect" // RFC 7662
	EndSessionPath = "/oauth/logout"     // RP-initiated logout (EndSession)
)

// Provider is the OpenID Connect provider's HTTP face: op's endpoints and
// the callback that hands a full session's sign-in to a request.
type Provider struct {
	s  *Service
	op *op.Provider
	// cookiePrefix is "__Host-" where the browser gets Secure cookies, as
	// the HTTP layer's are (httpapi/cookie.go).
	cookiePrefix func(*http.Request) string
}

// Provider returns the provider, its issuer the one issuer gives for a
// request (PUBLIC_URL, or the request's own host in development), its
// cookie named with cookiePrefix's prefix.
func (s *Service) Provider(issuer, cookiePrefix func(*http.Request) string) (*Provider, error) {
	cfg := &op.Config{
		CodeMethodS256:        true,
		AuthMethodPost:        true,
		GrantTypeRefreshToken: true,
		SupportedUILocales:    []language.Tag{language.English, language.Russian},
		SupportedClaims: append(append([]string(nil), op.DefaultSupportedClaims...),
			ClaimAccountID, ClaimAccountName, ClaimRole),
		SupportedScopes: []string{oidc.ScopeOpenID, oidc.ScopeProfile, oidc.ScopeEmail, oidc.ScopeOfflineAccess},
		// A logout without a registered address to go back to ends on
		// Warden's own page.
		DefaultLogoutRedirectURI: "/",
	}
	// op seals codes and access tokens under a key of its own (AES-GCM):
	// sealedCrypto's is the database's, sealed under the key ring
	// (keys.Named), so that every server process opens what another sealed.
	endpoints := op.WithCustomEndpoints(op.NewEndpoint(AuthorizePath), op.NewEndpoint(TokenPath), op.NewEndpoint(UserinfoPath),
		op.NewEndpoint(RevokePath), op.NewEndpoint(EndSessionPath), op.NewEndpoint(KeysPath))
	p, err := op.NewProvider(cfg, storage{s}, func(bool) (op.IssuerFromRequest, error) { return issuer, nil },
		endpoints, op.WithCustomIntrospectionEndpoint(op.NewEndpoint(IntrospectPath)),
		op.WithCrypto(&sealedCrypto{s: s}), op.WithAllowInsecure(), op.WithCORSOptions(&corsOptions))
	if err != nil {
		return nil, err
	}
	return &Provider{s: s, op: p, cookiePrefix: cookiePrefix}, nil
}

// corsOptions let a page of any origin read the answers of the endpoints
// it may call (httpapi's anyOrigin), never with the browser's cookies: op's
// default would allow them.
var corsOptions = cors.Options{
	AllowOriginFunc:  func(string) bool { return true },
	AllowedMethods:   []string{http.MethodGet, http.MethodPost},
	AllowedHeaders:   []string{"Authorization", "Content-Type"},
	AllowCredentials: false,
}

// ServeHTTP serves op's endpoints. An error op would answer in its own
// words without sending the browser back (an unknown client, a redirect
// address not registered: sending it there would make Warden an open
// redirector) is Warden's page instead.
func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case AuthorizePath:
		p.op.ServeHTTP(&refusalPage{ResponseWriter: w, p: p, r: r}, r)
	case DiscoveryPath:
		p.discovery(w, r)
	default:
		p.op.ServeHTTP(w, r)
	}
}

// discovery is op's discovery document, saying only what Warden does: op
// names every flow and endpoint it has (the implicit flow, the device
// flow, logout), whatever its storage and routes serve.
func (p *Provider) discovery(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	p.op.ServeHTTP(rec, r)
	var doc map[string]any
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &doc) != nil {
		http.Error(w, "discovery failed", http.StatusInternalServerError)
		return
	}
	doc["response_types_supported"] = []string{string(oidc.ResponseTypeCode)}
	doc["grant_types_supported"] = []oidc.GrantType{oidc.GrantTypeCode, oidc.GrantTypeRefreshToken}
	doc["code_challenge_methods_supported"] = []oidc.CodeChallengeMethod{oidc.CodeChallengeMethodS256}
	doc["acr_values_supported"] = []string{ACRPassword, ACRMultiFactor, ACRPhishingResistant}
	delete(doc, "device_authorization_endpoint")
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(doc)
}

// logoutKey carries the browser's Warden session, and what ends it, from
// EndSession to op's TerminateSession.
type logoutKey struct{}

type logout struct {
	sess *domain.Session // nil: the browser has none
	end  func(context.Context) error
}

// EndSession serves RP-initiated logout (OpenID Connect RP-Initiated Logout
// 1.0) with op: the id_token_hint checked against the provider's key, the
// post_logout_redirect_uri matched exactly against the client's, the state
// sent back. The browser's session sess (nil: none) is ended by end, which
// ends every grant of it, when it is the session of the hint's user.
func (p *Provider) EndSession(w http.ResponseWriter, r *http.Request, sess *domain.Session, end func(context.Context) error) {
	ctx := context.WithValue(r.Context(), logoutKey{}, &logout{sess: sess, end: end})
	p.op.ServeHTTP(w, r.WithContext(ctx))
}

// Callback completes the request named by the id query parameter with sess,
// a full session, and sends the browser back to the client with a code. A
// user the client is not for is sent back with access_denied.
func (p *Provider) Callback(w http.ResponseWriter, r *http.Request, sess *domain.Session) {
	ctx := r.Context()
	id := r.URL.Query().Get("id")
	if !p.startedHere(r, id) {
		p.page(w, r, domain.ErrNotFound, words.AppSignInExpired)
		return
	}
	row, err := p.s.Store.AuthRequest(ctx, id, p.s.Now())
	if err != nil {
		p.page(w, r, err, words.AppSignInExpired)
		return
	}
	req, err := storage{p.s}.request(ctx, row)
	if err != nil {
		p.page(w, r, err, words.AppSignInRefused)
		return
	}
	c, err := p.s.Clients.Client(ctx, row.ClientID)
	if err != nil {
		p.page(w, r, err, words.AppSignInExpired)
		return
	}
	if !may(c, sess.User) {
		op.AuthRequestError(w, r, req, oidc.ErrAccessDenied().WithDescription("this application is not for this user"), p.op)
		return
	}
	pr, ok := proofFor(sess, c, row, req.p, p.s.Now())
	if !ok {
		p.askProof(w, r, req, c)
		return
	}
	if err := p.s.Store.CompleteAuthRequest(ctx, id, sess, methodsOf(pr.methods), pr.at, p.s.Now()); err != nil {
		p.page(w, r, err, words.AppSignInExpired)
		return
	}
	op.AuthorizeCallback(w, r, p.op)
}

// askProof answers the callback of a full session whose sign-in falls
// short of what the request needs (proofFor): no code, but the app's page
// that takes the proof and comes back (shared.AppSignInConfirm), or
// login_required to the client that asked for no page (prompt=none).
func (p *Provider) askProof(w http.ResponseWriter, r *http.Request, req *authRequest, c *domain.OIDCClient) {
	if slices.Contains(req.p.Prompt, oidc.PromptNone) {
		op.AuthRequestError(w, r, req, oidc.ErrLoginRequired().WithDescription("a fresh or stronger sign-in is needed"), p.op)
		return
	}
	q := url.Values{"need": {proofNeed(c, req.p)}, "return": {r.URL.RequestURI()}}
	http.Redirect(w, r, shared.AppSignInConfirm+"?"+q.Encode(), http.StatusSeeOther)
}

// Silent answers the callback for a browser without a full session when
// its request asked for no login page (prompt=none, OpenID Connect Core
// 3.1.2.1): the browser goes back to the client with login_required, and
// Silent reports true. Otherwise it writes nothing: the login page is due.
func (p *Provider) Silent(w http.ResponseWriter, r *http.Request) bool {
	id := r.URL.Query().Get("id")
	row, err := p.s.Store.AuthRequest(r.Context(), id, p.s.Now())
	if err != nil || !p.startedHere(r, id) {
		return false
	}
	req, err := storage{p.s}.request(r.Context(), row)
	if err != nil || !slices.Contains(req.p.Prompt, oidc.PromptNone) {
		return false
	}
	op.AuthRequestError(w, r, req, oidc.ErrLoginRequired(), p.op)
	return true
}

// page answers with Warden's page saying msg; a fault of the database is
// logged.
func (p *Provider) page(w http.ResponseWriter, r *http.Request, err error, msg words.Message) {
	if !errors.Is(err, domain.ErrNotFound) {
		p.s.Log.ErrorContext(r.Context(), "sign-in to an application", "err", err)
	}
	writePage(w, http.StatusBadRequest, msg)
}

// pageTemplate is the app's not-found page's frame (app/not_found_page.go),
// with the product's styles: the page needs no app.
var pageTemplate = template.Must(template.New("").Parse(`<!doctype html>
<html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title><link rel="stylesheet" href="/web/styles.css">
<main class="login"><section class="card login-card not-found"><h1>{{.Title}}</h1><p>{{.Text}}</p>
<p><a class="button primary" href="/">{{.Home}}</a></p></section></main></html>
`))

func writePage(w http.ResponseWriter, status int, msg words.Message) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = pageTemplate.Execute(w, map[string]string{
		"Title": words.English.Say(words.ProductName), "Text": words.English.Say(msg), "Home": words.English.Say(words.GoHome)})
}

// refusalPage is /authorize's answer as the browser gets it: op's
// plain-text refusal of a request (a 400 it does not redirect) becomes
// Warden's page, and the redirect to a new request's callback gives the
// browser the cookie that binds the request to it (bind).
type refusalPage struct {
	http.ResponseWriter
	p       *Provider
	r       *http.Request
	refused bool
}

func (rp *refusalPage) WriteHeader(status int) {
	if status == http.StatusBadRequest && rp.Header().Get("Location") == "" {
		rp.refused = true
		writePage(rp.ResponseWriter, status, words.AppSignInRefused)
		return
	}
	if loc, err := url.Parse(rp.Header().Get("Location")); err == nil && loc.Path == CallbackPath {
		rp.p.bind(rp.ResponseWriter, rp.r, loc.Query().Get("id"))
	}
	rp.ResponseWriter.WriteHeader(status)
}

func (rp *refusalPage) Write(b []byte) (int, error) {
	if rp.refused {
		return len(b), nil
	}
	return rp.ResponseWriter.Write(b)
}

// sealedCrypto is op's Crypto under the provider's key, opened from the
// database on first use.
type sealedCrypto struct{ s *Service }

func (c *sealedCrypto) crypto() (op.Crypto, error) {
	k, err := c.s.keys(context.Background())
	if err != nil {
		return nil, err
	}
	return op.NewAES256GCMCrypto(k.crypto, "1"), nil
}

func (c *sealedCrypto) Encrypt(s string) (string, error) {
	cr, err := c.crypto()
	if err != nil {
		return "", err
	}
	return cr.Encrypt(s)
}

func (c *sealedCrypto) Decrypt(s string) (string, error) {
	cr, err := c.crypto()
	if err != nil {
		return "", err
	}
	return cr.Decrypt(s)
}

// signInCookieName names the application sign-ins this browser started:
// the ids of their requests, the latest few. Only the browser that started
// a sign-in completes it, so a link to another's callback, sent to a
// signed-in victim, gives nobody a code for the victim.
const signInCookieName = "warden_signin"

// signInsKept is how many sign-ins one browser may have under way at once
// (tabs): an older one's callback is refused.
const signInsKept = 5

// bind gives the browser the cookie of the request id, beside those it
// started before.
func (p *Provider) bind(w http.ResponseWriter, r *http.Request, id string) {
	ids := append(p.started(r), id)
	if len(ids) > signInsKept {
		ids = ids[len(ids)-signInsKept:]
	}
	prefix := p.cookiePrefix(r)
	http.SetCookie(w, &http.Cookie{
		Name: prefix + signInCookieName, Value: strings.Join(ids, "."), Path: "/",
		MaxAge: int(RequestLife / time.Second), HttpOnly: true, Secure: prefix != "",
		// Lax: the application's link to /authorize is a navigation from
		// its own site, and so is the way back to the callback.
		SameSite: http.SameSiteLaxMode,
	})
}

// started are the ids of the sign-ins the browser started.
func (p *Provider) started(r *http.Request) []string {
	c, err := r.Cookie(p.cookiePrefix(r) + signInCookieName)
	if err != nil || c.Value == "" {
		return nil
	}
	return strings.Split(c.Value, ".")
}

// startedHere reports whether the browser started the sign-in id.
func (p *Provider) startedHere(r *http.Request, id string) bool {
	return id != "" && slices.Contains(p.started(r), id)
}
