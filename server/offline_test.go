package main

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// TestBrowser_OfflineEveryPageOpensFromTheServiceWorker: once the app has
// been used, every page's shell opens with the server gone, not the
// browser's error page; a signed-in page says the server could not be
// reached and offers Try again, which works once the server is back.
func TestBrowser_OfflineEveryPageOpensFromTheServiceWorker(t *testing.T) {
	dir := t.TempDir()
	inst := start(t, "", dir)
	b := newBrowser(t)
	logIn(b, t, inst.URL, "admin", inst.AdminPassword)
	b.run(t, "home", waitPath("/"), waitText("#welcome", "admin"))
	b.run(t, "the service worker has every page", chromedp.ActionFunc(func(ctx context.Context) error {
		for {
			var all bool
			err := chromedp.Run(ctx, chromedp.Evaluate(`Promise.all(["/", "/login", "/profile", "/admin"].map(p => caches.match(p))).then(rs => rs.every(r => !!r))`,
				&all, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
			if err != nil || all {
				return err
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(100 * time.Millisecond):
			}
		}
	}))

	u, _ := url.Parse(inst.URL)
	inst.Stop()
	b.tolerating("ERR_CONNECTION_REFUSED", "Failed to fetch", "net::ERR_FAILED "+inst.URL+"/api/")
	for _, path := range []string{"/login", "/admin", "/"} {
		var title, proto string
		b.run(t, "offline "+path, chromedp.Navigate(inst.URL+path),
			chromedp.Evaluate(`document.title`, &title), chromedp.Evaluate(`location.protocol`, &proto))
		if proto != "http:" || title == "" {
			t.Errorf("offline %s: the browser's error page (%s, title %q)", path, proto, title)
		}
	}
	b.run(t, "offline profile",
		chromedp.Navigate(inst.URL+"/profile"),
		waitText(".load-error", "Could not reach the server"),
		chromedp.WaitVisible("#retry", chromedp.ByID),
	)

	start(t, "", dir, "ADDR", u.Host)
	b.tolerating()
	b.run(t, "back online, Try again",
		click("#retry"),
		chromedp.WaitVisible("#twofa-status", chromedp.ByID),
	)
}
