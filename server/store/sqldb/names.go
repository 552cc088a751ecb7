package sqldb

import (
	"strings"

	"github.com/mtibben/confusables"
	"github.com/warden-auth/warden/shared"
	"golang.org/x/text/cases"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

// AccountNameKey is what account names are compared by, and kept unique by
// (accounts.name_key): the name without its default-ignorable characters,
// case-folded, with the capitals of other scripts that look like Latin ones
// (Cyrillic "А", Greek "Α") made those (UTS #39's skeleton, compared in
// capitals, where scripts look most alike), in Unicode's compatibility
// form (NFKC: full-width letters, ligatures and no-break spaces become their
// plain twins), folded again, with each run of spaces (and of the Braille
// blank, which shows as one) one space and none around it. Two names with
// one key look alike to a reader, so only one may exist; a few that differ
// only slightly go with them ("I", "l" and "1" are one, so "i" is too). (The
// server's alone: the app never compares names, and these tables would
// weigh on its download.)
func AccountNameKey(name string) string {
	// Folded first, so that names that differ only in case have one key
	// whatever follows; each step can undo another's work (folding the
	// normal form, the skeleton a folded letter, NFKC making an ignorable
	// character of a visible one), so twice.
	s := cases.Fold().String(shared.Without(name, shared.DefaultIgnorable))
	for range 2 {
		s = norm.NFKC.String(cases.Fold().String(confusables.Skeleton(cases.Upper(language.Und).String(s))))
	}
	s = strings.ReplaceAll(shared.Without(s, shared.DefaultIgnorable), "\u2800", " ")
	return strings.Join(strings.Fields(s), " ")
}
