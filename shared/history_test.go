package shared

import (
	"testing"

	"github.com/warden-auth/warden/shared/words"
)

func TestDescribeUserAgent(t *testing.T) {
	for ua, want := range map[string]string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36":            "Chrome on Windows",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0":  "Edge on Windows",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15":         "Safari on macOS",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile Safari": "Unknown browser on iOS",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Mobile/15E148 Safari/604.1":        "Safari on iOS",
		"Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0":                                                     "Firefox on Linux",
		"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Mobile Safari/537.36":          "Chrome on Android",
		"curl/8.5.0": "curl",
		"":           "Unknown device",
		"something":  "Unknown browser",
	} {
		if got := words.English.Say(DescribeUserAgent(ua)); got != want {
			t.Errorf("DescribeUserAgent(%q) = %q, want %q", ua, got, want)
		}
	}
}

func TestParseHistoryQuery(t *testing.T) {
	for _, tc := range []struct {
		q      map[string]string
		want   HistoryQuery
		fields []string
	}{
		{map[string]string{}, HistoryQuery{Limit: 20}, nil},
		{map[string]string{"limit": "50", "before": "123", "result": "failure"}, HistoryQuery{Limit: 50, Before: 123, FailedOnly: true}, nil},
		{map[string]string{"limit": "0"}, HistoryQuery{}, []string{"limit"}},
		{map[string]string{"limit": "101"}, HistoryQuery{}, []string{"limit"}},
		{map[string]string{"limit": "ten"}, HistoryQuery{}, []string{"limit"}},
		{map[string]string{"before": "-1"}, HistoryQuery{}, []string{"before"}},
		{map[string]string{"before": "1e9"}, HistoryQuery{}, []string{"before"}},
		{map[string]string{"result": "success"}, HistoryQuery{}, []string{"result"}},
	} {
		got, err := ParseHistoryQuery(func(k string) string { return tc.q[k] })
		if len(tc.fields) == 0 {
			if err != nil || got != tc.want {
				t.Errorf("%v: %+v %v", tc.q, got, err)
			}
			continue
		}
		if err == nil || err.Code != EInvalid {
			t.Errorf("%v: no error", tc.q)
			continue
		}
		for _, f := range tc.fields {
			if err.Fields[f] == "" {
				t.Errorf("%v: no message for %s", tc.q, f)
			}
		}
	}
}

func TestReasonAndMethodTexts(t *testing.T) {
	for _, r := range []string{"wrong_password", "unknown_user", "wrong_code", "reused_code", "locked_out", "throttled"} {
		if txt := english(ReasonWords(r)); txt == "" || txt == r {
			t.Errorf("no words for %s", r)
		}
	}
	for _, m := range []string{"password", "totp", "recovery_code"} {
		if txt := english(MethodWords(m)); txt == m {
			t.Errorf("no words for %s", m)
		}
	}
}
