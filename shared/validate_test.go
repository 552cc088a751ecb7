package shared

import (
	"strings"
	"testing"

	"github.com/warden-auth/warden/shared/words"
)

func TestValidatePassword(t *testing.T) {
	for _, tc := range []struct {
		name, password string
		ok             bool
	}{
		{"empty", "", false},
		{"seven characters", "abcdefg", false},
		{"eight characters", "abcdefgh", true},
		{"eight multibyte characters", "ääääääää", true},
		{"seven multibyte characters are still seven", "äääääää", false},
		{"spaces count", "a b c d ", true},
		{"no composition rules", "aaaaaaaa", true},
		{"256 bytes", strings.Repeat("x", 256), true},
		{"257 bytes", strings.Repeat("x", 257), false},
		{"invalid UTF-8", "abcdefg\xff", false},
	} {
		if got := ValidatePassword(tc.password); got.IsZero() != tc.ok {
			t.Errorf("%s: ValidatePassword = %v, want ok=%v", tc.name, got, tc.ok)
		}
	}
}

func TestValidateUsername(t *testing.T) {
	for _, tc := range []struct {
		username string
		ok       bool
	}{
		{"alice", true},
		{"al", false},
		{"a.b-c_d9", true},
		{strings.Repeat("a", 32), true},
		{strings.Repeat("a", 33), false},
		{"", false},
		{".alice", false},
		{"-alice", false},
		{"Alice", false}, // callers normalize first
		{"al ice", false},
		{"ålice", false},
		{"alice@example.com", false},
	} {
		if got := ValidateUsername(tc.username); got.IsZero() != tc.ok {
			t.Errorf("ValidateUsername(%q) = %v, want ok=%v", tc.username, got, tc.ok)
		}
	}
}

func TestNormalizeUsername(t *testing.T) {
	for in, want := range map[string]string{"Alice": "alice", "  bob ": "bob", "CAROL\t": "carol", "": ""} {
		if got := NormalizeUsername(in); got != want {
			t.Errorf("NormalizeUsername(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLoginRequest_Valid(t *testing.T) {
	for _, tc := range []struct {
		name   string
		req    LoginRequest
		fields []string
	}{
		{"fine", LoginRequest{"alice", "whatever-password"}, nil},
		{"short password is still a login attempt", LoginRequest{"alice", "x"}, nil},
		{"unknown-looking names are still looked up", LoginRequest{"Mallory O'Brien", "x"}, nil},
		{"empty", LoginRequest{}, []string{"username", "password"}},
		{"blank username", LoginRequest{"   ", "x"}, []string{"username"}},
		{"overlong username", LoginRequest{strings.Repeat("a", 65), "x"}, []string{"username"}},
		{"overlong password", LoginRequest{"alice", strings.Repeat("p", 257)}, []string{"password"}},
		{"invalid UTF-8 username", LoginRequest{"ali\xffce", "x"}, []string{"username"}},
	} {
		err := tc.req.Valid()
		if len(tc.fields) == 0 {
			if err != nil {
				t.Errorf("%s: unexpected %v", tc.name, err)
			}
			continue
		}
		if err == nil || err.Code != EInvalid || len(err.Fields) != len(tc.fields) {
			t.Errorf("%s: got %v, want messages for %v", tc.name, err, tc.fields)
			continue
		}
		for _, f := range tc.fields {
			if err.Fields[f] == "" {
				t.Errorf("%s: no message for %s", tc.name, f)
			}
		}
	}
}

func TestValidateAccountName(t *testing.T) {
	for name, ok := range map[string]bool{"Acme": true, "": false, "  ": false, strings.Repeat("x", 64): true, strings.Repeat("x", 65): false} {
		if got := ValidateAccountName(name); got.IsZero() != ok {
			t.Errorf("ValidateAccountName(%q) = %v", name, got)
		}
	}
}

// Every name people read refuses what cannot be seen, with the username's
// rule: control and format characters (zero-width space and joiners,
// direction marks, overrides and isolates, word joiner, BOM, soft hyphen),
// line separators and the other default-ignorable characters. Variation
// selectors, which only choose how an emoji looks, are no reason to refuse.
func TestNames_EveryNamePeopleReadRefusesInvisibleCharacters(t *testing.T) {
	hidden := []rune{0x00, 0x09, 0x0a, 0x7f, 0x85, 0xad, 0x034f, 0x061c, 0x115f, 0x180e, 0x200b, 0x200c, 0x200d, 0x200e, 0x200f,
		0x2028, 0x2029, 0x202a, 0x202e, 0x2060, 0x2066, 0x2069, 0x206f, 0x3164, 0xfeff, 0xffa0, 0x1d173, 0xe0001, 0xe0041}
	for name, validate := range map[string]func(string) words.Message{"account": ValidateAccountName, "key": ValidateKeyName,
		"e-mail": func(s string) words.Message { return ValidateEmail(strings.ToLower(s) + "@example.com") }} {
		for _, r := range hidden {
			if got := validate("AC" + string(r) + "ME"); got.IsZero() {
				t.Errorf("%s name with %U accepted", name, r)
			}
		}
		for _, ok := range []string{"ACME", "Café", "Ａｃｍｅ"} {
			if got := validate(ok); !got.IsZero() {
				t.Errorf("%s name %q: %v", name, ok, got)
			}
		}
	}
	for _, ok := range []string{"❤\ufe0f YubiKey", "🔑 Blue", "Desk key"} {
		if got := ValidateKeyName(ok); !got.IsZero() {
			t.Errorf("key name %q: %v", ok, got)
		}
	}
	if got := validateLoginUsername("vic\u3164"); got.IsZero() {
		t.Error("a username with a Hangul filler is tried at login")
	}
}

func TestVisibleName_IsWhatAReaderSaw(t *testing.T) {
	if got := VisibleName("\u202eEMCA\u200b "); got != "EMCA" {
		t.Errorf("what a reader saw of \\u202eEMCA: %q", got)
	}
}

func TestError_CodeAndMessage(t *testing.T) {
	e := Errorf(EConflict, "The username %q is taken.", "bob")
	if e.Error() != `conflict: The username "bob" is taken.` || ErrorCode(e) != EConflict {
		t.Fatalf("%v / %s", e, ErrorCode(e))
	}
	if ErrorCode(nil) != "" || ErrorCode(errString("boom")) != EInternal {
		t.Fatal("ErrorCode of nil or a foreign error")
	}
}

type errString string

func (e errString) Error() string { return string(e) }

// A chosen password is refused, in words, when it is the username or holds
// it in any case; the length rules come first.
func TestValidateNewPassword_RefusesTheUsernameInAnyForm(t *testing.T) {
	for _, tc := range []struct {
		password, want string
	}{
		{"alice.smith", "Your password cannot be your username."},
		{"ALICE.SMITH", "Your password cannot be your username."},
		{" Alice.Smith ", "Your password cannot be your username."},
		{"my Alice.Smith 2026", "Your password cannot contain your username."},
		{"xxalice.smithxx", "Your password cannot contain your username."},
		{"short", "Use at least 8 characters."},
		{"alice smith is here", ""},
		{"correct horse battery", ""},
	} {
		if got := words.English.Say(ValidateNewPassword(tc.password, "Alice.Smith")); got != tc.want {
			t.Errorf("ValidateNewPassword(%q) = %q, want %q", tc.password, got, tc.want)
		}
	}
	if got := ValidateNewPassword("anything long", ""); !got.IsZero() {
		t.Errorf("no username: %v", got)
	}
}

func TestChangePasswordRequest_Valid(t *testing.T) {
	if e := (ChangePasswordRequest{Current: "old one here", New: "a new password"}).Valid(); e != nil {
		t.Fatalf("a good request: %v", e)
	}
	e := ChangePasswordRequest{New: "short"}.Valid()
	if e == nil || e.Fields["current"] != "Enter your password." || e.Fields["new"] != "Use at least 8 characters." {
		t.Fatalf("missing current, short new: %+v", e)
	}
}

// An error made here says its message and its fields again in the reader's
// language; one read from an answer keeps the server's words.
func TestError_InSaysItAgainInTheReadersLanguage(t *testing.T) {
	ru, err := words.Parse("ru", `{"CorrectTheFields": "Исправьте выделенные поля.", "EnterYourPassword": "Введите пароль."}`)
	if err != nil {
		t.Fatal(err)
	}
	e := ChangePasswordRequest{New: "a new password here"}.Valid()
	said := e.In(ru)
	if said.Message != "Исправьте выделенные поля." || said.Fields["current"] != "Введите пароль." || said.Code != EInvalid {
		t.Errorf("said in Russian: %+v", said)
	}
	if e.Message != "Please correct the highlighted fields." || e.Fields["current"] != "Enter your password." {
		t.Errorf("the English error changed: %+v", e)
	}
	answer := &Error{Code: EWrongCode, Message: "Неверный код.", Fields: map[string]string{"code": "Неверный код."}}
	if got := answer.In(words.English); got.Message != answer.Message || got.Fields["code"] != "Неверный код." {
		t.Errorf("an answer's words changed: %+v", got)
	}
}
