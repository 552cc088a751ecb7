package webapp

import (
	"encoding/json"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// securitySettings is the "Security" section of My profile: the state of
// two-factor authentication and, by that state, Connect, or the recovery
// codes and Disconnect, and the second factors. The flows change
// the user in the app state, and the page renders this again with it.
type securitySettings struct {
	app.Compo
	Me *shared.Me
	// OpenSetup opens the Connect window at once (the login sent an
	// enrolling user here).
	OpenSetup bool
	// Page is what the server put into the page (a setup it started, or
	// the codes of one confirmed before the app ran), and SetupError the
	// error of a code posted then.
	Page       *PageData
	SetupError string

	codes     []string // a fresh set to show once, then forget
	addKey    bool     // the forced setup's "Add a security key instead" was chosen
	connected bool     // 2FA was connected here: say what that changes
	// enrolled: the connect ended a setup the login asked for, so once the
	// codes are saved the user goes on into the app.
	enrolled bool
}

// OnInit also runs on the server, for the prerendered page.
func (s *securitySettings) OnInit() {
	if s.Page != nil && len(s.Page.Codes) > 0 {
		s.codes, s.connected, s.enrolled = s.Page.Codes, true, true
	}
}

func (s *securitySettings) Render() app.UI {
	me := s.Me
	// Only the server says whether the session must set up 2FA now.
	enrolling := me.Stage == shared.NextEnroll
	keysOnly := me.SecurityKeys > 0 && me.TOTPEnabledAt == ""
	section := app.Section().Class("card").ID("security-settings")
	if s.Page != nil && !app.IsClient {
		// The user, for the app to start from (readPageData): the page is
		// the user's own and never kept (no-store).
		if b, err := json.Marshal(me); err == nil {
			section = section.DataSet("me", attr(string(b)))
		}
	}
	return section.Body(
		app.H2().Text(say(words.SecuritySettings)),
		app.H3().Text(say(words.TwoFactorAuthentication)),
		app.If(enrolling, func() app.UI {
			return app.P().Class("notice").Role("status").
				Text(say(words.AccountRequires2FA))
		}),
		app.P().Body(append(sayUI(words.Status(onOff(me.TOTPEnabled)), shown{"State", func(said string) app.UI {
			return app.Span().ID("twofa-status").Class(statusClass(me.TOTPEnabled)).Text(said)
		}}),
			app.If(me.TOTPEnabled && me.TOTPEnabledAt != "", func() app.UI {
				return app.Span().Class("muted").Text(say(words.Since(formatDay(me.TOTPEnabledAt))))
			}),
		)...),
		app.If(len(s.codes) > 0, func() app.UI {
			return &recoveryCodesScreen{Codes: s.codes, Username: me.Username, OnDone: s.codesStored, ContinueTo: s.continueTo()}
		}).ElseIf(!me.TOTPEnabled, func() app.UI {
			c := &connectTwoFactor{Open: s.OpenSetup, Enrolling: enrolling, OnConnected: s.showConnected,
				Pending: s.pending(), Error: s.SetupError}
			if enrolling {
				c.OnUseKey = func(ctx app.Context) { s.addKey = true }
			}
			return c
		}).Else(func() app.UI {
			return app.Div().Body(
				// With security keys only, the app can still be added.
				app.If(keysOnly, func() app.UI { return &connectTwoFactor{OnConnected: s.showConnected} }),
				&regenerateCodes{Left: me.RecoveryCodesLeft, Keys: me.SecurityKeys > 0, KeysOnly: keysOnly, OnCodes: s.showCodes},
				&disconnectTwoFactor{},
			)
		}),
		// The forced setup offers a key once, in its window ("Add a
		// security key instead"); the factors' list comes with that choice.
		app.If(len(s.codes) == 0 && (!enrolling || s.addKey), func() app.UI {
			return &secondFactors{OnCodes: s.showConnected, AddKey: s.addKey}
		}),
		app.If(s.connected && len(s.codes) == 0, func() app.UI {
			return app.P().Class("success").Role("status").Text(say(words.TwoFAIsOn))
		}),
	)
}

func (s *securitySettings) pending() *shared.TOTPSetup {
	if s.Page == nil {
		return nil
	}
	return s.Page.Setup
}

// continueTo is where the codes' Continue leads before the app runs.
func (s *securitySettings) continueTo() string {
	if s.enrolled {
		return "/"
	}
	return "/profile"
}

func (s *securitySettings) showCodes(ctx app.Context, codes []string) { s.codes = codes }

func (s *securitySettings) showConnected(ctx app.Context, codes []string) {
	s.codes, s.connected = codes, true
	s.enrolled = s.OpenSetup || s.Me.Stage == shared.NextEnroll
}

// codesStored is the codes screen's Continue: the codes are forgotten, and
// a setup the login asked for goes on into the app.
func (s *securitySettings) codesStored(ctx app.Context) {
	s.codes = nil
	if s.enrolled {
		navigate(ctx, "/")
	}
}
