package recovery

import (
	"strings"
	"testing"
)

func TestNormalizeRecoveryCode(t *testing.T) {
	for in, want := range map[string]string{
		"abcd-efgh-2345": "abcdefgh2345", "ABCD EFGH 2345": "abcdefgh2345", "abcdefgh2345": "abcdefgh2345",
		"oOiI-lLab-cdef": "00111 1abcdef", "abcd-efgh-234": "", "abcd-efgh-23456": "", "abcd-efgh-234u": "",
		"abcd-efgh-23é5": "", "": "", "abcd_efgh_2345": "",
	} {
		want = strings.ReplaceAll(want, " ", "")
		got, ok := normalize(in)
		if ok != (want != "") || (ok && got != want) {
			t.Errorf("normalize(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}
