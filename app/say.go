package webapp

import "github.com/warden-auth/warden/shared/words"

// say is m in the reader's language: the one place the app turns its
// messages into text, on the server's prerendered pages and in the browser.
func say(m words.Message) string { return words.English.Say(m) }
