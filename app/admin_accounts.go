package webapp

import (
	"fmt"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// adminAccounts is the platform administrator's first view: every account
// with its users, their 2FA share and the Force 2FA policy; a form creates
// an account, and Open leads to one's settings, users, logins and audit log.
type adminAccounts struct {
	app.Compo
	reauthGate
	Me     *shared.Me
	OnOpen func(ctx app.Context, a shared.AccountSettings)

	accounts []shared.AccountSettings
	name     string // the new account's name
	nameErr  string
	notice   string
}

func (a *adminAccounts) OnMount(ctx app.Context) {
	a.mountedAt(ctx)
	a.load(ctx)
}

func (a *adminAccounts) load(ctx app.Context) {
	send(ctx, &a.apiState, apiCall{method: "GET", path: "/api/admin/accounts"}, func(ctx app.Context, page shared.AccountsPage) {
		a.accounts = page.Accounts
	})
}

// accountColumns heads the accounts table.
var accountColumns = []words.Message{words.Account, words.ColUsers, words.ColAdoption, words.ColForce2FA, words.ColActions}

func (a *adminAccounts) Render() app.UI {
	return app.Section().Class("card").Body(
		app.H2().Text(say(words.Accounts)),
		a.prompt(a.ValueTo, a.Me != nil && a.Me.TOTPEnabled),
		app.Form().Class("filters").OnSubmit(a.create).Body(
			field("account-name", say(words.NewAccount), a.nameErr,
				app.Input().ID("account-name").Type("text").MaxLength(shared.AccountNameMax).Value(attr(a.name)).OnInput(a.ValueTo(&a.name))),
			app.Button().ID("new-account").Class("secondary").Type("submit").Disabled(a.busy).Text(say(words.CreateAccount)),
		),
		app.If(a.notice != "", func() app.UI { return app.P().Class("success").Role("status").Text(a.notice) }),
		app.If(a.errMsg != "", func() app.UI { return app.P().Class("error").Role("alert").Text(a.errMsg) }),
		app.Div().Class("table-wrap").Body(
			app.Table().ID("accounts-table").Class("history-table").Body(
				headerRow(accountColumns),
				app.TBody().Body(app.Range(a.accounts).Slice(func(i int) app.UI { return a.row(a.accounts[i]) })),
			),
		),
	)
}

// adoption is how far an account's users have taken up 2FA, in words (no
// colour carries it): with, without, and of those without how many are
// still inside their grace period. A list, so that it wraps on a phone.
func adoption(acc shared.AccountSettings) app.UI {
	if acc.Users == 0 {
		return app.Span().Class("muted").Text(say(words.NoUsersYet))
	}
	items := []string{
		say(words.AdoptionWith(acc.UsersWith2FA, acc.UsersWith2FA*100/acc.Users)),
		say(words.AdoptionWithout(max(acc.Users-acc.UsersWith2FA, 0))),
	}
	if acc.Force2FA && acc.GraceDays > 0 || acc.UsersInGrace > 0 {
		items = append(items, say(words.AdoptionInGrace(acc.UsersInGrace)))
	}
	return app.Ul().Class("adoption").Body(app.Range(items).Slice(func(i int) app.UI { return app.Li().Text(items[i]) }))
}

func (a *adminAccounts) row(acc shared.AccountSettings) app.UI {
	return tableRow(accountColumns, []app.HTMLTd{
		app.Td().Text(acc.Name),
		app.Td().Text(fmt.Sprint(acc.Users)),
		app.Td().Body(adoption(acc)),
		// The badge says on or off; since when is beside it, in words
		// that may wrap (a badge keeps to one line).
		app.Td().Body(app.Span().Class(statusClass(acc.Force2FA)).Text(say(onOff(acc.Force2FA))),
			app.If(acc.Force2FA && acc.ChangedAt != "", func() app.UI {
				return app.Span().Class("muted").Text(" " + say(words.Since(formatDay(acc.ChangedAt))))
			})),
		app.Td().Body(
			app.Button().ID(fmt.Sprintf("open-account-%d", acc.ID)).Class("secondary").Type("button").
				OnClick(func(ctx app.Context, e app.Event) {
					if a.OnOpen != nil {
						a.OnOpen(ctx, acc)
					}
				}).Text(say(words.Open)),
		),
	})
}

// create creates the account named in the form.
func (a *adminAccounts) create(ctx app.Context, e app.Event) {
	e.PreventDefault()
	name := a.name
	if msg := say(shared.ValidateAccountName(shared.NormalizeAccountName(name))); msg != "" {
		a.nameErr = msg
		return
	}
	a.nameErr, a.notice = "", ""
	send(ctx, &a.apiState, apiCall{method: "POST", path: "/api/admin/accounts", body: shared.AccountRequest{Name: name},
		failed: func(ctx app.Context, err error) bool {
			if e, ok := err.(*shared.Error); ok && e.Fields["name"] != "" {
				a.nameErr = e.Fields["name"]
				return true
			}
			return a.needsProof(ctx, err, func(ctx app.Context) { a.create(ctx, e) })
		}}, func(ctx app.Context, created shared.AccountSettings) {
		a.name, a.notice = "", say(words.AccountCreated(created.Name))
		a.load(ctx)
	})
}
