package webapp

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// homePage is "/": who is signed in, and where to go next.
type homePage struct {
	signedInPage
	recovered bool // arrived from a login with a recovery code
}

func (p *homePage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle(say(words.ProductName))
	p.recovered = ctx.Page().URL().Query().Get("recovered") == "1"
}

// toProfile shows a said link to My profile.
func toProfile(said string) app.UI { return app.A().Href("/profile").Text(said) }

func (p *homePage) Render() app.UI {
	return shell(p.me, p.errMsg, func(me *shared.Me) app.UI {
		return app.Section().Class("card").Body(
			app.H1().Text(say(words.Welcome)),
			app.P().ID("welcome").Body(
				sayUI(words.SignedInAs(me.Username, me.Account), shown{"Username", strong}, shown{"Account", strong})...,
			),
			app.If(p.recovered && me.RecoveryCodesLeft > 3, func() app.UI {
				return app.P().ID("codes-used").Class("notice").Role("status").
					Text(say(words.LoggedInWithRecoveryCode(me.RecoveryCodesLeft)))
			}),
			app.If(me.TOTPEnabled && me.RecoveryCodesLeft <= 3, func() app.UI {
				return app.P().ID("codes-warning").Class("warning").Role("status").Body(
					sayUI(words.FewCodesLeft(me.RecoveryCodesLeft, words.RegenerateInSettings), shown{"Link", toProfile})...,
				)
			}),
			app.P().Body(
				sayUI(words.OpenProfileTo(words.OpenMyProfile), shown{"Link", toProfile})...,
			),
		)
	})
}
