package httpapi

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/shared"
)

// declaredErrorCodes reads shared's source for its E* string constants and
// the status each one's comment documents ("// 401: ..."), so that neither
// shared.ErrorCodes nor the table can silently lag behind a new code.
func declaredErrorCodes(t *testing.T) map[string]int {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "shared", "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("shared sources: %v %v", files, err)
	}
	name := regexp.MustCompile(`^E[A-Z]`)
	documented := regexp.MustCompile(`^\s*(\d{3})\b`)
	out := map[string]int{}
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, id := range vs.Names {
					if !name.MatchString(id.Name) || i >= len(vs.Values) {
						continue
					}
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						continue
					}
					code, _ := strconv.Unquote(lit.Value)
					m := documented.FindStringSubmatch(vs.Comment.Text())
					if m == nil {
						t.Errorf("%s: %s has no status in its comment", fset.Position(id.Pos()), id.Name)
						continue
					}
					out[code], _ = strconv.Atoi(m[1])
				}
			}
		}
	}
	return out
}

func TestErrors_EveryCodeHasTheStatusItsDeclarationDocuments(t *testing.T) {
	declared := declaredErrorCodes(t)
	listed := slices.Clone(shared.ErrorCodes)
	slices.Sort(listed)
	if len(slices.Compact(listed)) != len(shared.ErrorCodes) {
		t.Errorf("shared.ErrorCodes names a code twice: %v", shared.ErrorCodes)
	}
	for code := range declared {
		if !slices.Contains(shared.ErrorCodes, code) {
			t.Errorf("shared.ErrorCodes misses %q", code)
		}
	}
	e := newEnv(t, store.SQLite)
	for _, code := range shared.ErrorCodes {
		want, ok := declared[code]
		if !ok {
			t.Errorf("shared.ErrorCodes names %q, which shared does not declare", code)
		}
		status, ok := statusOf[code]
		if !ok {
			t.Errorf("no status for %q", code)
			continue
		}
		if status != want {
			t.Errorf("%q answers %d; its declaration says %d", code, status, want)
		}
		// And the answer a client gets carries that status and the code.
		rec := httptest.NewRecorder()
		e.api.writeError(rec, httptest.NewRequest("GET", "/api/x", nil), shared.Errorf(code, "Message."))
		var got shared.Error
		answer{body: rec.Body.Bytes()}.decode(t, &got)
		if rec.Code != status || got.Code != code {
			t.Errorf("%q was answered %d %s", code, rec.Code, rec.Body)
		}
	}
	for code := range statusOf {
		if !slices.Contains(shared.ErrorCodes, code) {
			t.Errorf("the status table maps %q, which is not in shared.ErrorCodes", code)
		}
	}
}
