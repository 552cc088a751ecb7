package webapp

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// newUserForm is the users table's "New user": a username, a role and an
// optional e-mail address. The server makes the password and answers it
// once; it is shown here once, with Copy, until Done, and the user must
// replace it at their first login.
type newUserForm struct {
	app.Compo
	reauthGate
	Me *shared.Me
	// AccountID is the account the user joins (0: the admin's own).
	AccountID int64
	// OnCreated hears of each user created, to reload the list.
	OnCreated func(ctx app.Context)

	open                  bool
	username, role, email string
	usernameErr, emailErr string
	created               *shared.NewUserResponse
	clip                  clipCopy
}

func (f *newUserForm) OnMount(ctx app.Context) { f.mountedAt(ctx) }

func (f *newUserForm) Render() app.UI {
	switch {
	case f.created != nil:
		return f.password()
	case !f.open:
		return app.Div().Class("actions new-user-actions").Body(
			app.Button().ID("new-user").Class("secondary").Type("button").
				OnClick(func(ctx app.Context, e app.Event) {
					f.open, f.role, f.usernameErr, f.emailErr, f.errMsg = true, shared.RoleUser, "", "", ""
					f.focus(ctx, "new-user-username")
				}).Text(say(words.NewUser)),
		)
	}
	roles := []string{shared.RoleUser, shared.RoleAdmin}
	if f.Me != nil && f.Me.Role == shared.RolePlatformAdmin {
		roles = shared.Roles
	}
	return app.Form().ID("new-user-form").Class("new-user").Aria("labelledby", "new-user-title").
		OnKeyDown(onEscape(f.close)).OnSubmit(f.submit).Body(
		app.H3().ID("new-user-title").Text(say(words.NewUser)),
		f.prompt(f.ValueTo, f.Me != nil && f.Me.TOTPEnabled),
		field("new-user-username", say(words.Username), f.usernameErr,
			app.Input().ID("new-user-username").Type("text").Required(true).MaxLength(shared.UsernameMaxLen).
				Attr("autocomplete", "off").Attr("autocapitalize", "none").Attr("spellcheck", "false").
				Value(attr(f.username)).OnInput(f.ValueTo(&f.username))),
		app.Div().Class("field").Body(
			app.Label().For("new-user-role").Text(say(words.Role)),
			app.Select().ID("new-user-role").OnChange(f.ValueTo(&f.role)).Body(
				app.Range(roles).Slice(func(i int) app.UI {
					return app.Option().Value(roles[i]).Selected(roles[i] == f.role).Text(roleName(roles[i]))
				})),
		),
		field("new-user-email", say(words.NewUserEmailField), f.emailErr,
			app.Input().ID("new-user-email").Type("email").MaxLength(shared.MaxEmailLength).
				Attr("autocomplete", "off").Value(attr(f.email)).OnInput(f.ValueTo(&f.email))),
		app.If(f.errMsg != "", func() app.UI { return app.P().Class("error").Role("alert").Text(f.errMsg) }),
		app.Div().Class("actions").Body(
			app.Button().ID("new-user-submit").Class("primary").Type("submit").Disabled(f.busy).Text(say(words.CreateUser)),
			app.Button().ID("new-user-cancel").Class("secondary").Type("button").
				OnClick(func(ctx app.Context, e app.Event) { f.close(ctx) }).Text(say(words.Cancel)),
		),
	)
}

// close is Cancel or Escape: the focus goes back to New user.
func (f *newUserForm) close(ctx app.Context) {
	f.open, f.username, f.email, f.usernameErr, f.emailErr = false, "", "", "", ""
	f.focus(ctx, "new-user")
}

func (f *newUserForm) submit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	req := shared.NewUserRequest{Username: f.username, AccountID: f.AccountID, Role: f.role, Email: f.email}
	if f.role == "" {
		req.Role = shared.RoleUser
	}
	f.usernameErr, f.emailErr = "", ""
	if v := req.Valid(); v != nil {
		v = sayError(v)
		f.usernameErr, f.emailErr = v.Fields["username"], v.Fields["email"]
		f.focus(ctx, firstOf(f.usernameErr, "new-user-username", "new-user-email"))
		return
	}
	send(ctx, &f.apiState, apiCall{method: "POST", path: "/api/admin/users", body: req,
		failed: func(ctx app.Context, err error) bool {
			if e, ok := err.(*shared.Error); ok && (e.Fields["username"] != "" || e.Fields["email"] != "") {
				f.usernameErr, f.emailErr = e.Fields["username"], e.Fields["email"]
				f.focus(ctx, firstOf(f.usernameErr, "new-user-username", "new-user-email"))
				return true
			}
			return f.needsProof(ctx, err, func(ctx app.Context) { f.submit(ctx, e) })
		}}, func(ctx app.Context, created shared.NewUserResponse) {
		f.created, f.open, f.username, f.email, f.clip = &created, false, "", "", clipCopy{}
		f.focus(ctx, "one-time-password-box")
		if f.OnCreated != nil {
			f.OnCreated(ctx)
		}
	})
}

// firstOf is the id of the first field with an error: ifErr when errMsg is
// set, else other.
func firstOf(errMsg, ifErr, other string) string {
	if errMsg != "" {
		return ifErr
	}
	return other
}

// password shows the one-time password of the user just created, once.
func (f *newUserForm) password() app.UI {
	c := f.created
	name := c.User.Username
	return app.Div().ID("one-time-password-box").Class("success one-time").Role("region").TabIndex(-1).
		Aria("labelledby", "one-time-password-title").Body(
		app.H3().ID("one-time-password-title").Text(say(words.UserCreated(name))),
		app.P().Text(say(words.OneTimePasswordShown)),
		app.Code().ID("one-time-password").Class("key").Text(c.Password),
		app.P().Text(say(words.OneTimePasswordHandOver(name))),
		f.clip.failure(words.CopyFailedPassword),
		app.Div().Class("actions").Body(
			app.Button().ID("copy-one-time-password").Class("secondary").Type("button").
				OnClick(func(ctx app.Context, e app.Event) { f.clip.write(ctx, c.Password) }).Text(f.clip.label(words.Copy)),
			app.Button().ID("one-time-password-done").Class("secondary").Type("button").
				OnClick(func(ctx app.Context, e app.Event) {
					f.created = nil
					f.focus(ctx, "new-user")
				}).Text(say(words.Done)),
		),
	)
}
