package webapp

import (
	"net/url"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared/words"
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
		app.H3().Class("no-print").Text(say(words.SaveYourCodes)),
		app.P().Text(say(words.SaveYourCodesHelp)),
		app.P().Class("notice no-print").Role("status").
			Text(say(words.CodesShownOnce)),
		app.Ul().ID("recovery-codes").Class("codes").Body(
			app.Range(r.Codes).Slice(func(i int) app.UI {
				return app.Li().Body(app.Code().Text(r.Codes[i]))
			}),
		),
		app.Div().Class("actions no-print").Body(
			app.Button().ID("copy-codes").Class("secondary").Type("button").OnClick(r.copy).Text(r.clip.label(words.Copy)),
			app.A().ID("download-codes").Class("button secondary").
				Href("%s", attr("data:text/plain;charset=utf-8,"+url.PathEscape(codesFile(r.Username, r.Codes, now)))).
				Download("%s", attr(codesFileName(r.Username))).Text(say(words.Download)),
			app.Button().ID("print-codes").Class("secondary").Type("button").OnClick(r.print).Text(say(words.Print)),
		),
		app.Div().Class("no-print").Body(r.clip.failure(words.CopyFailedCodes)),
		// A form, so that before the app runs (the server's page after a
		// setup posted early) the box is required by the browser itself and
		// Continue leads on into the app (ContinueTo).
		app.Form().ID("codes-form").Method("get").Action(r.continueTo()).DataSet("ready", r.mounted).OnSubmit(r.done).Body(
			app.Div().Class("confirm no-print").Body(
				app.Label().For("codes-saved").Body(
					r.savedBox(),
					app.Text(say(words.CodesSaved)),
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
	b := app.Button().ID("codes-continue").Class("primary inline no-print").Type("submit").Text(say(words.Continue))
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
	b.WriteString(say(words.CodesFileEach) + "\n")
	b.WriteString(say(words.CodesFileKeep) + "\n\n")
	for _, c := range codes {
		b.WriteString(c + "\n")
	}
	return b.String()
}

// codesHeading names the product, the user and the day, on the file and on
// the printed sheet.
func codesHeading(username string, now time.Time) []string {
	return []string{say(words.CodesFileTitle), say(words.CodesFileUser(username)), say(words.CodesFileCreated(words.Date(now)))}
}

func codesFileName(username string) string { return "warden-recovery-codes-" + username + ".txt" }
