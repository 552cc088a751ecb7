package words

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// counts are the numbers each counting message is said with in the tests:
// every plural form of the languages here, and numbers to group.
var counts = []int{0, 1, 2, 3, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111, 1234, 12345, 1000001}

// Every message declared has an entry in every catalog, each form of which
// uses exactly the declared parameters; a message that counts (an int
// Count) has every plural form its language's rule chooses, and no other
// has plural forms; and no catalog has an entry that no declaration names.
func TestCatalogs_SayEveryMessageWithItsParameters(t *testing.T) {
	declared, _ := declarations(t)
	for _, l := range languages {
		forms := map[string]bool{"other": true}
		for n := range 1000 {
			forms[l.plural(n)] = true
		}
		for id, params := range declared {
			e, ok := l.entries[id]
			if !ok {
				t.Errorf("%s: no entry for %s", l.Tag, id)
				continue
			}
			want := map[string]bool{}
			for _, p := range params {
				want[p.name] = true
			}
			for form, segs := range e {
				got := map[string]bool{}
				for _, s := range segs {
					if s.param != "" {
						got[s.param] = true
					}
				}
				if !maps.Equal(got, want) {
					t.Errorf("%s: %s (%s) says %v, its declaration has %v", l.Tag, id, form, slices.Sorted(maps.Keys(got)), params)
				}
			}
			// A message with a Count says each plural form of the
			// language, even where two forms read alike: a form left out
			// would say "1 attempts".
			counts := slices.Contains(params, param{countParam, "int"})
			if len(e) > 1 && !counts {
				t.Errorf("%s: %s has plural forms but no int parameter %s to choose them", l.Tag, id, countParam)
			}
			for form := range forms {
				if !counts {
					break
				}
				if e[form] == nil {
					t.Errorf("%s: %s lacks its plural form %q", l.Tag, id, form)
				}
			}
		}
		for id := range l.entries {
			if _, ok := declared[id]; !ok {
				t.Errorf("%s: %s is in the catalog but no code declares it", l.Tag, id)
			}
		}
	}
}

// The catalogs are go-i18n's message files: go-i18n reads each and says
// every message as Say does, so a translator's tool that reads that format
// reads them.
func TestCatalogs_AreGoI18nMessageFiles(t *testing.T) {
	declared, _ := declarations(t)
	for _, l := range languages {
		bundle := i18n.NewBundle(language.English)
		bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
		if _, err := bundle.ParseMessageFileBytes([]byte(catalogs[l.Tag]), l.Tag+".json"); err != nil {
			t.Fatalf("go-i18n cannot read %s.json: %v", l.Tag, err)
		}
		localizer := i18n.NewLocalizer(bundle, l.Tag)
		for id, params := range declared {
			for _, n := range counts {
				if n >= 10000 {
					continue // go-i18n does not group digits
				}
				m, data := sample(l, id, params, n)
				cfg := &i18n.LocalizeConfig{MessageID: id, TemplateData: data}
				if len(l.entries[id]) > 1 {
					cfg.PluralCount = n
				}
				want, err := localizer.Localize(cfg)
				if got := l.Say(m); err != nil && got != "" || got != want {
					t.Errorf("%s: %s with %v: Say %q, go-i18n %q (%v)", l.Tag, id, data, got, want, err)
				}
			}
		}
	}
}

// sample is a message with every parameter given (n for the ints), and the
// same values as go-i18n takes them.
func sample(l *Language, id string, params []param, n int) (Message, map[string]any) {
	m, data := Message{ID: id}, map[string]any{}
	for _, p := range params {
		var v any
		switch p.kind {
		case "int":
			v, data[p.name] = n, n
		case "string":
			v, data[p.name] = "«"+p.name+"»", "«"+p.name+"»"
		default:
			v, data[p.name] = monthsLong[0], l.Say(monthsLong[0])
		}
		m.args = append(m.args, arg{p.name, v})
	}
	return m, data
}

// The plural rules here are CLDR's, as go-i18n generated them from it.
func TestPluralRules_AreCLDRs(t *testing.T) {
	for tag, rule := range plurals {
		bundle := i18n.NewBundle(language.Make(tag))
		forms := &i18n.Message{ID: "form", Zero: "zero", One: "one", Two: "two", Few: "few", Many: "many", Other: "other"}
		if err := bundle.AddMessages(language.Make(tag), forms); err != nil {
			t.Fatal(err)
		}
		localizer := i18n.NewLocalizer(bundle, tag)
		for n := range 1000 {
			want := localizer.MustLocalize(&i18n.LocalizeConfig{MessageID: "form", PluralCount: n})
			if got := rule(n); got != want {
				t.Errorf("%s: %d is %q, CLDR says %q", tag, n, got, want)
			}
		}
	}
}

func TestSay_ChoosesThePluralFormAndGroupsDigits(t *testing.T) {
	ru := &Language{Tag: "ru", plural: plurals["ru"], group: "\u00a0", entries: map[string]entry{}}
	ru.entries["Codes"] = entry{}
	for form, text := range map[string]string{"one": "{{.Count}} код", "few": "{{.Count}} кода", "many": "{{.Count}} кодов", "other": "{{.Count}} кода"} {
		ru.entries["Codes"][form], _ = cut(text)
	}
	codes := func(n int) Message { return Message{ID: "Codes", args: []arg{{countParam, n}}} }
	for n, want := range map[int]string{1: "1 код", 2: "2 кода", 5: "5 кодов", 11: "11 кодов", 21: "21 код", 1234: "1234 кода",
		12345: "12\u00a0345 кодов", -12345: "-12\u00a0345 кодов", 1000001: "1\u00a0000\u00a0001 код"} {
		if got := ru.Say(codes(n)); got != want {
			t.Errorf("%d: %q, want %q", n, got, want)
		}
	}
	if got := ru.Say(DateTime(time.Date(2026, 3, 1, 9, 5, 0, 0, time.UTC))); got != English.Say(DateTime(time.Date(2026, 3, 1, 9, 5, 0, 0, time.UTC))) {
		t.Errorf("a message the language lacks is not said in English: %q", got)
	}
}

// English says dates as the app always has, in the time's own zone.
func TestEnglish_SaysDatesAsTheyWere(t *testing.T) {
	zone := time.FixedZone("", -7*3600)
	for _, t0 := range []time.Time{time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), time.Date(1999, 12, 31, 23, 59, 59, 0, zone),
		time.Date(2030, 5, 15, 12, 0, 0, 0, zone), time.Date(2026, 9, 9, 0, 0, 9, 0, time.UTC)} {
		for layout, m := range map[string]Message{"2 January 2006": Date(t0), "2 January 2006, 15:04": DateTime(t0),
			"2 Jan 2006, 15:04:05": DateTimeSeconds(t0)} {
			if got, want := English.Say(m), t0.Format(layout); got != want {
				t.Errorf("%s: %q, want %q", layout, got, want)
			}
		}
	}
	if got := English.Say(Message{ID: "FormatDate", args: []arg{{"Day", 1}, {"Month", monthsLong[0]}, {"Year", 123456}}}); got != "1 January 123456" {
		t.Errorf("English groups digits: %q", got)
	}
}

// Parts cuts a message at the parameters asked for, in the catalog's order.
func TestParts(t *testing.T) {
	m := BrowserOn(Verbatim("Firefox"), "Linux")
	got := English.Parts(m, "System")
	if !slices.Equal(got, []Part{{"Firefox on ", ""}, {"Linux", "System"}}) {
		t.Errorf("%q", got)
	}
	got = English.Parts(m, "Browser", "System")
	if !slices.Equal(got, []Part{{"Firefox", "Browser"}, {" on ", ""}, {"Linux", "System"}}) {
		t.Errorf("%q", got)
	}
	if got = English.Parts(m); !slices.Equal(got, []Part{{"Firefox on Linux", ""}}) {
		t.Errorf("%q", got)
	}
}

func TestCut_OnlyPlaceholders(t *testing.T) {
	for _, bad := range []string{"{{.Name", "a }} b", "{{Name}}", "{{.Name | printf}}", "{{if .X}}x{{end}}", "{{.}}", "{{ .Name }}", "{{.1x}}"} {
		if _, err := cut(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	segs, err := cut("Hello {{.Name}}, {{.Count}}!")
	if err != nil || len(segs) != 5 || segs[1].param != "Name" || segs[4].text != "!" {
		t.Errorf("%v %v", segs, err)
	}
}

// Every file in catalog/ is a language the package loads.
func TestCatalogs_EveryFileLoads(t *testing.T) {
	files, err := os.ReadDir("catalog")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		tag, _ := strings.CutSuffix(f.Name(), ".json")
		if languages[tag] == nil {
			t.Errorf("catalog/%s is not in catalogs (words.go)", f.Name())
		}
	}
}

func TestLookup(t *testing.T) {
	for _, tag := range []string{"en", "en-GB", "EN", "xx", "", "x-klingon"} {
		if Lookup(tag) != English {
			t.Errorf("%q is not English", tag)
		}
	}
}

// param is a declared parameter: its name in the catalogs and its Go type.
type param struct{ name, kind string }

// formats are the messages format.go makes from a time.
var formats = map[string][]param{
	"FormatDate":            {{"Day", "int"}, {"Month", "Message"}, {"Year", "int"}},
	"FormatDateTime":        {{"Day", "int"}, {"Month", "Message"}, {"Year", "int"}, {"Hour", "string"}, {"Minute", "string"}},
	"FormatDateTimeSeconds": {{"Day", "int"}, {"Month", "Message"}, {"Year", "int"}, {"Hour", "string"}, {"Minute", "string"}, {"Second", "string"}},
}

// declarations reads this package's declarations of messages (declare.go):
// each id with its parameters, and the exported name of each.
func declarations(t *testing.T) (declared map[string][]param, names map[string]string) {
	t.Helper()
	declared, names = maps.Clone(formats), map[string]string{}
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi fs.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		t.Fatal(err)
	}
	declare := func(id string, params []param) {
		if _, dup := declared[id]; dup {
			t.Errorf("%s is declared twice", id)
		}
		declared[id] = params
	}
	for _, f := range pkgs["words"].Files {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					v, ok := spec.(*ast.ValueSpec)
					if !ok {
						continue
					}
					for i, value := range v.Values {
						ast.Inspect(value, func(n ast.Node) bool {
							if id, ok := messageLiteral(n); ok {
								declare(id, nil)
								if value == n {
									names[v.Names[i].Name] = id
								}
							}
							return true
						})
					}
				}
			case *ast.FuncDecl:
				if id, params, ok := constructor(d); ok {
					declare(id, params)
					names[d.Name.Name] = id
				}
			}
		}
	}
	if len(names) == 0 {
		t.Fatal("no declarations found")
	}
	return declared, names
}

// messageLiteral is the id of a literal Message{ID: "Id"}, or of an
// element {ID: "Id"} of a literal list of them.
func messageLiteral(n ast.Node) (string, bool) {
	lit, ok := n.(*ast.CompositeLit)
	if !ok || len(lit.Elts) != 1 {
		return "", false
	}
	if typ, ok := lit.Type.(*ast.Ident); lit.Type != nil && (!ok || typ.Name != "Message") {
		return "", false
	}
	kv, ok := lit.Elts[0].(*ast.KeyValueExpr)
	if !ok || kv.Key.(*ast.Ident).Name != "ID" {
		return "", false
	}
	return stringLiteral(kv.Value)
}

// constructor reads func Name(a T, ...) Message { return m("Id", arg{"A", a}, ...) }:
// the id, and each parameter's name in the catalog with its Go type.
func constructor(d *ast.FuncDecl) (string, []param, bool) {
	if d.Body == nil || len(d.Body.List) != 1 {
		return "", nil, false
	}
	ret, ok := d.Body.List[0].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != 1 {
		return "", nil, false
	}
	call, ok := ret.Results[0].(*ast.CallExpr)
	if !ok {
		return "", nil, false
	}
	if fun, ok := call.Fun.(*ast.Ident); !ok || fun.Name != "m" {
		return "", nil, false
	}
	id, _ := stringLiteral(call.Args[0])
	kinds := map[string]string{}
	for _, field := range d.Type.Params.List {
		for _, name := range field.Names {
			kinds[name.Name] = field.Type.(*ast.Ident).Name
		}
	}
	var params []param
	for _, a := range call.Args[1:] {
		lit := a.(*ast.CompositeLit)
		name, _ := stringLiteral(lit.Elts[0])
		params = append(params, param{name, kinds[lit.Elts[1].(*ast.Ident).Name]})
	}
	return id, params, true
}

func stringLiteral(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// Each message this package declares for callers is named as its id, and
// something in the module says it: a catalog holds no sentence nobody
// reads.
func TestMessages_EachIsUsed(t *testing.T) {
	_, names := declarations(t)
	for name, id := range names {
		if name != id && ast.IsExported(name) {
			t.Errorf("%s declares %q", name, id)
		}
	}
	root := filepath.Join("..", "..")
	used := map[string]int{} // in this package, its declaration is one
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules" || d.Name() == "testdata") {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		inWords := filepath.Dir(path) == filepath.Join(root, "shared", "words")
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				if x, ok := n.X.(*ast.Ident); ok && x.Name == "words" && !inWords {
					used[n.Sel.Name] += 2
				}
			case *ast.Ident:
				if inWords {
					used[n.Name]++
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for name := range names {
		if used[name] < 2 && ast.IsExported(name) {
			t.Errorf("words.%s is declared, and nothing says it", name)
		}
	}
}
