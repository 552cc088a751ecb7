package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/warden-auth/warden/server/internal/testcode"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared/words"
)

// screenSize is a window the accessibility test looks at every screen in.
type screenSize struct {
	name          string
	width, height int64
	mobile        bool
}

var screenSizes = []screenSize{
	{"desktop", 1280, 900, false},
	{"phone", 390, 844, true},
}

// longUsername is as long as a username may be (shared.UsernameMaxLen),
// with no place to break: the header, the menu and the tables must wrap it.
const longUsername = "averyveryverylongusername0123456"

// axePath is axe-core as `npm ci` installs it in test/ (make test does).
const axePath = "../test/node_modules/axe-core/axe.min.js"

// loadAxe reads axe-core, or skips (fails under CI=true) without it.
func loadAxe(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile(axePath)
	if err != nil {
		storetest.Unavailable(t, "axe-core", "reading "+axePath+": "+err.Error()+" (run `cd test && npm ci`, make test does)")
	}
	return string(src)
}

// axeViolation is what the test reports of one failed axe rule.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axeRun runs axe on the page (injecting it first if the page lacks it) and
// keeps the serious and critical violations.
const axeRun = `(async () => {
	const r = await axe.run(document, {resultTypes: ["violations"]});
	return JSON.stringify(r.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => ({
		id: v.id, impact: v.impact, help: v.help,
		nodes: v.nodes.map(n => n.target.join(" ") + ": " + (n.failureSummary || "").replace(/\s+/g, " ")),
	})));
})()`

// overflowCheck lists what is wider than the window, or than the card or
// table container it sits in.
const overflowCheck = `(() => {
	const out = [];
	const root = document.documentElement;
	if (root.scrollWidth > root.clientWidth) out.push("the page is " + root.scrollWidth + " px wide in a " + root.clientWidth + " px window");
	const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className ? "." + String(el.className).trim().replace(/\s+/g, ".") : "");
	for (const el of document.querySelectorAll(".card, .table-wrap, .app-header, .menu, table")) {
		if (el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1) {
			out.push(name(el) + ": content " + el.scrollWidth + " px wide in " + el.clientWidth + " px");
		}
	}
	return out;
})()`

// brokenWords lists the words the page shows split across two lines: a
// person reads "Succes" then "s". A word may break after a hyphen, a slash,
// an @, a dot or an underscore (an e-mail at its parts), and a token of 20
// characters or more (a 32-letter username, a key) may break anywhere, as
// no word of a language is that long. Text read only by screen readers
// (clipped) is not drawn and is not looked at.
const brokenWords = `(() => {
	const out = [];
	const clipped = new Map();
	const hidden = el => {
		if (!el || el === document.body) return false;
		if (clipped.has(el)) return clipped.get(el);
		const cs = getComputedStyle(el);
		const h = cs.clipPath !== "none" || cs.clip !== "auto" || cs.visibility === "hidden" || hidden(el.parentElement);
		clipped.set(el, h);
		return h;
	};
	const lines = range => new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top + r.height / 2))).size;
	const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	for (let node; (node = walker.nextNode());) {
		const el = node.parentElement;
		if (!el || el.closest("script, style, .key, code") || el.getClientRects().length === 0 || hidden(el)) continue;
		for (const m of node.data.matchAll(/\S+/g)) {
			const word = m[0];
			if (word.length < 2 || word.length >= 20) continue;
			const r = document.createRange();
			r.setStart(node, m.index);
			r.setEnd(node, m.index + word.length);
			if (lines(r) < 2) continue;
			// Where does it break? After a sensible character, it may.
			let bad = false;
			for (let i = 1; i < word.length && !bad; i++) {
				const a = document.createRange(), b = document.createRange();
				a.setStart(node, m.index + i - 1); a.setEnd(node, m.index + i);
				b.setStart(node, m.index + i); b.setEnd(node, m.index + i + 1);
				const ra = a.getClientRects()[0], rb = b.getClientRects()[0];
				if (ra && rb && rb.top >= ra.bottom - 1 && !"-/@._".includes(word[i - 1])) bad = true;
			}
			if (bad) out.push(JSON.stringify(word) + " in " + el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className ? "." + String(el.className).trim().replace(/\s+/g, ".") : ""));
		}
	}
	return out;
})()`

// emptyStatus lists the status and alert regions drawn with nothing in
// them: an empty coloured box above a table says nothing.
const emptyStatus = `Array.from(document.querySelectorAll("[role=status], [role=alert], .success, .notice, .warning, .error"))
	.filter(el => el.getClientRects().length > 0 && el.offsetHeight > 2 && el.textContent.trim() === "" && !el.querySelector("img, svg, input, button"))
	.map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + "." + String(el.className).trim().replace(/\s+/g, "."))`

// a11yChecker looks at screens with axe-core, for overflow, for words
// broken inside and for empty status boxes, at every size; with
// SCREENSHOTS=dir it also photographs each (make screenshots).
type a11yChecker struct {
	b       *browser
	axe     string
	lang    *words.Language
	names   []string // the users' names the screens show, which are no English
	checked int
	failed  int
	shots   int
}

// check looks at the screen as it is now at each size, then leaves the
// window at the first (desktop) size.
func (c *a11yChecker) check(t *testing.T, screen string) {
	t.Helper()
	for _, size := range screenSizes {
		var violations, text string
		var overflow, broken, empty []string
		var present bool
		c.b.run(t, screen+" at "+size.name,
			setSize(size),
			laidOutAt(size),
			chromedp.Evaluate(`typeof axe !== "undefined"`, &present),
		)
		actions := []chromedp.Action{}
		if !present {
			var ignored any
			actions = append(actions, chromedp.Evaluate(c.axe+";true", &ignored))
		}
		actions = append(actions,
			chromedp.Evaluate(axeRun, &violations, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }),
			chromedp.Evaluate(overflowCheck, &overflow),
			chromedp.Evaluate(brokenWords, &broken),
			chromedp.Evaluate(emptyStatus, &empty),
			chromedp.Evaluate(shownText, &text),
		)
		c.b.run(t, "axe on "+screen+" at "+size.name, actions...)
		var found []axeViolation
		if err := json.Unmarshal([]byte(violations), &found); err != nil {
			t.Fatalf("axe's answer: %v: %s", err, violations)
		}
		c.checked++
		english := c.english(text)
		if len(found) > 0 || len(overflow) > 0 || len(broken) > 0 || len(empty) > 0 || len(english) > 0 {
			c.failed++
		}
		for _, w := range broken {
			t.Errorf("%s at %s (%dx%d): a word broken across lines: %s", screen, size.name, size.width, size.height, w)
		}
		for _, e := range empty {
			t.Errorf("%s at %s (%dx%d): an empty status box: %s", screen, size.name, size.width, size.height, e)
		}
		if len(english) > 0 {
			t.Errorf("%s at %s (%dx%d): English in %s: %q", screen, size.name, size.width, size.height, c.lang.Tag, english)
		}
		c.photograph(t, screen, size)
		for _, v := range found {
			t.Errorf("%s at %s (%dx%d): axe %s (%s): %s\n\t%s", screen, size.name, size.width, size.height,
				v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n\t"))
		}
		for _, o := range overflow {
			t.Errorf("%s at %s (%dx%d): overflow: %s", screen, size.name, size.width, size.height, o)
		}
	}
	c.b.run(t, "back to "+screenSizes[0].name, setSize(screenSizes[0]))
}

// shownText is what a person reads on the page: its drawn text (and what
// only screen readers read), the names its controls give screen readers,
// their placeholders and tooltips, and the tab's title. Codes and keys
// (code, .key) are no words of a language.
const shownText = `(() => {
	const parts = [document.title];
	const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	for (let n; (n = walker.nextNode());) {
		const el = n.parentElement;
		if (!el || el.closest("script, style, code, .key") || el.getClientRects().length === 0) continue;
		// A text after a <wbr> (an address cut where it may wrap) goes on
		// the same word.
		if (n.previousSibling && n.previousSibling.nodeName === "WBR") parts[parts.length - 1] += n.data;
		else parts.push(n.data);
	}
	// A User-Agent as the browser sent it (product/version, a tooltip of
	// the history) is data, not words.
	const userAgent = /^[\w.-]+\/\d/;
	for (const el of document.querySelectorAll("[aria-label], [placeholder], [title], img[alt]")) {
		if (el.getClientRects().length === 0) continue;
		for (const a of ["aria-label", "placeholder", "title", "alt"]) {
			if (el.hasAttribute(a) && !(a === "title" && userAgent.test(el.getAttribute(a)))) parts.push(el.getAttribute(a));
		}
	}
	return parts.join("\n");
})()`

// emailAddress is an address as the screens show one.
var emailAddress = regexp.MustCompile(`\S+@\S+`)

// english is the English left in text when the walk is in another
// language: Latin words that are no name (latinWords), once the users'
// names and e-mail addresses are out.
func (c *a11yChecker) english(text string) []string {
	if c.lang == words.English {
		return nil
	}
	text = emailAddress.ReplaceAllString(text, "")
	for _, n := range c.names {
		text = strings.ReplaceAll(text, n, "")
	}
	return latinWords(text)
}

// photograph saves the whole page as SCREENSHOTS/NN-screen-size.png and
// logs its height, when SCREENSHOTS names a folder (make screenshots).
func (c *a11yChecker) photograph(t *testing.T, screen string, size screenSize) {
	t.Helper()
	dir := os.Getenv("SCREENSHOTS")
	if dir == "" {
		return
	}
	var png []byte
	var height int64
	c.b.run(t, "photograph "+screen,
		chromedp.Evaluate(`document.documentElement.scrollHeight`, &height),
		chromedp.FullScreenshot(&png, 100),
	)
	c.shots++
	name := fmt.Sprintf("%s-%02d-%s-%s.png", c.lang.Tag, c.shots, strings.NewReplacer(" ", "-", "/", "-", "'", "").Replace(screen), size.name)
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s: %d px tall", name, height)
}

// edgeContrast checks that the colour prop of the element sel (a field's
// border, a switch's track) stands out 3:1 from the background of the
// element around it, as WCAG 1.4.11 asks of the parts of a control.
func edgeContrast(b *browser, t *testing.T, what, sel, prop, around string) {
	t.Helper()
	var colours []string
	b.run(t, "the colours of "+what, chromedp.Evaluate(fmt.Sprintf(`[
		getComputedStyle(document.querySelector(%q))[%q],
		getComputedStyle(document.querySelector(%q)).backgroundColor]`, sel, prop, around), &colours))
	ratio, err := contrastRatio(colours[0], colours[1])
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if ratio < 3 {
		t.Errorf("%s: %s on %s is %.2f:1, under 3:1", what, colours[0], colours[1], ratio)
	}
}

// contrastRatio is WCAG's contrast ratio of two colours written as
// getComputedStyle writes them, "rgb(r, g, b)".
func contrastRatio(a, b string) (float64, error) {
	la, err := luminance(a)
	if err != nil {
		return 0, err
	}
	lb, err := luminance(b)
	if err != nil {
		return 0, err
	}
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05), nil
}

func luminance(css string) (float64, error) {
	var r, g, b float64
	if _, err := fmt.Sscanf(css, "rgb(%g, %g, %g)", &r, &g, &b); err != nil {
		return 0, fmt.Errorf("colour %q: %v", css, err)
	}
	lin := func(v float64) float64 {
		if v /= 255; v <= 0.04045 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b), nil
}

// setSize emulates the window of size, as a phone for a phone.
// laidOutAt waits until the page has the size's width and has drawn two
// frames at it: its resize handlers ran and its layout is the new one. The
// width is the layout's (clientWidth): a phone zooms out of a page wider
// than itself, and its innerWidth is then the page's, which the overflow
// check reports.
func laidOutAt(size screenSize) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		if err := waitTrue(fmt.Sprintf("window.innerWidth === %[1]d || document.documentElement.clientWidth === %[1]d", size.width)).Do(ctx); err != nil {
			return err
		}
		var drawn bool
		return chromedp.Evaluate(`new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))`, &drawn,
			func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }).Do(ctx)
	})
}

func setSize(size screenSize) chromedp.Action {
	scale := 1.0
	if size.mobile {
		scale = 3
	}
	return emulation.SetDeviceMetricsOverride(size.width, size.height, scale, size.mobile)
}

// TestA11y_EveryScreenAtBothSizes walks through every screen as a user with
// the longest possible username, and checks each at a desktop and a phone
// size: no serious or critical axe-core violation, nothing wider than the
// window or its card, no word broken inside. It walks in English, then in
// Russian (longer words), where no English may show either. One browser
// serves both walks; each has its own server, as a walk changes its data.
func TestA11y_EveryScreenAtBothSizes(t *testing.T) {
	b := newBrowser(t)
	axe := loadAxe(t)
	for _, tag := range []string{"en", "ru"} {
		t.Run(tag, func(t *testing.T) { walkEveryScreen(t, b, axe, words.Lookup(tag)) })
	}
}

// fixedPart is the longest run of full's words that none of its
// parameters' values (vars) is in: what a screen says of a message
// whatever the values.
func fixedPart(full string, vars ...string) string {
	pieces := []string{full}
	for _, v := range vars {
		var next []string
		for _, p := range pieces {
			next = append(next, strings.Split(p, v)...)
		}
		pieces = next
	}
	longest := ""
	for _, p := range pieces {
		if p = strings.TrimSpace(p); len(p) > len(longest) {
			longest = p
		}
	}
	return longest
}

// walkEveryScreen is the walk of TestA11y_EveryScreenAtBothSizes in lang,
// chosen on the login card's switch as a person would.
func walkEveryScreen(t *testing.T, b *browser, axe string, lang *words.Language) {
	inst := start(t, "", t.TempDir())
	addUser(t, inst, inst.env["DATA_DIR"], longUsername, longPassword, "--admin")
	password := longPassword
	say := lang.Say
	graceUser := strings.Repeat("g", len(longUsername))
	sprayed := strings.Repeat("s", len(longUsername))
	newUser := strings.Repeat("n", len(longUsername))
	c := &a11yChecker{b: b, axe: axe, lang: lang, names: []string{longUsername, graceUser, sprayed, newUser}}
	defer func() { t.Logf("%s: %d of %d screen checks fall short", lang.Tag, c.failed, c.checked) }()

	b.tolerating()
	b.run(t, "open /login",
		network.ClearBrowserCookies(),
		chromedp.Navigate(inst.URL+"/login"),
		chromedp.WaitEnabled("#login-submit", chromedp.ByID),
	)
	if lang != words.English {
		b.run(t, "choose "+lang.Tag+" on the login card",
			click("#lang-"+lang.Tag),
			waitText("#login-submit", say(words.LogIn)),
			chromedp.WaitEnabled("#login-submit", chromedp.ByID),
		)
	}
	c.check(t, "login")
	edgeContrast(b, t, "the username field's border", "#username", "borderTopColor", ".login-card")
	b.run(t, "wrong password",
		chromedp.SendKeys("#username", longUsername, chromedp.ByID),
		chromedp.SendKeys("#password", "not the password", chromedp.ByID),
		click("#login-submit"),
		waitText("#login-error", say(words.WrongCredentials)),
	)
	c.check(t, "wrong password")
	logIn(b, t, inst.URL, longUsername, password)
	b.run(t, "home", waitPath("/"), waitText("#welcome", longUsername))
	c.check(t, "home")
	b.run(t, "open the menu", click("#avatar"), chromedp.WaitVisible("#menu-profile", chromedp.ByID))
	c.check(t, "menu")
	b.run(t, "security settings",
		click("#menu-profile"),
		waitPath("/profile"),
		waitText("#twofa-status", say(words.Off)),
	)
	c.check(t, "security settings")
	// My profile's other sections, each at its address, reached by its
	// navigation.
	for _, s := range []struct{ nav, path, ready string }{
		{"password", "/profile/password", "#password-current"},
		{"sessions", "/profile/sessions", "#sessions tbody tr"},
		{"notices", "/profile/notices", "#notices-title"},
		{"history", "/profile/history", "#login-history tbody tr"},
		{"email", "/profile/email", "#email"},
	} {
		b.run(t, "the "+s.nav+" section",
			click("#nav-"+s.nav),
			waitPath(s.path),
			chromedp.WaitVisible(s.ready, chromedp.ByQuery),
		)
		c.check(t, s.nav+" section")
		if s.nav == "password" {
			b.run(t, "a new password's strength",
				setInput("password-new", "correct horse battery staple 9"),
				waitText("#password-strength", fixedPart(say(words.StrengthGood(words.StrengthStrong)), say(words.StrengthStrong))),
				click("#password-show"),
			)
			c.check(t, "password strength")
		}
	}
	b.run(t, "a new e-mail address waiting for its link",
		setInput("email", longUsername+"@example.com"),
		click("#email-submit"),
		waitText("#email-changed", fixedPart(say(words.LinkSentTo("@")), "@")),
		chromedp.WaitVisible("#email-resend", chromedp.ByID),
	)
	c.check(t, "e-mail address waiting for its link")
	// As if the login were longer ago than REAUTH_WINDOW: Connect asks
	// who it is first, in a dialog over the page.
	forgetProofs(t, inst.env["DATA_DIR"])
	b.run(t, "the re-authentication dialog",
		click("#nav-security"),
		waitPath("/profile"),
		click("#connect-2fa"),
		focusIs("reauth-password"),
	)
	c.check(t, "re-authentication dialog")
	b.run(t, "a wrong password in the dialog",
		setInput("reauth-password", "not the password"),
		click("#reauth-submit"),
		waitText("#reauth-error", say(words.PasswordNotRight)),
	)
	c.check(t, "re-authentication refused")
	var manualKey string
	b.run(t, "the Connect window",
		setInput("reauth-password", password),
		click("#reauth-submit"),
		chromedp.WaitVisible("#qr-code", chromedp.ByID),
		chromedp.Text("#manual-key", &manualKey, chromedp.ByID),
	)
	c.check(t, "Connect window")
	secret := strings.ReplaceAll(manualKey, " ", "")
	now := time.Now()
	b.run(t, "the recovery codes",
		setInput("connect-code", totpCode(t, secret, now)),
		click("#connect-submit"),
		chromedp.WaitVisible("#recovery-codes", chromedp.ByID),
	)
	c.check(t, "recovery codes")
	b.run(t, "2FA on",
		click("#codes-saved"),
		chromedp.WaitEnabled("#codes-continue", chromedp.ByID),
		click("#codes-continue"),
		chromedp.WaitNotPresent("#recovery-codes", chromedp.ByID),
		waitText("#twofa-status", say(words.On)),
	)
	c.check(t, "2FA on")
	b.run(t, "the administration panel",
		chromedp.Navigate(inst.URL+"/admin"),
		chromedp.WaitVisible(`label[for="force-2fa"]`, chromedp.ByQuery),
	)
	c.check(t, "administration panel")
	edgeContrast(b, t, "the switch's off track", "#force-2fa + .slider", "backgroundColor", "#account-settings")
	// The account's other tabs, each at its address.
	for _, tab := range []struct{ id, table, text string }{
		{"logins", "#admin-logins tbody", say(words.ReasonWrongPassword)},
		{"audit", "#audit-log tbody", longUsername},
		{"users", "#users-table", longUsername},
	} {
		b.run(t, "the "+tab.id+" tab", click("#tab-"+tab.id), waitText(tab.table, tab.text))
		c.check(t, tab.id+" tab")
	}
	resetButton := "reset-2fa-" + longUsername
	b.run(t, "the Reset 2FA confirmation",
		click("#"+resetButton),
		chromedp.WaitVisible("#confirm-reset-dialog", chromedp.ByID),
	)
	c.check(t, "Reset 2FA confirmation")
	b.run(t, "Escape closes it",
		key(kb.Escape),
		chromedp.WaitNotPresent("#confirm-reset-dialog", chromedp.ByID),
		focusIs(resetButton),
	)
	b.run(t, "the New user form",
		click("#new-user"),
		focusIs("new-user-username"),
	)
	c.check(t, "New user form")
	b.run(t, "Escape closes it, and it opens again",
		key(kb.Escape),
		chromedp.WaitNotPresent("#new-user-form", chromedp.ByID),
		focusIs("new-user"),
		click("#new-user"),
		focusIs("new-user-username"),
		setInput("new-user-username", newUser),
		setInput("new-user-email", newUser+"@example.com"),
		click("#new-user-submit"),
		chromedp.WaitVisible("#one-time-password", chromedp.ByID),
		focusIs("one-time-password-box"),
	)
	c.check(t, "one-time password")
	b.run(t, "Done hides the password", click("#one-time-password-done"), focusIs("new-user"))
	b.run(t, "the Force 2FA confirmation",
		click("#tab-settings"),
		click(`label[for="force-2fa"]`),
		waitText("#force-2fa-count", say(words.UsersWithout2FA(2, words.UsersCount(3), "Default"))),
	)
	c.check(t, "Force 2FA confirmation")
	b.run(t, "Force 2FA with a grace period",
		setInput("grace-days", "3"),
		click("#force-2fa-confirm"),
		waitText("#grace-period", say(words.GracePeriodDays(3))),
		waitText("#policy-changed", longUsername),
	)
	b.run(t, "the account settings under Force 2FA",
		waitText("#account-adoption", say(words.AdoptionWith(1, 33))),
		chromedp.WaitVisible("#change-grace-days", chromedp.ByID),
		chromedp.WaitVisible(`label[for="passkeys-allowed"]`, chromedp.ByQuery),
	)
	c.check(t, "account settings under Force 2FA")
	b.run(t, "the grace period's change",
		click("#change-grace-days"),
		waitText("#force-2fa-title", say(words.ChangeGraceOf("Default"))),
	)
	c.check(t, "grace period change")
	b.run(t, "Escape closes it",
		key(kb.Escape),
		chromedp.WaitNotPresent("#force-2fa-dialog", chromedp.ByID),
		focusIs("change-grace-days"),
		waitText("#grace-period", say(words.GracePeriodDays(3))),
	)
	b.run(t, "the Disconnect warning, under Force 2FA",
		chromedp.Navigate(inst.URL+"/profile"),
		waitText("#twofa-status", say(words.On)),
		click("#disconnect-2fa"),
		chromedp.SendKeys("#disconnect-password", password, chromedp.ByID),
		click("#disconnect-submit"),
		chromedp.WaitVisible("#disconnect-warning", chromedp.ByID),
	)
	c.check(t, "Disconnect warning")
	b.run(t, "Escape closes the warning, the form stays; Escape again closes the form",
		focusIs("disconnect-warning"),
		key(kb.Escape),
		chromedp.WaitNotPresent("#disconnect-warning", chromedp.ByID),
		focusIs("disconnect-submit"),
		key(kb.Escape),
		chromedp.WaitNotPresent("#disconnect-password", chromedp.ByID),
		focusIs("disconnect-2fa"),
		waitText("#twofa-status", say(words.On)),
	)
	b.run(t, "log out", click("#avatar"), click("#menu-logout"), waitPath("/login"))
	// A user without 2FA inside the grace period, with a name as long.
	addUser(t, inst, inst.env["DATA_DIR"], graceUser, password)
	logIn(b, t, inst.URL, graceUser, password)
	b.run(t, "the grace period's banner", waitPath("/"), chromedp.WaitVisible("#twofa-banner", chromedp.ByID))
	c.check(t, "grace period banner")
	b.run(t, "log out", click("#avatar"), click("#menu-logout"), waitPath("/login"))
	// The platform administrator: every account, and a password sprayed at
	// a name no user has, under Unknown usernames.
	res, err := http.Post(inst.URL+"/api/login", "application/json", strings.NewReader(`{"username":"`+sprayed+`","password":"Winter2026!"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	logIn(b, t, inst.URL, "admin", inst.AdminPassword)
	b.run(t, "the accounts",
		waitPath("/"),
		chromedp.Navigate(inst.URL+"/admin"),
		waitText("#accounts-table", say(words.AdoptionInGrace(2))),
	)
	c.check(t, "accounts")
	b.run(t, "the attempts on unknown usernames",
		click("#open-account-1"),
		click("#tab-logins"),
		waitText("#admin-logins tbody", longUsername),
		click("#logins-unknown"),
		click("#logins-apply"),
		waitText("#admin-logins tbody", sprayed),
	)
	c.check(t, "unknown usernames")
	b.run(t, "log out", click("#avatar"), click("#menu-logout"), waitPath("/login"))
	logIn(b, t, inst.URL, longUsername, password)
	b.run(t, "the second step", chromedp.WaitVisible("#code", chromedp.ByID))
	c.check(t, "second step")
	for screen, query := range map[string]string{
		"the e-mail link's button": "token=" + strings.Repeat("A", 43),
		"an expired e-mail link":   "error=link_expired",
		"a confirmed e-mail link":  "done=1",
	} {
		b.run(t, screen,
			chromedp.Navigate(inst.URL+"/email/confirm?"+query),
			chromedp.WaitVisible("h1", chromedp.ByQuery),
		)
		c.check(t, screen)
	}
	b.tolerating("status of 404 (Not Found) " + inst.URL + "/no/such/page") // and it should
	b.run(t, "a page that does not exist",
		chromedp.Navigate(inst.URL+"/no/such/page"),
		chromedp.WaitVisible("#not-found-home", chromedp.ByID),
	)
	c.check(t, "404")
}

// longPassword is longUsername's password.
const longPassword = "a long enough password"

// startWithLongAdmin starts a server with an administrator named
// longUsername, and a browser.
func startWithLongAdmin(t *testing.T) (*instance, *browser) {
	t.Helper()
	dir := t.TempDir()
	inst := start(t, "", dir)
	addUser(t, inst, dir, longUsername, longPassword, "--admin")
	return inst, newBrowser(t)
}

// addUser creates a user with the command line, as an operator would, and
// replaces the one-time password it gives with password, as the user's
// first login would.
func addUser(t *testing.T, inst *instance, dataDir, username, password string, flags ...string) {
	t.Helper()
	var out strings.Builder
	oneTime := rand.Text()
	args := append([]string{"user", "create", "--username", username}, flags...)
	err := run(context.Background(), args, func(k string) string { return map[string]string{"DATA_DIR": dataDir}[k] },
		strings.NewReader(oneTime+"\n"), &out, &out)
	if err != nil {
		t.Fatalf("user create %s: %v\n%s", username, err, out.String())
	}
	replaceOneTimePassword(t, inst.URL, username, oneTime, password)
}

// focusIs waits until the element with id has the keyboard focus.
func focusIs(id string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		var got string
		for {
			if err := chromedp.Run(ctx, chromedp.Evaluate(`document.activeElement ? document.activeElement.id : ""`, &got)); err != nil {
				return err
			}
			if got == id {
				return nil
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("waiting for the focus on #%s (it is on %q): %w", id, got, ctx.Err())
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
}

// key presses a key on the element that has the focus.
func key(k string) chromedp.Action { return chromedp.KeyEvent(k) }

// TestA11y_FocusFollowsEachStepAndTheKeysWork: each new step puts the focus
// on its first field, a failed one on the field to fix; the account menu
// and the dialogs answer the keys a keyboard user presses.
func TestA11y_FocusFollowsEachStepAndTheKeysWork(t *testing.T) {
	inst, b := startWithLongAdmin(t)
	password := longPassword

	b.run(t, "on a phone, the username has the focus once the app runs",
		setSize(screenSizes[1]),
		chromedp.Navigate(inst.URL+"/login"),
		chromedp.WaitEnabled("#login-submit", chromedp.ByID),
		focusIs("username"),
		setSize(screenSizes[0]),
	)
	b.run(t, "a wrong password: the error is announced, the focus is on the password",
		chromedp.SendKeys("#username", longUsername, chromedp.ByID),
		chromedp.SendKeys("#password", "not the password", chromedp.ByID),
		click("#login-submit"),
		waitText("#login-error", "Incorrect username or password"),
		focusIs("password"),
	)
	var role, live string
	b.run(t, "the error area",
		chromedp.AttributeValue("#login-error", "role", &role, nil, chromedp.ByID),
		chromedp.AttributeValue("#login-error", "aria-live", &live, nil, chromedp.ByID),
	)
	if role != "alert" || live != "assertive" {
		t.Errorf("#login-error: role=%q aria-live=%q", role, live)
	}
	logIn(b, t, inst.URL, longUsername, password)
	menuOpen := func(want bool) chromedp.Action {
		if want {
			return chromedp.WaitVisible("#account-menu", chromedp.ByID)
		}
		return chromedp.WaitNotPresent("#account-menu", chromedp.ByID)
	}
	b.run(t, "the menu opens with the focus on its first item; the arrows, Home and End move it",
		waitPath("/"),
		click("#avatar"),
		menuOpen(true),
		focusIs("menu-profile"),
		key(kb.ArrowDown), focusIs("menu-admin"),
		key(kb.ArrowDown), focusIs("menu-logout"),
		key(kb.ArrowDown), focusIs("menu-profile"),
		key(kb.ArrowUp), focusIs("menu-logout"),
		key(kb.Home), focusIs("menu-profile"),
		key(kb.End), focusIs("menu-logout"),
	)
	// The focused item shows it in the product's colours, not with the
	// browser's own ring (outline-style auto).
	var outline string
	b.run(t, "the focused item's outline", chromedp.Evaluate(`getComputedStyle(document.activeElement).outlineStyle`, &outline))
	if outline != "solid" {
		t.Errorf("the focused menu item's outline is %q", outline)
	}
	edgeContrast(b, t, "the focused menu item's outline", "#menu-logout", "outlineColor", ".menu")
	b.run(t, "Escape closes the menu and gives the focus back to the avatar",
		key(kb.Escape), menuOpen(false), focusIs("avatar"),
	)
	b.run(t, "Arrow Up on the avatar opens the menu at its last item; Tab closes it",
		key(kb.ArrowUp), menuOpen(true), focusIs("menu-logout"),
		key(kb.Tab), menuOpen(false),
	)
	b.run(t, "a click outside closes the menu",
		click("#avatar"), menuOpen(true),
		chromedp.MouseClickXY(600, 600),
		menuOpen(false),
	)
	var key2FA string
	b.run(t, "the Connect window puts the focus on the code; Escape closes it, the focus back on Connect",
		chromedp.Navigate(inst.URL+"/profile"),
		click("#connect-2fa"),
		chromedp.WaitVisible("#qr-code", chromedp.ByID),
		focusIs("connect-code"),
		key(kb.Escape),
		chromedp.WaitNotPresent("#connect-window", chromedp.ByID),
		focusIs("connect-2fa"),
		click("#connect-2fa"),
		chromedp.WaitVisible("#qr-code", chromedp.ByID),
		focusIs("connect-code"),
		chromedp.Text("#manual-key", &key2FA, chromedp.ByID),
	)
	secret := strings.ReplaceAll(key2FA, " ", "")
	b.run(t, "a wrong code: the focus stays on the code",
		chromedp.SendKeys("#connect-code", testcode.Wrong(t, secret, time.Now()), chromedp.ByID),
		click("#connect-submit"),
		waitText("#connect-error", "not right"),
		focusIs("connect-code"),
	)
	connectedAt := time.Now()
	b.run(t, "connect",
		setInput("connect-code", totpCode(t, secret, connectedAt)),
		click("#connect-submit"),
		chromedp.WaitVisible("#recovery-codes", chromedp.ByID),
		click("#codes-saved"),
		chromedp.WaitEnabled("#codes-continue", chromedp.ByID),
		click("#codes-continue"),
		waitText("#twofa-status", "On"),
	)
	b.run(t, "Disconnect puts the focus on the password; Escape closes it",
		click("#disconnect-2fa"),
		focusIs("disconnect-password"),
		key(kb.Escape),
		chromedp.WaitNotPresent("#disconnect-password", chromedp.ByID),
		focusIs("disconnect-2fa"),
	)
	resetButton := "reset-2fa-" + longUsername
	b.run(t, "the reset confirmation takes the focus; Escape closes it",
		chromedp.Navigate(inst.URL+"/admin?tab=users"),
		click("#"+resetButton),
		chromedp.WaitVisible("#confirm-reset-dialog", chromedp.ByID),
		focusIs("confirm-reset-dialog"),
		key(kb.Escape),
		chromedp.WaitNotPresent("#confirm-reset-dialog", chromedp.ByID),
		focusIs(resetButton),
	)
	b.run(t, "log out", click("#avatar"), click("#menu-logout"), waitPath("/login"))
	logIn(b, t, inst.URL, longUsername, password)
	b.run(t, "the second step puts the focus on the code, a recovery code on its field",
		chromedp.WaitVisible("#code", chromedp.ByID),
		focusIs("code"),
		click("#use-recovery-code"),
		focusIs("recovery-code"),
	)
}
