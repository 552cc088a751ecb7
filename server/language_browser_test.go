package main

import (
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/warden-auth/warden/shared/words"
)

// The language switch on the login card works before the app runs (its
// wasm never arrives here): the page comes back prerendered in Russian,
// <html lang> says ru, and the app, once it runs, keeps Russian.
func TestBrowser_TheLanguageSwitchWorksBeforeTheApp(t *testing.T) {
	inst := start(t, "", t.TempDir())
	b := newBrowser(t)
	ru := words.Lookup("ru")
	var lang string
	b.tolerating("loading wasm failed", "app.wasm") // its load fails on purpose until the app may run
	b.run(t, "the login page without the app",
		network.Enable(),
		network.SetBlockedURLs([]string{"*app.wasm*"}),
		chromedp.Navigate(inst.URL+"/login"),
		waitText("#login-form h1", words.English.Say(words.LogInToWarden)),
		chromedp.Evaluate(`document.documentElement.lang`, &lang),
	)
	if lang != "en" {
		t.Errorf("<html lang> is %q before a choice, want en", lang)
	}
	b.run(t, "switch to Russian",
		click("#lang-ru"),
		waitText("#login-form h1", ru.Say(words.LogInToWarden)),
		waitText("#language-switch", ru.Say(words.LanguageName)),
		chromedp.Evaluate(`document.documentElement.lang`, &lang),
	)
	if lang != "ru" {
		t.Errorf("<html lang> is %q after the switch, want ru", lang)
	}
	b.tolerating()
	b.run(t, "the app runs in Russian",
		network.SetBlockedURLs(nil),
		chromedp.Navigate(inst.URL+"/login"),
		chromedp.WaitVisible(`#login-form[data-ready="true"]`, chromedp.ByQuery),
		waitText("#login-submit", ru.Say(words.LogIn)),
		chromedp.Evaluate(`document.documentElement.lang`, &lang),
	)
	if lang != "ru" {
		t.Errorf("<html lang> is %q once the app runs, want ru", lang)
	}
}
