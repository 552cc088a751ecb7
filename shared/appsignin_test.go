package shared

import "testing"

func TestAppSignInReturn_OnlyTheCallbackOfOneRequest(t *testing.T) {
	for path, want := range map[string]bool{
		"/authorize/callback?id=abc-DEF_123":           true,
		"/authorize/callback?id=":                      false,
		"/authorize/callback?id=abc&next=//evil":       false,
		"//evil.example/authorize/callback?id=abc":     false,
		"https://evil.example/authorize/callback?id=a": false,
		"/authorize/callback/../../x?id=abc":           false,
		"/authorize/callback?id=abc%2F..":              false,
		"/":                                            false,
	} {
		if got := AppSignInReturn(path); got != want {
			t.Errorf("AppSignInReturn(%q) = %v", path, got)
		}
	}
}
