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
