package webapp

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/warden-auth/warden/shared"
)

// Every sentence the app shows is a message of shared/words, said by say:
// no literal with words in it goes where people read (Text, a label, a
// title, an error's message...), and no string anywhere in the app reads
// like a sentence. Ids, CSS classes, element ids and formats without words
// ("%s", " · ", "–") are fine. New code cannot slip English in.
func TestApp_SaysNoSentenceOutsideTheCatalog(t *testing.T) {
	files, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, f := range files {
		if !strings.HasSuffix(f.Name(), ".go") || strings.HasSuffix(f.Name(), "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f.Name(), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, lit := range humanLiterals(file) {
			t.Errorf("%s: %s is not from the catalog: declare it in shared/words and say it", fset.Position(lit.Pos()), lit.Value)
		}
	}
}

// humanLiterals are the string literals of a file that people would read:
// any with words where the page shows text, and any that reads like a
// sentence anywhere else.
func humanLiterals(file *ast.File) []*ast.BasicLit {
	var found []*ast.BasicLit
	var stack []ast.Node
	ast.Inspect(file, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		switch n := n.(type) {
		case *ast.ImportSpec, *ast.Field: // import paths, struct tags
			return false
		case *ast.BasicLit:
			if n.Kind != token.STRING {
				break
			}
			s, err := strconv.Unquote(n.Value)
			if err == nil && (inTextSink(stack, n) && hasWords(s) || readsLikeSentence(s)) {
				found = append(found, n)
			}
		}
		stack = append(stack, n)
		return true
	})
	return found
}

// Where the page shows a text: the arguments of these calls (by index; -1
// for every one), the second argument for Aria, Attr and a JavaScript Call
// of these kinds, and the fields of these literals (the PWA's names, an
// error's message, a table's columns and a confirmation's words). A text
// made by these calls is still the text.
var (
	textCalls = map[string]int{"Text": 0, "Textf": -1, "Title": -1, "Placeholder": 0, "Alt": 0, "Label": 0,
		"SetTitle": 0, "field": 1, "submitButton": 1, "Errorf": -1}
	textAttrs = map[string][]string{"Aria": {"label", "description", "roledescription", "valuetext"},
		"Attr": {"title", "alt", "placeholder", "aria-label", "aria-description"}, "Call": {"confirm", "alert", "prompt"}}
	textFields = []string{"Message", "Name", "ShortName", "Title", "Description", "LoadingLabel", "Columns", "Empty",
		"title", "text", "label"}
	madeText = []string{"Sprintf", "Sprint", "Join", "attr", "string", "append"}
)

// inTextSink reports whether lit, inside the nodes of stack, is (part of)
// what a text sink shows.
func inTextSink(stack []ast.Node, lit ast.Node) bool {
	child := lit
	for i := len(stack) - 1; i >= 0; i-- {
		switch n := stack[i].(type) {
		case *ast.CallExpr:
			at := argIndex(n, child)
			if at < 0 {
				break // the call's receiver: app.P() in app.P().Text(...)
			}
			name := calledName(n)
			if want, ok := textCalls[name]; ok && (want == at || want == -1) {
				return true
			}
			if kinds, ok := textAttrs[name]; ok && at == 1 {
				if k, ok := n.Args[0].(*ast.BasicLit); ok && slices.Contains(kinds, strings.Trim(k.Value, `"`)) {
					return true
				}
			}
			if !slices.Contains(madeText, name) {
				return false // an id, a class, a path: what the call takes
			}
		case *ast.KeyValueExpr:
			if key, ok := n.Key.(*ast.Ident); ok && slices.Contains(textFields, key.Name) && n.Value == child {
				return true
			}
		}
		child = stack[i]
	}
	return false
}

func calledName(call *ast.CallExpr) string {
	switch f := call.Fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		if x, ok := f.X.(*ast.Ident); ok && x.Name == "words" {
			return "words." + f.Sel.Name
		}
		return f.Sel.Name
	}
	return ""
}

func argIndex(call *ast.CallExpr, arg ast.Node) int {
	for i, a := range call.Args {
		if a == arg {
			return i
		}
	}
	return -1
}

// formatVerb is a fmt verb or a go-app placeholder, which are no words.
var formatVerb = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z]|\{[a-z]+\}`)

// hasWords reports whether s has a letter outside its format verbs.
func hasWords(s string) bool {
	return strings.ContainsFunc(formatVerb.ReplaceAllString(s, ""), unicode.IsLetter)
}

// sentence is words separated by spaces that start with a capital and a
// small letter ("Account menu") or end as a sentence does ("was saved.").
var sentence = regexp.MustCompile(`^\s*\p{Lu}\p{Ll}+\s+\p{L}|\p{Ll}{2,}\s+\p{L}[^"]*[.!?…:]\s*$`)

func readsLikeSentence(s string) bool { return sentence.MatchString(s) }

// A sentence with an element inside keeps the element where the sentence
// puts it, with the English words around it as they always were.
func TestSayUI_PutsEachElementWhereTheSentenceHasIt(t *testing.T) {
	flat := func(html string) string { return strings.Join(strings.Fields(html), " ") }
	codes := flat(render(t, &regenerateCodes{Left: 3}))
	contains(t, codes, `<p> <span id="recovery-codes-left">3 recovery codes</span> left. Each works once, in place of a code from your app. </p>`)
	banner := flat(render(t, &twofaBanner{Me: &shared.Me{Stage: shared.NextDone, TwoFADeadline: "2030-05-15T12:00:00Z"}}))
	contains(t, banner, `<p id="twofa-banner-text"> Set up two-factor authentication by <strong id="twofa-deadline">`,
		`</strong> . After that, your account asks for it before anything else. </p>`)
}
