package webapp

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// twofaBanner asks a user inside their Force 2FA grace period to set up
// two-factor authentication by their deadline, on every signed-in page.
// Skip hides it until the browser's session ends (the tab closes) or the
// user logs out; the deadline is the server's, and past it the server
// sends them to the setup anyway.
type twofaBanner struct {
	app.Compo
	Me *shared.Me

	skipped string // the deadline skipped in this browser session
}

// twofaSkipped, in the browser's session storage, is the deadline whose
// banner the user skipped.
const twofaSkipped = "/warden/twofa-skipped"

func (b *twofaBanner) OnMount(ctx app.Context) { ctx.SessionStorage().Get(twofaSkipped, &b.skipped) }

func (b *twofaBanner) Render() app.UI {
	deadline := b.Me.TwoFADeadline
	if deadline == "" || b.Me.Stage != shared.NextDone || b.skipped == deadline {
		return app.Div().Class("twofa-banner-none")
	}
	return app.Section().ID("twofa-banner").Class("twofa-banner notice").Aria("labelledby", "twofa-banner-text").Body(
		app.P().ID("twofa-banner-text").Body(
			sayUI(words.SetUpBy(formatDeadline(deadline)), shown{"Deadline", func(said string) app.UI {
				return app.Strong().ID("twofa-deadline").Text(said)
			}})...,
		),
		app.Div().Class("actions").Body(
			app.A().ID("twofa-setup-now").Class("button primary").Href("/profile?setup=1").Text(say(words.SetUpNow)),
			app.Button().ID("twofa-skip").Class("secondary").Type("button").OnClick(b.skip).Text(say(words.SkipForNow)),
		),
	)
}

func (b *twofaBanner) skip(ctx app.Context, e app.Event) {
	b.skipped = b.Me.TwoFADeadline
	ctx.SessionStorage().Set(twofaSkipped, b.skipped)
}

// forgetSkip brings the banner back at the next login.
func forgetSkip(ctx app.Context) { ctx.SessionStorage().Del(twofaSkipped) }
