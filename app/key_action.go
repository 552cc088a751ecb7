package webapp

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// keyAction is a button that needs a security key (WebAuthn), where this
// page can use one; where it cannot, the reason instead, so a user whose
// key is their factor learns why it is not offered; and nothing while the
// page is only prerendered (webAuthnState).
func keyAction(b app.HTMLButton) app.UI {
	usable, why := webAuthnState()
	switch {
	case usable:
		return b
	case !why.IsZero():
		return app.P().Class("muted key-unavailable").Text(say(why))
	}
	return nil
}

// keysUsable reports whether this page can use security keys, for what
// is offered only then (passkey sign-in, a key instead of the app).
func keysUsable() bool {
	usable, _ := webAuthnState()
	return usable
}
