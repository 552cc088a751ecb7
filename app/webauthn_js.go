//go:build js && wasm

package webapp

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"sync"
	"syscall/js"

	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// The WebAuthn glue, all of it: the server's options (JSON, binary fields
// in base64url) become the objects navigator.credentials takes, with
// ArrayBuffers, and the credential it gives comes back as the JSON the
// server parses. Everything else about keys is Go.

var b64url = base64.RawURLEncoding

// createCredential runs navigator.credentials.create on the creation
// options of POST /api/2fa/keys/begin, getCredential navigator.credentials.get
// on request options. They block: call them in ctx.Async. Variables, so
// that tests can stand in for the authenticator.
var (
	createCredential = func(options []byte) (json.RawMessage, error) { return credential("create", options) }
	getCredential    = func(options []byte) (json.RawMessage, error) { return credential("get", options) }
)

// webAuthnState says whether this page can use security keys and passkeys,
// and if not, why: a page that is not secure (plain http away from
// localhost) has no WebAuthn, an old browser none either, and a page opened
// at an IP address has no relying party (browsers refuse an address as
// one). None of it changes while the page runs: it is read once.
var webAuthnState = sync.OnceValues(func() (bool, words.Message) {
	w := js.Global()
	switch {
	case !w.Get("isSecureContext").Truthy():
		return false, words.WebAuthnInsecure
	case w.Get("PublicKeyCredential").IsUndefined():
		return false, words.WebAuthnUnsupported
	case shared.IsAddressHost(w.Get("location").Get("hostname").String()):
		return false, words.WebAuthnAtAddress
	}
	return true, words.Message{}
})

func credential(call string, options []byte) (json.RawMessage, error) {
	var opts map[string]any
	if err := json.Unmarshal(options, &opts); err != nil {
		return nil, err
	}
	pk, _ := opts["publicKey"].(map[string]any)
	if pk == nil {
		return nil, errors.New("webauthn: no publicKey in the options")
	}
	jsPK := js.ValueOf(pk)
	jsPK.Set("challenge", buffer(pk["challenge"]))
	if user, ok := pk["user"].(map[string]any); ok {
		jsPK.Get("user").Set("id", buffer(user["id"]))
	}
	for _, list := range []string{"excludeCredentials", "allowCredentials"} {
		creds, _ := pk[list].([]any)
		for i, c := range creds {
			if m, ok := c.(map[string]any); ok {
				jsPK.Get(list).Index(i).Set("id", buffer(m["id"]))
			}
		}
	}
	cred, err := await(js.Global().Get("navigator").Get("credentials").Call(call, map[string]any{"publicKey": jsPK}))
	if err != nil {
		return nil, err
	}
	if cred.IsNull() {
		return nil, errors.New("webauthn: no credential")
	}
	res := cred.Get("response")
	out := map[string]any{"response": map[string]any{}}
	r := out["response"].(map[string]any)
	id := bytesOf(cred.Get("rawId"))
	out["id"], out["rawId"], out["type"] = id, id, cred.Get("type").String()
	if a := cred.Get("authenticatorAttachment"); a.Type() == js.TypeString {
		out["authenticatorAttachment"] = a.String()
	}
	for _, f := range []string{"clientDataJSON", "attestationObject", "authenticatorData", "signature", "userHandle"} {
		if v := res.Get(f); v.Truthy() {
			r[f] = bytesOf(v)
		}
	}
	if res.Get("getTransports").Type() == js.TypeFunction {
		var ts []string
		list := res.Call("getTransports")
		for i := range list.Length() {
			ts = append(ts, list.Index(i).String())
		}
		r["transports"] = ts
	}
	ext := js.Global().Get("JSON").Call("stringify", cred.Call("getClientExtensionResults")).String()
	out["clientExtensionResults"] = json.RawMessage(ext)
	return json.Marshal(out)
}

// buffer is a base64url string as a Uint8Array.
func buffer(v any) js.Value {
	s, _ := v.(string)
	b, _ := b64url.DecodeString(s)
	u := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(u, b)
	return u
}

// bytesOf is an ArrayBuffer as base64url.
func bytesOf(buf js.Value) string {
	u := js.Global().Get("Uint8Array").New(buf)
	b := make([]byte, u.Length())
	js.CopyBytesToGo(b, u)
	return b64url.EncodeToString(b)
}
