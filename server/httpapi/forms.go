package httpapi

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
)

// Before the app runs, a page is the server's prerendered HTML, and its
// forms post here as a browser posts any form. Each form route runs the API
// route of the same step, so the same origin, stage and validation checks,
// throttles and cookies apply, and turns its JSON answer into a redirect:
// 303 to where the step leads, or back to the form's page with the error's
// code for the page to show. A redirect never carries a password or a code.

// formRoute is a form of a prerendered page.
type formRoute struct {
	path   string   // where the form posts
	api    string   // the API route that takes the step
	page   string   // the form's page: an error sends the browser back there
	fields []string // the form's fields, sent to the API under the same names
	keep   string   // the username, which the page gets back after an error if it could be one
	// codes: the step answers with fresh recovery codes, which go to the
	// page (connectShowsCodes), and the browser back to that page.
	codes bool
	to    string // where a success leads when the answer names no next step
}

// formPost serves f with api, the handler of f.api.
func (s *Server) formPost(f formRoute, api http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		form, ok := readForm(w, r, f.fields)
		if !ok {
			s.redirectWithError(w, r, f, shared.EInvalid, 0, form)
			return
		}
		var user *domain.User
		if f.codes { // whose codes: the session is replaced by the step
			if sess, _, err := s.auth.Sessions.Authenticate(r.Context(), s.sessionToken(r)); err == nil {
				user = sess.User
			}
		}
		body, _ := json.Marshal(form)
		req := r.Clone(r.Context())
		req.Body, req.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
		req.Header.Set("Content-Type", "application/json")
		rec := &answerRecorder{header: http.Header{}}
		api.ServeHTTP(rec, req)
		for _, c := range rec.header.Values("Set-Cookie") {
			w.Header().Add("Set-Cookie", c)
		}
		if to := s.formLeadsTo(w, r, f, rec, user); to != "" {
			redirect(w, r, to)
			return
		}
		var e shared.Error
		if json.Unmarshal(rec.body.Bytes(), &e) != nil || e.Code == "" {
			e.Code = shared.EInternal
		}
		s.redirectWithError(w, r, f, e.Code, e.RetryAfter, form)
	})
}

// formLeadsTo is the page a form's answer leads to when it succeeded: the
// form's own destination, the page of fresh recovery codes, or the next
// step the answer names ("": it did not succeed).
func (s *Server) formLeadsTo(w http.ResponseWriter, r *http.Request, f formRoute, rec *answerRecorder, user *domain.User) string {
	ok := rec.status == http.StatusOK
	switch {
	case f.to != "" && (ok || rec.status == http.StatusNoContent):
		return f.to
	case ok && f.codes && s.connectShowsCodes(w, r, user, rec.body.Bytes()):
		return f.page
	case ok:
		var res shared.LoginResponse
		if json.Unmarshal(rec.body.Bytes(), &res) == nil {
			return nextPages[res.Next]
		}
	}
	return ""
}

// readForm reads exactly the fields of a urlencoded body, each at most once;
// anything else (another encoding, an unknown or repeated field, a body
// too large) is not ok.
func readForm(w http.ResponseWriter, r *http.Request, fields []string) (map[string]string, bool) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		return nil, false
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 16<<10))
	if err != nil {
		return nil, false
	}
	values, err := url.ParseQuery(string(raw))
	if err != nil {
		return nil, false
	}
	form := map[string]string{}
	for k, v := range values {
		if len(v) != 1 || !slices.Contains(fields, k) {
			return form, false
		}
		form[k] = v[0]
	}
	return form, true
}

// redirectWithError sends the browser back to the form's page with the
// error's code, and the field the page may show again.
func (s *Server) redirectWithError(w http.ResponseWriter, r *http.Request, f formRoute, code string, retryAfter int, form map[string]string) {
	u, _ := url.Parse(f.page)
	q := u.Query()
	q.Set("error", code)
	if retryAfter > 0 {
		q.Set("retry", strconv.Itoa(retryAfter))
	}
	if v := form[f.keep]; f.keep != "" && shared.LoginUsernameValid(v) {
		q.Set(f.keep, v)
	}
	u.RawQuery = q.Encode()
	redirect(w, r, u.String())
}

func redirect(w http.ResponseWriter, r *http.Request, to string) {
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// answerRecorder keeps an API answer for formPost to translate.
type answerRecorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (a *answerRecorder) Header() http.Header { return a.header }
func (a *answerRecorder) WriteHeader(status int) {
	if a.status == 0 {
		a.status = status
	}
}
func (a *answerRecorder) Write(b []byte) (int, error) {
	if a.status == 0 {
		a.status = http.StatusOK
	}
	return a.body.Write(b)
}
