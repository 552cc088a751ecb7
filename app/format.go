package webapp

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// The words and badges the pages show for the user's facts.

// address shows an e-mail address that may break only at its parts: after
// the @ and before each dot (a <wbr> each), and inside a part only when
// that part alone is wider than its column (.data).
func address(said string) app.UI {
	var parts []app.UI
	start := 0
	for i, r := range said {
		if r == '.' && i > start {
			parts = append(parts, app.Text(said[start:i]), app.Wbr())
			start = i
		}
		if r == '@' {
			parts = append(parts, app.Text(said[start:i+1]), app.Wbr())
			start = i + 1
		}
	}
	return app.Span().Class("data").Body(append(parts, app.Text(said[start:]))...)
}

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
