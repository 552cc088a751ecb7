package webapp

import (
	"time"

	"github.com/warden-auth/warden/shared/words"
)

// The app says every date in one format per language, the month short
// ("7 Dec 2026"; tables of events add the time to the second).

// localTime shows an RFC 3339 time in the browser's time zone.
func localTime(rfc3339 string) string {
	t, err := time.Parse(time.RFC3339, rfc3339)
	if err != nil {
		return rfc3339
	}
	return say(words.DateTimeSeconds(t.Local()))
}

// formatDay shows an RFC 3339 time as a date in the browser's time zone.
func formatDay(rfc3339 string) string {
	t, err := time.Parse(time.RFC3339, rfc3339)
	if err != nil {
		return ""
	}
	return say(words.ShortDate(t.Local()))
}

// localMidnight is the first instant of a calendar day in the browser's
// time zone, carrying that zone's offset on that day. Off the browser it is
// time.Local's; in it, the browser's own (dates_js.go).
var localMidnight = func(year int, month time.Month, day int) time.Time {
	return time.Date(year, month, day, 0, 0, 0, 0, time.Local)
}

// dayStart turns a date as a date input gives it (YYYY-MM-DD) into the
// first instant, in the browser's time zone, of the day that comes days
// after it, as RFC 3339 with the zone's offset. Anything else is returned
// as it is, for the server to refuse with its reason.
func dayStart(date string, days int) string {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	return localMidnight(d.AddDate(0, 0, days).Date()).Format(time.RFC3339)
}

// formatDeadline shows an RFC 3339 time as a date and time of day in the
// browser's time zone.
func formatDeadline(rfc3339 string) string {
	t, err := time.Parse(time.RFC3339, rfc3339)
	if err != nil {
		return ""
	}
	return say(words.ShortDateTime(t.Local()))
}
