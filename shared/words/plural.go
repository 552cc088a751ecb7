package words

// The CLDR cardinal plural rules (unicode.org/cldr, plurals.xml) of the
// languages with a catalog, for whole numbers: a language needs its rule
// here before its catalog loads. The catalogs' test checks each against
// go-i18n's rules, which are generated from CLDR.
var plurals = map[string]func(n int) string{
	"en": func(n int) string {
		if n == 1 {
			return "one"
		}
		return "other"
	},
	// 1 код, 2 кода, 5 кодов, 21 код, 11 кодов.
	"ru": func(n int) string {
		n %= 100
		if n < 0 {
			n = -n
		}
		switch {
		case n%10 == 1 && n != 11:
			return "one"
		case n%10 >= 2 && n%10 <= 4 && (n < 12 || n > 14):
			return "few"
		}
		return "many"
	},
}

// pluralForm reports whether form is one of CLDR's plural categories.
func pluralForm(form string) bool {
	switch form {
	case "zero", "one", "two", "few", "many", "other":
		return true
	}
	return false
}
