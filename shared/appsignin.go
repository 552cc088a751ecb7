package shared

import "strings"

// AppSignInCallback is the page an application's sign-in request (Warden
// as an OpenID Connect provider) waits at for a full session: without one
// it sends the browser to the login page with ?return= this page and the
// request's id, and the login comes back here once the session is full.
const AppSignInCallback = "/authorize/callback"

// AppSignInReturn reports whether path is a page the login may return to:
// the callback of one request, and nothing else, so that no link can make
// the login page send a signed-in user elsewhere (an open redirect).
func AppSignInReturn(path string) bool {
	id, ok := strings.CutPrefix(path, AppSignInCallback+"?id=")
	if !ok || id == "" || len(id) > 128 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// AppSignInConfirm is the app's page where an application's sign-in goes
// when the session falls short of the proof the application asks for: it
// takes the proof (a re-authentication) and returns to the callback. Its
// ?need= says what kind of proof (AppSignInNeed*), ?return= the callback.
const AppSignInConfirm = "/signin/confirm"

// What an application's sign-in needs of the user (AppSignInConfirm's
// ?need=).
const (
	AppSignInNeedFresh  = "fresh" // the password again (max_age, prompt=login)
	AppSignInNeedSecond = "mfa"   // a second factor in this sign-in
	AppSignInNeedKey    = "key"   // a security key or passkey
)
