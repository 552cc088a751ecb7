package webapp

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// inZone makes the browser's time zone a fixed one for the test.
func inZone(t *testing.T, loc *time.Location) {
	prev := localMidnight
	localMidnight = func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, loc) }
	t.Cleanup(func() { localMidnight = prev })
}

// The server compares to with <: "To 1 December" must send the start
// of 2 December in the browser's zone, and "From" the start of its own day,
// both with the zone's offset.
func TestAdminLogins_TheDateFilterCoversWholeLocalDays(t *testing.T) {
	for _, tc := range []struct {
		zone           *time.Location
		from, sentFrom string
		to, sentTo     string
	}{
		{time.FixedZone("UTC+9", 9*3600), "2026-11-01", "2026-11-01T00:00:00+09:00", "2026-12-01", "2026-12-02T00:00:00+09:00"},
		{time.FixedZone("UTC-5", -5*3600), "2026-12-31", "2026-12-31T00:00:00-05:00", "2026-12-31", "2027-01-01T00:00:00-05:00"},
		{time.FixedZone("UTC+5:30", 5*3600+1800), "2028-02-28", "2028-02-28T00:00:00+05:30", "2028-02-28", "2028-02-29T00:00:00+05:30"},
		{time.UTC, "2026-03-01", "2026-03-01T00:00:00Z", "2026-03-01", "2026-03-02T00:00:00Z"},
	} {
		inZone(t, tc.zone)
		l := &adminLogins{user: "ursula", from: tc.from, to: tc.to, failedOnly: true}
		path, query, _ := strings.Cut(l.listPath(), "?")
		q, err := url.ParseQuery(query)
		if path != "/api/admin/logins" || err != nil {
			t.Fatalf("%s: path %q", tc.zone, l.listPath())
		}
		if q.Get("from") != tc.sentFrom || q.Get("to") != tc.sentTo || q.Get("user") != "ursula" || q.Get("result") != "failure" {
			t.Errorf("%s: sent %v, want from %s and to %s", tc.zone, q, tc.sentFrom, tc.sentTo)
		}
		// The last second of the chosen day, local time, is in the range;
		// the first of the next day is not.
		end, _ := time.Parse(time.RFC3339, q.Get("to"))
		last, err := time.ParseInLocation("2006-01-02 15:04:05", tc.to+" 23:59:59", tc.zone)
		if err != nil || !last.Before(end) || end.Add(-24*time.Hour).After(last) {
			t.Errorf("%s: to %s does not end the day %s", tc.zone, end, tc.to)
		}
	}
}

func TestAdminLogins_NoDatesNoBoundsAndOddInputGoesToTheServerAsItIs(t *testing.T) {
	inZone(t, time.FixedZone("UTC+1", 3600))
	if got := (&adminLogins{}).listPath(); got != "/api/admin/logins" {
		t.Errorf("no filters: %q", got)
	}
	if got := dayStart("1 Dec", 1); got != "1 Dec" {
		t.Errorf("a date the input cannot give: %q", got)
	}
}
