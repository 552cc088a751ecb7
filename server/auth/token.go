package auth

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
)

// newToken returns a random 256-bit session token for the cookie and the
// SHA-256 hash that is all the database keeps of it. A plain hash is enough
// (no salt, no slow function): the token has full entropy, so there is
// nothing to guess.
func newToken(random io.Reader) (token string, hash []byte, err error) {
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
