package passwords

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// cheap keeps tests fast; the production parameters are tested once below.
var cheap = Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestHasher_HashesInPHCFormWithOWASPParameters(t *testing.T) {
	h := NewHasher(OWASPParams, rand.Reader)
	phc, err := h.Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(phc, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Count(phc, "$") != 5 {
		t.Fatalf("not an OWASP argon2id PHC string: %s", phc)
	}
	ok, rehash, err := h.Verify("correct horse battery staple", phc)
	if !ok || rehash || err != nil {
		t.Fatalf("verify own hash: ok=%v rehash=%v err=%v", ok, rehash, err)
	}
}

func TestHasher_RefusesWrongPasswordsAndSaltsEachHash(t *testing.T) {
	h := NewHasher(cheap, rand.Reader)
	a, _ := h.Hash("password-one")
	b, _ := h.Hash("password-one")
	if a == b {
		t.Fatal("two hashes of one password are equal: no fresh salt")
	}
	for _, wrong := range []string{"password-One", "password-one ", "", "password-on"} {
		if ok, _, err := h.Verify(wrong, a); ok || err != nil {
			t.Errorf("Verify(%q) = %v, %v; want false, nil", wrong, ok, err)
		}
	}
}

func TestHasher_AsksForRehashWhenParametersChange(t *testing.T) {
	old := NewHasher(cheap, rand.Reader)
	phc, _ := old.Hash("pw-12345678")
	stronger := cheap
	stronger.Time = 2
	ok, rehash, err := NewHasher(stronger, rand.Reader).Verify("pw-12345678", phc)
	if !ok || !rehash || err != nil {
		t.Fatalf("old hash under new parameters: ok=%v rehash=%v err=%v", ok, rehash, err)
	}
}

func TestHasher_RejectsMalformedHashes(t *testing.T) {
	h := NewHasher(cheap, rand.Reader)
	good, _ := h.Hash("pw-12345678")
	parts := strings.Split(good, "$")
	for name, phc := range map[string]string{
		"empty":       "",
		"bcrypt":      "$2a$10$abcdefghijklmnopqrstuv",
		"argon2i":     strings.Replace(good, "argon2id", "argon2i", 1),
		"old version": strings.Replace(good, "v=19", "v=16", 1),
		"zero memory": strings.Replace(good, "m=64", "m=0", 1),
		"bad salt":    strings.Join(append(parts[:4:4], "!!", parts[5]), "$"),
		"no key":      strings.Join(append(parts[:5:5], ""), "$"),
		"extra part":  good + "$x",
	} {
		if ok, _, err := h.Verify("pw-12345678", phc); ok || err == nil {
			t.Errorf("%s: Verify = %v, %v; want false and an error", name, ok, err)
		}
	}
}

// A check that cannot get a slot before its request's deadline gives up
// with the deadline's error (the client gets 503 with Retry-After), rather
// than holding the request, its goroutine and its memory past the deadline.
func TestVerifyContext_GivesUpAtTheDeadlineWhenEverySlotIsBusy(t *testing.T) {
	h := NewHasher(cheap, rand.Reader)
	h.SetConcurrency(1)
	phc, err := h.Hash("pw-12345678")
	if err != nil {
		t.Fatal(err)
	}
	h.gate.acquire(context.Background(), "") // a check that takes long
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, _, err := h.VerifyContext(ctx, "pw-12345678", phc); !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, ErrBusy) {
		t.Fatalf("with every slot busy: %v", err)
	}
	h.gate.release("")
	if ok, _, err := h.VerifyContext(context.Background(), "pw-12345678", phc); !ok || err != nil {
		t.Fatalf("with a free slot: %v %v", ok, err)
	}
}

// Admit hands out places for (1+waitPerSlot) checks per slot, refuses the
// next with ErrBusy, and a place given back can be taken again.
func TestAdmit_RefusesPastTheQueueAndFreesPlacesOnDone(t *testing.T) {
	h := NewHasher(cheap, rand.Reader)
	h.SetConcurrency(2)
	var places []*Place
	for i := range (1 + waitPerSlot) * 2 {
		p, err := h.Admit(fmt.Sprintf("192.0.2.%d", i)) // each its own network
		if err != nil {
			t.Fatalf("place %d refused: %v", len(places)+1, err)
		}
		places = append(places, p)
	}
	if _, err := h.Admit("198.51.100.1"); !errors.Is(err, ErrBusy) {
		t.Fatalf("past the queue: %v, want ErrBusy", err)
	}
	places[0].Done()
	places[0].Done() // twice gives back one place
	p, err := h.Admit("198.51.100.1")
	if err != nil {
		t.Fatalf("after one place was given back: %v", err)
	}
	if _, err := h.Admit("198.51.100.2"); !errors.Is(err, ErrBusy) {
		t.Fatalf("a place given back twice counted twice: %v", err)
	}
	p.Done()
}
