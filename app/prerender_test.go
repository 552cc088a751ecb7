package webapp

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"golang.org/x/net/html"
)

// FuzzAttr_AValueComesBackFromThePageAsGiven: whatever a value holds, once
// it goes through attr into an attribute of a prerendered element, go-app
// writes it, a browser's parser (x/net/html) reads the page, and the
// attribute holds the value again, the element is alone, and nothing is
// added. A value, an attribute go-app trims (title) and a URL (href) each.
func FuzzAttr_AValueComesBackFromThePageAsGiven(f *testing.F) {
	for _, v := range []string{
		`"><meta/http-equiv='refresh'content='0;url=http://elsewhere/'>`, `" onfocus="alert(1)`,
		"true", "", " ", `\`, `\"`, "&#34;&amp;&lt", "&para=1", "</p><p>", "a\r\nb\tc", "\x00", "\x85", "\xff\xfe",
		"\u202eevil", "a\u200bb", "\u00a0", "\u2028", "\ufffe", "javascript:alert(1)", "'", "é漢😀",
	} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		page := "<!doctype html><html><head></head><body>" + app.HTMLString(app.Div().Body(
			app.Input().Value(attr(v)),
			app.P().Title("%s", attr(v)),
			app.A().Href("%s", attr(v)),
		)) + "<hr></body></html>"
		doc, err := html.Parse(strings.NewReader(page))
		if err != nil {
			t.Fatal(err)
		}
		body := doc.LastChild.LastChild
		div, hr := body.FirstChild, body.LastChild
		if div == nil || div.Data != "div" || hr.Data != "hr" || div.NextSibling != hr {
			t.Fatalf("%q: the body is not the div and the hr:\n%s", v, page)
		}
		// What no page can carry: NUL, the C1 controls and bytes that are
		// not UTF-8 become U+FFFD, as a browser reads them.
		want := strings.Map(func(r rune) rune {
			if r == 0 || (r >= 0x80 && r <= 0x9f) {
				return utf8.RuneError
			}
			return r
		}, v)
		var got []string
		for n := div.FirstChild; n != nil; n = n.NextSibling {
			if n.Type != html.ElementNode {
				if strings.TrimSpace(n.Data) != "" {
					t.Fatalf("%q: text %q in the div", v, n.Data)
				}
				continue
			}
			if len(n.Attr) > 1 || n.FirstChild != nil {
				t.Fatalf("%q: <%s> has %v and children:\n%s", v, n.Data, n.Attr, page)
			}
			var val string
			if len(n.Attr) == 1 {
				val = n.Attr[0].Val
			}
			got = append(got, n.Data+"="+val)
		}
		// go-app trims the spaces around attributes other than value, in
		// the browser too.
		trimmed := strings.Trim(want, " ")
		if strings.Join(got, "\n") != strings.Join([]string{"input=" + want, "p=" + trimmed, "a=" + trimmed}, "\n") {
			t.Fatalf("%q: the elements read %q:\n%s", v, got, page)
		}
	})
}
