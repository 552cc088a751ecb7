package passwords

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"testing"
)

// admitAll takes n places from ip and fails the test if one is refused.
func admitAll(t *testing.T, h *Hasher, ip string, n int) []*Place {
	t.Helper()
	var places []*Place
	for i := range n {
		p, err := h.Admit(ip)
		if err != nil {
			t.Fatalf("%s: place %d of %d refused: %v", ip, i+1, n, err)
		}
		places = append(places, p)
	}
	return places
}

// One network (an IPv4 address, or an IPv6 /64 whatever the host's part)
// holds at most its share of the places; the others keep theirs, and a
// network that gave its places back leaves nothing behind.
func TestAdmit_ANetworkHoldsAtMostItsShareOfThePlaces(t *testing.T) {
	h := NewHasher(cheap, rand.Reader)
	h.SetConcurrency(2) // 18 places, 4 a network
	share := h.gate.placeShare()
	if share != 4 {
		t.Fatalf("share %d of %d places", share, h.gate.places())
	}
	for _, tc := range []struct{ name, first, again, other string }{
		{"IPv4", "203.0.113.7", "203.0.113.7", "203.0.113.8"},
		{"IPv6 /64", "2001:db8:1:2::1", "2001:db8:1:2:ffff::9", "2001:db8:1:3::1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			flood := admitAll(t, h, tc.first, share)
			for _, ip := range []string{tc.first, tc.again} {
				if _, err := h.Admit(ip); !errors.Is(err, ErrBusy) {
					t.Fatalf("%s past its network's share: %v", ip, err)
				}
			}
			other := admitAll(t, h, tc.other, share)
			for _, p := range append(flood, other...) {
				p.Done()
			}
			if n := len(h.gate.networks); n != 0 || h.gate.admitted != 0 {
				t.Fatalf("after every place was given back: %d networks, %d places remembered", n, h.gate.admitted)
			}
		})
	}
}

// Many networks together still get no more than all the places: the
// memory bound holds whoever asks.
func TestAdmit_AllNetworksTogetherGetNoMoreThanThePlaces(t *testing.T) {
	h := NewHasher(cheap, rand.Reader)
	h.SetConcurrency(2)
	for i := range h.gate.places() {
		admitAll(t, h, fmt.Sprintf("198.51.100.%d", i), 1)
	}
	if _, err := h.Admit("192.0.2.1"); !errors.Is(err, ErrBusy) {
		t.Fatalf("past every place: %v", err)
	}
}

// cancelled is a context already ended: a check given it runs only if it
// need not wait for a slot.
func cancelled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// A network runs at most its share of the slots, even with a slot free;
// another network takes that slot at once.
func TestPlace_ANetworkRunsAtMostItsShareOfTheSlots(t *testing.T) {
	h := NewHasher(cheap, rand.Reader)
	h.SetConcurrency(2) // one slot a network
	phc, _ := h.Hash("pw-12345678")
	flood := admitAll(t, h, "203.0.113.7", 2)
	if h.gate.enter(flood[0].network) != nil {
		t.Fatal("the first check waited with every slot free")
	}
	if _, _, err := flood[1].Verify(cancelled(), "pw-12345678", phc); !errors.Is(err, ErrBusy) {
		t.Fatalf("a second check of the network ran beside its first: %v", err)
	}
	user := admitAll(t, h, "198.51.100.4", 1)[0]
	if ok, _, err := user.Verify(cancelled(), "pw-12345678", phc); !ok || err != nil {
		t.Fatalf("another network's check did not run at once: %v %v", ok, err)
	}
	h.gate.release(flood[0].network)
	if ok, _, err := flood[1].Verify(cancelled(), "pw-12345678", phc); !ok || err != nil {
		t.Fatalf("the network's second check, its first done: %v %v", ok, err)
	}
}

// A freed slot goes to the waiting check whose network runs the fewest,
// before checks of networks already running that came earlier, and never
// to a network at its share.
func TestGate_AFreedSlotGoesToTheNetworkRunningTheFewest(t *testing.T) {
	h := NewHasher(cheap, rand.Reader)
	h.SetConcurrency(8) // two slots a network
	g := h.gate
	net := func(ip string) string { return admitAll(t, h, ip, 3)[0].network }
	a, b, c, d, f := net("192.0.2.1"), net("192.0.2.2"), net("192.0.2.3"), net("192.0.2.4"), net("192.0.2.6")
	for _, n := range []string{a, a, b, b, c, c, d, net("192.0.2.5")} {
		if g.enter(n) != nil {
			t.Fatalf("a check of %s waited with a slot free", n)
		}
	}
	waitA := g.enter(a) // at its share
	waitD := g.enter(d) // runs one
	waitF := g.enter(f) // runs none, came last
	ready := func(w *waiter) bool {
		select {
		case <-w.ready:
			return true
		default:
			return false
		}
	}
	g.release(b)
	if !ready(waitF) || ready(waitD) || ready(waitA) {
		t.Fatalf("first freed slot: F %v, D %v, A %v; want F alone", ready(waitF), ready(waitD), ready(waitA))
	}
	g.release(c)
	if !ready(waitD) || ready(waitA) {
		t.Fatalf("second freed slot: D %v, A %v; want D", ready(waitD), ready(waitA))
	}
	g.release(a)
	if !ready(waitA) {
		t.Fatal("A's check did not run once A ran fewer than its share")
	}
}

// A check that gives up at its deadline leaves the queue, and its network's
// count as it was: nothing leaks.
func TestGate_ACheckThatGivesUpLeavesNothingBehind(t *testing.T) {
	h := NewHasher(cheap, rand.Reader)
	h.SetConcurrency(1)
	p := admitAll(t, h, "203.0.113.7", 1)[0]
	q := admitAll(t, h, "198.51.100.4", 1)[0]
	if h.gate.enter(p.network) != nil {
		t.Fatal("waited with the slot free")
	}
	if err := h.gate.acquire(cancelled(), q.network); !errors.Is(err, ErrBusy) || !errors.Is(err, context.Canceled) {
		t.Fatalf("with the slot taken: %v", err)
	}
	if len(h.gate.queue) != 0 || h.gate.networks[q.network].running != 0 {
		t.Fatalf("left behind: %d waiting, %d running", len(h.gate.queue), h.gate.networks[q.network].running)
	}
	h.gate.release(p.network)
	p.Done()
	q.Done()
	if h.gate.running != 0 || len(h.gate.networks) != 0 {
		t.Fatalf("after all: %d running, %d networks", h.gate.running, len(h.gate.networks))
	}
}
