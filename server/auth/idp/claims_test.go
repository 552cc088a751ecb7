package idp

import (
	"slices"
	"testing"
)

// amr and acr say what the sign-in proved, no more: a trusted browser that
// spared the code proved the password only; a passkey is two factors in
// one, and phishing-resistant like a security key.
func TestAMRAndACR_SayWhatTheSignInProved(t *testing.T) {
	for methods, want := range map[string]struct {
		amr []string
		acr string
	}{
		"password":                {[]string{"pwd"}, ACRPassword},
		"trusted_browser":         {[]string{"pwd"}, ACRPassword},
		"password totp":           {[]string{"pwd", "otp", "mfa"}, ACRMultiFactor},
		"password recovery_code":  {[]string{"pwd", "otp", "mfa"}, ACRMultiFactor},
		"password security_key":   {[]string{"pwd", "hwk", "mfa"}, ACRPhishingResistant},
		"passkey":                 {[]string{"swk", "user", "mfa"}, ACRPhishingResistant},
		"password password totp":  {[]string{"pwd", "otp", "mfa"}, ACRMultiFactor},
		"":                        {nil, ""},
		"something_else password": {[]string{"pwd"}, ACRPassword},
	} {
		if got := amr(methods); !slices.Equal(got, want.amr) {
			t.Errorf("amr(%q) = %q, want %q", methods, got, want.amr)
		}
		if got := acr(methods); got != want.acr {
			t.Errorf("acr(%q) = %q, want %q", methods, got, want.acr)
		}
	}
}
