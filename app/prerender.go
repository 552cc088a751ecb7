package webapp

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
)

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

// openedAt is the address the browser opened, while it is path's: a page's
// first render in the browser is then the one the server rendered from it
// (OnInit, before OnNav), so that the app's page takes the server's place
// with the same fields. For a page the app goes to itself it is nil: go-app
// changes the address only after the new page is in place, and OnNav has it.
func openedAt(path string) *url.URL {
	if !app.IsClient {
		return nil
	}
	if u := app.Window().URL(); u.Path == path {
		return u
	}
	return nil
}

// attr is how every value that came from a request or from what someone
// typed (a username, an account name, an address, a key's name, a secret)
// goes into an attribute of a page. go-app v10.1.11 writes a prerendered
// attribute with Go's strconv.Quote, not HTML's escaping: `"` becomes `\"`,
// which ends the attribute for a browser (the rest of the value is markup),
// and a value of "true" loses its value. So on the server the value goes
// as character references wherever Quote would escape it or HTML would read
// it as markup, and a browser decodes them back to exactly the value. In
// the browser go-app sets attributes through the DOM, where a value is only
// a value. NUL and the C1 controls, which no HTML attribute can carry,
// become U+FFFD, as a browser's parser would make them. The server refuses
// a page in which a value escaped this (safePages), so a forgotten one
// fails loudly, and its tests request every page with hostile values.
func attr(v string) string {
	if app.IsClient {
		return v
	}
	var b strings.Builder
	for _, r := range v { // an invalid byte comes as U+FFFD
		switch {
		case r == 0 || (r >= 0x80 && r <= 0x9f):
			b.WriteRune(utf8.RuneError)
		case strings.ContainsRune(`&"'<>\`, r) || !strconv.IsPrint(r):
			b.WriteString("&#" + strconv.Itoa(int(r)) + ";")
		default:
			b.WriteRune(r)
		}
	}
	if b.String() == "true" {
		return "&#116;rue"
	}
	return b.String()
}
