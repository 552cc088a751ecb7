package auth

import "strings"

// DeviceName names the browser and operating system of a User-Agent header
// for people ("Firefox on Windows"), for the list of sessions. It reads only
// the well-known product tokens, in the order that tells them apart: every
// Chromium-based browser also says Chrome and Safari, and Chrome says
// Safari. Anything it does not know is "Unknown browser".
func DeviceName(ua string) string {
	browser, os := "", ""
	for _, b := range browserTokens {
		if strings.Contains(ua, b.token) {
			browser = b.name
			break
		}
	}
	if browser == "" && strings.Contains(ua, "Safari/") && strings.Contains(ua, "Version/") {
		browser = "Safari"
	}
	for _, o := range osTokens {
		if strings.Contains(ua, o.token) {
			os = o.name
			break
		}
	}
	switch {
	case browser == "" && os == "":
		return "Unknown browser"
	case browser == "":
		return "A browser on " + os
	case os == "":
		return browser
	}
	return browser + " on " + os
}

type uaToken struct{ token, name string }

var browserTokens = []uaToken{
	{"Edg/", "Edge"}, {"EdgA/", "Edge"}, {"EdgiOS/", "Edge"},
	{"OPR/", "Opera"}, {"OPiOS/", "Opera"},
	{"SamsungBrowser/", "Samsung Internet"},
	{"Firefox/", "Firefox"}, {"FxiOS/", "Firefox"},
	{"CriOS/", "Chrome"},
	{"HeadlessChrome/", "Headless Chrome"},
	{"Chromium/", "Chromium"},
	{"Chrome/", "Chrome"},
	{"curl/", "curl"},
}

// osTokens: iPhones and iPads say "like Mac OS X", Android says Linux, and
// ChromeOS says X11 and Linux-like things, so those come first.
var osTokens = []uaToken{
	{"iPhone", "iOS"}, {"iPod", "iOS"}, {"iPad", "iPadOS"},
	{"Android", "Android"},
	{"CrOS", "ChromeOS"},
	{"Windows", "Windows"},
	{"Macintosh", "macOS"}, {"Mac OS X", "macOS"},
	{"Linux", "Linux"}, {"X11", "Linux"},
}
