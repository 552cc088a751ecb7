// Package architecture keeps the code's shape, as tests run with the rest:
// no function too complex to read at once, no package too large to hold in
// the head, no interface too wide to implement in a test, and the packages
// in layers, none depending on one above it (README, "Architecture").
package architecture

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/fzipp/gocyclo"
)

const module = "github.com/warden-auth/warden"

// Limits.
const (
	maxComplexity = 15    // gocyclo's cyclomatic complexity of a function
	maxLines      = 2_000 // lines of a server package's non-test Go files
	maxMethods    = 15    // methods of an interface, its embedded ones included
)

// layers are the module's packages, lowest first. A package imports only
// packages of the module in layers below its own: the concerns of auth
// from the login's stages up to the wiring, the store and the HTTP layer
// side by side above them (neither imports the other), the programs on
// top. "p/..." is every package below p, not p itself. Every package must
// be in one: a new one is placed here, where its imports are checked.
var layers = [][]string{
	{"shared/..."},
	{"shared", "server/domain", "server/sealing", "server/mail",
		"server/internal/testclock", "server/internal/testcode", "server/internal/racegate",
		"server/internal/softkey", "server/internal/mailsink"},
	{"server/auth/stage", "server/auth/passwords", "server/auth/passwords/strength"},
	{"server/auth/core"},
	{"server/auth/history", "server/auth/keys"},
	{"server/auth/notices"},
	{"server/auth/throttle"},
	{"server/auth/factor"},
	{"server/auth/factor/recovery"},
	{"server/auth/factor/totp", "server/auth/factor/webauthn"},
	{"server/auth/sessions"},
	{"server/auth/login", "server/auth/accounts", "server/auth/idp"},
	{"server/auth"},
	{"server/store/sqldb", "app"},
	{"server/store/outbox", "server/store/idpstore", "server/store/migrations", "server/httpapi/pwa", "server/httpapi/reader", "server/httpapi/body"},
	{"server/store", "server/httpapi"},
	{"server", "server/cmd/...", "server/store/storetest", "server/internal/authtest", "app/wasm"},
}

// root is the module's folder.
func root(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above this folder")
		}
		dir = parent
	}
}

// pkg is a package of the module as the layering and the sizes see it.
type pkg struct {
	path    string // relative to the module: "server/auth/login"
	dir     string
	files   []string // its non-test Go files, whatever their build constraints
	imports []string // the module's packages it imports, relative
}

// packages lists every package of the module, skipping what the go tool
// skips (testdata, hidden folders) and the npm folders of the tests.
func packages(t *testing.T) []pkg {
	t.Helper()
	base := root(t)
	var out []pkg
	err := filepath.WalkDir(base, func(path string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		name := d.Name()
		if path != base && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "node_modules") {
			return filepath.SkipDir
		}
		files, _ := filepath.Glob(filepath.Join(path, "*.go"))
		files = slices.DeleteFunc(files, func(f string) bool { return strings.HasSuffix(f, "_test.go") })
		if len(files) == 0 {
			return nil
		}
		rel, _ := filepath.Rel(base, path)
		p := pkg{path: filepath.ToSlash(rel), dir: path, files: files}
		seen := map[string]bool{}
		for _, f := range files {
			parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				return err
			}
			for _, imp := range parsed.Imports {
				ip := strings.Trim(imp.Path.Value, `"`)
				if rest, ok := strings.CutPrefix(ip, module+"/"); ok && !seen[rest] {
					seen[rest] = true
					p.imports = append(p.imports, rest)
				}
			}
		}
		out = append(out, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 30 {
		t.Fatalf("found %d packages: the walk missed the module", len(out))
	}
	return out
}

// layerOf is the index of path's layer, -1 for none.
func layerOf(path string) int {
	for i, layer := range layers {
		for _, pattern := range layer {
			if below, ok := strings.CutSuffix(pattern, "/..."); ok {
				if strings.HasPrefix(path, below+"/") {
					return i
				}
			} else if path == pattern {
				return i
			}
		}
	}
	return -1
}

// TestLayers_NoPackageImportsOneAboveItOrBesideIt walks the imports of
// every package: each goes down the layers, never up or across.
func TestLayers_NoPackageImportsOneAboveItOrBesideIt(t *testing.T) {
	for _, p := range packages(t) {
		own := layerOf(p.path)
		if own < 0 {
			t.Errorf("%s is in no layer: place it in architecture_test.go's layers", p.path)
			continue
		}
		for _, imp := range p.imports {
			switch l := layerOf(imp); {
			case l < 0:
				t.Errorf("%s imports %s, which is in no layer", p.path, imp)
			case l >= own:
				t.Errorf("%s (layer %d) imports %s (layer %d): a package imports only packages below its own layer", p.path, own, imp, l)
			}
		}
	}
}

// TestLayers_TheHTTPLayerReachesNoStore checks what README says of the
// HTTP layer: it talks to auth only, and nothing it depends on, however
// far down, is the store's.
func TestLayers_TheHTTPLayerReachesNoStore(t *testing.T) {
	byPath := map[string]pkg{}
	for _, p := range packages(t) {
		byPath[p.path] = p
	}
	seen := map[string]bool{}
	var walk func(path string, via []string)
	walk = func(path string, via []string) {
		if seen[path] {
			return
		}
		seen[path] = true
		if path == "server/store" || strings.HasPrefix(path, "server/store/") {
			t.Errorf("server/httpapi depends on %s: %s", path, strings.Join(append(via, path), " -> "))
		}
		for _, imp := range byPath[path].imports {
			walk(imp, append(via, path))
		}
	}
	walk("server/httpapi", nil)
	if !seen["server/auth"] {
		t.Fatal("the walk did not reach server/auth: the imports were not read")
	}
}

// TestComplexity_NoFunctionAbove15 counts every function of the module but
// tests and the bench, as gocyclo does, and refuses gocyclo's ignore
// directive outside them.
func TestComplexity_NoFunctionAbove15(t *testing.T) {
	base := root(t)
	skip := regexp.MustCompile(`_test\.go$|/server/cmd/bench/|/node_modules/`)
	stats := gocyclo.Analyze([]string{base}, skip)
	if len(stats) < 500 {
		t.Fatalf("counted %d functions: the walk missed the module", len(stats))
	}
	for _, s := range stats.SortAndFilter(-1, maxComplexity) {
		t.Errorf("%s: a complexity of %d, over %d: split it", s, s.Complexity, maxComplexity)
	}
	for _, p := range packages(t) {
		for _, f := range p.files {
			if skip.MatchString(filepath.ToSlash(f)) {
				continue
			}
			if b, _ := os.ReadFile(f); strings.Contains(string(b), "gocyclo:ignore") {
				t.Errorf("%s hides a function from the count (gocyclo:ignore)", f)
			}
		}
	}
}

// TestSize_NoServerPackageAbove2000Lines counts the lines of each server
// package's non-test files (the app may stay one go-app package: one
// component a file).
func TestSize_NoServerPackageAbove2000Lines(t *testing.T) {
	counted := 0
	for _, p := range packages(t) {
		if p.path != "server" && !strings.HasPrefix(p.path, "server/") {
			continue
		}
		lines := 0
		for _, f := range p.files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			lines += strings.Count(string(b), "\n")
		}
		counted++
		if lines > maxLines {
			t.Errorf("%s has %d lines of non-test Go, over %d: split it by concern", p.path, lines, maxLines)
		}
	}
	if counted < 20 {
		t.Fatalf("counted %d server packages", counted)
	}
}

// TestInterfaces_NoneAbove15Methods counts the methods of every interface
// type the module declares outside tests, those of the interfaces it
// embeds included (the type checker's method set), so that each stays
// small enough for its consumer to read and a test to implement.
func TestInterfaces_NoneAbove15Methods(t *testing.T) {
	counted := 0
	for _, p := range checked(t) {
		for _, name := range p.Scope().Names() {
			tn, ok := p.Scope().Lookup(name).(*types.TypeName)
			if !ok || tn.IsAlias() {
				continue
			}
			it, ok := tn.Type().Underlying().(*types.Interface)
			if !ok {
				continue
			}
			counted++
			if n := it.NumMethods(); n > maxMethods {
				t.Errorf("%s.%s has %d methods, over %d: split it by what each consumer needs", p.Path(), name, n, maxMethods)
			}
		}
	}
	if counted < 15 {
		t.Fatalf("found %d interfaces: the walk missed the module", counted)
	}
}

// listed is a package as `go list -export` describes it.
type listed struct {
	ImportPath string
	Dir        string
	GoFiles    []string
	Export     string
}

// checked type-checks every package of the module from its source, its
// imports from the export data the go tool builds.
func checked(t *testing.T) []*types.Package {
	t.Helper()
	cmd := exec.Command("go", "list", "-e", "-export", "-deps", "-json=ImportPath,Dir,GoFiles,Export", "./...")
	cmd.Dir = root(t)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var all []listed
	exports := map[string]string{}
	for dec := json.NewDecoder(bytes.NewReader(out)); dec.More(); {
		var l listed
		if err := dec.Decode(&l); err != nil {
			t.Fatal(err)
		}
		exports[l.ImportPath] = l.Export
		all = append(all, l)
	}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) { return os.Open(exports[path]) })
	var pkgs []*types.Package
	for _, l := range all {
		if !strings.HasPrefix(l.ImportPath, module) || len(l.GoFiles) == 0 {
			continue
		}
		var files []*ast.File
		for _, name := range l.GoFiles {
			f, err := parser.ParseFile(fset, filepath.Join(l.Dir, name), nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
		p, err := (&types.Config{Importer: imp}).Check(l.ImportPath, fset, files, nil)
		if err != nil {
			t.Fatalf("type-check %s: %v", l.ImportPath, err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}
