package webapp

import (
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// The words and badges the pages show for the user's facts.

func roleName(role string) string { return say(shared.RoleWords(role)) }

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
