package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/warden-auth/warden/server/internal/testcode"
)

// waitTrue waits until the JavaScript expression is true.
func waitTrue(expr string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		for {
			var ok bool
			if err := chromedp.Run(ctx, chromedp.Evaluate(expr, &ok)); err == nil && ok {
				return nil
			}
			select {
			case <-ctx.Done():
				return context.Cause(ctx)
			case <-time.After(100 * time.Millisecond):
			}
		}
	})
}

// clearedAndFocused is true once the field is empty and has the cursor.
func clearedAndFocused(id string) chromedp.Action {
	return waitTrue(`document.getElementById("` + id + `").value === "" && document.activeElement?.id === "` + id + `"`)
}

// The moments around Connect, the recovery codes, the second step and the
// Administration Panel that real browser behaviour decides: the link to the
// app, the clipboard, leaving the page, focus, sending at six digits, what
// fits on a phone's screen.
func TestBrowser_RecoveryCodesSecondStepAndAdminMoments(t *testing.T) {
	inst := start(t, "", t.TempDir())
	b := newBrowser(t)
	logIn(b, t, inst.URL, "admin", inst.AdminPassword)
	var key string
	var link bool
	b.run(t, "the setup window links to the app",
		waitPath("/"),
		click("#avatar"),
		click("#menu-profile"), // within the app: Back is go-app's, not an unload
		click("#connect-2fa"),
		chromedp.WaitVisible("#qr-code", chromedp.ByID),
		chromedp.Text("#manual-key", &key, chromedp.ByID),
		jsBool(`document.getElementById("otpauth-link").href.startsWith("otpauth://totp/")`, &link),
	)
	if !link {
		t.Error("no otpauth:// link beside the QR code")
	}
	secret := strings.ReplaceAll(key, " ", "")
	b.run(t, "connect",
		setInput("connect-code", totpCode(t, secret, time.Now())),
		click("#connect-submit"),
		chromedp.WaitVisible("#recovery-codes", chromedp.ByID),
	)

	// The clipboard refuses: the button never says Copied, the page says so.
	var ok bool
	var label string
	b.run(t, "a refused copy",
		chromedp.Evaluate(`Object.defineProperty(navigator, "clipboard", {configurable: true,
			value: {writeText: () => Promise.reject(new DOMException("Write permission denied.", "NotAllowedError"))}}); true`, &ok),
		click("#copy-codes"),
		waitText(".copy-failed", "Could not copy"),
		chromedp.Text("#copy-codes", &label, chromedp.ByID),
	)
	if label != "Copy" {
		t.Errorf("after a refused write the button says %q", label)
	}
	// A write that takes its time: Copied only once it is done.
	b.run(t, "a slow copy",
		chromedp.Evaluate(`navigator.clipboard.writeText = text => new Promise(done => {
			window.finishCopy = () => { window.copiedText = text; done(); }; }); true`, &ok),
		click("#copy-codes"),
		// The click's frame is drawn (the old failure is gone), and the
		// write is asked for and pending: whatever the button says now,
		// it says before the clipboard answered.
		chromedp.WaitNotPresent(".copy-failed", chromedp.ByQuery),
		waitTrue(`typeof window.finishCopy === "function"`),
		chromedp.Text("#copy-codes", &label, chromedp.ByID),
	)
	if label != "Copy" {
		t.Errorf("before the write is done the button says %q", label)
	}
	b.run(t, "the write is done",
		chromedp.Evaluate(`window.finishCopy(); true`, &ok),
		waitText("#copy-codes", "Copied"),
		waitTrue(`window.copiedText.split("\n").length === 10`),
	)

	// Until the box is ticked, leaving asks first (dismissed: the codes stay).
	b.seen(&b.dialogs)
	b.run(t, "Back within the app before the codes are saved",
		chromedp.Evaluate(`window.stillHere = true; history.back(); true`, &ok),
		b.dialogOpened(),
		waitPath("/profile"),
		waitTrue(`window.stillHere === true && document.getElementById("recovery-codes") !== null`),
	)
	if got := b.seen(&b.dialogs); len(got) != 1 || got[0] != "confirm" {
		t.Fatalf("dialogs on Back with unsaved codes: %q", got)
	}
	b.run(t, "reload before the codes are saved",
		chromedp.Evaluate(`window.stillHere = true; setTimeout(() => location.reload(), 0); true`, &ok),
		b.dialogOpened(),
		waitTrue(`window.stillHere === true && document.getElementById("recovery-codes") !== null`),
	)
	if got := b.seen(&b.dialogs); len(got) != 1 || got[0] != "beforeunload" {
		t.Fatalf("dialogs when leaving unsaved codes: %q", got)
	}
	b.run(t, "reload once they are saved",
		click("#codes-saved"),
		chromedp.WaitEnabled("#codes-continue", chromedp.ByID),
		chromedp.Evaluate(`setTimeout(() => location.reload(), 0); true`, &ok),
		waitText("#twofa-status", "On"),
		chromedp.WaitNotPresent("#recovery-codes", chromedp.ByID),
	)
	if got := b.seen(&b.dialogs); len(got) != 0 {
		t.Errorf("dialogs after the codes were saved: %q", got)
	}

	// The second step: a wrong code is sent at its sixth digit, cleared and
	// focused; the right one goes in by itself too.
	b.run(t, "log out", click("#avatar"), click("#menu-logout"), waitPath("/login"))
	logIn(b, t, inst.URL, "admin", inst.AdminPassword)
	b.run(t, "a wrong code",
		chromedp.WaitVisible("#code", chromedp.ByID),
		waitText("#lost-phone", "recovery code"),
		chromedp.SendKeys("#code", testcode.Wrong(t, secret, time.Now()), chromedp.ByID),
		waitText("#login-error", "not right"),
		clearedAndFocused("code"),
	)
	b.run(t, "the right code",
		chromedp.SendKeys("#code", totpCode(t, secret, time.Now().Add(30*time.Second)), chromedp.ByID),
		waitPath("/"),
		waitText("#welcome", "admin"),
	)

	// On a phone's screen the reset confirmation is in view and names whom
	// it resets; the audit log shows the admin's own change.
	var fits bool
	b.run(t, "the reset confirmation on a narrow screen",
		chromedp.EmulateViewport(360, 740),
		chromedp.Navigate(inst.URL+"/admin"),
		click("#open-account-1"), // the platform admin opens their own account
		click("#tab-users"),
		click("#reset-2fa-admin"),
		waitText("#confirm-reset-dialog", "Reset two-factor authentication for admin?"),
		jsBool(`(() => { const r = document.getElementById("confirm-reset-dialog").getBoundingClientRect();
			const b = document.getElementById("confirm-reset").getBoundingClientRect();
			const w = document.documentElement.clientWidth;
			return r.left >= 0 && r.right <= w && b.right <= w; })()`, &fits),
		click("#cancel-reset"),
		chromedp.WaitNotPresent("#confirm-reset-dialog", chromedp.ByID),
	)
	if !fits {
		t.Error("the reset confirmation is off the screen")
	}
	b.run(t, "the audit log has the switch",
		click("#tab-settings"),
		click(`label[for="force-2fa"]`),
		click("#force-2fa-confirm"),
		waitText("#policy-changed", "by admin"),
		click("#tab-audit"),
		waitText("#audit-log", "Changed Force 2FA"),
		waitText("#audit-log", "Connected 2FA"),
	)
}
