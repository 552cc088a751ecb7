package architecture

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The server says every sentence a person reads from the catalogs of
// shared/words, in the reader's language: no string of a server package
// reads like a sentence, except what only operators read (logs, errors
// that never reach a user, panics) and the command line (the server
// package itself), the bench and the test helpers, which may stay English.
func TestServer_SaysNoSentenceOutsideTheCatalog(t *testing.T) {
	checked := 0
	for _, p := range packages(t) {
		if !strings.HasPrefix(p.path, "server/") || strings.HasPrefix(p.path, "server/cmd/") ||
			strings.HasPrefix(p.path, "server/internal/") {
			continue
		}
		for _, f := range p.files {
			fset := token.NewFileSet()
			file, err := parser.ParseFile(fset, f, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			checked++
			for _, lit := range sentences(file) {
				t.Errorf("%s: %s is not from the catalog: declare it in shared/words and say it in the reader's language",
					fset.Position(lit.Pos()), lit.Value)
			}
		}
	}
	if checked < 60 {
		t.Fatalf("checked %d files: the walk missed the server", checked)
	}
}

// forOperators are the calls whose strings only operators read: the log
// (slog's levels), errors that become "internal" before a user sees them,
// and panics.
var forOperators = []string{"Debug", "Info", "Warn", "Error", "DebugContext", "InfoContext", "WarnContext",
	"ErrorContext", "Log", "New", "Errorf", "panic", "Fatal", "Fatalf", "Printf", "Println"}

// sentences are the string literals of file that read like a sentence,
// outside the calls of forOperators.
func sentences(file *ast.File) []*ast.BasicLit {
	var found []*ast.BasicLit
	ast.Inspect(file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ImportSpec, *ast.Field:
			return false
		case *ast.CallExpr:
			if slices.Contains(forOperators, calledName(n)) && !sharedErrorf(n) {
				return false
			}
		case *ast.BasicLit:
			if s, err := strconv.Unquote(n.Value); n.Kind == token.STRING && err == nil && sentence.MatchString(s) && !sql.MatchString(s) {
				found = append(found, n)
			}
		}
		return true
	})
	return found
}

// sentence is words separated by spaces that start with a capital and a
// small letter ("Account menu") or end as a sentence does ("was saved.").
var sentence = regexp.MustCompile(`^\s*\p{Lu}\p{Ll}+\s+\p{L}|\p{Ll}{2,}\s+\p{L}[^"]*[.!?…:]\s*$`)

// sql is a statement of the store's, which no person reads.
var sql = regexp.MustCompile(`^\s*\(?(SELECT|UPDATE|DELETE|INSERT|WITH|CREATE|ALTER|DROP)\b`)

func calledName(call *ast.CallExpr) string {
	switch f := call.Fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return f.Sel.Name
	}
	return ""
}

// sharedErrorf is shared.Errorf, an error users read: its words are
// checked like any other.
func sharedErrorf(call *ast.CallExpr) bool {
	f, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	x, ok := f.X.(*ast.Ident)
	return ok && x.Name == "shared" && f.Sel.Name == "Errorf"
}
