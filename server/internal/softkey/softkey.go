// Package softkey is a software WebAuthn authenticator for tests: an ECDSA
// P-256 key that answers a server's creation and request options the way a
// browser with a security key would (attestation "none"), so the real
// verification of github.com/go-webauthn/webauthn runs on what it signs.
package softkey

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/fxamacker/cbor/v2"
)

// Authenticator data flags (WebAuthn §6.1).
const (
	flagUP = 0x01
	flagUV = 0x04
	flagAT = 0x40
)

// Key is one credential on a software authenticator.
type Key struct {
	ID         []byte
	UserHandle []byte // set by Register, from the options' user.id
	Counter    uint32 // the sign counter; each assertion adds Step first
	Step       uint32 // 0: a key without a counter
	Verified   bool   // whether the user is verified (a PIN, a fingerprint)
	Resident   bool   // reported as a discoverable credential (credProps rk)
	Origin     string // the page's origin, as the browser would put it in clientDataJSON
	priv       *ecdsa.PrivateKey
}

// New returns a key that counts up by one, verifies its user and is
// discoverable, for pages at origin.
func New(origin string) *Key {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	id := make([]byte, 32)
	rand.Read(id)
	return &Key{ID: id, Step: 1, Verified: true, Resident: true, Origin: origin, priv: priv}
}

// Clone returns a copy of the key with the same private key and counter, as
// an attacker who extracted it would have.
func (k *Key) Clone() *Key {
	c := *k
	return &c
}

var b64 = base64.RawURLEncoding

// options is what both kinds of options hold that a key reads.
type options struct {
	PublicKey struct {
		Challenge string `json:"challenge"`
		RPID      string `json:"rpId"` // request options
		RP        struct {
			ID string `json:"id"`
		} `json:"rp"` // creation options
		User struct {
			ID string `json:"id"`
		} `json:"user"`
	} `json:"publicKey"`
}

func parse(optionsJSON []byte) (*options, error) {
	var o options
	if err := json.Unmarshal(optionsJSON, &o); err != nil {
		return nil, fmt.Errorf("softkey: options: %w", err)
	}
	if o.PublicKey.Challenge == "" {
		return nil, fmt.Errorf("softkey: options without a challenge: %s", optionsJSON)
	}
	return &o, nil
}

func (k *Key) clientData(typ, challenge string) []byte {
	cd, _ := json.Marshal(map[string]any{"type": typ, "challenge": challenge, "origin": k.Origin, "crossOrigin": false})
	return cd
}

func (k *Key) flags() byte {
	f := byte(flagUP)
	if k.Verified {
		f |= flagUV
	}
	return f
}

func authData(rpID string, flags byte, counter uint32) []byte {
	h := sha256.Sum256([]byte(rpID))
	d := append(h[:], flags)
	return binary.BigEndian.AppendUint32(d, counter)
}

// Register answers creation options (the JSON of
// navigator.credentials.create's argument) with the credential's JSON.
func (k *Key) Register(optionsJSON []byte) ([]byte, error) {
	o, err := parse(optionsJSON)
	if err != nil {
		return nil, err
	}
	if k.UserHandle, err = b64.DecodeString(o.PublicKey.User.ID); err != nil {
		return nil, fmt.Errorf("softkey: user id: %w", err)
	}
	pub, err := k.priv.PublicKey.ECDH()
	if err != nil {
		return nil, err
	}
	raw := pub.Bytes() // 0x04 | x | y
	cose, err := cbor.Marshal(map[int]any{1: 2, 3: -7, -1: 1, -2: raw[1:33], -3: raw[33:65]})
	if err != nil {
		return nil, err
	}
	ad := authData(o.PublicKey.RP.ID, k.flags()|flagAT, k.Counter)
	ad = append(ad, make([]byte, 16)...) // AAGUID: none
	ad = binary.BigEndian.AppendUint16(ad, uint16(len(k.ID)))
	ad = append(append(ad, k.ID...), cose...)
	att, err := cbor.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": ad})
	if err != nil {
		return nil, err
	}
	return json.Marshal(map[string]any{
		"id": b64.EncodeToString(k.ID), "rawId": b64.EncodeToString(k.ID), "type": "public-key",
		"authenticatorAttachment": "cross-platform",
		"response": map[string]any{
			"clientDataJSON":    b64.EncodeToString(k.clientData("webauthn.create", o.PublicKey.Challenge)),
			"attestationObject": b64.EncodeToString(att),
			"transports":        []string{"usb"},
		},
		"clientExtensionResults": map[string]any{"credProps": map[string]any{"rk": k.Resident}},
	})
}

// Assert answers request options (navigator.credentials.get's argument)
// with the assertion's JSON, counting up first.
func (k *Key) Assert(optionsJSON []byte) ([]byte, error) {
	o, err := parse(optionsJSON)
	if err != nil {
		return nil, err
	}
	k.Counter += k.Step
	return k.Sign(o.PublicKey.RPID, o.PublicKey.Challenge)
}

// Sign is an assertion for a challenge of the relying party rpID at the
// current counter.
func (k *Key) Sign(rpID, challenge string) ([]byte, error) {
	ad := authData(rpID, k.flags(), k.Counter)
	cd := k.clientData("webauthn.get", challenge)
	cdHash := sha256.Sum256(cd)
	digest := sha256.Sum256(append(append([]byte{}, ad...), cdHash[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, k.priv, digest[:])
	if err != nil {
		return nil, err
	}
	return json.Marshal(map[string]any{
		"id": b64.EncodeToString(k.ID), "rawId": b64.EncodeToString(k.ID), "type": "public-key",
		"authenticatorAttachment": "cross-platform",
		"response": map[string]any{
			"clientDataJSON":    b64.EncodeToString(cd),
			"authenticatorData": b64.EncodeToString(ad),
			"signature":         b64.EncodeToString(sig),
			"userHandle":        b64.EncodeToString(k.UserHandle),
		},
		"clientExtensionResults": map[string]any{},
	})
}
