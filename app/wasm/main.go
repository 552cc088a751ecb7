// Command wasm is the WebAssembly entry point of the Warden app.
package main

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	webapp "github.com/warden-auth/warden/app"
)

func main() {
	webapp.Routes()
	app.RunWhenOnBrowser()
}
