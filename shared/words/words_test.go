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
	"golang.org/x/text/message"
	"golang.org/x/text/number"
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
				if l.number(n) != strconv.Itoa(n) {
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
	ru := Lookup("ru")
	for n, want := range map[int]string{1: "1 код восстановления", 2: "2 кода восстановления", 5: "5 кодов восстановления",
		11: "11 кодов восстановления", 21: "21 код восстановления", 1234: "1\u00a0234 кода восстановления",
		12345: "12\u00a0345 кодов восстановления", -12345: "-12\u00a0345 кодов восстановления",
		1000001: "1\u00a0000\u00a0001 код восстановления"} {
		if got := ru.Say(RecoveryCodesCount(n)); got != want {
			t.Errorf("%d: %q, want %q", n, got, want)
		}
	}
	lacking := &Language{Tag: "ru", plural: plurals["ru"], entries: map[string]entry{}}
	if got := lacking.Say(DateTime(time.Date(2026, 3, 1, 9, 5, 0, 0, time.UTC))); got != English.Say(DateTime(time.Date(2026, 3, 1, 9, 5, 0, 0, time.UTC))) {
		t.Errorf("a message the language lacks is not said in English: %q", got)
	}
}

// A language that groups digits groups them with CLDR's symbol, as
// golang.org/x/text has it ("1 234" in Russian: a no-break space).
func TestCatalogs_GroupWithCLDRsSymbol(t *testing.T) {
	for _, l := range languages {
		if l.group == "" {
			continue // English shows none, as the app always has
		}
		cldr := strings.Trim(message.NewPrinter(language.Make(l.Tag)).Sprint(number.Decimal(1234)), "1234")
		if l.group != cldr {
			t.Errorf("%s: groups with %q, CLDR with %q", l.Tag, l.group, cldr)
		}
	}
}

// A language groups digits from CLDR's minimumGroupingDigits on: Russian
// (1) groups four digits, a language with 2 (Spanish, Polish) only five,
// and a year is never grouped.
func TestSay_GroupsFromTheLanguagesMinimum(t *testing.T) {
	two, err := Parse("ru", `{"DigitGroupSeparator": ".", "MinimumGroupingDigits": "2"}`)
	if err != nil {
		t.Fatal(err)
	}
	ru := Lookup("ru")
	for _, c := range []struct {
		l    *Language
		n    int
		want string
	}{{ru, 999, "999"}, {ru, 1000, "1\u00a0000"}, {ru, -1000, "-1\u00a0000"}, {two, 1234, "1234"}, {two, -1234, "-1234"},
		{two, 12345, "12.345"}, {two, 1234567, "1.234.567"}, {English, 1234567, "1234567"}} {
		if got := c.l.number(c.n); got != c.want {
			t.Errorf("%s, minimum %d: %d is %q, want %q", c.l.Tag, c.l.minGroup, c.n, got, c.want)
		}
	}
	if got, want := ru.Say(Date(time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC))), "2 декабря 2026 г."; got != want {
		t.Errorf("%q, want %q", got, want)
	}
	for _, bad := range []string{"0", "", "one", "-1"} {
		if _, err := Parse("ru", `{"MinimumGroupingDigits": "`+bad+`"}`); err == nil {
			t.Errorf("minimumGroupingDigits %q accepted", bad)
		}
	}
}

// Russian says counts with the plural form CLDR gives each number, dates
// with the month in the genitive and a 24-hour clock, as a Russian reader
// expects them.
func TestRussian_SaysCountsAndDates(t *testing.T) {
	ru := Lookup("ru")
	if ru.Tag != "ru" {
		t.Fatalf("Lookup(ru) is %s", ru.Tag)
	}
	for _, c := range []struct {
		m    Message
		want string
	}{
		{NoticeCodesLeft(1), "Остался 1 код восстановления."},
		{NoticeCodesLeft(2), "Осталось 2 кода восстановления."},
		{NoticeCodesLeft(5), "Осталось 5 кодов восстановления."},
		{NoticeCodesLeft(11), "Осталось 11 кодов восстановления."},
		{NoticeCodesLeft(21), "Остался 21 код восстановления."},
		{NoticeCodesLeft(22), "Осталось 22 кода восстановления."},
		{NoticeCodesLeft(25), "Осталось 25 кодов восстановления."},
		{TooManyAttemptsMinutes(1), "Слишком много неудачных попыток. Повторите через 1 минуту."},
		{TooManyAttemptsMinutes(21), "Слишком много неудачных попыток. Повторите через 21 минуту."},
		{TooManyAttemptsMinutes(22), "Слишком много неудачных попыток. Повторите через 22 минуты."},
		{TooManyAttemptsMinutes(11), "Слишком много неудачных попыток. Повторите через 11 минут."},
		{UsersCount(1), "1 пользователь"},
		{UsersCount(2), "2 пользователя"},
		{UsersCount(5), "5 пользователей"},
		{UsersCount(1234), "1\u00a0234 пользователя"},
		{BlockedLogins(21), "21 попытка отклонена, пока вход был приостановлен"},
		{BlockedLogins(22), "22 попытки отклонены, пока вход был приостановлен"},
		{BlockedLogins(25), "25 попыток отклонено, пока вход был приостановлен"},
		{RememberBrowser(1), " Не запрашивать код в этом браузере 1 день"},
		{RememberBrowser(7), " Не запрашивать код в этом браузере 7 дней"},
		{RememberBrowser(22), " Не запрашивать код в этом браузере 22 дня"},
		{AccountMenuUnread(2), "Меню учётной записи, 2 непрочитанных уведомления безопасности"},
		{AccountMenuUnread(11), "Меню учётной записи, 11 непрочитанных уведомлений безопасности"},
		{CodesLeftEach(RecoveryCodesCount(22)), "Осталось: 22 кода восстановления. Каждый код действует один раз вместо кода из приложения."},
		{AdoptionWith(3, 60), "3 с 2FA (60\u00a0%)"},
		{Date(time.Date(2026, 12, 2, 23, 59, 0, 0, time.UTC)), "2 декабря 2026 г."},
		{DateTime(time.Date(2026, 5, 1, 21, 7, 0, 0, time.UTC)), "1 мая 2026 г., 21:07"},
		{DateTimeSeconds(time.Date(2027, 2, 9, 0, 0, 5, 0, time.UTC)), "9 февр. 2027 г., 00:00:05"},
		{CodesFileCreated(Date(time.Date(2026, 9, 30, 12, 0, 0, 0, time.UTC))), "Дата создания: 30 сентября 2026 г."},
		{BrowserOn(Verbatim("Firefox"), "Linux"), "Firefox на Linux"},
		{BrowserOn(UnknownBrowser, "Linux"), "Неизвестный браузер на Linux"},
	} {
		if got := ru.Say(c.m); got != c.want {
			t.Errorf("%s: %q, want %q", c.m.ID, got, c.want)
		}
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
	if got := English.Say(UsersCount(123456)); got != "123456 users" {
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
		tag, ok := strings.CutSuffix(f.Name(), ".json")
		if ok && languages[tag] == nil {
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
	for _, tag := range []string{"ru", "ru-RU", "RU"} {
		if Lookup(tag).Tag != "ru" {
			t.Errorf("%q is not Russian", tag)
		}
	}
}

// param is a declared parameter: its name in the catalogs and its Go type.
type param struct{ name, kind string }

// formats are the messages format.go makes from a time.
var formats = map[string][]param{
	"FormatDate":            {{"Day", "int"}, {"Month", "Message"}, {"Year", "string"}},
	"FormatDateTime":        {{"Day", "int"}, {"Month", "Message"}, {"Year", "string"}, {"Hour", "string"}, {"Minute", "string"}},
	"FormatDateTimeSeconds": {{"Day", "int"}, {"Month", "Message"}, {"Year", "string"}, {"Hour", "string"}, {"Minute", "string"}, {"Second", "string"}},
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
