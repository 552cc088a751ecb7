package throttle

import (
	"fmt"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/internal/testclock"
)

// A network found locked is remembered until its lock ends, and no longer;
// the memory of locks is bounded, dropping ended locks first.
func TestNetworkLocks_RememberedUntilTheyEndAndBounded(t *testing.T) {
	var l NetworkLocks
	now := testclock.Base
	l.Remember("ip:203.0.113.7", now.Add(time.Minute), now)
	if until, ok := l.Locked("ip:203.0.113.7", now.Add(59*time.Second)); !ok || !until.Equal(now.Add(time.Minute)) {
		t.Fatalf("within the lock: %v %v", until, ok)
	}
	if _, ok := l.Locked("ip:203.0.113.7", now.Add(time.Minute)); ok {
		t.Fatal("remembered past its end")
	}
	if _, ok := l.Locked("ip:198.51.100.4", now); ok {
		t.Fatal("a network never found locked is locked")
	}
	for i := range maxNetworkLocks {
		l.Remember(fmt.Sprintf("ip:10.%d.%d.%d", i>>16, i>>8&255, i&255), now.Add(time.Duration(1+i%2)*time.Minute), now)
	}
	l.Remember("ip:192.0.2.1", now.Add(time.Hour), now)
	if _, ok := l.Locked("ip:192.0.2.1", now); ok || len(l.until) != maxNetworkLocks {
		t.Fatalf("past the bound with none ended: remembered %v, %d in all", ok, len(l.until))
	}
	later := now.Add(90 * time.Second) // half of them ended
	l.Remember("ip:192.0.2.1", later.Add(time.Hour), later)
	if _, ok := l.Locked("ip:192.0.2.1", later); !ok || len(l.until) != maxNetworkLocks/2+1 {
		t.Fatalf("with ended locks to drop: remembered %v, %d in all", ok, len(l.until))
	}
}

func TestLockFor_GrowsFromOneToFifteenMinutes(t *testing.T) {
	for failures, want := range map[int]time.Duration{5: time.Minute, 6: 2 * time.Minute, 7: 4 * time.Minute,
		8: 8 * time.Minute, 9: 15 * time.Minute, 100: 15 * time.Minute} {
		if got := LockFor(failures); got != want {
			t.Errorf("LockFor(%d) = %v, want %v", failures, got, want)
		}
	}
}
