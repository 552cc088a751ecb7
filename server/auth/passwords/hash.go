// Package passwords is how passwords are kept and checked: argon2id hashes
// in PHC strings, and the admission of the checks (each holds argon2id's
// memory) shared among client networks. The strength rules a chosen
// password must pass are package strength's.
package passwords

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2Params are argon2id's cost parameters.
type Argon2Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
	SaltLen uint32
	KeyLen  uint32
}

// OWASP Password Storage Cheat Sheet: argon2id, 19 MiB, 2 passes, 1 thread.
var OWASPParams = Argon2Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// Hasher hashes passwords into PHC strings
// ($argon2id$v=19$m=19456,t=2,p=1$salt$hash) and checks them.
type Hasher struct {
	Params Argon2Params
	Rand   io.Reader
	// Hashing, when set, is called by each check of a client network while
	// it holds its slot, just before it hashes: tests hold slots with it
	// to fill them at will. Nil in the server.
	Hashing func(network string)

	// gate bounds concurrent hashes, each holding Params.Memory, so a burst
	// of logins queues rather than exhausting the server's memory, and
	// shares them among client networks (admission.go).
	gate *gate
}

// NewHasher returns a Hasher with the parameters and random source.
func NewHasher(p Argon2Params, random io.Reader) *Hasher {
	return &Hasher{Params: p, Rand: random, gate: newGate(2 * runtime.NumCPU())}
}

// SetConcurrency sets how many hashes may run at once (at least one). Call
// it before the Hasher is used.
func (h *Hasher) SetConcurrency(n int) { h.gate = newGate(n) }

// Hash returns the PHC string of password under fresh salt.
func (h *Hasher) Hash(password string) (string, error) {
	salt := make([]byte, h.Params.SaltLen)
	if _, err := io.ReadFull(h.Rand, salt); err != nil {
		return "", fmt.Errorf("read salt: %w", err)
	}
	key := h.derive(password, salt, h.Params)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		h.Params.Memory, h.Params.Time, h.Params.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether password matches the PHC string, in constant time,
// and whether the hash should be replaced because its parameters are not the
// current ones.
func (h *Hasher) Verify(password, phc string) (ok, rehash bool, err error) {
	return h.VerifyContext(context.Background(), password, phc)
}

// VerifyContext is Verify for a request: when every slot is busy it waits
// at most until ctx ends, and then returns ErrBusy wrapping ctx's error (the
// client gets 503 with Retry-After) instead of holding the request past its
// deadline. A client's login step checks through its Place instead.
func (h *Hasher) VerifyContext(ctx context.Context, password, phc string) (ok, rehash bool, err error) {
	return h.verify(ctx, "", password, phc)
}

// verify checks password against phc in a slot taken for network ("": no
// client network's).
func (h *Hasher) verify(ctx context.Context, network, password, phc string) (ok, rehash bool, err error) {
	p, salt, want, err := parsePHC(phc)
	if err != nil {
		return false, false, err
	}
	if err := h.gate.acquire(ctx, network); err != nil {
		return false, false, err
	}
	defer h.gate.release(network)
	if h.Hashing != nil && network != "" {
		h.Hashing(network)
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	ok = subtle.ConstantTimeCompare(got, want) == 1
	return ok, p != h.Params, nil
}

func (h *Hasher) derive(password string, salt []byte, p Argon2Params) []byte {
	h.gate.acquire(context.Background(), "") // waits: no deadline to miss
	defer h.gate.release("")
	return argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
}

var errBadHash = errors.New("passwords: malformed argon2id hash")

func parsePHC(phc string) (p Argon2Params, salt, key []byte, err error) {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, errBadHash
	}
	if p.Memory == 0 || p.Time == 0 || p.Threads == 0 {
		return p, nil, nil, errBadHash
	}
	b64 := base64.RawStdEncoding
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) == 0 {
		return p, nil, nil, errBadHash
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) == 0 {
		return p, nil, nil, errBadHash
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}
