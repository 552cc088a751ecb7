package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/warden-auth/warden/shared"
)

// maxBody is the largest request body the API reads.
const maxBody = 64 << 10

// validator is a request type that checks its own fields (shared/).
type validator interface{ Valid() *shared.Error }

// decode reads exactly one JSON object of type T from the body and validates
// it. Every way a body can be wrong is a 4xx with a message a person can act
// on: not JSON, too large, unknown fields, trailing data, invalid fields.
//
// The parser is JSON v2's (RFC 8259 strictly): a member name given twice, a
// name in another case than the field's ("USERNAME") and invalid UTF-8 are
// refused, where encoding/json takes the last duplicate and folds case. A
// proxy or WAF in front reads such a body one way, this server another; a
// body with one meaning has no such gap.
func decode[T validator](w http.ResponseWriter, r *http.Request) (T, error) {
	var v T
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return v, shared.Errorf(shared.EUnsupportedMedia, "Send the request body as application/json.")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		if tooLarge(err) {
			return v, shared.Errorf(shared.ETooLarge, "The request body is larger than %d KiB.", maxBody>>10)
		}
		return v, shared.Errorf(shared.EInvalid, "The request body could not be read.")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return v, shared.Errorf(shared.EInvalid, "The request body is empty; send a JSON object.")
	}
	if err := jsonv2.Unmarshal(body, &v, jsonv2.RejectUnknownMembers(true)); err != nil {
		return v, decodeError(err)
	}
	if e := v.Valid(); e != nil {
		return v, e
	}
	return v, nil
}

func tooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

func decodeError(err error) *shared.Error {
	var syn *jsontext.SyntacticError
	var sem *jsonv2.SemanticError
	field := func(p jsontext.Pointer) string { return p.LastToken() }
	switch {
	case errors.As(err, &syn) && errors.Is(syn.Err, jsontext.ErrDuplicateName):
		name := field(syn.JSONPointer)
		return &shared.Error{Code: shared.EInvalid, Message: fmt.Sprintf("The field %q appears twice.", name),
			Fields: map[string]string{name: "Give this field once."}}
	case errors.As(err, &sem) && errors.Is(sem.Err, jsonv2.ErrUnknownName):
		name := field(sem.JSONPointer)
		return &shared.Error{Code: shared.EInvalid, Message: fmt.Sprintf("Unknown field %q.", name),
			Fields: map[string]string{name: "This field is not accepted."}}
	case errors.As(err, &sem) && sem.JSONPointer != "" && sem.GoType != nil:
		return &shared.Error{Code: shared.EInvalid, Message: "Please correct the highlighted fields.",
			Fields: map[string]string{field(sem.JSONPointer): fmt.Sprintf("Expected %s.", jsonKind(sem.GoType))}}
	case errors.As(err, &sem) && sem.JSONKind != 0 && sem.JSONKind != '{':
		return shared.Errorf(shared.EInvalid, "The request body must be a single JSON object.")
	}
	return shared.Errorf(shared.EInvalid, "The request body is not valid JSON.")
}

// jsonKind names what a field takes in the words of JSON, not of Go.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	}
	return "an object"
}

// writeJSON writes v as the JSON answer. API answers are never cached: they
// carry personal data.
func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if v != nil {
		json.NewEncoder(w).Encode(v)
	}
}
