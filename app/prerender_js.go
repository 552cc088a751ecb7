//go:build js && wasm

package webapp

import (
	"encoding/json"
	"net/url"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
)

// initialPageData is read as the wasm starts, while the page is still the
// server's: go-app replaces it before any component's OnNav runs.
var initialPageData = readPageData()

// takePageData hands the first page what the server prerendered into it;
// later pages get nothing.
func takePageData(*url.URL) *PageData {
	d := initialPageData
	initialPageData = nil
	return d
}

// readPageData reads what the server prerendered into the page: a pending
// setup's key (the one the user may have scanned already), or the recovery
// codes shown once, and the user they are for.
func readPageData() *PageData {
	doc := app.Window().Get("document")
	d := &PageData{}
	if w := doc.Call("getElementById", "connect-window"); w.Truthy() {
		secret, link := w.Get("dataset").Get("secret"), doc.Call("getElementById", "otpauth-link")
		qr := doc.Call("getElementById", "qr-code")
		if secret.Truthy() && link.Truthy() && qr.Truthy() {
			d.Setup = &shared.TOTPSetup{
				Secret:     secret.String(),
				OTPAuthURL: link.Call("getAttribute", "href").String(),
				QRPNG:      strings.TrimPrefix(qr.Call("getAttribute", "src").String(), qrPrefix),
			}
		}
	}
	if el := doc.Call("querySelector", "[data-me]"); el.Truthy() {
		var me shared.Me
		if json.Unmarshal([]byte(el.Get("dataset").Get("me").String()), &me) == nil {
			d.Me = &me
		}
	}
	codes := doc.Call("querySelectorAll", "#recovery-codes code")
	for i := 0; i < codes.Length(); i++ {
		d.Codes = append(d.Codes, codes.Index(i).Get("textContent").String())
	}
	if d.Setup == nil && len(d.Codes) == 0 {
		return nil
	}
	return d
}
