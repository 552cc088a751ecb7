package webapp

import (
	"strconv"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// changePassword is Security settings -> Password: the current password,
// the new one twice. The server decides whether the new one is strong
// enough and says why not; the current one is the proof, so a wrong one
// counts toward the password throttle. A change ends the other sessions.
//
// With OneTime it is the login's step after a one-time password: the
// server's answer names the login's next step, which OnChanged takes. The
// login just proved the one-time password, so the form does not ask for
// it again; only if the server does (the session is no longer that proof:
// it waited too long) does the field show.
type changePassword struct {
	app.Compo
	apiState

	OneTime   bool
	OnChanged func(ctx app.Context, res shared.LoginResponse)

	current, next, repeat string
	fields                map[string]string // why a field was refused
	done                  bool
	hint                  passwordHint
	show                  bool // the new password is shown as it is typed
	askCurrent            bool // OneTime: the server asked for the one-time password after all
}

// withCurrent: the form asks for the current password.
func (c *changePassword) withCurrent() bool { return !c.OneTime || c.askCurrent }

func (c *changePassword) OnMount(ctx app.Context) { c.mountedAt(ctx) }

func (c *changePassword) Render() app.UI {
	currentLabel, submit := say(words.CurrentPassword), say(words.ChangePassword)
	if c.OneTime {
		currentLabel, submit = say(words.OneTimePassword), say(words.SaveAndContinue)
	}
	newType := "password"
	if c.show {
		newType = "text"
	}
	return app.Div().Class("change-password").Body(
		app.If(!c.OneTime, func() app.UI { return app.H2().Text(say(words.Password)) }),
		app.Form().ID("password-form").Method("post").OnSubmit(c.submit).Body(
			app.If(c.done, func() app.UI {
				return app.P().ID("password-changed").Class("success").Role("status").
					Text(say(words.PasswordChanged))
			}),
			// One sentence per refusal: a field's reason is said at the
			// field, and the form's own line only when no field has one.
			app.If(c.errMsg != "" && len(c.fields) == 0, func() app.UI {
				return app.P().ID("password-error").Class("form-error").Role("alert").Text(c.errMsg)
			}),
			app.If(c.withCurrent(), func() app.UI {
				return field("password-current", currentLabel, c.fields["current"],
					app.Input().ID("password-current").Type("password").Required(true).
						Attr("autocomplete", "current-password").Value(attr(c.current)).OnInput(c.typed("current", &c.current)))
			}),
			field("password-new", say(words.NewPassword), c.fields["new"],
				app.Input().ID("password-new").Type(newType).Required(true).
					Attr("autocomplete", "new-password").Aria("describedby", "password-rules password-strength").
					Value(attr(c.next)).OnInput(c.typeNew)),
			app.Button().ID("password-show").Class("secondary small show-password").Type("button").
				Aria("pressed", strconv.FormatBool(c.show)).Aria("controls", "password-new password-repeat").
				OnClick(func(ctx app.Context, e app.Event) { c.show = !c.show }).Text(say(words.ShowPassword)),
			app.P().ID("password-rules").Class("muted").
				Text(say(words.PasswordRules(shared.PasswordMinChars))),
			c.hint.render(),
			field("password-repeat", say(words.NewPasswordAgain), c.fields["repeat"],
				app.Input().ID("password-repeat").Type(newType).Required(true).
					Attr("autocomplete", "new-password").Value(attr(c.repeat)).OnInput(c.typed("repeat", &c.repeat))),
			submitButton("password-submit", submit, c.busy),
		),
	)
}

// typeNew follows the new password and asks the server how strong it is
// once typing pauses; the reason it was refused goes, as it may no longer
// hold (no "too common" beside "Very strong").
func (c *changePassword) typeNew(ctx app.Context, e app.Event) {
	c.typed("new", &c.next)(ctx, e)
	c.hint.typed(ctx, c.next)
}

// typed follows a field, and forgets why it was refused: the refusal was
// of what it held before.
func (c *changePassword) typed(name string, value *string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		*value = ctx.JSSrc().Get("value").String()
		if c.fields[name] != "" {
			delete(c.fields, name)
			if len(c.fields) == 0 {
				c.errMsg = ""
			}
		}
	}
}

func (c *changePassword) submit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	c.done, c.fields = false, nil
	req := shared.ChangePasswordRequest{Current: c.current, New: c.next}
	valid := req.Valid
	if !c.withCurrent() {
		valid = req.ValidWithoutCurrent
	}
	if err := valid(); err != nil {
		c.refused(ctx, err)
		return
	}
	if c.repeat != c.next {
		c.refused(ctx, shared.Fail(shared.EInvalid, words.CorrectTheFields).WithField("repeat", words.PasswordsDiffer))
		return
	}
	call := apiCall{method: "POST", path: "/api/me/password", body: req, failed: func(ctx app.Context, err error) bool {
		c.refused(ctx, err)
		return true
	}}
	if c.OneTime {
		// The answer is the login's next step, under a new session.
		send(ctx, &c.apiState, call, func(ctx app.Context, res shared.LoginResponse) {
			c.current, c.next, c.repeat = "", "", ""
			if c.OnChanged != nil {
				c.OnChanged(ctx, res)
			}
		})
		return
	}
	send(ctx, &c.apiState, call, func(ctx app.Context, _ struct{}) {
		c.current, c.next, c.repeat, c.done = "", "", "", true
		c.hint = passwordHint{}
	})
}

// refused shows why, and puts the focus in the field to fix: a wrong
// current password is emptied there.
func (c *changePassword) refused(ctx app.Context, err error) {
	c.errMsg = errorMessage(err)
	if e, ok := err.(*shared.Error); ok {
		c.fields = sayError(e).Fields
	}
	if c.fields["current"] != "" {
		c.askCurrent = true
	}
	switch {
	case c.fields["new"] != "":
		c.focus(ctx, "password-new")
	case c.fields["repeat"] != "":
		c.focus(ctx, "password-repeat")
	default:
		c.retypeIfRefused(ctx, err, "password-current", &c.current)
	}
}

// hintPause is how long typing must pause before the hint asks the server.
var hintPause = 400 * time.Millisecond // a variable for tests

// passwordHint is the strength of a new password while it is typed, as the
// server's rules score it (POST /api/password/strength): no second
// estimator in the app, so the hint and the refusal never disagree. Screen
// readers hear it politely, when typing pauses.
type passwordHint struct {
	apiState
	asked    int // typing count: only the newest answer is shown
	answered bool
	res      shared.PasswordStrength
}

// strengthWords names zxcvbn's scores.
var strengthWords = [...]words.Message{words.StrengthVeryWeak, words.StrengthWeak, words.StrengthFair, words.StrengthStrong, words.StrengthVeryStrong}

func (h *passwordHint) typed(ctx app.Context, password string) {
	h.asked++
	asked := h.asked
	if password == "" {
		h.answered = false
		return
	}
	h.mountedAt(ctx)
	ctx.After(hintPause, func(ctx app.Context) {
		if asked != h.asked {
			return // typed on since
		}
		send(ctx, &h.apiState, apiCall{method: "POST", path: "/api/password/strength",
			body: shared.PasswordStrengthRequest{Password: password}, failed: func(app.Context, error) bool {
				return true // only a hint: the change itself still says why
			}}, func(ctx app.Context, res shared.PasswordStrength) {
			if asked == h.asked {
				h.res, h.answered = res, true
			}
		})
	})
}

func (h *passwordHint) render() app.UI {
	text, class := "", "password-strength"
	if h.answered && h.res.Score >= 0 && h.res.Score < len(strengthWords) {
		if h.res.OK {
			class += " ok"
			text = say(words.StrengthGood(strengthWords[h.res.Score]))
		} else {
			class += " weak"
			text = say(words.StrengthTooWeak(strengthWords[h.res.Score], h.res.Warning))
		}
	}
	// The meter shows the same score to the eye (the words say it to
	// everyone): a bar of four, filled as far as the score goes.
	meter := "strength-meter"
	if h.answered && h.res.Score >= 0 && h.res.Score < len(strengthWords) {
		meter += " fill-" + strconv.Itoa(max(h.res.Score, 1))
		if h.res.OK {
			meter += " ok"
		}
	}
	return app.Div().Body(
		app.Div().Class(meter).Aria("hidden", "true").Body(app.Span(), app.Span(), app.Span(), app.Span()),
		app.P().ID("password-strength").Class(class).Aria("live", "polite").Text(text),
	)
}
