package webapp

import (
	"net/url"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// recoveryCodesScreen shows a fresh set of recovery codes, the only time
// they are ever shown: copy, download, print, and Continue once the user
// confirms they stored them. The codes live only in this component's memory.
type recoveryCodesScreen struct {
	app.Compo
	Codes    []string
	Username string
	OnDone   func(ctx app.Context)
	// ContinueTo is where Continue leads before the app runs.
	ContinueTo string

	mounted bool // false while this is the server's prerendered page

	saved bool
	clip  clipCopy
	leave leaveGuard // until the box is ticked, leaving the page asks first
	now   time.Time  // when the codes were shown: the date on the sheet and the file
}

func (r *recoveryCodesScreen) OnMount(ctx app.Context) {
	r.mounted = true
	r.leave.watch(func() bool { return !r.saved })
}

func (r *recoveryCodesScreen) OnDismount() { r.leave.stop() }

func (r *recoveryCodesScreen) shownAt() time.Time {
	if r.now.IsZero() {
		r.now = time.Now()
	}
	return r.now
}

func (r *recoveryCodesScreen) Render() app.UI {
	now := r.shownAt()
	return app.Div().ID("recovery-codes-screen").Class("codes-sheet").Body(
		// On paper, the sheet says what it is, whose and when, as the file does.
		app.Div().ID("codes-sheet-heading").Class("print-only").Body(
			app.Range(codesHeading(r.Username, now)).Slice(func(i int) app.UI {
				return app.P().Text(codesHeading(r.Username, now)[i])
			}),
		),
		app.H3().Class("no-print").Text("Save your recovery codes"),
		app.P().Text("If you lose your phone, each of these codes lets you log in once instead of a code from your app. "+
			"Store them somewhere safe, such as a password manager."),
		app.P().Class("notice no-print").Role("status").
			Text("This list will never be shown again. Each code works once."),
		app.Ul().ID("recovery-codes").Class("codes").Body(
			app.Range(r.Codes).Slice(func(i int) app.UI {
				return app.Li().Body(app.Code().Text(r.Codes[i]))
			}),
		),
		app.Div().Class("actions no-print").Body(
			app.Button().ID("copy-codes").Class("secondary").Type("button").OnClick(r.copy).Text(r.clip.label("Copy")),
			app.A().ID("download-codes").Class("button secondary").
				Href("%s", attr("data:text/plain;charset=utf-8,"+url.PathEscape(codesFile(r.Username, r.Codes, now)))).
				Download("%s", attr(codesFileName(r.Username))).Text("Download"),
			app.Button().ID("print-codes").Class("secondary").Type("button").OnClick(r.print).Text("Print"),
		),
		app.Div().Class("no-print").Body(r.clip.failure("codes")),
		// A form, so that before the app runs (the server's page after a
		// setup posted early) the box is required by the browser itself and
		// Continue leads on into the app (ContinueTo).
		app.Form().ID("codes-form").Method("get").Action(r.continueTo()).DataSet("ready", r.mounted).OnSubmit(r.done).Body(
			app.Div().Class("confirm no-print").Body(
				app.Label().For("codes-saved").Body(
					r.savedBox(),
					app.Text(" I have saved these codes"),
				),
			),
			r.continueButton(),
		),
	)
}

// savedBox is "I have saved these codes". Boolean attributes are set only
// when true: prerendered, checked="false" would read as checked.
func (r *recoveryCodesScreen) savedBox() app.UI {
	box := app.Input().ID("codes-saved").Type("checkbox").OnChange(r.toggleSaved)
	if r.saved {
		box = box.Checked(true)
	}
	if !r.mounted {
		box = box.Required(true)
	}
	return box
}

func (r *recoveryCodesScreen) continueTo() string {
	if r.ContinueTo == "" {
		return "/profile"
	}
	return r.ContinueTo
}

// continueButton waits for the box once the app runs; before, the box's
// required does (a disabled button could never be enabled without the app).
func (r *recoveryCodesScreen) continueButton() app.UI {
	b := app.Button().ID("codes-continue").Class("primary inline no-print").Type("submit").Text("Continue")
	if r.mounted && !r.saved {
		b = b.Disabled(true)
	}
	return b
}

func (r *recoveryCodesScreen) toggleSaved(ctx app.Context, e app.Event) {
	r.saved = ctx.JSSrc().Get("checked").Bool()
}

func (r *recoveryCodesScreen) copy(ctx app.Context, e app.Event) {
	r.clip.write(ctx, strings.Join(r.Codes, "\n"))
}

func (r *recoveryCodesScreen) print(ctx app.Context, e app.Event) { app.Window().Call("print") }

func (r *recoveryCodesScreen) done(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if r.saved && r.OnDone != nil {
		r.OnDone(ctx)
	}
}

// codesFile is the downloaded text file: what it is, whose, and when.
func codesFile(username string, codes []string, now time.Time) string {
	var b strings.Builder
	b.WriteString(strings.Join(codesHeading(username, now), "\n") + "\n\n")
	b.WriteString("Each code works once, in place of a code from your authenticator app.\n")
	b.WriteString("Keep this file somewhere safe.\n\n")
	for _, c := range codes {
		b.WriteString(c + "\n")
	}
	return b.String()
}

// codesHeading names the product, the user and the day, on the file and on
// the printed sheet.
func codesHeading(username string, now time.Time) []string {
	return []string{"Warden recovery codes", "User: " + username, "Created: " + now.Format("2 January 2006")}
}

func codesFileName(username string) string { return "warden-recovery-codes-" + username + ".txt" }
