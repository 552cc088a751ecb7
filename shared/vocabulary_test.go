package shared

import (
	"strings"
	"testing"

	"github.com/warden-auth/warden/shared/words"
)

func TestNormalizeCode(t *testing.T) {
	for in, want := range map[string]string{
		"123456": "123456", "123 456": "123456", " 123456 ": "123456", "1 2 3 4 5 6": "123456",
		"12345": "", "1234567": "", "12345a": "", "123456\n": "", "\t123456": "", "١٢٣٤٥٦": "", "": "",
		"+12345": "", "-12345": "", "0x1234": "",
	} {
		got, ok := NormalizeCode(in)
		if got != want || ok != (want != "") {
			t.Errorf("NormalizeCode(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

// Every word the server may store has its text for people; an unknown one
// (from a newer server) is shown readably rather than dropped.
func TestTexts_EveryWordIsSaid(t *testing.T) {
	for _, m := range []string{MethodPassword, MethodTOTP, MethodRecoveryCode} {
		if english(MethodWords(m)) == m {
			t.Errorf("method %q has no text", m)
		}
	}
	for _, r := range []string{ReasonWrongPassword, ReasonUnknownUser, ReasonWrongCode, ReasonReusedCode,
		ReasonLockedOut, ReasonThrottled, ReasonMalformedCode, ReasonStopped} {
		if english(ReasonWords(r)) == r || english(ReasonWords(r)) == "" {
			t.Errorf("reason %q has no text", r)
		}
	}
	for _, a := range []string{AuditPolicyChanged, AuditTwoFactorReset, AuditConnected, AuditDisconnected,
		AuditCodesRegenerated, AuditUserCreated, AuditPasswordChanged, AuditDisconnectRefused, AuditReauthRefused,
		AuditRegenerateRefused, AuditPasswordRefused} {
		if english(ActionWords(a)) == strings.ReplaceAll(a, "_", " ") {
			t.Errorf("action %q has no text", a)
		}
	}
	if english(ReasonWords("")) != "" || english(ActionWords("some_new_action")) != "some new action" {
		t.Errorf("fallbacks: %q %q", english(ReasonWords("")), english(ActionWords("some_new_action")))
	}
}

// english says m as the app and the server do today.
func english(m words.Message) string { return words.English.Say(m) }
