package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// navigationRounds is how many fresh browsers the page-load figure takes
// (one under -quick).
const navigationRounds = 5

// benchBrowser times, in headless Chromium, the way from navigating to
// /login to the app running: the login form's data-ready turns "true" when
// the app has mounted it, the moment the Go handlers are live. Cold is a fresh
// profile; warm is the same profile again once the service worker has
// cached the shell and app.wasm.
func benchBrowser(ctx context.Context, o options) error {
	if _, err := os.Stat(o.chromium); err != nil {
		return fmt.Errorf("chromium: %w (apt-get install chromium)", err)
	}
	srv, err := startServer(o)
	if err != nil {
		return err
	}
	defer srv.stop()
	var cold, warm []time.Duration
	rounds := o.size(navigationRounds, 1)
	for range rounds {
		c, w, err := navigate(ctx, o.chromium, srv.URL+"/login")
		if err != nil {
			return err
		}
		cold, warm = append(cold, c), append(warm, w)
	}
	slices.Sort(cold)
	slices.Sort(warm)
	fmt.Printf("%d rounds, each a new browser profile, loopback\n\n", rounds)
	fmt.Println("| navigation to an interactive login form | median | min | max |")
	fmt.Println("|---|---|---|---|")
	for _, row := range []struct {
		name string
		d    []time.Duration
	}{{"cold (nothing cached)", cold}, {"warm (service worker)", warm}} {
		fmt.Printf("| %s | %s | %s | %s |\n", row.name, ms(row.d[len(row.d)/2]), ms(row.d[0]), ms(row.d[len(row.d)-1]))
	}
	return nil
}

// navigate loads url twice in one new browser profile: cold, then, once
// the service worker is active, warm. It fails if the warm load did not
// take app.wasm from the service worker.
func navigate(ctx context.Context, chromium, url string) (cold, warm time.Duration, err error) {
	bctx, done, err := newBrowser(ctx, chromium)
	if err != nil {
		return 0, 0, err
	}
	defer done()
	tctx, cancelT := context.WithTimeout(bctx, 60*time.Second)
	defer cancelT()
	load := func() (time.Duration, error) {
		if err := chromedp.Run(tctx, chromedp.Navigate("about:blank")); err != nil {
			return 0, err
		}
		start := time.Now()
		err := chromedp.Run(tctx, chromedp.Navigate(url), chromedp.WaitVisible(`#login-form[data-ready="true"]`, chromedp.ByQuery))
		return time.Since(start), err
	}
	if cold, err = load(); err != nil {
		return 0, 0, fmt.Errorf("cold load: %w", err)
	}
	var active bool
	if err := chromedp.Run(tctx, chromedp.Evaluate(`navigator.serviceWorker.ready.then(r => !!r.active)`, &active,
		func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) })); err != nil || !active {
		return 0, 0, fmt.Errorf("the service worker did not activate: %v", err)
	}
	if warm, err = load(); err != nil {
		return 0, 0, fmt.Errorf("warm load: %w", err)
	}
	var fromWorker bool
	if err := chromedp.Run(tctx, chromedp.Evaluate(`performance.getEntriesByType("resource").
		some(e => e.name.endsWith("/web/app.wasm") && e.workerStart > 0)`, &fromWorker)); err != nil {
		return 0, 0, err
	}
	if !fromWorker {
		return 0, 0, fmt.Errorf("the warm load did not take app.wasm from the service worker")
	}
	return cold, warm, nil
}

// newBrowser starts headless Chromium with a new, empty profile and returns
// the context of its first tab, up and running before any clock starts, and
// a function that stops it and removes the profile.
func newBrowser(ctx context.Context, chromium string) (context.Context, func(), error) {
	profile, err := os.MkdirTemp("", "warden-bench-chromium-")
	if err != nil {
		return nil, nil, err
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(chromium), chromedp.UserDataDir(profile),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true))
	bctx, cancel := chromedp.NewContext(alloc)
	done := func() { cancel(); cancelAlloc(); os.RemoveAll(profile) }
	if err := chromedp.Run(bctx); err != nil {
		done()
		return nil, nil, err
	}
	return bctx, done, nil
}
