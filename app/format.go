package webapp

import (
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// The words and badges the pages show for the user's facts.

func roleName(role string) string {
	switch role {
	case shared.RolePlatformAdmin:
		return say(words.RolePlatformAdmin)
	case shared.RoleAdmin:
		return say(words.RoleAdmin)
	}
	return say(words.RoleUser)
}

func onOff(on bool) words.Message {
	if on {
		return words.On
	}
	return words.Off
}

func statusClass(on bool) string {
	if on {
		return "badge badge-on"
	}
	return "badge badge-off"
}
