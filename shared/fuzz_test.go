package shared

import (
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// The fuzz targets below state each rule a second time, from the documented
// limits (README, DESIGN.md and the doc comments), rather than calling the
// code under test: a request is refused exactly when it breaks a rule, and a
// refusal names exactly the broken fields. The numbers are written out, not
// taken from the constants, so that a changed limit is a visible decision.

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

// wantFields checks err against the fields that broke a rule: nil when none
// did, else an EInvalid error with a message for each of them and no other.
func wantFields(t *testing.T, input any, err *Error, broken ...string) {
	t.Helper()
	if len(broken) == 0 {
		if err != nil {
			t.Fatalf("%#v: refused with %v, but it breaks no rule", input, err)
		}
		return
	}
	if err == nil {
		t.Fatalf("%#v: accepted, but it breaks the rules for %v", input, broken)
	}
	if err.Code != EInvalid || err.Message == "" || len(err.Fields) != len(broken) {
		t.Fatalf("%#v: got %+v, want an %q error for exactly %v", input, err, EInvalid, broken)
	}
	for _, f := range broken {
		if err.Fields[f] == "" {
			t.Fatalf("%#v: no message for %q in %v", input, f, err.Fields)
		}
	}
}

// which returns the fields whose rule is broken.
func which(broken map[string]bool) []string {
	var out []string
	for f, b := range broken {
		if b {
			out = append(out, f)
		}
	}
	return out
}

// huge is far past every limit; bigger would only slow the fuzzer down.
var huge = strings.Repeat("x", 4<<10)

// badLoginUsername is the documented login-time check: present (not only
// spaces), at most 64 bytes, valid text. Anything else is looked up.
func badLoginUsername(s string) bool {
	return strings.TrimSpace(s) == "" || len(s) > 64 || !utf8.ValidString(s)
}

// badEnteredPassword is the check on a password typed to prove who one is
// (login, disconnect): present and at most 256 bytes, the most any password
// can be set to.
func badEnteredPassword(p string) bool { return p == "" || len(p) > 256 }

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
		// The app builds the request from what was typed; the server decodes it.
		check := func(r LoginRequest) {
			wantFields(t, r, r.Valid(),
				which(map[string]bool{"username": badLoginUsername(r.Username), "password": badEnteredPassword(r.Password)})...)
		}
		typed := LoginRequest{Username: username, Password: password}
		check(typed)
		if utf8.ValidString(username) && utf8.ValidString(password) {
			roundTrip(t, typed)
		}
		if r, ok := decodeStrict[LoginRequest](body); ok {
			check(r)
			roundTrip(t, r)
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
			wantFields(t, r, r.Valid(), which(map[string]bool{"code": strings.TrimSpace(r.Code) == "" || len(r.Code) > 64})...)
		}
		typed := CodeRequest{Code: code}
		check(typed)
		if utf8.ValidString(code) {
			roundTrip(t, typed)
		}
		if r, ok := decodeStrict[CodeRequest](body); ok {
			check(r)
			roundTrip(t, r)
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
			wantFields(t, r, r.Valid(), which(map[string]bool{"password": badEnteredPassword(r.Password)})...)
		}
		typed := DisconnectRequest{Password: password, Confirm: confirm}
		check(typed)
		if utf8.ValidString(password) {
			roundTrip(t, typed)
		}
		if r, ok := decodeStrict[DisconnectRequest](body); ok {
			check(r)
			roundTrip(t, r)
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
		r, ok := decodeStrict[SettingsRequest](body)
		if !ok {
			return
		}
		// The switch's new position must be said; "absent" is not "off".
		wantFields(t, body, r.Valid(), which(map[string]bool{"force_2fa": r.Force2FA == nil})...)
		roundTrip(t, r)
	})
}

// says reports whether raw is written as a plain decimal (a sign and ASCII
// digits, nothing around them) and means n.
func says(raw string, n int64) bool {
	digits := strings.TrimLeft(strings.TrimPrefix(raw, "+"), "0")
	if digits == "" {
		digits = "0"
	}
	return decimal.MatchString(raw) && digits == strconv.FormatInt(n, 10)
}

var decimal = regexp.MustCompile(`^[+-]?[0-9]+$`)

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
		if err != nil {
			// The error names only fields that were given, each with a
			// message; without them the rest of the query is accepted.
			if err.Code != EInvalid || err.Message == "" || len(err.Fields) == 0 {
				t.Fatalf("%q: got %+v, want an %q error naming fields", rawQuery, err, EInvalid)
			}
			for f, msg := range err.Fields {
				if (f != "limit" && f != "before" && f != "result") || values.Get(f) == "" || msg == "" {
					t.Fatalf("%q: error on field %q (%q)", rawQuery, f, msg)
				}
				values.Del(f)
			}
			if _, err := ParseHistoryQuery(values.Get); err != nil {
				t.Fatalf("%q: without the fields named, still refused: %v", rawQuery, err)
			}
			return
		}
		// Accepted: within the documented bounds, defaults for what is
		// absent, numbers only as plain decimals.
		limit, before := values.Get("limit"), values.Get("before")
		switch {
		case got.Limit < 1 || got.Limit > 100, got.Before < 0,
			got.FailedOnly != (values.Get("result") == "failure"),
			limit == "" && got.Limit != 20, before == "" && got.Before != 0,
			limit != "" && !says(limit, int64(got.Limit)), before != "" && !says(before, got.Before):
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

// adminTime is the documented format of since and until: RFC 3339, or a
// date (midnight UTC), from 1970 on.
func adminTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t, err = time.Parse(time.DateOnly, s)
	}
	return t, err == nil && t.Year() >= 1970
}

func FuzzParseAdminLoginsQuery(f *testing.F) {
	for _, q := range historySeeds {
		f.Add(q)
	}
	for _, q := range []string{
		"user=alice", "user=%20Alice%20", "user=" + strings.Repeat("a", 64), "user=" + strings.Repeat("a", 65),
		"user=%C4%B0", "user=%E2%84%AA", "user=%FF", "user=%00",
		"since=2026-01-01&until=2026-02-01", "since=2026-02-01&until=2026-01-01", "since=2026-01-01&until=2026-01-01",
		"since=2026-01-01T10:00:00Z&until=2026-01-01T10:00:00.5Z", "since=2026-01-01T10:00:00%2B02:00&until=2026-01-01T09:00:00Z",
		"until=0001-01-02", "since=9999-12-31T23:59:59.999999999Z",
		"since=2026-13-01", "since=2026-02-30", "since=yesterday", "until=2026-01-01T25:00:00Z", "since=1700000000",
		"user=alice&result=failure&limit=5&before=10&since=2026-01-01",
	} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, rawQuery string) {
		values, _ := url.ParseQuery(rawQuery)
		got, err := ParseAdminLoginsQuery(values.Get)
		// The history fields follow ParseHistoryQuery, fuzzed on its own.
		wantHistory, historyErr := ParseHistoryQuery(values.Get)
		var broken []string
		if historyErr != nil {
			broken = slices.Collect(maps.Keys(historyErr.Fields))
		}
		wantUser := NormalizeUsername(values.Get("user"))
		if len(wantUser) > 64 {
			broken = append(broken, "user")
		}
		var since, until time.Time
		var sinceOK, untilOK bool
		if s := values.Get("since"); s != "" {
			if since, sinceOK = adminTime(s); !sinceOK {
				broken = append(broken, "since")
			}
		}
		if s := values.Get("until"); s != "" {
			if until, untilOK = adminTime(s); !untilOK {
				broken = append(broken, "until")
			}
		}
		// A range given in full must not be empty or reversed.
		if sinceOK && untilOK && !since.Before(until) && !slices.Contains(broken, "until") {
			broken = append(broken, "until")
		}
		wantFields(t, rawQuery, err, broken...)
		if err != nil {
			return
		}
		if got.HistoryQuery != wantHistory || got.Username != wantUser || !got.Since.Equal(since) || !got.Until.Equal(until) {
			t.Fatalf("%q: got %+v, want %+v user %q since %v until %v", rawQuery, got, wantHistory, wantUser, since, until)
		}
		// The panel keeps the filter in its address: writing it back and
		// reading it again must give the same filter.
		v := encodeHistory(url.Values{}, got.HistoryQuery)
		if got.Username != "" {
			v.Set("user", got.Username)
		}
		if sinceOK {
			v.Set("since", got.Since.Format(time.RFC3339Nano))
		}
		if untilOK {
			v.Set("until", got.Until.Format(time.RFC3339Nano))
		}
		again, err := ParseAdminLoginsQuery(v.Get)
		if err != nil || again.HistoryQuery != got.HistoryQuery || again.Username != got.Username ||
			!again.Since.Equal(got.Since) || !again.Until.Equal(got.Until) {
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
		got := DescribeUserAgent(ua)
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

var usernameRule = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,31}$`)

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
		ok := ValidateUsername(n) == ""
		if ok != usernameRule.MatchString(n) {
			t.Fatalf("ValidateUsername(%q) ok=%v, but the rule says %v", n, ok, !ok)
		}
		// Whoever can be created can log in.
		if ok {
			if err := (LoginRequest{Username: n, Password: "x"}).Valid(); err != nil {
				t.Fatalf("username %q can be created but not logged in with: %v", n, err)
			}
		}
	})
}

func FuzzValidatePassword(f *testing.F) {
	for _, p := range []string{
		"", "abcdefg", "abcdefgh", "ääääääää", "äääääää", "        ", strings.Repeat("x", 256), strings.Repeat("x", 257),
		strings.Repeat("€", 85), strings.Repeat("€", 86), "abcdefg\xff", "\x00\x00\x00\x00\x00\x00\x00\x00", "🔑🔑🔑🔑🔑🔑🔑🔑",
	} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		ok := ValidatePassword(p) == ""
		if want := utf8.ValidString(p) && utf8.RuneCountInString(p) >= 8 && len(p) <= 256; ok != want {
			t.Fatalf("ValidatePassword(%q) ok=%v, but the rule says %v", p, ok, want)
		}
		// A password that can be set can always be typed back in.
		if ok {
			if err := (LoginRequest{Username: "alice", Password: p}).Valid(); err != nil {
				t.Fatalf("password %q can be set but not logged in with: %v", p, err)
			}
			if err := (DisconnectRequest{Password: p}).Valid(); err != nil {
				t.Fatalf("password %q can be set but not used to disconnect: %v", p, err)
			}
		}
	})
}

func FuzzValidateAccountName(f *testing.F) {
	for _, s := range []string{
		"Acme", "", "  ", "\u3000", strings.Repeat("x", 64), strings.Repeat("x", 65), strings.Repeat("ü", 64),
		strings.Repeat("ü", 65), "Acme\xff", "Acme\x00", "Ｆｏｏ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ok := ValidateAccountName(s) == ""
		if want := strings.TrimSpace(s) != "" && utf8.ValidString(s) && utf8.RuneCountInString(s) <= 64; ok != want {
			t.Fatalf("ValidateAccountName(%q) ok=%v, but the rule says %v", s, ok, want)
		}
	})
}
