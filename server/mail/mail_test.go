package mail

import (
	"strings"
	"testing"
)

func TestParse_ReadsTheURLAndNeverRepeatsItsPassword(t *testing.T) {
	s, err := Parse("smtp://user:pa%3Ass@mail.example.com", "warden@example.com")
	if err != nil || s.port != 587 || s.ssl || s.user != "user" || s.password != "pa:ss" || s.Server() != "mail.example.com:587" {
		t.Fatalf("smtp: %+v, %v", s, err)
	}
	if s, err := Parse("smtps://mail.example.com:2465", "Warden <warden@example.com>"); err != nil || s.port != 2465 || !s.ssl {
		t.Fatalf("smtps: %+v, %v", s, err)
	}
	for _, tc := range []struct{ url, from string }{
		{"http://user:secretpw@mail.example.com", "warden@example.com"},
		{"smtp://user:secretpw@:25", "warden@example.com"},
		{"smtp://user:secretpw@mail.example.com:99999", "warden@example.com"},
		{"smtp://user:secretpw@mail.example.com", ""},
		{"smtp://user:secretpw@mail.example.com", "not an address"},
		{"smtp://user:secretpw@mail.example.com\x00", "warden@example.com"},
	} {
		_, err := Parse(tc.url, tc.from)
		if err == nil {
			t.Errorf("%q, %q: accepted", tc.url, tc.from)
		} else if strings.Contains(err.Error(), "secretpw") {
			t.Errorf("the error repeats the password: %v", err)
		}
	}
}
