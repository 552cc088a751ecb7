package webapp

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
)

// loadMe fetches the signed-in user for a page and hands it to set. Without
// a session it sends the browser to the login page.
func loadMe(ctx app.Context, set func(me *shared.Me, errMsg string)) {
	ctx.Async(func() {
		var me shared.Me
		err := callAPI(ctx, "GET", "/api/me", nil, &me)
		ctx.Dispatch(func(ctx app.Context) {
			switch {
			case err == nil:
				set(&me, "")
			case errorCode(err) == shared.EUnauthenticated:
				navigate(ctx, "/login")
			default:
				set(nil, errorMessage(err))
			}
		})
	})
}

// initials is what the avatar shows: the first letter of up to two parts of
// the username ("ann-marie" -> "AM", "alice" -> "A").
func initials(username string) string {
	var out []rune
	start := true
	for _, r := range username {
		if r == '.' || r == '_' || r == '-' || r == ' ' {
			start = true
			continue
		}
		if start && len(out) < 2 {
			if r >= 'a' && r <= 'z' {
				r -= 'a' - 'A'
			}
			out = append(out, r)
		}
		start = false
	}
	if len(out) == 0 {
		return "?"
	}
	return string(out)
}
