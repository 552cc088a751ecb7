package auth

import (
	"encoding/base64"
	"io"
	"strings"
	"time"
)

// Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device
// Cookies"): a browser that has once given a username's right password gets
// a cookie that names that username. Wrong passwords from anywhere lock the
// username; a browser with its cookie is spared that lock and has a lock of
// its own instead, so an attacker who keeps a username locked no longer locks
// its owner out, and still gets only a handful of guesses each window.
//
// The cookie is a random nonce and a keyed hash of (username, nonce) under
// the database's tag key, so any server process checks it, it survives a
// rotation of SECRET_KEY, and it cannot be made for another username.

// DeviceLifetime is how long a device cookie is good for.
const DeviceLifetime = 180 * 24 * time.Hour

const devicePurpose = "device-cookie"

// newDevice returns a device cookie for username.
func (s *Service) newDevice(username string) (string, error) {
	nonce := make([]byte, 16)
	if _, err := io.ReadFull(s.Rand, nonce); err != nil {
		return "", err
	}
	n := base64.RawURLEncoding.EncodeToString(nonce)
	tag, err := s.Keys.Tag(devicePurpose, []byte(username+"\x00"+n))
	if err != nil {
		return "", err
	}
	return n + "." + strings.TrimPrefix(tag, "db."), nil
}

// deviceKey returns the throttle key of a device cookie that is good for
// username, or "" when it is not (absent, forged, or another username's).
func (s *Service) deviceKey(username, cookie string) string {
	n, mac, ok := strings.Cut(cookie, ".")
	if !ok || len(n) != 22 || len(mac) != 64 {
		return ""
	}
	if !s.Keys.TagMatches("db."+mac, devicePurpose, []byte(username+"\x00"+n)) {
		return ""
	}
	return "device:" + n
}
