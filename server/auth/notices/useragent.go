package notices

import (
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// DeviceName says which browser on which system sent userAgent, for
// notices ("Firefox on Linux"). The reading itself is shared's
// DescribeUserAgent, the one the login history shows, so a device is named
// the same everywhere. A notice keeps the name in English (it is stored
// once, for every reader); the sessions' list says it in its reader's.
func DeviceName(l *words.Language, userAgent string) string {
	return l.Say(shared.DescribeUserAgent(userAgent))
}
