package shared

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/warden-auth/warden/shared/words"
)

// Names people read beside other people's names (accounts, security keys;
// usernames and e-mail addresses have stricter rules of their own that
// include this one) follow one rule, so no two of them look the same yet
// differ in what cannot be seen: present, bounded, and without invisible
// characters (validate.go). The names that must be unique, account names,
// are compared by a key the server keeps (server/store's accountNameKey),
// which also makes alike what only looks different in width, case or
// spacing.

// nameRule is the rule for one kind of name, with its words.
type nameRule struct {
	max                    int // characters
	empty, long, invisible words.Message
}

// check returns what is wrong with s as this kind of name, or the zero
// Message.
func (r nameRule) check(s string) words.Message {
	switch {
	case strings.TrimSpace(s) == "":
		return r.empty
	case !utf8.ValidString(s) || utf8.RuneCountInString(s) > r.max:
		return r.long
	case strings.ContainsFunc(s, invisible):
		return r.invisible
	}
	return words.Message{}
}

// VisibleName is name without the characters names may no longer hold
// (invisible), trimmed: what a reader saw of a name stored before the rule.
func VisibleName(name string) string { return strings.TrimSpace(Without(name, invisible)) }

// Without is s without the characters drop reports.
func Without(s string, drop func(rune) bool) string {
	return strings.Map(func(r rune) rune {
		if drop(r) {
			return -1
		}
		return r
	}, s)
}

// DefaultIgnorable is Unicode's Default_Ignorable_Code_Point
// (DerivedCoreProperties.txt), derived from the properties Go carries:
// characters a renderer shows as nothing when it does not support them.
func DefaultIgnorable(r rune) bool {
	switch {
	case unicode.Is(unicode.White_Space, r), unicode.Is(unicode.Prepended_Concatenation_Mark, r),
		r >= 0xFFF9 && r <= 0xFFFB,   // interlinear annotation characters
		r >= 0x13430 && r <= 0x1343F: // Egyptian hieroglyph format controls
		return false
	}
	return unicode.In(r, unicode.Other_Default_Ignorable_Code_Point, unicode.Cf, unicode.Variation_Selector)
}
