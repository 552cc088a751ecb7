package shared

import (
	"net/mail"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestValidateEmail_OnePlainAddressOrNone(t *testing.T) {
	for _, ok := range []string{"", "ann@example.com", "ann.lee+warden@mail.example.co.uk"} {
		if msg := ValidateEmail(ok); !msg.IsZero() {
			t.Errorf("%q refused: %v", ok, msg)
		}
	}
	for _, bad := range []string{"ann", "ann@", "@example.com", "ann@localhost", "Ann <ann@example.com>", " ann@example.com",
		"ann@example.com\r\nBcc: eve@example.com", "ann\x00@example.com", "ann@exa\u200bmple.com", "a@b@example.com",
		"ann@example.com, eve@example.com", strings.Repeat("a", 250) + "@example.com", "ann@example.com.", "\xffann@example.com"} {
		if ValidateEmail(bad).IsZero() {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestNoticeWords_EveryKindIsSaidInWords(t *testing.T) {
	for kind := range noticeWords {
		if english(NoticeWords(kind)) == strings.ReplaceAll(kind, "_", " ") {
			t.Errorf("%s has no words", kind)
		}
	}
	if got := english(NoticeDetailWords(NoticeRecoveryCodeUsed, "1")); got != "1 recovery code left." {
		t.Errorf("one code left: %q", got)
	}
	if got := english(NoticeDetailWords(NoticeSessionsEnded, "4")); got != "4 sessions ended." {
		t.Errorf("four sessions: %q", got)
	}
}

// netMailAccepts is ValidateEmail as it was, on net/mail.ParseAddress.
func netMailAccepts(s string) bool {
	if s == "" {
		return true
	}
	if !utf8.ValidString(s) || len(s) > MaxEmailLength || strings.ContainsFunc(s, invisible) || strings.TrimSpace(s) != s {
		return false
	}
	a, err := mail.ParseAddress(s)
	local, domain, ok := strings.Cut(s, "@")
	return err == nil && a.Name == "" && a.Address == s && ok && local != "" &&
		strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

// ValidateEmail reads addresses as net/mail.ParseAddress does (an address
// that parses back to itself, no display name), without linking net/mail
// into the app.
func TestValidateEmail_AgreesWithNetMail(t *testing.T) {
	parts := []string{"", "a", "b.c", ".", "..", "@", `"`, `"x"`, " ", "(c)", "<", ">", "[", "]", "[1.2.3.4]", "[::1]",
		"[::ffff:1.2.3.4]", "[1.2.3]", "\\", ",", ";", ":", "é", "ü.de", "!#$%&'*+/=?^_`{|}~-", "x@y", "[a@b]", "01.2.3.4", "\xff", "\t"}
	for _, a := range parts {
		for _, b := range parts {
			for _, c := range parts {
				for _, s := range []string{a + "@" + b + c, a + b + "@" + c, a + b + c, a + "@" + b + "." + c} {
					if ValidateEmail(s).IsZero() != netMailAccepts(s) {
						t.Errorf("%q: ValidateEmail and net/mail disagree", s)
					}
				}
			}
		}
	}
}

func FuzzValidateEmail_AgreesWithNetMail(f *testing.F) {
	for _, s := range []string{"a@b.c", `"a"@b.c`, "a@[1.2.3.4]", "a b@c.d", "<a@b.c>", "a@b.c (x)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ValidateEmail(s).IsZero() != netMailAccepts(s) {
			t.Errorf("%q: ValidateEmail and net/mail disagree", s)
		}
	})
}
