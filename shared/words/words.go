// Package words names every sentence a person reads by an id with typed
// parameters, and says it in a language from that language's catalog: one
// file per language in catalog/, in go-i18n's JSON format (a string, or the
// CLDR plural forms of a sentence that counts), which translators' tools
// read. It builds for js/wasm and is small there on purpose: no template
// engine and no CLDR tables (docs/PERFORMANCE.md has the figures), only
// "{{.Name}}" placeholders, the plural rules of the languages it has, and
// dates and numbers said by catalog entries.
//
// The server says a message where it answers (API messages, prerendered
// pages, mail), the app where it draws its screens, each with Say.
package words

import (
	_ "embed" // the catalogs
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Message is a sentence, or a word, named by its id, with the values of its
// parameters. The constructors of this package make every one, so an id
// always comes with the parameters its catalog entries use.
type Message struct {
	ID   string
	args []arg
}

// arg is one parameter's value: a string (said as it is: a name, an
// address), an int (said as the language says numbers, and choosing the
// plural form when it is the Count) or a Message (said in the same
// language).
type arg struct {
	name  string
	value any
}

// IsZero reports whether m is no message at all: what a check returns when
// nothing is wrong.
func (m Message) IsZero() bool { return m.ID == "" }

// countParam is the parameter whose value chooses a plural form.
const countParam = "Count"

// Language says messages from one catalog.
type Language struct {
	Tag     string // BCP 47, as the catalog's file is named: "en"
	entries map[string]entry
	plural  func(n int) string // the CLDR cardinal category of n
	group   string             // between groups of three digits; "" for none
	// minGroup is how many digits the highest group needs before the
	// number is grouped (CLDR's minimumGroupingDigits).
	minGroup int
}

// entry is a message in one language: its text per plural form ("other"
// for a message that does not count), each cut at its placeholders.
type entry map[string][]segment

// segment is a run of literal text, or a placeholder when param is set.
type segment struct{ text, param string }

//go:embed catalog/en.json
var en string

//go:embed catalog/ru.json
var ru string

// catalogs are the languages' files, by tag: a language is its file in
// catalog/ and its line here. (Each file embedded as a string: embed.FS
// would add 8 KB to app.wasm.br.)
var catalogs = map[string]string{"en": en, "ru": ru}

// English is the language of every message this version ships, and the
// one said where a language lacks a message or is not known.
var English *Language

var languages = map[string]*Language{}

func init() {
	for tag, file := range catalogs {
		l, err := load(tag, file)
		if err != nil {
			panic(err) // the catalogs' test says which entry, before any build ships
		}
		languages[l.Tag] = l
	}
	English = languages["en"]
}

// Lookup is the language of a BCP 47 tag ("ru", "ru-RU", "en-GB"), by its
// primary subtag; English when there is no catalog for it.
func Lookup(tag string) *Language {
	primary, _, _ := strings.Cut(strings.ToLower(tag), "-")
	if l, ok := languages[primary]; ok {
		return l
	}
	return English
}

// Say is m in language l. A message l lacks is said in English, and a
// message no catalog has is its id: the catalogs' test keeps both from
// shipping.
func (l *Language) Say(m Message) string {
	var b strings.Builder
	l.walk(m, func(text, _ string) { b.WriteString(text) })
	return b.String()
}

// Part is a piece of a message as Parts cuts it: text, or, where Param is
// set, that parameter's value, said.
type Part struct{ Text, Param string }

// Parts is m said in l, cut at the parameters named, so that a page can
// show each as an element of its own (a name in bold, a link) where the
// language puts it.
func (l *Language) Parts(m Message, params ...string) []Part {
	var parts []Part
	l.walk(m, func(text, param string) {
		if !slices.Contains(params, param) {
			param = ""
		}
		if n := len(parts); n > 0 && param == "" && parts[n-1].Param == "" {
			parts[n-1].Text += text
		} else if text != "" || param != "" {
			parts = append(parts, Part{text, param})
		}
	})
	return parts
}

// walk says m in l piece by piece: each literal text, and each parameter's
// value with its name.
func (l *Language) walk(m Message, say func(text, param string)) {
	e, ok := l.entries[m.ID]
	if !ok && l != English {
		English.walk(m, say)
		return
	}
	if !ok {
		say(m.ID, "")
		return
	}
	form := "other"
	if len(e) > 1 {
		if n, ok := m.value(countParam).(int); ok {
			if _, has := e[l.plural(n)]; has {
				form = l.plural(n)
			}
		}
	}
	for _, s := range e[form] {
		if s.param == "" {
			say(s.text, "")
			continue
		}
		switch v := m.value(s.param).(type) {
		case string:
			say(v, s.param)
		case int:
			say(l.number(v), s.param)
		case Message:
			say(l.Say(v), s.param)
		}
	}
}

func (m Message) value(name string) any {
	for _, a := range m.args {
		if a.name == name {
			return a.value
		}
	}
	return nil
}

// number says n with the language's digit groups, once its highest group
// has the language's minimum of digits: "1 234" in Russian, "1234" but
// "12 345" where the minimum is two.
func (l *Language) number(n int) string {
	s := strconv.Itoa(n)
	digits := strings.TrimPrefix(s, "-")
	if l.group == "" || len(digits) < 3+l.minGroup {
		return s
	}
	var b strings.Builder
	b.WriteString(s[:len(s)-len(digits)])
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(l.group)
		}
		b.WriteRune(d)
	}
	return b.String()
}

// Parse reads a language's catalog (a file of catalog/, as text): each
// id's text, or its plural forms (and a description for translators, which
// is not said). A message it lacks is said in English.
func Parse(tag, catalog string) (*Language, error) { return load(tag, catalog) }

func load(tag, text string) (*Language, error) {
	name := tag + ".json"
	var file map[string]json.RawMessage
	if err := json.Unmarshal([]byte(text), &file); err != nil {
		return nil, fmt.Errorf("catalog %s: %w", name, err)
	}
	var err error
	l := &Language{Tag: tag, entries: make(map[string]entry, len(file)), plural: plurals[tag]}
	if l.plural == nil {
		return nil, fmt.Errorf("catalog %s: no plural rule for %q in plural.go", name, tag)
	}
	for id, v := range file {
		forms := map[string]string{}
		var one string
		if json.Unmarshal(v, &one) == nil {
			forms["other"] = one
		} else if err := json.Unmarshal(v, &forms); err != nil {
			return nil, fmt.Errorf("catalog %s, %s: a text or its plural forms: %w", name, id, err)
		}
		delete(forms, "description")
		e := entry{}
		for form, text := range forms {
			if !pluralForm(form) {
				return nil, fmt.Errorf("catalog %s, %s: %q is not a CLDR plural form", name, id, form)
			}
			if e[form], err = cut(text); err != nil {
				return nil, fmt.Errorf("catalog %s, %s: %w", name, id, err)
			}
		}
		if _, ok := e["other"]; !ok {
			return nil, fmt.Errorf("catalog %s, %s: no \"other\" form", name, id)
		}
		l.entries[id] = e
	}
	l.group = l.Say(Message{ID: digitGroup.ID})
	if l.minGroup, err = strconv.Atoi(l.Say(minimumGrouping)); err != nil || l.minGroup < 1 {
		return nil, fmt.Errorf("catalog %s, %s: a whole number from 1 on, as CLDR gives it", name, minimumGrouping.ID)
	}
	return l, nil
}

// cut splits a text at its placeholders: "{{.Name}}" and nothing else of
// Go's templates, so that no catalog can hold more than words and
// parameters.
func cut(text string) ([]segment, error) {
	var segs []segment
	for {
		start := strings.Index(text, "{{")
		if start < 0 {
			if strings.Contains(text, "}}") {
				return nil, fmt.Errorf("a stray }} in %q", text)
			}
			if text != "" {
				segs = append(segs, segment{text: text})
			}
			return segs, nil
		}
		end := strings.Index(text[start:], "}}")
		if end < 0 {
			return nil, fmt.Errorf("an unclosed {{ in %q", text)
		}
		name, ok := strings.CutPrefix(text[start+2:start+end], ".")
		if !ok || !identifier(name) {
			return nil, fmt.Errorf("%q is not a placeholder {{.Name}}", text[start:start+end+2])
		}
		if text[:start] != "" {
			segs = append(segs, segment{text: text[:start]})
		}
		segs = append(segs, segment{param: name})
		text = text[start+end+2:]
	}
}

func identifier(s string) bool {
	for i, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}

// Languages are the languages there are catalogs for, English first and
// then by tag: what a reader may choose from.
func Languages() []*Language {
	ls := []*Language{English}
	for _, tag := range slices.Sorted(maps.Keys(languages)) {
		if tag != English.Tag {
			ls = append(ls, languages[tag])
		}
	}
	return ls
}

// Known reports whether there is a catalog for the exact tag.
func Known(tag string) bool { _, ok := languages[tag]; return ok }
