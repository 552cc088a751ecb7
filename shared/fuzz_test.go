package shared

import (
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/warden-auth/warden/shared/words"
)

// The fuzz targets below check properties, not the rules again: a second
// copy of a rule passes whenever it shares the first one's mistake, and
// fails only where the two were typed differently. What every answer must
// be (a refusal names fields, with messages), what accepted values must
// satisfy (the documented bounds, written out so that a changed limit is a
// visible decision), that they survive the wire, and how verdicts relate
// (each field judged alone, a stored form stays stored) do not depend on
// how the rule is written. The exact verdicts are validate_test.go's.

// decodeStrict reads body as server/httpapi's decode does: one JSON value,
// no unknown fields, nothing after it.
func decodeStrict[T any](body string) (T, bool) {
	var v T
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return v, false
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return v, false
	}
	return v, true
}

// roundTrip checks that what the app encodes the server decodes to the same
// value. Only for values whose strings are valid UTF-8: encoding/json
// replaces invalid bytes, which is not a round trip by design.
func roundTrip[T any](t *testing.T, v T) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %#v: %v", v, err)
	}
	back, ok := decodeStrict[T](string(b))
	if !ok || !reflect.DeepEqual(back, v) {
		t.Fatalf("round trip of %#v through %s gave %#v (ok=%v)", v, b, back, ok)
	}
}

// checkRefusal checks what every refusal must be: EInvalid with a message,
// naming at least one field, each one of fields and with its own message,
// which the form shows beside it.
func checkRefusal(t *testing.T, input any, err *Error, fields ...string) {
	t.Helper()
	if err.Code != EInvalid || err.Message == "" || len(err.Fields) == 0 {
		t.Fatalf("%#v: refused with %+v, want an %q error with a message naming fields", input, err, EInvalid)
	}
	for f, msg := range err.Fields {
		if !slices.Contains(fields, f) || msg == "" {
			t.Fatalf("%#v: refusal names field %q (message %q); the fields are %v", input, f, msg, fields)
		}
	}
}

// named returns the fields a refusal names, sorted; none for nil.
func named(err *Error) []string {
	if err == nil {
		return nil
	}
	return slices.Sorted(maps.Keys(err.Fields))
}

// huge is far past every limit; bigger would only slow the fuzzer down.
var huge = strings.Repeat("x", 4<<10)

// An everyday login: Valid must take it, and each field is judged against
// the other one of it.
const goodUsername, goodPassword = "alice", "correct horse battery"

// blank reports whether s has nothing but white space.
func blank(s string) bool { return strings.TrimSpace(s) == "" }

func FuzzLoginRequest(f *testing.F) {
	for _, s := range []struct{ body, username, password string }{
		{`{"username":"alice","password":"correct horse battery"}`, "alice", "correct horse battery"},
		{`{"username":"  Alice ","password":"x"}`, "  Alice ", "x"},
		{`{"username":"","password":""}`, "", ""},
		{`{"username":"   ","password":"12345678"}`, "\t \n", "12345678"},
		{`{"username":"` + strings.Repeat("a", 64) + `","password":"` + strings.Repeat("p", 256) + `"}`, strings.Repeat("a", 64), strings.Repeat("p", 256)},
		{`{"username":"` + strings.Repeat("a", 65) + `","password":"` + strings.Repeat("p", 257) + `"}`, strings.Repeat("a", 65), strings.Repeat("p", 257)},
		{`{"username":"ålice","password":"pässwörd🔑"}`, "ålice", "pässwörd🔑"},
		{`{"username":"\u0000","password":"\u0000"}`, "\x00", "\x00"},
		{`{"username":"ali\udc00ce","password":"x"}`, "ali\xffce", "x"},
		{`{"username":null,"password":null}`, "", ""},
		{`{"username":42,"password":"x"}`, "", ""},
		{`{"username":"alice","password":"x","admin":true}`, "alice", "x"},
		{`{"USERNAME":"alice","Password":"x"}`, "alice", "x"},
		{`{"username":"a","username":"b","password":"x"}`, "b", "x"},
		{`{"username":"alice","password":"x"} {}`, "alice", "x"},
		{`[]`, "", ""},
		{`null`, "", ""},
		{`{"username":"alice","password":"` + huge + `"}`, "alice", huge},
	} {
		f.Add(s.body, s.username, s.password)
	}
	f.Fuzz(func(t *testing.T, body, username, password string) {
		if err := (LoginRequest{Username: goodUsername, Password: goodPassword}).Valid(); err != nil {
			t.Fatalf("the everyday login is refused: %v", err)
		}
		// The app builds the request from what was typed; the server decodes it.
		check := func(r LoginRequest) {
			err := r.Valid()
			if err != nil {
				checkRefusal(t, r, err, "username", "password")
			}
			// Each field is judged alone: a bad password neither hides nor
			// excuses a bad username.
			alone := append(named(LoginRequest{Username: r.Username, Password: goodPassword}.Valid()),
				named(LoginRequest{Username: goodUsername, Password: r.Password}.Valid())...)
			slices.Sort(alone)
			if got := named(err); !slices.Equal(got, alone) {
				t.Fatalf("%#v: refusal names %v, but judged one by one %v", r, got, alone)
			}
			if err != nil {
				return
			}
			// Accepted: a name to look up and a password to hash, within what
			// the store and the hash function take.
			if blank(r.Username) || len(r.Username) > 64 || !utf8.ValidString(r.Username) || r.Password == "" || len(r.Password) > 256 {
				t.Fatalf("%#v: accepted, outside the documented bounds", r)
			}
			if utf8.ValidString(r.Password) {
				roundTrip(t, r)
			}
		}
		check(LoginRequest{Username: username, Password: password})
		if r, ok := decodeStrict[LoginRequest](body); ok {
			check(r)
		}
	})
}

// FuzzCodeRequest covers the second step, the recovery-code login, Connect
// and Regenerate: all send a CodeRequest. Only presence and size are shared
// rules; whether it is six digits (after removing spaces) or a recovery code
// is the server's to decide, where attempts are counted.
func FuzzCodeRequest(f *testing.F) {
	for _, s := range []struct{ body, code string }{
		{`{"code":"123456"}`, "123456"},
		{`{"code":"123 456"}`, "123 456"},
		{`{"code":"ABCD-EFGH-JKMN"}`, "abcd efgh jkmn"},
		{`{"code":""}`, ""},
		{`{"code":"   "}`, "\u00a0\u2003"},
		{`{"code":"` + strings.Repeat("1", 64) + `"}`, strings.Repeat("1", 64)},
		{`{"code":"` + strings.Repeat("1", 65) + `"}`, strings.Repeat("é", 33)},
		{`{"code":"١٢٣٤٥٦"}`, "１２３４５６"},
		{`{"code":"\u0000"}`, "\x00"},
		{`{"code":123456}`, "123456\n"},
		{`{"code":null}`, ""},
		{`{"code":"123456","totp":"1"}`, " 123456 "},
		{`{"code":"` + huge + `"}`, huge},
	} {
		f.Add(s.body, s.code)
	}
	f.Fuzz(func(t *testing.T, body, code string) {
		check := func(r CodeRequest) {
			err := r.Valid()
			if err != nil {
				checkRefusal(t, r, err, "code")
				return
			}
			if blank(r.Code) || len(r.Code) > 64 {
				t.Fatalf("%#v: accepted, outside the documented bounds", r)
			}
			if utf8.ValidString(r.Code) {
				roundTrip(t, r)
			}
		}
		check(CodeRequest{Code: code})
		if r, ok := decodeStrict[CodeRequest](body); ok {
			check(r)
		}
		// Whatever the server could take passes here, or a right code would
		// be refused before it is checked: six digits, also spaced as apps
		// show them, and a recovery code (Crockford's base32), made of the
		// fuzzed bytes.
		six, rec := make([]byte, 6), make([]byte, 12)
		for i := range rec {
			var b byte
			if i < len(code) {
				b = code[i]
			}
			if i < len(six) {
				six[i] = '0' + b%10
			}
			rec[i] = "0123456789abcdefghjkmnpqrstvwxyz"[b%32]
		}
		for _, c := range []string{string(six), string(six[:3]) + " " + string(six[3:]),
			string(rec[:4]) + "-" + string(rec[4:8]) + "-" + string(rec[8:])} {
			if err := (CodeRequest{Code: c}).Valid(); err != nil {
				t.Fatalf("%q, of a shape the server takes, is refused: %v", c, err)
			}
		}
	})
}

func FuzzDisconnectRequest(f *testing.F) {
	for _, s := range []struct {
		body, password string
		confirm        bool
	}{
		{`{"password":"correct horse battery","confirm":true}`, "correct horse battery", true},
		{`{"password":"x"}`, "x", false},
		{`{"password":"","confirm":true}`, "", true},
		{`{"password":"` + strings.Repeat("p", 256) + `"}`, strings.Repeat("p", 256), false},
		{`{"password":"` + strings.Repeat("p", 257) + `"}`, strings.Repeat("ü", 129), false},
		{`{"password":"x","confirm":"yes"}`, " ", false},
		{`{"password":"x","confirm":null}`, "\x00", false},
		{`{"password":"x","logged_out":true}`, "x", true},
		{`{}`, "", false},
	} {
		f.Add(s.body, s.password, s.confirm)
	}
	f.Fuzz(func(t *testing.T, body, password string, confirm bool) {
		check := func(r DisconnectRequest) {
			err := r.Valid()
			// Whether the warning was confirmed is the server's to weigh
			// (EConfirmRequired), never a reason to refuse the form.
			flipped := DisconnectRequest{Password: r.Password, Confirm: !r.Confirm}
			if other := flipped.Valid(); !reflect.DeepEqual(err, other) {
				t.Fatalf("%#v gives %v, %#v gives %v", r, err, flipped, other)
			}
			if err != nil {
				checkRefusal(t, r, err, "password")
				return
			}
			if r.Password == "" || len(r.Password) > 256 {
				t.Fatalf("%#v: accepted, outside the documented bounds", r)
			}
			if utf8.ValidString(r.Password) {
				roundTrip(t, r)
			}
		}
		check(DisconnectRequest{Password: password, Confirm: confirm})
		if r, ok := decodeStrict[DisconnectRequest](body); ok {
			check(r)
		}
	})
}

func FuzzSettingsRequest(f *testing.F) {
	for _, body := range []string{
		`{"force_2fa":true}`, `{"force_2fa":false}`, `{}`, `{"force_2fa":null}`, `{"force_2fa":"true"}`,
		`{"force_2fa":1}`, `{"force_2fa":true,"id":2}`, `{"FORCE_2FA":false}`, `{"force_2fa":true}x`, `true`,
	} {
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, on := range []bool{true, false} {
			if err := (SettingsRequest{Force2FA: &on}).Valid(); err != nil {
				t.Fatalf("the switch set to %v, as the panel sends it, is refused: %v", on, err)
			}
		}
		r, ok := decodeStrict[SettingsRequest](body)
		if !ok {
			return
		}
		err := r.Valid()
		if err != nil {
			checkRefusal(t, body, err, "force_2fa")
			return
		}
		// The handler reads *Force2FA: "absent" must never pass as "off".
		if r.Force2FA == nil {
			t.Fatalf("%q: accepted without the switch's position", body)
		}
		roundTrip(t, r)
	})
}

// encodeHistory writes q as a query, the way the app asks for a page.
func encodeHistory(v url.Values, q HistoryQuery) url.Values {
	v.Set("limit", strconv.Itoa(q.Limit))
	if c := FormatCursor(q.Before); c != "" {
		v.Set("before", c)
	}
	if q.FailedOnly {
		v.Set("result", "failure")
	}
	return v
}

// historyParams are the parameters of a history page.
var historyParams = []string{"limit", "before", "result"}

var historySeeds = []string{
	"", "limit=20", "limit=1&before=1", "limit=100&before=9223372036854775807&result=failure",
	"limit=0", "limit=101", "limit=-1", "limit=+5", "limit=007", "limit=1e2", "limit=99999999999999999999",
	"before=0", "before=-9223372036854775808", "before=9223372036854775808", "before=%201",
	"result=success", "result=FAILURE", "result=failure&result=success", "limit=&before=&result=",
	"limit=%00", "limit=%E2%80%8B5", "limit=５", "a=%zz&limit=10", "limit=10;before=2",
}

func FuzzParseHistoryQuery(f *testing.F) {
	for i, q := range historySeeds {
		f.Add(q, int64(i*37-100))
	}
	f.Add("before=42", int64(9223372036854775807))
	f.Fuzz(func(t *testing.T, rawQuery string, cursor int64) {
		// As r.URL.Query() does: a malformed pair is dropped, the rest is kept.
		values, _ := url.ParseQuery(rawQuery)
		got, err := ParseHistoryQuery(values.Get)
		// It reads its own parameters only: the admin view adds others.
		own := func(k string) string {
			if slices.Contains(historyParams, k) {
				return values.Get(k)
			}
			return "1"
		}
		if again, againErr := ParseHistoryQuery(own); again != got || !reflect.DeepEqual(againErr, err) {
			t.Fatalf("%q: other parameters changed %+v, %v into %+v, %v", rawQuery, got, err, again, againErr)
		}
		if err != nil {
			checkRefusal(t, rawQuery, err, historyParams...)
			for f := range err.Fields {
				if values.Get(f) == "" {
					t.Fatalf("%q: refuses %q, which was not given", rawQuery, f)
				}
				values.Del(f)
			}
			// The fields named are all that was wrong: without them the
			// rest is accepted.
			if _, err := ParseHistoryQuery(values.Get); err != nil {
				t.Fatalf("%q: without the fields named, still refused: %v", rawQuery, err)
			}
			return
		}
		// Accepted: within the documented bounds, the defaults for what is
		// absent.
		switch {
		case got.Limit < 1 || got.Limit > 100, got.Before < 0, got.FailedOnly && values.Get("result") == "",
			values.Get("limit") == "" && got.Limit != 20, values.Get("before") == "" && got.Before != 0:
			t.Fatalf("%q: accepted as %+v", rawQuery, got)
		}
		again, err := ParseHistoryQuery(encodeHistory(url.Values{}, got).Get)
		if err != nil || again != got {
			t.Fatalf("%q: %+v written back and read again is %+v, %v", rawQuery, got, again, err)
		}
		// A cursor the server hands out is always taken back as the same page.
		next := encodeHistory(url.Values{}, HistoryQuery{Limit: got.Limit, Before: cursor})
		page, err := ParseHistoryQuery(next.Get)
		if wantBefore := max(cursor, 0); err != nil || page.Before != wantBefore {
			t.Fatalf("cursor %d as %q: read back as %+v, %v", cursor, FormatCursor(cursor), page, err)
		}
	})
}

func FuzzParseAdminLoginsQuery(f *testing.F) {
	for _, q := range historySeeds {
		f.Add(q)
	}
	for _, q := range []string{
		"user=alice", "user=%20Alice%20", "user=" + strings.Repeat("a", 64), "user=" + strings.Repeat("a", 65),
		"user=%C4%B0", "user=%E2%84%AA", "user=%FF", "user=%00",
		"from=2026-01-01&to=2026-02-01", "from=2026-02-01&to=2026-01-01", "from=2026-01-01&to=2026-01-01", "from=2026-01-02&to=2026-01-01",
		"from=2026-01-01T10:00:00Z&to=2026-01-01T10:00:00.5Z", "from=2026-01-01T10:00:00%2B02:00&to=2026-01-01T09:00:00Z",
		"to=0001-01-02", "to=1969-12-31", "to=9999-12-31", "from=9999-12-31T23:59:59.999999999Z",
		"from=2026-13-01", "from=2026-02-30", "from=yesterday", "to=2026-01-01T25:00:00Z", "from=1700000000",
		"since=2026-01-01", "until=2026-01-01", "unknown=true", "unknown=false", "unknown=1", "unknown=TRUE", "unknown=true&user=adm",
		"user=alice&result=failure&limit=5&before=10&from=2026-01-01",
	} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, rawQuery string) {
		values, _ := url.ParseQuery(rawQuery)
		got, err := ParseAdminLoginsQuery(values.Get)
		// The history fields are ParseHistoryQuery's (fuzzed on its own):
		// the same value and the same refusals.
		history, historyErr := ParseHistoryQuery(values.Get)
		var theirs map[string]string
		if err != nil {
			theirs = maps.Collect(func(yield func(string, string) bool) {
				for f, msg := range err.Fields {
					if slices.Contains(historyParams, f) && !yield(f, msg) {
						return
					}
				}
			})
		}
		if historyErr == nil && len(theirs) > 0 || historyErr != nil && !maps.Equal(theirs, historyErr.Fields) {
			t.Fatalf("%q: history fields refused as %v, ParseHistoryQuery says %v", rawQuery, theirs, historyErr)
		}
		if err != nil {
			checkRefusal(t, rawQuery, err, append([]string{"user", "from", "to", "unknown", "since", "until"}, historyParams...)...)
			for f := range err.Fields {
				if values.Get(f) == "" {
					t.Fatalf("%q: refuses %q, which was not given", rawQuery, f)
				}
				values.Del(f)
			}
			if _, err := ParseAdminLoginsQuery(values.Get); err != nil {
				t.Fatalf("%q: without the fields named, still refused: %v", rawQuery, err)
			}
			return
		}
		// Accepted: the name in its stored form; a bound given is kept, from
		// 1970 on (the zero time means "no bound"); a full range is not
		// empty.
		from, to := values.Get("from") != "", values.Get("to") != ""
		switch {
		case got.HistoryQuery != history, got.Username != NormalizeUsername(values.Get("user")),
			got.Unknown != (values.Get("unknown") == "true"),
			got.From.IsZero() == from, got.To.IsZero() == to,
			from && got.From.Year() < 1970, to && got.To.Year() < 1970,
			from && to && !got.From.Before(got.To):
			t.Fatalf("%q: accepted as %+v", rawQuery, got)
		}
		// The panel keeps the filter in its address: writing it back and
		// reading it again must give the same filter.
		v := encodeHistory(url.Values{}, got.HistoryQuery)
		if got.Username != "" {
			v.Set("user", got.Username)
		}
		if got.Unknown {
			v.Set("unknown", "true")
		}
		if from {
			v.Set("from", got.From.Format(time.RFC3339Nano))
		}
		if to {
			v.Set("to", got.To.Format(time.RFC3339Nano))
		}
		again, err := ParseAdminLoginsQuery(v.Get)
		if err != nil || again.HistoryQuery != got.HistoryQuery || again.Username != got.Username ||
			again.Unknown != got.Unknown || !again.From.Equal(got.From) || !again.To.Equal(got.To) {
			t.Fatalf("%q: %+v written back as %q and read again is %+v, %v", rawQuery, got, v.Encode(), again, err)
		}
	})
}

// userAgentWords is everything DescribeUserAgent may say: the header is the
// client's to write and is shown in the login history, so none of it may be
// echoed.
var (
	browserNames = []string{"Unknown browser", "Edge", "Opera", "Samsung Internet", "Firefox", "Chrome",
		"Chromium", "Safari", "curl", "Go HTTP client"}
	osNames = []string{"iOS", "iPadOS", "Android", "ChromeOS", "Windows", "macOS", "Linux"}
)

func FuzzDescribeUserAgent(f *testing.F) {
	for _, ua := range []string{
		"", " ", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0",
		"Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/130.0 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
		"curl/8.5.0", "Go-http-client/1.1", "<script>alert(1)</script>", "Firefox/ on iPhone\x00\xff", huge,
	} {
		f.Add(ua)
	}
	f.Fuzz(func(t *testing.T, ua string) {
		got := words.English.Say(DescribeUserAgent(ua))
		if (got == "Unknown device") != (ua == "") {
			t.Fatalf("%q: %q", ua, got)
		}
		if ua == "" {
			return
		}
		browser, os, hasOS := strings.Cut(got, " on ")
		if !slices.Contains(browserNames, browser) || (hasOS && !slices.Contains(osNames, os)) {
			t.Fatalf("%q: %q is not from the fixed vocabulary", ua, got)
		}
	})
}

func FuzzNormalizeUsername(f *testing.F) {
	for _, s := range []string{
		"alice", " Alice\t", "ALICE", "a.b-c_d9", "al", strings.Repeat("a", 32), strings.Repeat("a", 33), ".alice",
		"İstanbul", "K", "ǅ", "ß", "ΣΑΣ", "\u00a0bob\u2003", "\u200bbob", "bob\x00", "\xffbob", "ab\u0307", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeUsername(s)
		// Usernames are stored normalized and every lookup normalizes what
		// was typed: normalizing twice must change nothing, or a stored
		// name could not be found again.
		if again := NormalizeUsername(n); again != n {
			t.Fatalf("%q normalizes to %q, and that to %q", s, n, again)
		}
		if strings.TrimSpace(n) != n {
			t.Fatalf("%q normalizes to %q, which has spaces around it", s, n)
		}
		// A name is created only in its stored form, or "Alice" and "alice"
		// could be two people.
		if ValidateUsername(s).IsZero() && n != s {
			t.Fatalf("ValidateUsername accepts %q, which is stored as %q", s, n)
		}
		if !ValidateUsername(n).IsZero() {
			return
		}
		// Accepted: 3 to 32 bytes of printable ASCII, no spaces; the same
		// person however it is capitalised or padded; and it can log in.
		if len(n) < 3 || len(n) > 32 || strings.ContainsFunc(n, func(r rune) bool { return r <= ' ' || r >= 0x7f }) {
			t.Fatalf("ValidateUsername accepts %q, outside the documented bounds", n)
		}
		for _, typed := range []string{strings.ToUpper(n), " " + n + "\t"} {
			if got := NormalizeUsername(typed); got != n {
				t.Fatalf("%q is stored as %q, but typed as %q it is %q", n, n, typed, got)
			}
		}
		if err := (LoginRequest{Username: n, Password: "x"}).Valid(); err != nil {
			t.Fatalf("username %q can be created but not logged in with: %v", n, err)
		}
	})
}

func FuzzValidatePassword(f *testing.F) {
	for _, p := range []string{
		"", "abcdefg", "abcdefgh", "ääääääää", "äääääää", "        ", strings.Repeat("x", 256), strings.Repeat("x", 257),
		strings.Repeat("€", 85), strings.Repeat("€", 86), "abcdefg\xff", "\x00\x00\x00\x00\x00\x00\x00\x00", "🔑🔑🔑🔑🔑🔑🔑🔑",
		"2fa-is-on, finally",
	} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		msg := ValidatePassword(p)
		// No composition rules (ASVS 2.1.9): only length counts, so the same
		// characters in another order get the same answer.
		if utf8.ValidString(p) {
			runes := []rune(p)
			slices.Reverse(runes)
			if back := ValidatePassword(string(runes)); msg.IsZero() != back.IsZero() {
				t.Fatalf("%q gets %v, but reversed it gets %v", p, msg, back)
			}
		}
		if !msg.IsZero() {
			return
		}
		// Accepted: valid text, at least 8 characters (what a person types)
		// and at most 256 bytes (what the hash function is fed).
		if !utf8.ValidString(p) || utf8.RuneCountInString(p) < 8 || len(p) > 256 {
			t.Fatalf("ValidatePassword accepts %q, outside the documented bounds", p)
		}
		// Nor does one more character hurt, within the cap.
		if len(p) < 256 {
			if msg := ValidatePassword(p + "x"); !msg.IsZero() {
				t.Fatalf("%q is accepted but %q is refused: %v", p, p+"x", msg)
			}
		}
		// A password that can be set can always be typed back in.
		if err := (LoginRequest{Username: goodUsername, Password: p}).Valid(); err != nil {
			t.Fatalf("password %q can be set but not logged in with: %v", p, err)
		}
		if err := (DisconnectRequest{Password: p}).Valid(); err != nil {
			t.Fatalf("password %q can be set but not used to disconnect: %v", p, err)
		}
	})
}

func FuzzValidateAccountName(f *testing.F) {
	for _, s := range []string{
		"Acme", "", "  ", "\u3000", strings.Repeat("x", 64), strings.Repeat("x", 65), strings.Repeat("ü", 64),
		strings.Repeat("ü", 65), "Acme\xff", "Acme\x00", "Ｆｏｏ", "AC\u200bME", "\u202eEMCA", "ACME\ufe0f", "ﬁ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !ValidateAccountName(s).IsZero() {
			return
		}
		if !utf8.ValidString(s) || blank(s) || utf8.RuneCountInString(s) > 64 || strings.ContainsFunc(s, invisible) {
			t.Fatalf("ValidateAccountName accepts %q, outside the documented bounds", s)
		}
		// The panel shows it: an accepted name survives the wire.
		roundTrip(t, AccountSettings{ID: 1, Name: s})
	})
}
