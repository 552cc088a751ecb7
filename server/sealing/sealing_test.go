package sealing

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mustParse(t *testing.T, spec string) *Keyring {
	t.Helper()
	k, err := Parse(spec)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSeal_RoundTripsAndHidesThePlaintext(t *testing.T) {
	spec, _ := Generate("k1")
	k := mustParse(t, spec)
	secret := []byte("JBSWY3DPEHPK3PXP-secret-seed")
	a, err := k.Seal(secret, []byte("user:7"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := k.Seal(secret, []byte("user:7"))
	if bytes.Equal(a, b) {
		t.Fatal("two seals of one value are equal: the nonce repeats")
	}
	if bytes.Contains(a, secret) || bytes.Contains(a, []byte("JBSWY3DP")) {
		t.Fatal("the sealed value contains the plaintext")
	}
	got, err := k.Open(a, []byte("user:7"))
	if err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("open: %q, %v", got, err)
	}
}

func TestOpen_RefusesTamperingAndAnotherContext(t *testing.T) {
	spec, _ := Generate("k1")
	k := mustParse(t, spec)
	sealed, _ := k.Seal([]byte("seed"), []byte("user:7"))
	cases := map[string][]byte{
		"empty":      nil,
		"truncated":  sealed[:len(sealed)-1],
		"bad id len": append([]byte{200}, sealed[1:]...),
	}
	for i := range sealed {
		flipped := bytes.Clone(sealed)
		flipped[i] ^= 1
		cases[fmt.Sprintf("byte %d flipped", i)] = flipped
	}
	for name, v := range cases {
		if _, err := k.Open(v, []byte("user:7")); !errors.Is(err, ErrOpen) {
			t.Errorf("%s: opened (%v)", name, err)
		}
	}
	if _, err := k.Open(sealed, []byte("user:8")); !errors.Is(err, ErrOpen) {
		t.Error("a value sealed for user 7 opened for user 8")
	}
}

func TestRotation_OldValuesOpenAndAreMarkedStale(t *testing.T) {
	old, _ := Generate("k1")
	next, _ := Generate("k2")
	before := mustParse(t, old)
	sealedOld, _ := before.Seal([]byte("seed"), nil)
	after := mustParse(t, next+","+old)
	if got, err := after.Open(sealedOld, nil); err != nil || string(got) != "seed" {
		t.Fatalf("old value under the rotated keyring: %q %v", got, err)
	}
	if !after.Stale(sealedOld) {
		t.Error("a value under the old key is not stale")
	}
	sealedNew, _ := after.Seal([]byte("seed"), nil)
	if after.Stale(sealedNew) {
		t.Error("a value under the current key is stale")
	}
	if _, err := before.Open(sealedNew, nil); !errors.Is(err, ErrOpen) {
		t.Error("a keyring without k2 opened a k2 value")
	}
}

func TestParse_RejectsBadSpecs(t *testing.T) {
	good, _ := Generate("k1")
	for _, spec := range []string{"", "k1", "k1:notbase64!", "k1:c2hvcnQ=", ":" + strings.SplitN(good, ":", 2)[1],
		good + "," + good, "k\x001:" + strings.SplitN(good, ":", 2)[1], "k 1:" + strings.SplitN(good, ":", 2)[1],
		"k\u00e91:" + strings.SplitN(good, ":", 2)[1]} {
		if _, err := Parse(spec); err == nil {
			t.Errorf("Parse(%q) succeeded", spec)
		}
	}
}

func TestLoad_GeneratesAPrivateKeyFileOnceAndReusesIt(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	k1, created, err := Load("", dir)
	if err != nil || !created {
		t.Fatalf("first load: created=%v %v", created, err)
	}
	st, err := os.Stat(filepath.Join(dir, KeyFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", st.Mode(), err)
	}
	sealed, _ := k1.Seal([]byte("seed"), nil)
	k2, created, err := Load("", dir)
	if err != nil || created {
		t.Fatalf("second load: created=%v %v", created, err)
	}
	if got, err := k2.Open(sealed, nil); err != nil || string(got) != "seed" {
		t.Fatalf("the reloaded key does not open: %v", err)
	}
	// An explicit SECRET_KEY wins over the file.
	spec, _ := Generate("env")
	k3, _, err := Load(spec, dir)
	if err != nil || k3.current != "env" {
		t.Fatalf("SECRET_KEY ignored: %v", err)
	}
}

func TestTag_MatchesOnlyTheSameDataPurposeAndTagKey(t *testing.T) {
	old, _ := Generate("k1")
	next, _ := Generate("k2")
	k := mustParse(t, old)
	if _, err := k.Tag("recovery", []byte("abcd-efgh-jkmn")); !errors.Is(err, ErrNoTagKey) {
		t.Fatalf("a tag without a tag key: %v", err)
	}
	tagKey := bytes.Repeat([]byte{7}, TagKeySize)
	k.UseTagKey(tagKey)
	tag, err := k.Tag("recovery", []byte("abcd-efgh-jkmn"))
	if err != nil || !strings.HasPrefix(tag, "db.") || strings.Contains(tag, "abcd") || TagKeyID(tag) != "" {
		t.Fatalf("tag %q, %v", tag, err)
	}
	if !k.TagMatches(tag, "recovery", []byte("abcd-efgh-jkmn")) {
		t.Fatal("own tag does not match")
	}
	otherTagKey := mustParse(t, old)
	otherTagKey.UseTagKey(bytes.Repeat([]byte{8}, TagKeySize))
	for name, ok := range map[string]bool{
		"other data":       k.TagMatches(tag, "recovery", []byte("abcd-efgh-jkmp")),
		"other purpose":    k.TagMatches(tag, "session", []byte("abcd-efgh-jkmn")),
		"other tag key":    otherTagKey.TagMatches(tag, "recovery", []byte("abcd-efgh-jkmn")),
		"no tag key":       mustParse(t, old).TagMatches(tag, "recovery", []byte("abcd-efgh-jkmn")),
		"as a key's tag":   k.TagMatches("k1:"+strings.TrimPrefix(tag, "db."), "recovery", []byte("abcd-efgh-jkmn")),
		"bad hex":          k.TagMatches("db.zz", "recovery", []byte("abcd-efgh-jkmn")),
		"no prefix at all": k.TagMatches(strings.TrimPrefix(tag, "db."), "recovery", []byte("abcd-efgh-jkmn")),
	} {
		if ok {
			t.Errorf("%s matched", name)
		}
	}
	// The tag key is not a key of the ring: a ring rotated and stripped of
	// every key it had still checks the tag.
	rotated := mustParse(t, next)
	rotated.UseTagKey(tagKey)
	if !rotated.TagMatches(tag, "recovery", []byte("abcd-efgh-jkmn")) {
		t.Fatal("a tag fails once its ring's keys are gone")
	}
}

// Tags written before the tag key ("id:hex", under a ring key) still match
// while that key is in the ring, and name it for `keys status`.
func TestTagMatches_TagsOfARingKeyWhileTheKeyIsThere(t *testing.T) {
	old, _ := Generate("k1")
	next, _ := Generate("k2")
	k := mustParse(t, old)
	k.UseTagKey(bytes.Repeat([]byte{7}, TagKeySize))
	legacy := "k1:" + hex.EncodeToString(macWith(k.macKeys["k1"], "recovery", []byte("abcd-efgh-jkmn")))
	if TagKeyID(legacy) != "k1" {
		t.Fatalf("TagKeyID(%q) = %q", legacy, TagKeyID(legacy))
	}
	for name, ok := range map[string]bool{
		"own":         k.TagMatches(legacy, "recovery", []byte("abcd-efgh-jkmn")),
		"rotated":     mustParse(t, next+","+old).TagMatches(legacy, "recovery", []byte("abcd-efgh-jkmn")),
		"!other data": k.TagMatches(legacy, "recovery", []byte("abcd-efgh-jkmp")),
		"!unknown":    k.TagMatches("k9"+legacy[2:], "recovery", []byte("abcd-efgh-jkmn")),
		"!dropped":    mustParse(t, next).TagMatches(legacy, "recovery", []byte("abcd-efgh-jkmn")),
	} {
		if want := !strings.HasPrefix(name, "!"); ok != want {
			t.Errorf("%s: matched %v", name, ok)
		}
	}
}
