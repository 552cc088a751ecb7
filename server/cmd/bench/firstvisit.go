package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// The link of Chrome's "Fast 3G" as issue 14 measures it: 1.6 Mbit/s down,
// 750 kbit/s up, 150 ms of latency.
const (
	slowLatency = 150 // ms
	slowDown    = 1.6e6 / 8
	slowUp      = 750e3 / 8
)

// firstVisitRounds is how many fresh browser profiles the figure takes
// (one under -quick).
const firstVisitRounds = 3

// benchFirstVisit times a person's first visits on a slow link, in headless
// Chromium under the DevTools network emulation: the login form on screen,
// logged in when the password is sent the moment the form shows, and the
// app running (the login form mounted by the wasm). Cold is a fresh
// profile; warm is the same profile again, the service worker active.
func benchFirstVisit(ctx context.Context, o options) error {
	if _, err := os.Stat(o.chromium); err != nil {
		return fmt.Errorf("chromium: %w (apt-get install chromium)", err)
	}
	srv, err := startServer(o)
	if err != nil {
		return err
	}
	defer srv.stop()
	password, err := createUser(ctx, o, srv, "bench")
	if err != nil {
		return err
	}
	var runs [2][]visit // cold, warm
	rounds := o.size(firstVisitRounds, 1)
	for range rounds {
		cold, warm, err := visitTwice(ctx, o.chromium, srv.URL, password)
		if err != nil {
			return err
		}
		runs[0], runs[1] = append(runs[0], cold), append(runs[1], warm)
	}
	fmt.Printf("%d rounds, each a new browser profile; emulated link %.1f Mbit/s down, %.0f kbit/s up, %d ms latency\n\n",
		rounds, slowDown*8/1e6, slowUp*8/1e3, slowLatency)
	fmt.Println("| visit | login form visible | logged in (password sent at once) | of which after sending | app running |")
	fmt.Println("|---|---|---|---|---|")
	for i, name := range []string{"cold (nothing cached)", "warm (service worker)"} {
		fmt.Printf("| %s | %s | %s | %s | %s |\n", name, medianOf(runs[i], func(v visit) time.Duration { return v.form }),
			medianOf(runs[i], func(v visit) time.Duration { return v.loggedIn }),
			medianOf(runs[i], func(v visit) time.Duration { return afterSending(v) }),
			medianOf(runs[i], func(v visit) time.Duration { return v.app }))
	}
	fmt.Println("\n(medians, min-max in brackets, from navigating to /login; \"logged in\": the browser is at / with a session)")
	return nil
}

// visit is one load of /login: when the form showed, when the typed
// password had logged the user in, and when the app ran.
type visit struct{ form, sent, loggedIn, app time.Duration }

func medianOf(vs []visit, f func(visit) time.Duration) string {
	ds := make([]time.Duration, len(vs))
	for i, v := range vs {
		ds[i] = f(v)
	}
	slices.Sort(ds)
	if ds[0] < 0 {
		return fmt.Sprintf("never in %d of %d (the typed password was lost)", len(ds)-countAtLeast(ds, 0), len(ds))
	}
	return fmt.Sprintf("%s (%s-%s)", ms(ds[len(ds)/2]), ms(ds[0]), ms(ds[len(ds)-1]))
}

// afterSending is how long the login took once the password was sent (-1:
// it never happened).
func afterSending(v visit) time.Duration {
	if v.loggedIn < 0 {
		return -1
	}
	return v.loggedIn - v.sent
}

func countAtLeast(ds []time.Duration, min time.Duration) int {
	n := 0
	for _, d := range ds {
		if d >= min {
			n++
		}
	}
	return n
}

// visitTwice measures, in two new profiles on the slow link, a cold visit
// and then a warm one, once the service worker is active: in the first
// profile the password is typed the moment the form shows, in the second
// nothing is typed and the app's start is timed, so neither figure waits on
// the other's downloads.
func visitTwice(ctx context.Context, chromium, base, password string) (cold, warm visit, err error) {
	for _, typing := range []bool{true, false} {
		c, w, err := visitProfile(ctx, chromium, base, password, typing)
		if err != nil {
			return cold, warm, err
		}
		if typing {
			cold.form, cold.sent, cold.loggedIn = c.form, c.sent, c.loggedIn
			warm.form, warm.sent, warm.loggedIn = w.form, w.sent, w.loggedIn
		} else {
			cold.app, warm.app = c.app, w.app
		}
	}
	return cold, warm, nil
}

func visitProfile(ctx context.Context, chromium, base, password string, typing bool) (cold, warm visit, err error) {
	bctx, done, err := newBrowser(ctx, chromium)
	if err != nil {
		return cold, warm, err
	}
	defer done()
	tctx, cancel := context.WithTimeout(bctx, 3*time.Minute)
	defer cancel()
	throttleWorkers(bctx, tctx)
	if err := chromedp.Run(tctx, slowLinkOn()); err != nil {
		return cold, warm, err
	}
	if cold, err = visitLogin(tctx, base, password, typing); err != nil {
		return cold, warm, fmt.Errorf("cold: %w", err)
	}
	if !typing {
		// The login form typed into above may have raced the worker.
		var active bool
		if err := chromedp.Run(tctx, chromedp.Evaluate(`navigator.serviceWorker.ready.then(r => !!r.active)`, &active,
			func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) })); err != nil || !active {
			return cold, warm, fmt.Errorf("the service worker did not activate: %v", err)
		}
	}
	if warm, err = visitLogin(tctx, base, password, typing); err != nil {
		return cold, warm, fmt.Errorf("warm: %w", err)
	}
	return cold, warm, nil
}

func slowLinkOn() chromedp.Action {
	return chromedp.Tasks{network.Enable(), network.EmulateNetworkConditions(false, slowLatency, slowDown, slowUp)}
}

// throttleWorkers puts the service worker on the slow link too: DevTools
// emulates each target's own requests, and the worker's (the shell it
// serves, and every request it forwards, the login's included) would go at
// loopback speed. Each worker target the page attaches gets the same
// emulation as it appears; its first requests (the install's) may still
// go before that.
func throttleWorkers(bctx, pageCtx context.Context) {
	chromedp.ListenTarget(pageCtx, func(ev any) {
		at, ok := ev.(*target.EventAttachedToTarget)
		if !ok || at.TargetInfo.Type != "service_worker" {
			return
		}
		go func() {
			wctx, _ := chromedp.NewContext(bctx, chromedp.WithTargetID(at.TargetInfo.TargetID))
			if err := chromedp.Run(wctx, slowLinkOn()); err != nil {
				fmt.Fprintln(os.Stderr, "bench: could not slow the service worker down:", err)
			}
		}()
	})
}

// visitLogin loads /login from a logged-out browser. typing: the user
// bench and its password are typed the moment the form shows, and the form
// and the login are timed; else nothing is typed and the app's start (the login form mounted
// by the wasm) is timed.
func visitLogin(ctx context.Context, base, password string, typing bool) (v visit, err error) {
	if err := chromedp.Run(ctx, network.ClearBrowserCookies(), chromedp.Navigate("about:blank")); err != nil {
		return v, err
	}
	start := time.Now()
	if !typing {
		err := chromedp.Run(ctx, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(`#login-form[data-ready="true"]`, chromedp.ByQuery))
		v.app = time.Since(start)
		return v, err
	}
	if err := chromedp.Run(ctx, chromedp.Navigate(base+"/login"), chromedp.WaitVisible("#password", chromedp.ByID)); err != nil {
		return v, err
	}
	v.form = time.Since(start)
	if err := chromedp.Run(ctx, chromedp.SendKeys("#username", "bench", chromedp.ByID),
		chromedp.SendKeys("#password", password+"\r", chromedp.ByID)); err != nil {
		return v, err
	}
	v.sent = time.Since(start)
	if v.loggedIn, err = untilSignedIn(ctx, base, start); errors.Is(err, errNotSignedIn) {
		v.loggedIn = -1 // what was typed was lost
	} else if err != nil {
		return v, err
	}
	return v, nil
}

// untilSignedIn waits until the page is at / and the browser holds a
// session cookie, and returns the time since start.
func untilSignedIn(ctx context.Context, base string, start time.Time) (time.Duration, error) {
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var loc string
		if err := chromedp.Run(ctx, chromedp.Location(&loc)); err != nil {
			return 0, err
		}
		if u, err := url.Parse(loc); err != nil || u.Path != "/" {
			continue
		}
		var cookies []*network.Cookie
		if err := chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) (err error) {
			cookies, err = network.GetCookies().WithURLs([]string{base}).Do(ctx)
			return err
		})); err != nil {
			return 0, err
		}
		for _, c := range cookies {
			if c.Name == "warden_session" || c.Name == "__Host-warden_session" {
				return time.Since(start), nil
			}
		}
	}
	return 0, errNotSignedIn
}

var errNotSignedIn = errors.New("not signed in within 30 s of typing the password")
