package shared

import (
	"strconv"
	"strings"

	"github.com/warden-auth/warden/shared/words"
)

// LoginEvent is one login attempt as the history shows it.
type LoginEvent struct {
	ID        int64  `json:"id"`
	Time      string `json:"time"`   // RFC 3339, UTC
	Result    string `json:"result"` // "success" or "failure"
	Method    string `json:"method"` // "password", "totp" or "recovery_code"
	Reason    string `json:"reason,omitempty"`
	IP        string `json:"ip"`
	UserAgent string `json:"user_agent"`
	Username  string `json:"username,omitempty"` // the attempted name, in admin views
	// Attempts, on a row of attempts a lock blocked (reason throttled or
	// locked_out), counts them: the row stands for all of them, Time is
	// the first one's and LastTime the last one's (RFC 3339, UTC).
	Attempts int    `json:"attempts,omitempty"`
	LastTime string `json:"last_time,omitempty"`
	// A successful row is a whole sign-in: Methods are its steps' methods
	// in order (Method is the last one's), and Pending says it is not
	// complete (the password was right; the second step or the password
	// change never came, or not yet). Failed rows are one step each.
	Methods []string `json:"methods,omitempty"`
	Pending bool     `json:"pending,omitempty"`
}

// LoginEventPage answers GET /api/me/logins: a page of events, newest first,
// and the cursor of the next page ("" on the last).
type LoginEventPage struct {
	Events []LoginEvent `json:"events"`
	Next   string       `json:"next,omitempty"`
}

// HistoryQuery is the query of GET /api/me/logins.
type HistoryQuery struct {
	Limit      int   // 1 to 100; 20 when absent
	Before     int64 // cursor from a previous page; 0 for the first
	FailedOnly bool  // result=failure
}

// ParseHistoryQuery reads and checks limit, before and result.
func ParseHistoryQuery(get func(string) string) (HistoryQuery, *Error) {
	q := HistoryQuery{Limit: 20}
	var v validator
	if s := get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100 {
			v.add("limit", words.LimitRange)
		}
		q.Limit = n
	}
	if s := get("before"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 1 {
			v.add("before", words.NotPageCursor)
		}
		q.Before = n
	}
	switch get("result") {
	case "":
	case "failure":
		q.FailedOnly = true
	default:
		v.add("result", words.ResultFilter)
	}
	return q, v.err()
}

// DescribeUserAgent turns a User-Agent header into "Browser on OS", good
// enough for a person to recognise their own devices. It is no full parser:
// unknown agents are shown as "Unknown browser" with the OS if known.
func DescribeUserAgent(ua string) words.Message {
	if ua == "" {
		return words.UnknownDevice
	}
	browser := words.UnknownBrowser
	for _, b := range []struct{ token, name string }{
		{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"SamsungBrowser/", "Samsung Internet"}, {"Firefox/", "Firefox"},
		{"FxiOS/", "Firefox"}, {"CriOS/", "Chrome"}, {"Chrome/", "Chrome"}, {"Chromium/", "Chromium"},
		{"Safari/", "Safari"}, {"curl/", "curl"}, {"Go-http-client/", "Go HTTP client"},
	} {
		if strings.Contains(ua, b.token) {
			browser = words.Verbatim(b.name)
			break
		}
	}
	os := ""
	for _, o := range []struct{ token, name string }{
		{"iPhone", "iOS"}, {"iPad", "iPadOS"}, {"Android", "Android"}, {"CrOS", "ChromeOS"},
		{"Windows", "Windows"}, {"Mac OS X", "macOS"}, {"Macintosh", "macOS"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, o.token) {
			os = o.name
			break
		}
	}
	if os == "" {
		return browser
	}
	return words.BrowserOn(browser, os)
}
