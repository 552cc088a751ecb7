package store

import (
	"strings"

	"github.com/warden-auth/warden/shared"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// accountNameKey is what account names are compared by, and kept unique by
// (accounts.name_key): the name without its default-ignorable characters,
// in Unicode's compatibility form (NFKC: full-width letters, ligatures and
// no-break spaces become their plain twins), case-folded, with each run of
// spaces one space and none around it. Two names with one key look alike
// to a reader, so only one may exist. (The server's alone: the app never
// compares names, and these tables would weigh on its download.)
func accountNameKey(name string) string {
	// Folding can undo the normal form (UTS #15's NFKC_Casefold does it
	// twice too), and NFKC can make an ignorable character of a visible one.
	s := norm.NFKC.String(cases.Fold().String(norm.NFKC.String(shared.Without(name, shared.DefaultIgnorable))))
	return strings.Join(strings.Fields(shared.Without(s, shared.DefaultIgnorable)), " ")
}
