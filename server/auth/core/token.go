package core

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// NewToken returns a random 256-bit session token for the cookie and the
// SHA-256 hash that is all the database keeps of it. A plain hash is enough
// (no salt, no slow function): the token has full entropy, so there is
// nothing to guess.
func NewToken(random io.Reader) (token string, hash []byte, err error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(random, b); err != nil {
		return "", nil, fmt.Errorf("read token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken returns the stored form of a session token.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// SealUntil seals v (as JSON) with its end under the server's keys, bound
// to purpose, for a browser to keep (base64url): what the server would
// otherwise have to store, for a request to come. Nobody can read or
// change it, and no other purpose's value opens as it.
func (s *Env) SealUntil(purpose []byte, v any, until time.Time) (string, error) {
	plain, err := json.Marshal(sealedUntil{Value: v, Until: until})
	if err != nil {
		return "", err
	}
	sealed, err := s.Keys.Seal(plain, purpose)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(sealed), nil
}

// OpenUntil opens what SealUntil sealed under purpose into v, and returns
// its end; ok is false for anything else, and from its end on (by now).
func (s *Env) OpenUntil(purpose []byte, sealed string, now time.Time, v any) (until time.Time, ok bool) {
	b, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil {
		return time.Time{}, false
	}
	plain, err := s.Keys.Open(b, purpose)
	if err != nil {
		return time.Time{}, false
	}
	in := sealedUntil{Value: v}
	if json.Unmarshal(plain, &in) != nil || !now.Before(in.Until) {
		return time.Time{}, false
	}
	return in.Until, true
}

type sealedUntil struct {
	Value any       `json:"v"`
	Until time.Time `json:"until"`
}
