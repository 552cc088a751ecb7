package main

import (
	"regexp"
	"strings"
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
	var text string
	// The card: below it go-app's loader says why app.wasm, held back
	// here, did not load (the browser's own words).
	b.run(t, "read the login page", chromedp.Evaluate(`document.querySelector(".login-card").innerText`, &text))
	if english := latinWords(text); len(english) > 0 {
		t.Errorf("the login page in Russian says %q:\n%s", english, text)
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
	b.run(t, "read the app's login page", chromedp.Evaluate(`document.body.innerText`, &text))
	if english := latinWords(text); len(english) > 0 {
		t.Errorf("the app's login page in Russian says %q:\n%s", english, text)
	}
}

// A user who chooses Russian in their profile reads the app in Russian at
// once, and in every browser they sign in with: a fresh browser that asks
// for English says Russian once they are in, and its login page after.
func TestBrowser_TheUsersLanguageIsTheirsInEveryBrowser(t *testing.T) {
	inst := start(t, "", t.TempDir())
	ru := words.Lookup("ru")
	var lang string
	b := newBrowser(t)
	logIn(b, t, inst.URL, "admin", inst.AdminPassword)
	b.run(t, "choose Russian in the profile",
		waitPath("/"),
		chromedp.Navigate(inst.URL+"/profile"),
		click("#set-lang-ru"),
		waitText("h1", ru.Say(words.MyProfile)),
		chromedp.Evaluate(`document.documentElement.lang`, &lang),
	)
	if lang != "ru" {
		t.Errorf("<html lang> is %q after choosing Russian, want ru", lang)
	}
	var text string
	b.run(t, "read the profile", chromedp.Evaluate(`document.body.innerText`, &text))
	if english := latinWords(text); len(english) > 0 {
		t.Errorf("the profile in Russian says %q:\n%s", english, text)
	}
	b.run(t, "read the panel",
		chromedp.Navigate(inst.URL+"/admin"),
		waitText("h1", ru.Say(words.AdminPanel)),
		waitText("main", "Default"), // the accounts have come
		chromedp.Evaluate(`document.body.innerText`, &text),
	)
	if english := latinWords(text); len(english) > 0 {
		t.Errorf("the panel in Russian says %q:\n%s", english, text)
	}
	other := newBrowser(t)
	logIn(other, t, inst.URL, "admin", inst.AdminPassword)
	other.run(t, "another browser, once signed in",
		waitPath("/"),
		// The app, started in English, takes the user's language and
		// loads the page again in it.
		waitTrue(`document.documentElement.lang === "ru" && document.querySelector("#welcome") !== null`),
		chromedp.Navigate(inst.URL+"/profile"),
		waitText("h1", ru.Say(words.MyProfile)),
		chromedp.Navigate(inst.URL+"/login?step=x"),
		chromedp.Evaluate(`document.documentElement.lang`, &lang),
	)
	if lang != "ru" {
		t.Errorf("<html lang> is %q in the other browser, want ru", lang)
	}
}

// names are the Latin words a Russian page may show: the product, this
// test's user and account, browsers and systems, the authenticator apps
// the Connect window names, and the short forms and terms the glossary
// keeps (2FA, IP, QR-код, RFC 6238, «ключ доступа (passkey)»).
var names = regexp.MustCompile(`^(Warden|admin|Default|Chrome|Chromium|HeadlessChrome|Firefox|Safari|Linux|Windows|macOS|Android|iOS|IP|FA|English|UTC|Aegis|QR|RFC|passkey)$`)

// latinWords are the words of text written in Latin letters that are no
// name: English left in a Russian page.
func latinWords(text string) []string {
	// Names of more than a word: a program's (the tests sign in with Go's
	// client too), and the addresses an example gives.
	text = strings.NewReplacer("Go HTTP client", "", "login.example.com", "", "localhost", "",
		"Google Authenticator", "", "Microsoft Authenticator", "", "1Password", "").Replace(text)
	var found []string
	for _, w := range regexp.MustCompile(`[A-Za-z]{2,}`).FindAllString(text, -1) {
		if !names.MatchString(w) {
			found = append(found, w)
		}
	}
	return found
}
