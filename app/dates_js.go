//go:build js && wasm

package webapp

import (
	"syscall/js"
	"time"
)

// In the browser Go's time.Local is one fixed offset, today's: an hour off
// for a day on the other side of a daylight-saving change. The browser's
// Date knows the offset of each day.
func init() {
	localMidnight = func(year int, month time.Month, day int) time.Time {
		d := js.Global().Get("Date").New(year, int(month)-1, day)
		offset := -d.Call("getTimezoneOffset").Int() * 60
		return time.UnixMilli(int64(d.Call("getTime").Float())).In(time.FixedZone("", offset))
	}
}
