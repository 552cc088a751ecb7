package shared

import (
	"strings"
	"testing"
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
