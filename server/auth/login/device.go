package login

import (
	"encoding/base64"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/warden-auth/warden/server/domain"
)

// Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device
// Cookies"): a browser that has once given a username's right password gets
// a cookie that names that username. Wrong passwords from anywhere lock the
// username; a browser with its cookie is spared that lock and has a lock of
// its own instead, so an attacker who keeps a username locked no longer locks
// its owner out, and still gets only a handful of guesses each window.
//
// The cookie is a random nonce and a keyed hash of (username, password
// epoch, nonce) under the database's tag key, so any server process checks
// it, it survives a rotation of SECRET_KEY, and it cannot be made for another
// username. The epoch counts the user's password changes: a cookie earned
// with an old password (perhaps by whoever learnt it) is void after a change.

// DeviceLifetime is how long a device cookie is good for.
const DeviceLifetime = 180 * 24 * time.Hour

const devicePurpose = "device-cookie"

// newDevice returns a device cookie for u under its current password.
func (s *Service) newDevice(u *domain.User) (string, error) {
	nonce := make([]byte, 16)
	if _, err := io.ReadFull(s.Rand, nonce); err != nil {
		return "", err
	}
	n := base64.RawURLEncoding.EncodeToString(nonce)
	tag, err := s.Keys.Tag(devicePurpose, deviceMessage(u, n))
	if err != nil {
		return "", err
	}
	return n + "." + strings.TrimPrefix(tag, "db."), nil
}

// deviceThrottleKey returns the throttle key a cookie counts under if it is
// good, "" when it is not even shaped like a device cookie. The login reads
// the counter with the user, before it can check the cookie (deviceKey).
func deviceThrottleKey(cookie string) string {
	n, mac, ok := strings.Cut(cookie, ".")
	if !ok || len(n) != 22 || len(mac) != 64 {
		return ""
	}
	return "device:" + n
}

// deviceKey returns the throttle key of a device cookie that is good for u
// now, or "" when it is not (absent, forged, another username's, or made
// before u's last password change).
func (s *Service) deviceKey(u *domain.User, cookie string) string {
	key := deviceThrottleKey(cookie)
	if key == "" {
		return ""
	}
	n, mac, _ := strings.Cut(cookie, ".")
	if !s.Keys.TagMatches("db."+mac, devicePurpose, deviceMessage(u, n)) {
		return ""
	}
	return key
}

// deviceMessage is what a device cookie's tag covers. Usernames hold no NUL
// (shared.ValidateUsername), so the fields cannot run into each other.
func deviceMessage(u *domain.User, nonce string) []byte {
	return []byte(u.Username + "\x00" + strconv.FormatInt(u.PasswordEpoch, 10) + "\x00" + nonce)
}
