package main

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/pquerna/otp/totp"
)

// The takeover: go-app's wasm replaces the server's prerendered page with
// its own, in the one long task in which it starts (0.6–1.8 s on a phone's
// CPU). A person may be typing all the while: keys that come during that
// task wait in the browser's queue and go to whatever has the focus after
// it. These tests type with real key events (DevTools' Input domain) at
// moments tied to the takeover itself, on a CPU slowed 4x: the app is held
// back until the test releases it, and the typing starts so that its keys
// wait in the queue for the takeover's task, or at set times after it.

// takeoverHooks, on every document the tab loads, holds the app back and
// records what happens to each key. The compiled wasm waits for
// window.takeover.release before Go runs; Go's first task is timed; each
// key records when it was pressed (its timeStamp: when the browser received
// it), when the page got it, which element had it and where the caret was.
const takeoverHooks = `(() => {
	let release;
	const gate = new Promise((r) => { release = r; });
	const T = window.takeover = {
		compiled: false, start: 0, end: 0, keys: [],
		// hold keeps the page busy for ms, then lets Go run in the same
		// task: keys that come meanwhile certainly wait for the takeover.
		hold: (ms) => {
			const until = performance.now() + ms;
			while (performance.now() < until) {}
			release();
		},
		release: () => release(),
	};
	const instantiate = WebAssembly.instantiateStreaming;
	WebAssembly.instantiateStreaming = async (...args) => {
		const r = await instantiate.apply(WebAssembly, args);
		T.compiled = true;
		await gate;
		return r;
	};
	let G;
	Object.defineProperty(globalThis, "Go", { configurable: true, get: () => G, set: (v) => {
		const run = v.prototype.run;
		v.prototype.run = function (instance) {
			T.start = performance.now();
			const done = run.call(this, instance);
			T.end = performance.now();
			return done;
		};
		G = v;
	} });
	window.addEventListener("keydown", (e) => {
		const el = document.activeElement;
		T.keys.push({ key: e.key, pressed: e.timeStamp, got: performance.now(), to: el ? el.id : "",
			caret: el && typeof el.selectionStart === "number" ? el.selectionStart : -1 });
	}, true);
})();`

// keyRecord is one key as the page saw it (takeoverHooks).
type keyRecord struct {
	Key     string  `json:"key"`
	Pressed float64 `json:"pressed"`
	Got     float64 `json:"got"`
	To      string  `json:"to"`
	Caret   int     `json:"caret"`
}

func (k keyRecord) String() string {
	return fmt.Sprintf("%q to #%s (caret %d, pressed %.0f, got %.0f)", k.Key, k.To, k.Caret, k.Pressed, k.Got)
}

// takeoverRecord is what takeoverHooks recorded of one document.
type takeoverRecord struct {
	Start float64     `json:"start"`
	End   float64     `json:"end"`
	Keys  []keyRecord `json:"keys"`
}

// waited reports whether k was pressed while the takeover's task ran (or
// the held task before it) and got only after it: it waited in the queue.
func (r takeoverRecord) waited(k keyRecord) bool { return k.Pressed < r.End && k.Got > r.End }

// takeoverBrowser is a browser whose documents hold the app back
// (takeoverHooks), on a CPU slowed 4x, and that types as a keyboard does.
type takeoverBrowser struct {
	*browser
	// sent hears of each key event written to Chrome (chromedp's protocol
	// log), so that the next leaves only after it: the events go out in
	// the order typed, none waiting for the page to take the last.
	sent chan struct{}
}

func newTakeoverBrowser(t *testing.T) *takeoverBrowser {
	tb := &takeoverBrowser{sent: make(chan struct{}, 1024)}
	tb.browser = newBrowser(t, chromedp.WithDebugf(func(format string, args ...any) {
		if b, ok := args[0].([]byte); ok && format == "-> %s" && bytes.Contains(b, []byte(`"method":"Input.dispatchKeyEvent"`)) {
			select {
			case tb.sent <- struct{}{}:
			default: // nobody counts (typeNow's keys), and the log must not wait
			}
		}
	}))
	tb.run(t, "hold the app back, slow the CPU", chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := page.AddScriptToEvaluateOnNewDocument(takeoverHooks).Do(ctx)
		return err
	}), emulation.SetCPUThrottlingRate(4))
	return tb
}

// arrowLeft in a typed string is the key ArrowLeft: the caret moves back.
const arrowLeft = '←'

// keyEvents are a key's events as a keyboard's reach the page: the key
// going down, the character it types (none for an arrow), the key up.
func keyEvents(r rune) []*input.DispatchKeyEventParams {
	if r == arrowLeft {
		r = []rune(kb.ArrowLeft)[0]
	}
	var out []*input.DispatchKeyEventParams
	for _, ev := range kb.Encode(r) {
		if ev.Type != input.KeyDown {
			out = append(out, ev)
			continue
		}
		down := *ev
		down.Type, down.Text, down.UnmodifiedText = input.KeyRawDown, "", ""
		out = append(out, &down)
		if ev.Text != "" {
			char := *ev
			char.Type = input.KeyChar
			out = append(out, &char)
		}
	}
	return out
}

// typeKeys types s, a key every gap, as a keyboard does: each event is
// sent once the last has left, without waiting for the page to handle it,
// so a page busy with the takeover gets them all when it can, in order.
func (tb *takeoverBrowser) typeKeys(s string, gap time.Duration) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		for len(tb.sent) > 0 { // the keys typed before, all handled
			<-tb.sent
		}
		var wg sync.WaitGroup
		errs := make(chan error, 4*len(s))
		for i, r := range []rune(s) {
			if i > 0 {
				time.Sleep(gap)
			}
			for _, ev := range keyEvents(r) {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if err := ev.Do(ctx); err != nil {
						errs <- err
					}
				}()
				select {
				case <-tb.sent:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
		}
		wg.Wait()
		close(errs)
		return <-errs
	})
}

// typeNow types s key by key, each handled before the next (the page is
// not busy).
func typeNow(s string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		for _, r := range s {
			if r == arrowLeft {
				r = []rune(kb.ArrowLeft)[0]
			}
			for _, ev := range kb.Encode(r) {
				if err := ev.Do(ctx); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// takeoverMoment is when the second part of the typing starts, relative
// to the takeover: the app's first task (Go's), which the page runs when
// the test releases it.
type takeoverMoment struct {
	name  string
	start startAt
	after time.Duration // with afterItsEnd: this long after
	gap   time.Duration // between keys
}

type startAt int

const (
	// queued: the page is kept busy for 400 ms and then runs Go's task,
	// in one task; the typing starts 20 ms into it, so its keys wait in
	// the browser's queue for the takeover whatever the machine's speed.
	queued startAt = iota
	// onRelease: the typing starts as the release returns, which the page
	// answers once Go's task (run within the release's own task) is over:
	// the first key comes right after the takeover, the rest through the
	// app's first moments.
	onRelease
	// afterItsEnd: the typing starts once the test has seen the task end
	// (the page answers again), and after more.
	afterItsEnd
)

const (
	fast  = 12 * time.Millisecond  // a burst, or a fast typist's rollover
	human = 110 * time.Millisecond // a person typing steadily
)

// takeoverMoments are the moments each field is typed into across.
var takeoverMoments = []takeoverMoment{
	{name: "queued during the takeover, fast", start: queued, gap: fast},
	{name: "queued during the takeover, at a person's pace", start: queued, gap: human},
	{name: "as the app is released, at a person's pace", start: onRelease, gap: human},
	{name: "as the app is released, fast", start: onRelease, gap: fast},
	{name: "as soon as it has ended, fast", start: afterItsEnd, gap: fast},
	{name: "as soon as it has ended, at a person's pace", start: afterItsEnd, gap: human},
	{name: "100 ms after its end, fast", start: afterItsEnd, after: 100 * time.Millisecond, gap: fast},
	{name: "400 ms after its end, at a person's pace", start: afterItsEnd, after: 400 * time.Millisecond, gap: human},
}

// releaseAndType lets the app run and types s at moment m.
func releaseAndType(t *testing.T, b *takeoverBrowser, m takeoverMoment, s string) {
	t.Helper()
	var compiled, ok bool
	b.run(t, "the app is ready to start", chromedp.Poll(`window.takeover.compiled`, &compiled))
	switch m.start {
	case queued:
		b.run(t, m.name, chromedp.ActionFunc(func(ctx context.Context) error {
			typed := make(chan error, 1)
			go func() {
				time.Sleep(20 * time.Millisecond)
				typed <- b.typeKeys(s, m.gap).Do(ctx)
			}()
			if err := chromedp.Evaluate(`window.takeover.hold(400), true`, &ok).Do(ctx); err != nil {
				return err
			}
			return <-typed
		}))
	case onRelease:
		b.run(t, m.name, chromedp.Evaluate(`window.takeover.release(), true`, &ok), b.typeKeys(s, m.gap))
	case afterItsEnd:
		b.run(t, m.name, chromedp.Evaluate(`window.takeover.release(), true`, &ok),
			// Each evaluation waits for the page: true once Go's task is over.
			chromedp.ActionFunc(func(ctx context.Context) error {
				for {
					var ended bool
					if err := chromedp.Evaluate(`window.takeover.end > 0`, &ended).Do(ctx); err != nil || ended {
						return err
					}
					time.Sleep(2 * time.Millisecond)
				}
			}),
			chromedp.Sleep(m.after),
			b.typeKeys(s, m.gap))
	}
}

// takeoverOf reads what the page recorded, once every key typed has
// reached it.
func takeoverOf(t *testing.T, b *takeoverBrowser, keys int) takeoverRecord {
	t.Helper()
	var rec takeoverRecord
	b.run(t, "what the page recorded", chromedp.Poll(fmt.Sprintf(`window.takeover.keys.length >= %d`, keys), nil),
		chromedp.Evaluate(`window.takeover`, &rec))
	return rec
}

// fieldState is a field's value and caret, and whether it has the focus.
type fieldState struct {
	Value   string `json:"value"`
	Start   int    `json:"start"`
	End     int    `json:"end"`
	Focused bool   `json:"focused"`
}

func fieldOf(t *testing.T, b *browser, id string) fieldState {
	t.Helper()
	var f fieldState
	b.run(t, "#"+id, chromedp.Evaluate(fmt.Sprintf(`(() => { const el = document.getElementById(%q);
		return { value: el.value, start: el.selectionStart, end: el.selectionEnd, focused: document.activeElement === el }; })()`, id), &f))
	return f
}

// allTo fails unless every key from the index on went to the field id,
// and says where each went otherwise.
func allTo(t *testing.T, rec takeoverRecord, from int, id, when string) {
	t.Helper()
	for _, k := range rec.Keys[from:] {
		if k.To != id {
			t.Errorf("%s: a key went elsewhere than #%s; the keys: %v", when, id, rec.Keys[from:])
			return
		}
	}
}

// signOut ends the test's session in the browser (cookies, the app's hint
// in local storage), for the next document to start signed out.
func signOut(t *testing.T, b *browser) {
	t.Helper()
	var ok bool
	b.run(t, "sign out", network.ClearBrowserCookies(), chromedp.Evaluate(`localStorage.clear(), true`, &ok))
}

// TestBrowser_KeysTypedWhileTheAppTakesOverStayInTheirField: someone types
// their username, clicks the password field, types half the password,
// moves the caret back into it and goes on typing while the app takes the
// page over: the keys queued during the takeover's task, the ones that
// come as it ends and in the app's first moments, fast and at a person's
// pace. Every key lands in the password field, in order, where the caret
// was; the username is what was typed into it; the password field keeps
// the focus and the caret; and Enter logs in with the app, so its state
// holds both fields as typed.
func TestBrowser_KeysTypedWhileTheAppTakesOverStayInTheirField(t *testing.T) {
	dir := t.TempDir()
	inst := start(t, "", dir)
	addUser(t, inst, dir, "ursula", ursulasPassword) // marble lantern orchard
	b := newTakeoverBrowser(t)
	var waited, first int
	for _, m := range takeoverMoments {
		b.run(t, m.name+": the server's page",
			chromedp.Navigate(inst.URL+"/login"),
			chromedp.WaitVisible("#password", chromedp.ByID),
			click("#username"), typeNow("ursula"),
			click("#password"), typeNow("marble orchard"+strings.Repeat(string(arrowLeft), len("orchard"))))
		appNotRunning(t, b.browser, m.name)
		before := len(takeoverOf(t, b, 0).Keys)
		releaseAndType(t, b, m, "lantern ")
		rec := takeoverOf(t, b, before+len("lantern "))
		allTo(t, rec, before, "password", m.name)
		t.Logf("%s: Go's task took %.0f ms; the keys were pressed from %+.0f to %+.0f ms of its end", m.name,
			rec.End-rec.Start, rec.Keys[before].Pressed-rec.End, rec.Keys[len(rec.Keys)-1].Pressed-rec.End)
		for _, k := range rec.Keys[before:] {
			switch {
			case rec.waited(k):
				waited++
			case k.Pressed-rec.End < 120:
				first++
			}
		}
		if m.start == queued && !slices.ContainsFunc(rec.Keys[before:], rec.waited) {
			t.Fatalf("%s: no key waited for the takeover (its task ran %.0f–%.0f ms; the keys %v): this proved nothing",
				m.name, rec.Start, rec.End, rec.Keys[before:])
		}
		b.run(t, m.name+": the app runs", chromedp.WaitVisible(`#login-form[data-ready="true"]`, chromedp.ByQuery))
		user, pw := fieldOf(t, b.browser, "username"), fieldOf(t, b.browser, "password")
		want := fieldState{Value: ursulasPassword, Start: len("marble lantern "), End: len("marble lantern "), Focused: true}
		if user.Value != "ursula" || pw != want {
			t.Errorf("%s: username %q, password %+v; want \"ursula\" and %+v; the keys %v", m.name, user.Value, pw, want, rec.Keys[before:])
		}
		b.run(t, m.name+": Enter logs in with the app", typeNow("\r"), waitPath("/"), waitText("#welcome", "ursula"))
		signOut(t, b.browser)
	}
	// What the moments covered: keys that waited in the queue for the
	// takeover, and keys pressed in the app's first 120 ms after it.
	t.Logf("%d keys waited for the takeover, %d were pressed in the app's first 120 ms", waited, first)
	if waited == 0 || first == 0 {
		t.Fatalf("the typing missed a part of the takeover (%d keys waited for it, %d came in the app's first 120 ms)", waited, first)
	}
}

// codeMoments are the moments a code is typed across: keys that wait for
// the takeover, and keys right after it.
var codeMoments = []takeoverMoment{takeoverMoments[0], takeoverMoments[5]}

// splitCode is a code typed across the takeover: before it, the first three
// digits and the last, and the caret back between them; while the app
// takes over, the two missing digits, where the caret is.
func splitCode(code string) (before, during string) {
	return code[:3] + code[5:] + string(arrowLeft), code[3:5]
}

// logInBeforeTheApp types a username and password into the server's login
// page and sends it (early.js): the next step shows in the same document,
// the app still held back.
func logInBeforeTheApp(url, username, password string) chromedp.Action {
	return chromedp.Tasks{
		chromedp.Navigate(url + "/login"),
		chromedp.WaitVisible("#password", chromedp.ByID),
		click("#username"), typeNow(username),
		click("#password"), typeNow(password + "\r"),
	}
}

// TestBrowser_TheSecondStepsCodeTypedWhileTheAppTakesOverStaysInItsField:
// a password sent before the app, and the code of the second step typed
// across the takeover (splitCode): the digits typed as the app takes over
// land in the field where the caret was, and the code, whole and in order,
// is the app's: it is sent by itself at its sixth digit and logs in.
func TestBrowser_TheSecondStepsCodeTypedWhileTheAppTakesOverStaysInItsField(t *testing.T) {
	dir := t.TempDir()
	inst := start(t, "", dir)
	b := newTakeoverBrowser(t)
	for i, m := range codeMoments {
		// A user of their own each time: connecting took this time step's
		// code, the login takes the next one's.
		name := fmt.Sprintf("tess%d", i)
		addUser(t, inst, dir, name, ursulasPassword)
		secret, _ := connectOverAPI(t, inst.URL, name, ursulasPassword)
		code, err := totp.GenerateCode(secret, time.Now().Add(30*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		first, rest := splitCode(code)
		b.run(t, m.name+": the code before the app",
			logInBeforeTheApp(inst.URL, name, ursulasPassword),
			chromedp.WaitVisible("#code", chromedp.ByID),
			click("#code"), typeNow(first))
		appNotRunning(t, b.browser, m.name)
		before := len(takeoverOf(t, b, 0).Keys)
		releaseAndType(t, b, m, rest)
		rec := takeoverOf(t, b, before+len(rest))
		allTo(t, rec, before, "code", m.name)
		if k := rec.Keys[before:]; k[0].Caret != 3 || k[1].Caret != 4 {
			t.Errorf("%s: the digits typed as the app took over went to %v; want the caret at 3, then 4", m.name, k)
		}
		b.run(t, m.name+": the code logs in by itself", waitPath("/"), waitText("#welcome", name))
		signOut(t, b.browser)
	}
}

// TestBrowser_TheForcedSetupsCodeTypedWhileTheAppTakesOverStaysInItsField:
// a user whose account forces 2FA logs in before the app, and types the
// code of the setup window the server rendered across the takeover
// (splitCode): the code is in the field, whole and in order, the caret
// where the typing left it and the field focused; Enter connects the
// authenticator with the app, so its state has the code.
func TestBrowser_TheForcedSetupsCodeTypedWhileTheAppTakesOverStaysInItsField(t *testing.T) {
	dir := t.TempDir()
	inst := start(t, "", dir)
	forceTwoFactorOverAPI(t, inst.URL, inst.AdminPassword)
	b := newTakeoverBrowser(t)
	for i, m := range codeMoments {
		name := fmt.Sprintf("setter%d", i)
		addUser(t, inst, dir, name, ursulasPassword)
		var key string
		b.run(t, m.name+": the setup window",
			logInBeforeTheApp(inst.URL, name, ursulasPassword),
			chromedp.WaitVisible("#connect-code", chromedp.ByID),
			chromedp.Text("#manual-key", &key, chromedp.ByID))
		code, err := totp.GenerateCode(strings.ReplaceAll(key, " ", ""), time.Now())
		if err != nil {
			t.Fatal(err)
		}
		first, rest := splitCode(code)
		b.run(t, m.name+": the code before the app", click("#connect-code"), typeNow(first))
		appNotRunning(t, b.browser, m.name)
		before := len(takeoverOf(t, b, 0).Keys)
		releaseAndType(t, b, m, rest)
		rec := takeoverOf(t, b, before+len(rest))
		allTo(t, rec, before, "connect-code", m.name)
		b.run(t, m.name+": the app runs", chromedp.WaitVisible(`#connect-form[data-ready="true"]`, chromedp.ByQuery))
		if f := fieldOf(t, b.browser, "connect-code"); f != (fieldState{Value: code, Start: 5, End: 5, Focused: true}) {
			t.Errorf("%s: the code field %+v; want %q, the caret at 5, focused; the keys %v", m.name, f, code, rec.Keys[before:])
		}
		b.run(t, m.name+": Enter connects with the app", typeNow("\r"),
			chromedp.WaitVisible("#recovery-codes", chromedp.ByID),
			click("#codes-saved"), click("#codes-continue"), waitPath("/"))
		signOut(t, b.browser)
	}
}
