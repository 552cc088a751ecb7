package webapp

import (
	"strconv"

	"github.com/warden-auth/warden/shared"
)

// The words and badges the pages show for the user's facts.

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func roleName(role string) string {
	switch role {
	case shared.RolePlatformAdmin:
		return "Platform administrator"
	case shared.RoleAdmin:
		return "Administrator"
	}
	return "User"
}

func onOff(on bool) string {
	if on {
		return "On"
	}
	return "Off"
}

func statusClass(on bool) string {
	if on {
		return "badge badge-on"
	}
	return "badge badge-off"
}
