package notices

import (
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// DeviceName says which browser on which system sent userAgent, for
// notices ("Firefox on Linux"). The reading itself is shared's
// DescribeUserAgent, the one the login history shows, so a device is named
// the same everywhere.
func DeviceName(userAgent string) string {
	return words.English.Say(shared.DescribeUserAgent(userAgent))
}
