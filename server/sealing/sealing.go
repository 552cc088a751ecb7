// Package sealing encrypts secrets at rest (TOTP seeds) under server keys
// with XChaCha20-Poly1305. Every sealed value names the key that sealed it,
// so keys can be rotated: new values use the current key, old values still
// open with the key they name until they are sealed again.
package sealing

import (
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/crypto/chacha20poly1305"
)

// ErrOpen is returned for a value that does not open: tampered, sealed for
// another context, or under a key this keyring does not hold.
var ErrOpen = errors.New("sealing: cannot open sealed value")

// Keyring holds the keys by id; the first one seals.
type Keyring struct {
	current string
	aeads   map[string]cipher.AEAD
	macKeys map[string][]byte
	tagKey  []byte
	Rand    io.Reader
}

// Parse reads keys written as "id:base64key[,id:base64key...]", each key 32
// bytes in standard base64. The first key is the current one.
func Parse(spec string) (*Keyring, error) {
	k := &Keyring{aeads: map[string]cipher.AEAD{}, macKeys: map[string][]byte{}, Rand: rand.Reader}
	for i, part := range strings.Split(strings.TrimSpace(spec), ",") {
		id, b64, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok || id == "" || len(id) > 32 {
			return nil, fmt.Errorf("key %d: want id:base64key with an id of 1 to 32 characters", i+1)
		}
		if strings.ContainsFunc(id, func(r rune) bool { return r <= ' ' || r == 0x7f || r > 0x7e }) {
			// The id is written into every sealed value and printed by
			// `keys status`: printable ASCII only.
			return nil, fmt.Errorf("key %d: the id %q may hold only printable ASCII characters, no spaces", i+1, id)
		}
		key, err := base64.StdEncoding.DecodeString(b64)
		if err != nil || len(key) != chacha20poly1305.KeySize {
			return nil, fmt.Errorf("key %q: want %d bytes in standard base64", id, chacha20poly1305.KeySize)
		}
		if _, dup := k.aeads[id]; dup {
			return nil, fmt.Errorf("key %q appears twice", id)
		}
		aead, err := chacha20poly1305.NewX(key)
		if err != nil {
			return nil, err
		}
		k.aeads[id] = aead
		// A separate key for MACs, so no key serves two algorithms. The
		// labels keep the package's former name: they are part of the
		// stored format.
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte("warden/secretbox/mac-key/v1"))
		k.macKeys[id] = mac.Sum(nil)
		if i == 0 {
			k.current = id
		}
	}
	return k, nil
}

// Generate returns the spec of a new random key with the id.
func Generate(id string) (string, error) {
	key := make([]byte, chacha20poly1305.KeySize)
	if _, err := io.ReadFull(rand.Reader, key); err != nil {
		return "", err
	}
	return id + ":" + base64.StdEncoding.EncodeToString(key), nil
}

// Ephemeral returns a keyring with one random key that lives only in memory:
// for tests, and for commands that never touch sealed values.
func Ephemeral() *Keyring {
	spec, err := Generate("ephemeral")
	if err != nil {
		panic(err) // only if crypto/rand fails
	}
	k, err := Parse(spec)
	if err != nil {
		panic(err)
	}
	return k
}

// KeyFile is the name of the generated key file in the data directory.
const KeyFile = "secret.key"

// Load returns the keyring of spec (the SECRET_KEY setting) when it is set.
// Otherwise it reads DATA_DIR/secret.key, creating it with a new key, mode
// 0600, on first start; created reports that.
func Load(spec, dataDir string) (k *Keyring, created bool, err error) {
	if strings.TrimSpace(spec) != "" {
		k, err = Parse(spec)
		return k, false, err
	}
	path := filepath.Join(dataDir, KeyFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return nil, false, err
		}
		gen, err := Generate("k1")
		if err != nil {
			return nil, false, err
		}
		// O_EXCL: two servers starting at once on one data directory must
		// not each write a key and lose the other's.
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, os.ErrExist) {
			return Load(spec, dataDir)
		} else if err != nil {
			return nil, false, err
		}
		if _, err := f.WriteString(gen + "\n"); err != nil {
			f.Close()
			return nil, false, err
		}
		if err := f.Close(); err != nil {
			return nil, false, err
		}
		k, err = Parse(gen)
		return k, true, err
	} else if err != nil {
		return nil, false, err
	}
	k, err = Parse(string(b))
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", path, err)
	}
	return k, false, nil
}

// Seal encrypts plaintext under the current key. context is authenticated
// but not stored (for a TOTP seed: the user's id), so a sealed value copied
// to another row does not open there.
func (k *Keyring) Seal(plaintext, context []byte) ([]byte, error) {
	aead := k.aeads[k.current]
	out := make([]byte, 0, 1+len(k.current)+aead.NonceSize()+len(plaintext)+aead.Overhead())
	out = append(out, byte(len(k.current)))
	out = append(out, k.current...)
	nonce := make([]byte, aead.NonceSize())
	if _, err := io.ReadFull(k.Rand, nonce); err != nil {
		return nil, err
	}
	out = append(out, nonce...)
	return aead.Seal(out, nonce, plaintext, additional(k.current, context)), nil
}

// Open decrypts a value sealed by Seal with the same context. Returns ErrOpen
// if it cannot.
func (k *Keyring) Open(sealed, context []byte) ([]byte, error) {
	id, rest, ok := split(sealed)
	if !ok {
		return nil, ErrOpen
	}
	aead, ok := k.aeads[id]
	if !ok || len(rest) < aead.NonceSize()+aead.Overhead() {
		return nil, ErrOpen
	}
	nonce, ct := rest[:aead.NonceSize()], rest[aead.NonceSize():]
	pt, err := aead.Open(nil, nonce, ct, additional(id, context))
	if err != nil {
		return nil, ErrOpen
	}
	return pt, nil
}

// ErrNoTagKey is returned by Tag before UseTagKey.
var ErrNoTagKey = errors.New("sealing: no tag key: the database's keys were not opened")

// TagKeySize is the length of a tag key.
const TagKeySize = 32

// tagPrefix starts the tags of the tag key. It has no ':', so no tag of a
// key in the ring ("id:hex") can be taken for one.
const tagPrefix = "db."

// UseTagKey sets the key of Tag. It is not a key of the ring but one the
// database keeps sealed under the ring: the ring's keys rotate and are
// dropped, while a tag must stay checkable for as long as its secret lives.
func (k *Keyring) UseTagKey(key []byte) {
	k.tagKey = append([]byte(nil), key...)
}

// Tag returns a keyed hash of data for purpose under the tag key, as
// "db.hex". It is for secrets that are checked but never read back
// (recovery codes): without the server key, which opens the tag key, a copy
// of the database gives an attacker nothing to test guesses against.
// Returns ErrNoTagKey before UseTagKey.
func (k *Keyring) Tag(purpose string, data []byte) (string, error) {
	if k.tagKey == nil {
		return "", ErrNoTagKey
	}
	return tagPrefix + hex.EncodeToString(macWith(k.tagKey, purpose, data)), nil
}

// TagMatches reports, in constant time, whether tag is data's tag for
// purpose: under the tag key, or for a tag written before there was one
// ("key-id:hex"), under the ring's key that it names.
func (k *Keyring) TagMatches(tag, purpose string, data []byte) bool {
	key, sum := k.tagKey, strings.TrimPrefix(tag, tagPrefix)
	if sum == tag {
		id, rest, ok := strings.Cut(tag, ":")
		if !ok {
			return false
		}
		key, sum = k.macKeys[id], rest
	}
	want, err := hex.DecodeString(sum)
	if err != nil || key == nil {
		return false
	}
	return hmac.Equal(want, macWith(key, purpose, data))
}

// TagKeyID returns the id of the ring's key that a tag needs: "" for a tag
// of the tag key, which needs none.
func TagKeyID(tag string) string {
	if strings.HasPrefix(tag, tagPrefix) {
		return ""
	}
	id, _, _ := strings.Cut(tag, ":")
	return id
}

// KeyID returns the id of the key that sealed a value, and false if the
// value is not one of Seal's.
func KeyID(sealed []byte) (string, bool) {
	id, _, ok := split(sealed)
	return id, ok
}

// IDs returns the ids of the ring's keys, the current one first.
func (k *Keyring) IDs() []string {
	ids := []string{k.current}
	for id := range k.aeads {
		if id != k.current {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids[1:])
	return ids
}

func macWith(key []byte, purpose string, data []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write(data)
	return m.Sum(nil)
}

// Stale reports whether sealed was made under a key other than the current
// one and should be sealed again.
func (k *Keyring) Stale(sealed []byte) bool {
	id, _, ok := split(sealed)
	return !ok || id != k.current
}

func split(sealed []byte) (id string, rest []byte, ok bool) {
	if len(sealed) < 1 || len(sealed) < 1+int(sealed[0]) {
		return "", nil, false
	}
	n := int(sealed[0])
	return string(sealed[1 : 1+n]), sealed[1+n:], true
}

// additional is the authenticated data: a version label, the key id (so the
// id cannot be rewritten either) and the caller's context.
func additional(id string, context []byte) []byte {
	return append([]byte("warden/secretbox/v1\x00"+id+"\x00"), context...)
}
