package webapp

import "github.com/warden-auth/warden/shared"

// PageData is what the server knows of one request and puts into the page
// it prerenders for it: a forced setup's key, then its recovery codes, once.
// Before the app runs, this page is all the user has (a slow link); when
// the app arrives it takes the same data from the page it replaces
// (prerender_js.go), so the setup the user scanned stays the one to confirm.
type PageData struct {
	Me    *shared.Me
	Setup *shared.TOTPSetup
	Codes []string
}
