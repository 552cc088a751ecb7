// Package body reads a request's JSON body strictly and writes JSON answers:
// one home for how every API route parses and answers.
package body

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// maxBody is the largest request body the API reads.
const maxBody = 64 << 10

// Validator is a request type that checks its own fields (shared/).
type Validator interface{ Valid() *shared.Error }

// Decode reads exactly one JSON object of type T from the body and validates
// it. Every way a body can be wrong is a 4xx with a message a person can act
// on: not JSON, too large, unknown fields, trailing data, invalid fields.
//
// The parser is JSON v2's (RFC 8259 strictly): a member name given twice, a
// name in another case than the field's ("USERNAME") and invalid UTF-8 are
// refused, where encoding/json takes the last duplicate and folds case. A
// proxy or WAF in front reads such a body one way, this server another; a
// body with one meaning has no such gap.
func Decode[T Validator](w http.ResponseWriter, r *http.Request) (T, error) {
	var v T
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return v, shared.Fail(shared.EUnsupportedMedia, words.BodyNotJSON)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		if tooLarge(err) {
			return v, shared.Fail(shared.ETooLarge, words.BodyTooLarge(maxBody>>10))
		}
		return v, shared.Fail(shared.EInvalid, words.BodyUnreadable)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return v, shared.Fail(shared.EInvalid, words.BodyEmpty)
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
		return shared.Fail(shared.EInvalid, words.FieldTwice(name)).WithField(name, words.GiveFieldOnce)
	case errors.As(err, &sem) && errors.Is(sem.Err, jsonv2.ErrUnknownName):
		name := field(sem.JSONPointer)
		return shared.Fail(shared.EInvalid, words.UnknownField(name)).WithField(name, words.FieldNotAccepted)
	case errors.As(err, &sem) && sem.JSONPointer != "" && sem.GoType != nil:
		return shared.Fail(shared.EInvalid, words.CorrectTheFields).WithField(field(sem.JSONPointer), expected(sem.GoType))
	case errors.As(err, &sem) && sem.JSONKind != 0 && sem.JSONKind != '{':
		return shared.Fail(shared.EInvalid, words.BodyOneObject)
	}
	return shared.Fail(shared.EInvalid, words.BodyInvalidJSON)
}

// expected says what a field takes in the words of JSON, not of Go.
func expected(t reflect.Type) words.Message {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Bool:
		return words.ExpectedTrueOrFalse
	case reflect.String:
		return words.ExpectedString
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return words.ExpectedNumber
	case reflect.Slice, reflect.Array:
		return words.ExpectedList
	}
	return words.ExpectedObject
}

// WriteJSON writes v as the JSON answer. API answers are never cached: they
// carry personal data.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if v != nil {
		json.NewEncoder(w).Encode(v)
	}
}
