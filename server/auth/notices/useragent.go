package notices

import (
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// DeviceName says which browser on which system sent userAgent, for
// notices ("Firefox on Linux"). The reading itself is shared's
// DescribeUserAgent, the one the login history shows, so a device is named
// the same everywhere, in the reader's language.
func DeviceName(l *words.Language, userAgent string) string {
	return l.Say(shared.DescribeUserAgent(userAgent))
}

// deviceOf is the device a notice was caused from, said in l; a notice
// written before notices kept the User-Agent has its English name (but for
// the unknown device, which is said).
func deviceOf(l *words.Language, n *domain.Notice) string {
	if n.UserAgent != "" || n.Device == DeviceName(words.English, "") {
		return DeviceName(l, n.UserAgent)
	}
	return n.Device
}
