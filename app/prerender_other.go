//go:build !(js && wasm)

package webapp

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"sync"
)

// go-app prerenders a page from its URL alone, so the server lends a
// request's data to its prerendering under a random key in the URL it hands
// go-app (never the browser's), and forgets it when the page is written.
const pageDataParam = "page-data"

var pageData sync.Map // key → *PageData

// WithPageData returns r for go-app to prerender with d, and the func that
// forgets d once the page is served.
func WithPageData(r *http.Request, d *PageData) (*http.Request, func()) {
	b := make([]byte, 16)
	rand.Read(b)
	key := hex.EncodeToString(b)
	pageData.Store(key, d)
	r = r.Clone(r.Context())
	q := r.URL.Query()
	q.Set(pageDataParam, key)
	r.URL.RawQuery = q.Encode()
	return r, func() { pageData.Delete(key) }
}

// takePageData is the data of the page being prerendered, if the server
// lent any.
func takePageData(u *url.URL) *PageData {
	key := u.Query().Get(pageDataParam)
	if key == "" {
		return nil
	}
	d, _ := pageData.Load(key)
	pd, _ := d.(*PageData)
	return pd
}

// LentPageData is what the server lent to the prerendering of u, for a
// pages handler other than go-app's (the server's tests).
func LentPageData(u *url.URL) *PageData { return takePageData(u) }
