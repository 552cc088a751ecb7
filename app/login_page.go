package webapp

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// The steps of the login page.
const (
	stepPassword = "password"
	stepTOTP     = "totp"
	stepRecovery = "recovery"
	// stepNewPassword replaces a one-time password; it needs the app.
	stepNewPassword = "new-password"
)

// loginPage is "/login": the password, then, for users with 2FA, the
// six-digit code or a recovery code.
type loginPage struct {
	app.Compo
	apiState // each step's request; errMsg is the form's message

	step     string
	username string
	password string
	code     string
	recovery string
	// rememberDays is how long the account lets the second step trust this
	// browser (the password step's answer; 0: not offered); remember is
	// the user's choice.
	rememberDays int
	remember     bool
	fields       map[string]string
	user         session // who is signed in, if anyone
	// mounted is false while the page is only the server's prerendered HTML:
	// until the app runs, its forms post to the server (httpapi/forms.go).
	mounted bool
	notice  string   // why the user is here, from ?notice=
	methods []string // the user's second-factor kinds, from the password step
	// askedMethods: the page opened at the second step asked the server
	// for them (askMethods), once.
	askedMethods bool
}

// notices are the messages other pages send the user here with.
var notices = map[string]words.Message{
	"disconnected": words.NoticeDisconnectedLoggedOut,
}

// OnInit reads the address the browser opened before the first render, so
// that the page the app puts in place of the server's is the same step
// with the same fields: what was typed is carried into them
// (takeover_js.go), and none is missing while a key comes.
func (p *loginPage) OnInit() {
	if u := openedAt("/login"); u != nil {
		p.onNavQuery(u.Query())
	}
}

// OnNav also runs on the server, for the prerendered page: a form posted
// before the app ran comes back here with the step it reached, the error's
// code and the username typed (never a password or a code).
func (p *loginPage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle(say(words.TitleLogIn))
	was := p.step
	p.onNavQuery(ctx.Page().URL().Query())
	if app.IsClient {
		// An application's sign-in sent the browser here (app_signin.go).
		keepAppSignIn(ctx, ctx.Page().URL().Query().Get("return"))
	}
	if p.mounted && p.step != was {
		p.focus(ctx, stepField(p.step)) // a step's link was followed
	}
	if p.mounted {
		p.askMethods(ctx)
	}
}

func (p *loginPage) onNavQuery(q url.Values) {
	p.fields = nil
	p.notice = say(notices[q.Get("notice")])
	switch q.Get("step") {
	case "code":
		p.step = stepTOTP
	case "recovery":
		p.step = stepRecovery
	case stepNewPassword:
		p.step = stepNewPassword
	default:
		p.step = stepPassword
	}
	// Only a name that could be typed at login comes back: a link's
	// invisible or control characters are not put into the field.
	if u := q.Get("username"); u != "" && p.username == "" && shared.LoginUsernameValid(u) {
		p.username = u
	}
	p.errMsg = formError(q)
}

// formError is the message of an error a form posted before the app ran
// came back with (formPost): its code and, for a lock, the wait.
func formError(q url.Values) string {
	retry, _ := strconv.Atoi(q.Get("retry"))
	return say(shared.FormErrorWords(q.Get("error"), retry))
}

// OnMount sends a visitor who is still signed in to the app.
func (p *loginPage) OnMount(ctx app.Context) {
	p.mounted = true
	p.mountedAt(ctx)
	signedIn := func() {
		if p.user.status == meKnown && (p.user.me == nil || p.user.me.Stage != shared.NextChangePassword) {
			navigate(ctx, "/")
		}
	}
	observeMeIfHinted(ctx, &p.user, signedIn)
	signedIn()
	p.autofocus(ctx, stepField(p.step))
	p.askMethods(ctx)
}

// askMethods asks the server which second factors to offer when the page
// opened at the second step (a reload, or a form posted before the app
// ran): the password step's answer that named them is gone.
func (p *loginPage) askMethods(ctx app.Context) {
	if p.step != stepTOTP || p.methods != nil || p.askedMethods {
		return
	}
	p.askedMethods = true
	// Not a busy: the code form works meanwhile, and without the answer.
	home := p.onHome(ctx)
	ctx.Async(func() {
		res, err := request[shared.LoginResponse](ctx, "GET", "/api/login/methods", nil)
		if err != nil {
			return
		}
		home.Dispatch(func(ctx app.Context) {
			if p.step == stepTOTP && p.methods == nil {
				p.rememberDays, p.methods = res.RememberBrowserDays, res.Methods
			}
		})
	})
}

// stepField is the first field of a step, which gets the focus when the
// step opens, and after a failed try.
func stepField(step string) string {
	switch step {
	case stepTOTP:
		return "code"
	case stepRecovery:
		return "recovery-code"
	case stepNewPassword:
		return "password-current"
	}
	return "username"
}

func (p *loginPage) Render() app.UI {
	// Each step sits in an element of its own tag. go-app patches an element
	// of the same tag in place, and the DOM keeps what was typed: the code
	// field would inherit the password input and show the password.
	var form app.UI
	switch p.step {
	case stepTOTP:
		form = app.Section().Class("step").Body(p.codeForm())
	case stepRecovery:
		form = app.Article().Class("step").Body(p.recoveryForm())
	case stepNewPassword:
		form = app.Aside().Class("step").Body(p.newPasswordForm())
	default:
		form = app.Div().Class("step").Body(p.passwordForm())
	}
	return app.Main().Class("login").Body(
		app.Section().Class("card login-card").Body(
			logo(),
			form,
			&languageSwitch{Back: "/login"},
		),
	)
}

func (p *loginPage) passwordForm() app.UI {
	// method=post: even a form submitted before the app loads never puts the
	// password into a URL.
	return app.Form().ID("login-form").Method("post").Action("/login").DataSet("ready", p.mounted).OnSubmit(p.submitPassword).Body(
		app.H1().Text(say(words.LogInToWarden)),
		app.If(p.notice != "", func() app.UI { return app.P().ID("login-notice").Class("notice").Role("status").Text(p.notice) }),
		p.errorArea(),
		field("username", say(words.Username), p.fields["username"],
			app.Input().ID("username").Name("username").Type("text").Required(true).
				Attr("autocomplete", "username").Attr("autocapitalize", "none").Attr("spellcheck", "false").
				Value(attr(p.username)).OnInput(p.ValueTo(&p.username)).AutoFocus(!app.IsClient)),
		field("password", say(words.Password), p.fields["password"],
			app.Input().ID("password").Name("password").Type("password").Required(true).
				Attr("autocomplete", "current-password").
				Value(attr(p.password)).OnInput(p.ValueTo(&p.password))),
		submitButton("login-submit", say(words.LogIn), p.busy),
		app.If(p.mounted && keysUsable(), func() app.UI {
			return app.P().Class("alt-action").Body(
				app.Button().ID("passkey-login").Class("secondary").Type("button").Disabled(p.busy).
					OnClick(func(ctx app.Context, e app.Event) { p.useKey(ctx, "/api/login/passkey") }).Text(say(words.SignInWithPasskey)),
			)
		}),
	)
}

func (p *loginPage) codeForm() app.UI {
	return app.Form().ID("code-form").Method("post").Action("/login/code").DataSet("ready", p.mounted).OnSubmit(p.submitCode).Body(
		app.H1().Text(say(words.TwoFactorAuthentication)),
		// A key is offered first: one touch, and nothing to type.
		app.If(slices.Contains(p.methods, shared.FactorSecurityKey), func() app.UI {
			return app.P().Body(
				keyAction(app.Button().ID("use-security-key").Class("primary").Type("button").Disabled(p.busy).
					OnClick(func(ctx app.Context, e app.Event) { p.useKey(ctx, "/api/login/key") }).Text(say(words.UseSecurityKey))),
			)
		}),
		app.P().Text(say(words.EnterAppCode)),
		p.errorArea(),
		p.rememberBox(),
		field("code", say(words.AuthenticationCode), p.fields["code"],
			codeInput("code", p.code, p.typeCode).Name("code").AutoFocus(!app.IsClient)),
		submitButton("code-submit", say(words.Verify), p.busy),
		app.P().Class("alt-action").Body(
			// Links, not buttons: before the app runs they work too.
			app.A().ID("use-recovery-code").Class("link").Href("/login?step=recovery").Text(say(words.UseRecoveryCode)),
		),
		app.P().ID("lost-phone").Class("muted").Text(say(words.LostYourPhone)),
	)
}

func (p *loginPage) recoveryForm() app.UI {
	return app.Form().ID("recovery-form").Method("post").Action("/login/recovery").DataSet("ready", p.mounted).OnSubmit(p.submitRecovery).Body(
		app.H1().Text(say(words.UseRecoveryCode)),
		app.P().Text(say(words.EnterRecoveryCodeHelp)),
		p.errorArea(),
		field("recovery-code", say(words.RecoveryCode), p.fields["code"],
			app.Input().ID("recovery-code").Name("code").Type("text").Required(true).
				Attr("autocomplete", "off").Attr("autocapitalize", "none").Attr("spellcheck", "false").
				Value(attr(p.recovery)).OnInput(p.ValueTo(&p.recovery)).AutoFocus(!app.IsClient)),
		p.rememberBox(),
		submitButton("recovery-submit", say(words.Verify), p.busy),
		app.P().Class("alt-action").Body(
			app.A().ID("use-authenticator").Class("link").Href("/login?step=code").Text(say(words.UseAuthenticatorInstead)),
		),
	)
}

// rememberBox offers to trust this browser, where the account allows it. It
// comes before the code field, as the code goes by itself at its sixth digit.
func (p *loginPage) rememberBox() app.UI {
	if p.rememberDays == 0 {
		return nil
	}
	return app.P().Class("filter").Body(
		app.Input().ID("remember-browser").Type("checkbox").Checked(p.remember).OnChange(func(ctx app.Context, e app.Event) {
			p.remember = ctx.JSSrc().Get("checked").Bool()
		}),
		app.Label().For("remember-browser").Text(say(words.RememberBrowser(p.rememberDays))),
	)
}

// errorArea is always in the page, so screen readers announce a message as
// soon as it appears.
// newPasswordForm is the step after a one-time password: the server allows
// nothing else until it is replaced. The form is the app's (its hint asks
// the server while typing), so before the app runs the step says it is
// coming.
func (p *loginPage) newPasswordForm() app.UI {
	if !p.mounted {
		return app.Div().Body(
			app.H1().Text(say(words.ChooseNewPassword)),
			app.P().ID("new-password-loading").Role("status").Text(say(words.OneTimePasswordLoading)),
		)
	}
	return app.Div().Body(
		app.H1().Text(say(words.ChooseNewPassword)),
		app.P().Class("muted").Text(say(words.OneTimePasswordReplace)),
		&changePassword{OneTime: true, OnChanged: p.afterNewPassword},
	)
}

// afterNewPassword goes on where the server says the login goes next.
func (p *loginPage) afterNewPassword(ctx app.Context, res shared.LoginResponse) {
	forgetMe(ctx)
	p.goOn(ctx, res)
}

func (p *loginPage) errorArea() app.UI {
	return app.P().ID("login-error").Class("form-error").Role("alert").Aria("live", "assertive").Text(p.errMsg)
}

func (p *loginPage) submitPassword(ctx app.Context, e app.Event) {
	e.PreventDefault()
	req := shared.LoginRequest{Username: p.username, Password: p.password}
	if err := req.Valid(); err != nil {
		p.fail(ctx, err)
		return
	}
	p.send(ctx, "/api/login", req, func(ctx app.Context, res shared.LoginResponse) {
		p.password = ""
		p.goOn(ctx, res)
	})
}

// goOn opens the step a login step's answer names.
func (p *loginPage) goOn(ctx app.Context, res shared.LoginResponse) {
	switch res.Next {
	case shared.NextTOTP:
		p.step, p.rememberDays, p.remember, p.methods = stepTOTP, res.RememberBrowserDays, false, res.Methods
		// A reload stays at the second step (and asks for its methods).
		ctx.Page().ReplaceURL(mustURL("/login?step=code"))
		p.focus(ctx, stepField(stepTOTP))
	case shared.NextChangePassword:
		p.step = stepNewPassword
		ctx.Page().ReplaceURL(mustURL(newPasswordPage))
		p.focus(ctx, stepField(stepNewPassword))
	case shared.NextEnroll:
		navigate(ctx, "/profile?setup=1")
	default:
		navigate(ctx, "/")
	}
}

// newPasswordPage is where a session with a one-time password belongs
// (the server's forms lead there too: httpapi/routes.go nextPages).
const newPasswordPage = "/login?step=" + stepNewPassword

func mustURL(s string) *url.URL {
	u, _ := url.Parse(s)
	return u
}

func (p *loginPage) submitCode(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if p.busy {
		return // the code went by itself at its sixth digit
	}
	code, ok := shared.NormalizeCode(p.code)
	if !ok {
		p.fail(ctx, shared.Fail(shared.EInvalid, words.CodeFormat))
		return
	}
	p.send(ctx, "/api/login/totp", shared.SecondStepRequest{Code: code, RememberBrowser: p.remember}, func(ctx app.Context, _ shared.LoginResponse) {
		navigate(ctx, "/")
	})
}

// typeCode follows the code field and sends the form by itself once it
// holds six digits (typed, pasted or filled in by the browser).
func (p *loginPage) typeCode(ctx app.Context, e app.Event) {
	p.code = ctx.JSSrc().Get("value").String()
	if _, ok := shared.NormalizeCode(p.code); ok && !p.busy {
		p.submitCode(ctx, e)
	}
}

// useKey runs a WebAuthn login at path (the second step's /api/login/key,
// or /api/login/passkey alone): the server's options, the browser's
// assertion, the server's answer.
func (p *loginPage) useKey(ctx app.Context, path string) {
	p.busy, p.errMsg, p.fields = true, "", nil
	home := p.onHome(ctx)
	ctx.Async(func() {
		options, err := request[json.RawMessage](ctx, "POST", path+"/begin", struct{}{})
		if err == nil {
			var cred json.RawMessage
			if cred, err = getCredential(options); err != nil {
				err = errKeyDidNotAnswer(err)
			} else {
				_, err = request[shared.LoginResponse](ctx, "POST", path+"/finish", shared.CredentialRequest{Credential: cred})
			}
		}
		home.Dispatch(func(ctx app.Context) {
			p.busy = false
			if err != nil {
				p.showError(err)
				return
			}
			forgetMe(ctx)
			navigate(ctx, "/")
		})
	})
}

func (p *loginPage) submitRecovery(ctx app.Context, e app.Event) {
	e.PreventDefault()
	code := strings.TrimSpace(p.recovery)
	if code == "" {
		p.fail(ctx, shared.Fail(shared.EInvalid, words.EnterOneRecoveryCode))
		return
	}
	p.send(ctx, "/api/login/recovery", shared.SecondStepRequest{Code: code, RememberBrowser: p.remember}, func(ctx app.Context, _ shared.LoginResponse) {
		// Home says how many codes are left and when to make new ones.
		navigate(ctx, "/?recovered=1")
	})
}

// send posts a login step and hands a success to next. A session that
// expired between steps (401 on a second step) starts over at the password.
// Whoever is signed in after a step, the next page asks the server.
func (p *loginPage) send(ctx app.Context, path string, body any, next func(app.Context, shared.LoginResponse)) {
	p.fields = nil
	send(ctx, &p.apiState, apiCall{method: "POST", path: path, body: body, failed: func(ctx app.Context, err error) bool {
		if p.step != stepPassword && p.step != "" && errorCode(err) == shared.EUnauthenticated {
			p.step = stepPassword
			err = shared.Fail("", words.SessionExpired)
		}
		p.fail(ctx, err)
		return true
	}}, func(ctx app.Context, res shared.LoginResponse) {
		forgetMe(ctx)
		next(ctx, res)
	})
}

// fail shows why a step failed (the error area announces it) and puts the
// focus where the user fixes it: the field the server names, else the
// password or the code just tried, emptied when it was refused.
func (p *loginPage) fail(ctx app.Context, err error) {
	p.showError(err)
	switch {
	case p.fields["username"] != "":
		p.focus(ctx, "username")
	case p.step == stepTOTP:
		p.retypeIfRefused(ctx, err, "code", &p.code)
	case p.step == stepRecovery:
		p.retypeIfRefused(ctx, err, "recovery-code", &p.recovery)
	default:
		p.retypeIfRefused(ctx, err, "password", &p.password)
	}
}

func (p *loginPage) showError(err error) {
	p.errMsg = errorMessage(err)
	if e, ok := err.(*shared.Error); ok {
		p.fields = sayError(e).Fields
	}
}

// submitButton is a form's primary button, disabled while busy. Only then
// does it carry the attribute: the server's prerendering writes
// disabled="false" for false, which HTML reads as disabled.
func submitButton(id, text string, busy bool) app.HTMLButton {
	b := app.Button().ID(id).Class("primary").Type("submit").Text(text)
	if busy {
		b = b.Disabled(true)
	}
	return b
}
