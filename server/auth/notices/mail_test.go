package notices

import (
	"testing"
	"time"
)

func TestMailBackoff_DoublesFromHalfAMinuteToFourHours(t *testing.T) {
	for attempt, want := range map[int]time.Duration{1: 30 * time.Second, 2: time.Minute, 3: 2 * time.Minute, 10: 4 * time.Hour, 50: 4 * time.Hour} {
		if got := mailBackoff(attempt); got != want {
			t.Errorf("after attempt %d: %v, want %v", attempt, got, want)
		}
	}
}
