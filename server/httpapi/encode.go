package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/warden-auth/warden/shared"
)

// maxBody is the largest request body the API reads.
const maxBody = 64 << 10

// validator is a request type that checks its own fields (shared/).
type validator interface{ Valid() *shared.Error }

// decode reads exactly one JSON object of type T from the body and validates
// it. Every way a body can be wrong is a 4xx with a message a person can act
// on: not JSON, too large, unknown fields, trailing data, invalid fields.
func decode[T validator](w http.ResponseWriter, r *http.Request) (T, error) {
	var v T
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return v, shared.Errorf(shared.EUnsupportedMedia, "Send the request body as application/json.")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return v, decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if tooLarge(err) {
			return v, decodeError(err)
		}
		return v, shared.Errorf(shared.EInvalid, "The request body must be a single JSON object.")
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
	var typeErr *json.UnmarshalTypeError
	switch {
	case tooLarge(err):
		return shared.Errorf(shared.ETooLarge, "The request body is larger than %d KiB.", maxBody>>10)
	case errors.Is(err, io.EOF):
		return shared.Errorf(shared.EInvalid, "The request body is empty; send a JSON object.")
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return &shared.Error{Code: shared.EInvalid, Message: "Please correct the highlighted fields.",
			Fields: map[string]string{typeErr.Field: fmt.Sprintf("Expected %s.", typeErr.Type)}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &shared.Error{Code: shared.EInvalid, Message: fmt.Sprintf("Unknown field %q.", field),
			Fields: map[string]string{field: "This field is not accepted."}}
	}
	return shared.Errorf(shared.EInvalid, "The request body is not valid JSON.")
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
