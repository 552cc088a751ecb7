package httpapi

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"

	webapp "github.com/warden-auth/warden/app"
	"github.com/warden-auth/warden/server/httpapi/pwa"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// The prerendered pages hold values from the request (the query, the path)
// and from what people typed and the database keeps (account names, e-mail
// addresses). These tests request every page the way an attacker would, and
// read the answer as a browser's parser does (x/net/html).

var appRoutes sync.Once

// appPages is go-app's handler over the app's own routes, as the server
// serves it (pwa.New), over a web/ folder of its own.
func appPages(t testing.TB) http.Handler {
	t.Helper()
	appRoutes.Do(webapp.Routes)
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "web"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "web", "app.wasm"), []byte("\x00asm"), 0o644); err != nil {
		t.Fatal(err)
	}
	pages, err := pwa.New(webapp.Handler(), root, "test", webapp.NotFound)
	if err != nil {
		t.Fatal(err)
	}
	return pages
}

// newEnvApp is newEnv serving the app's real prerendered pages.
func newEnvApp(t testing.TB, dialect string) *env {
	t.Helper()
	return newEnvPages(t, storetest.Open(t, dialect), appPages(t))
}

// page fetches a page as c and returns its status and HTML.
func (e *env) page(t testing.TB, c *http.Client, path string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", e.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// pageTree is a page as a browser's parser builds it: one line per node,
// indented by depth, each element with its attributes (sorted: go-app
// writes them in a map's order, which means nothing); sub is
// applied to every attribute value and text before it is quoted.
func pageTree(t testing.TB, page string, sub func(string) string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		indent := strings.Repeat("  ", depth)
		switch n.Type {
		case html.ElementNode:
			var b strings.Builder
			fmt.Fprintf(&b, "%s<%s", indent, n.Data)
			attrs := slices.Clone(n.Attr)
			slices.SortFunc(attrs, func(a, b html.Attribute) int { return strings.Compare(a.Namespace+":"+a.Key, b.Namespace+":"+b.Key) })
			for _, a := range attrs {
				key := a.Key
				if a.Namespace != "" {
					key = a.Namespace + ":" + key
				}
				fmt.Fprintf(&b, " %s=%q", key, subJSON(a.Val, sub))
			}
			lines = append(lines, b.String()+">")
		case html.TextNode:
			lines = append(lines, fmt.Sprintf("%stext %q", indent, sub(n.Data)))
		case html.CommentNode:
			lines = append(lines, fmt.Sprintf("%scomment %q", indent, sub(n.Data)))
		case html.DoctypeNode:
			lines = append(lines, indent+"doctype "+n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
	}
	walk(doc, 0)
	return lines
}

func same(s string) string { return s }

// subJSON is sub applied to a value, or, when the value is a JSON object
// (the user the setup page holds for the app), to each string in it.
func subJSON(v string, sub func(string) string) string {
	var obj map[string]any
	if !strings.HasPrefix(v, "{") || json.Unmarshal([]byte(v), &obj) != nil {
		return sub(v)
	}
	for k, x := range obj {
		if s, ok := x.(string); ok {
			obj[k] = sub(s)
		}
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(obj) // map keys in order
	return b.String()
}

// replacing is a sub for pageTree that puts each new value where its old
// one is (old, new, old, new...).
func replacing(pairs ...string) func(string) string {
	r := strings.NewReplacer(pairs...)
	return r.Replace
}

// treeDiff describes where two page trees part ("" when they are equal).
func treeDiff(got, want []string) string {
	for i := 0; i < max(len(got), len(want)); i++ {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			return fmt.Sprintf("node %d:\n  got  %s\n  want %s", i, g, w)
		}
	}
	return ""
}

// hostileValues are what an attacker puts in a link or types into a field
// that a page shows: each byte HTML or Go quoting treat specially, markup,
// a script's end, a script URL, and the characters that cannot be seen
// (NUL, bidi overrides, zero-width, invalid UTF-8).
var hostileValues = []string{
	`"><meta/http-equiv='refresh'content='0;url=http://elsewhere/'>`,
	`" autofocus onfocus="alert(1)`,
	`'`, `"`, `<`, `>`, `&`, `\`, `\"`, "\n", "\r\n", "\t",
	`</script><script>alert(1)</script>`, `--><!--`, `<!--`,
	"javascript:alert(1)", " JaVaScRiPt:alert(1)",
	"&#34;&quot;&amp", "&para=1&copy",
	"\x00", "a\x00b", "\u202eevil", "ad\u200bmin", "\ufeffx", "\u0085", "\u00a0", "\xff\xfe",
	"true", "false", "", " ", "\u2028",
}

// checkNoInjection fails on what no page may hold whatever the request:
// a meta http-equiv (a refresh to another site), a script with code of
// its own, or a script URL where a link or a form leads.
func checkNoInjection(t *testing.T, what, page string) {
	t.Helper()
	walkElements(t, page, func(n *html.Node) {
		for _, a := range n.Attr {
			switch {
			case n.Data == "meta" && a.Key == "http-equiv":
				t.Errorf("%s: a meta http-equiv=%q content=%q", what, a.Val, attrOf(n, "content"))
			case strings.HasPrefix(a.Key, "on"):
				t.Errorf("%s: an event handler %s=%q on <%s>", what, a.Key, a.Val, n.Data)
			case slices.Contains([]string{"href", "src", "action", "formaction", "content"}, a.Key) &&
				strings.HasPrefix(strings.ToLower(strings.TrimLeft(a.Val, "\x00\t\n\f\r \u00a0")), "javascript:"):
				t.Errorf("%s: a script URL in <%s %s=%q>", what, n.Data, a.Key, a.Val)
			}
		}
		if n.Data == "script" && n.FirstChild != nil {
			t.Errorf("%s: an inline script %q", what, n.FirstChild.Data)
		}
	})
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// queryParams are the names of the query parameters the app reads, found
// in its source: a parameter added later is attacked without this test
// naming it.
func queryParams(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob("../../app/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("the app's source: %v", err)
	}
	re := regexp.MustCompile(`(?:Query\(\)|\bq)\.Get\("([^"]+)"\)`)
	// page-data names what the server lends a page (prerender_other.go).
	params := []string{"page-data"}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			if !slices.Contains(params, m[1]) {
				params = append(params, m[1])
			}
		}
	}
	for _, known := range []string{"username", "error", "retry", "notice", "step", "setup", "recovered", "account"} {
		if !slices.Contains(params, known) {
			t.Fatalf("the scan of the app's source missed the parameter %q (found %v)", known, params)
		}
	}
	return params
}

// hostileMarker is a plain value: where a page shows what it was given, it
// shows this, and a hostile value must appear in its place and nowhere else.
const hostileMarker = "plainvalue7"

// TestPrerender_TheLoginPageKeepsAHostileUsernameAsText: the outside
// tester's link. The username comes back in the field as the very text
// given, and the page gains no element: no refresh to another site.
func TestPrerender_TheLoginPageKeepsAHostileUsernameAsText(t *testing.T) {
	e := newEnvApp(t, "sqlite")
	const attack = `"><meta/http-equiv='refresh'content='0;url=http://elsewhere/'>`
	status, page := e.page(t, e.browser(), "/login?username="+url.QueryEscape(attack))
	if status != 200 {
		t.Fatalf("status %d", status)
	}
	checkNoInjection(t, "/login?username=attack", page)
	if value := elementAttr(t, page, "username", "value"); value != attack {
		t.Fatalf("the username field holds %q, want the text given", value)
	}
}

// hostileTarget is a place of a page that a request fills: the page with
// a plain value there, the page without it, and the page with v there.
type hostileTarget struct {
	name string
	path func(v string) string
	// absent is the page when the value is dropped.
	absent string
	// trims: the value ends an attribute other than value, and go-app
	// trims spaces around those (in the browser too).
	trims bool
}

// hostileTargets are every page with each parameter the app reads, and the
// path of a page that does not exist.
func hostileTargets(t testing.TB) []hostileTarget {
	var targets []hostileTarget
	for _, route := range webapp.Paths {
		for _, p := range queryParams(t) {
			targets = append(targets, hostileTarget{name: route + "?" + p, absent: route,
				path: func(v string) string { return route + "?" + url.Values{p: {v}}.Encode() }})
		}
	}
	return append(targets, hostileTarget{name: "an unknown path", absent: "/no-such-page", trims: true,
		path: func(v string) string { return "/no-such-page/" + url.PathEscape(v) }})
}

// carried is v as an HTML page can hold it: NUL, the C1 controls and bytes
// that are not UTF-8 have no place in HTML, and a browser reads U+FFFD for
// each.
func carried(v string) string {
	return strings.Map(func(r rune) rune {
		if r == 0 || (r >= 0x80 && r <= 0x9f) {
			return utf8.RuneError
		}
		return r
	}, v)
}

// checkHostile requests tg's page with v and fails unless it parses to the
// tree a plain value gives, with v where the plain value was (as text,
// exactly as given), or to the page without it (a value not valid for its
// field is dropped).
func (e *env) checkHostile(t *testing.T, c *http.Client, tg hostileTarget, v string) {
	t.Helper()
	tree := func(path string, sub func(string) string) []string {
		t.Helper()
		status, page := e.page(t, c, path)
		if status != http.StatusOK && status != http.StatusNotFound {
			t.Fatalf("%s: status %d", path, status)
		}
		return pageTree(t, page, sub)
	}
	status, page := e.page(t, c, tg.path(v))
	what := fmt.Sprintf("%s=%q", tg.name, v)
	if status != http.StatusOK && status != http.StatusNotFound {
		t.Fatalf("%s: status %d", what, status)
	}
	checkNoInjection(t, what, page)
	got := pageTree(t, page, same)
	want := carried(v)
	if tg.trims {
		want = strings.TrimRight(want, " ")
	}
	asText := treeDiff(got, tree(tg.path(hostileMarker), replacing(hostileMarker, want)))
	if asText == "" {
		return
	}
	if dropped := treeDiff(got, tree(tg.absent, same)); dropped != "" {
		t.Errorf("%s changes the page: as the plain value's %s\nas without it: %s", what, asText, dropped)
	}
}

// TestPrerender_HostileQueryValuesChangeNoElement requests every page with
// each hostile value in each parameter the app reads, and in the path of a
// page that does not exist: each page is the one a plain value gives, with
// the value as text, or the one without it.
func TestPrerender_HostileQueryValuesChangeNoElement(t *testing.T) {
	e := newEnvApp(t, "sqlite")
	c := e.browser()
	for _, tg := range hostileTargets(t) {
		for _, v := range hostileValues {
			e.checkHostile(t, c, tg, v)
		}
	}
}

// TestPrerender_HostileStoredNamesChangeNoElement: an account name, an
// e-mail address and a key's name are typed by people and stored as typed
// (as far as validation lets them). Two users go the same way, one with
// plain names and one with hostile ones: the forced setup and its recovery
// codes, which the server prerenders with their data, then every page as
// signed in, with a security key added. Each page of the second parses to
// the first's tree with the second's names (and keys, codes) in place of
// the first's, and to nothing more.
func TestPrerender_HostileStoredNamesChangeNoElement(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnvApp(t, dialect)
			// A WebAuthn relying party is a domain, never an IP address.
			e.srv.URL = strings.Replace(e.srv.URL, "127.0.0.1", "localhost", 1)
			now := e.fixClock()
			e.user("root", shared.RolePlatformAdmin, "Platform")
			root := e.browser()
			if a := e.login(root, "root", password); a.status != 200 {
				t.Fatalf("root's login: %d %s", a.status, a.body)
			}
			e.enroll(t, root, *now) // who makes 2FA mandatory has it
			plain := storedNames{username: "pxa7", account: "Plainacct7", email: "plain7@example.com", key: "Plainkey7"}
			hostile := storedNames{username: "pxb7",
				account: `"><meta/http-equiv='refresh'content='0;url=http://elsewhere/'>`,
				// No `"` gets past the address's rule; references do, and
				// a page that decoded them would show another address.
				email: `q&#34q'&lt&amp@example.com`,
				key:   `</script><a href="javascript:alert(1)">&#34;\`,
			}
			first, second := e.storedNamesPages(t, root, plain, *now), e.storedNamesPages(t, root, hostile, *now)
			sub := replacing(append(plain.pairs(hostile), pairs(first.random, second.random)...)...)
			for path, page := range second.pages {
				checkNoInjection(t, path, page)
				if d := treeDiff(pageTree(t, page, same), pageTree(t, first.pages[path], sub)); d != "" {
					t.Errorf("%s with hostile names: %s", path, d)
				}
			}
		})
	}
}

// storedNames are what a user and their account are called.
type storedNames struct{ username, account, email, key string }

// pairs are old, new pairs for replacing: each of n's names by o's.
func (n storedNames) pairs(o storedNames) []string {
	return []string{n.username, o.username, n.account, o.account, n.email, o.email, n.key, o.key}
}

func pairs(old, new []string) []string {
	var p []string
	for i := range old {
		p = append(p, old[i], new[i])
	}
	return p
}

// namedPages are the pages a user saw, by what was asked, and what in
// them is random (the key, its QR code, the recovery codes), in order.
type namedPages struct {
	pages  map[string]string
	random []string
}

// storedNamesPages creates an account and an administrator of it named n,
// with 2FA forced, through the API as the platform's administrator, then
// logs in with the forms of the pages before the app: the setup the server
// prerenders, a code, the recovery codes shown once; then every page as
// signed in, and again once a security key named n.key is added.
func (e *env) storedNamesPages(t *testing.T, root *http.Client, n storedNames, now time.Time) namedPages {
	t.Helper()
	var acc shared.AccountSettings
	if a := e.do(root, "POST", "/api/admin/accounts", shared.AccountRequest{Name: n.account}); a.status != 201 {
		t.Fatalf("create the account %q: %d %s", n.account, a.status, a.body)
	} else {
		a.decode(t, &acc)
	}
	if a := e.setPolicy(t, root, acc.ID, true); a.status != 200 {
		t.Fatalf("force 2FA: %d %s", a.status, a.body)
	}
	u := e.user(n.username, shared.RoleAdmin, n.account)
	if a := e.do(root, "PATCH", fmt.Sprintf("/api/admin/users/%d", u.ID), shared.UserPatch{Email: &n.email}); a.status != 200 {
		t.Fatalf("the address %q: %d %s", n.email, a.status, a.body)
	}
	out := namedPages{pages: map[string]string{}}
	c := e.browser()
	get := func(path, as string) string {
		t.Helper()
		status, page := e.page(t, c, path)
		if status != http.StatusOK && status != http.StatusNotFound {
			t.Fatalf("%s: %d", path, status)
		}
		out.pages[as] = page
		return page
	}
	if _, loc := e.postForm(c, "/login", form("username", n.username, "password", password)); loc.String() != "/profile?setup=1" {
		t.Fatalf("the password led to %s", loc)
	}
	setup := get("/profile?setup=1", "the forced setup")
	secret, qr := elementAttr(t, setup, "connect-window", "data-secret"), elementAttr(t, setup, "qr-code", "src")
	// The key as shown (in groups) is the page's one code element.
	out.random = append(append(out.random, secret, qr), elementTexts(t, setup, "code")...)
	if _, loc := e.postForm(c, "/profile/connect", form("code", code(t, secret, now))); loc.String() != "/profile?setup=1" {
		t.Fatalf("the setup's code led to %s", loc)
	}
	codes := get("/profile?setup=1", "the recovery codes")
	out.random = append(out.random, elementTexts(t, codes, "code")...)
	signedIn := func(when string) {
		for _, path := range append(slices.Clone(webapp.Paths), "/profile?setup=1", "/no-such-page") {
			get(path, path+" "+when)
		}
	}
	signedIn("signed in")
	e.addKey(c, n.key)
	signedIn("with a key")
	return out
}

// elementAttr is the attribute key of the element with the id, as parsed.
func elementAttr(t *testing.T, page, id, key string) string {
	t.Helper()
	var v string
	walkElements(t, page, func(n *html.Node) {
		if attrOf(n, "id") == id {
			v = attrOf(n, key)
		}
	})
	if v == "" {
		t.Fatalf("no %s on #%s", key, id)
	}
	return v
}

// elementTexts are the texts of the page's elements of a tag.
func elementTexts(t *testing.T, page, tag string) []string {
	t.Helper()
	var texts []string
	walkElements(t, page, func(n *html.Node) {
		if n.Data == tag && n.FirstChild != nil {
			texts = append(texts, n.FirstChild.Data)
		}
	})
	return texts
}

func walkElements(t *testing.T, page string, visit func(n *html.Node)) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			visit(n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
}

// FuzzPrerender_AValueInAPageChangesNoElement is
// TestPrerender_HostileQueryValuesChangeNoElement over any value: each
// page, parameter and unknown path (target picks one) with v.
func FuzzPrerender_AValueInAPageChangesNoElement(f *testing.F) {
	targets := hostileTargets(f)
	for i, v := range hostileValues { // the test above tries each everywhere
		f.Add(uint16(i*7), v)
	}
	e := newEnvApp(f, "sqlite")
	c := e.browser()
	f.Fuzz(func(t *testing.T, target uint16, v string) {
		e.checkHostile(t, c, targets[int(target)%len(targets)], v)
	})
}

// TestPrerender_APageWhoseValueEscapedItsAttributeIsNotServed: a value
// someone forgot to pass through attr reaches go-app's quoting as `\"`; the
// server serves no page that holds it, and says so in its log. Other
// answers (a script may hold `\"`) and sound pages go through untouched.
func TestPrerender_APageWhoseValueEscapedItsAttributeIsNotServed(t *testing.T) {
	answers := map[string]struct{ contentType, body string }{
		"/forgot": {"text/html; charset=utf-8", "<!doctype html>\n<html><body><input value=\"\\\"><meta http-equiv=\\\"refresh\\\" content=\\\"0;url=http://elsewhere/\\\">\"></body></html>"},
		"/app.js": {"text/javascript", `const s = "a \\"quoted\\" word";`},
		"/sound":  {"text/html; charset=utf-8", `<!doctype html>` + "\n" + `<html><body><input value="a &#34; b"></body></html>`},
	}
	e := newEnvPages(t, storetest.Open(t, "sqlite"), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := answers[r.URL.Path]
		w.Header().Set("Content-Type", a.contentType)
		w.Header().Set("ETag", "v1")
		io.WriteString(w, a.body)
	}))
	res, body := get(t, e.srv.URL+"/forgot")
	if res.StatusCode != http.StatusInternalServerError || strings.Contains(body, "meta") || res.Header.Get("ETag") != "" {
		t.Fatalf("a page with an escaped value: %d %v\n%s", res.StatusCode, res.Header, body)
	}
	if !strings.Contains(e.log.String(), "escaped its attribute") || !strings.Contains(e.log.String(), "/forgot") {
		t.Fatalf("the log does not say which page: %s", e.log.String())
	}
	for _, path := range []string{"/app.js", "/sound"} {
		res, body := get(t, e.srv.URL+path)
		if res.StatusCode != http.StatusOK || body != answers[path].body || res.Header.Get("ETag") != "v1" {
			t.Errorf("%s: %d %v %q", path, res.StatusCode, res.Header, body)
		}
	}
}

// get fetches url with a plain client.
func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}
