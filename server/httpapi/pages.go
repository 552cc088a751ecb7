package httpapi

import (
	"bytes"
	"net/http"
	"path"
	"strconv"
	"strings"

	webapp "github.com/warden-auth/warden/app"
	"github.com/warden-auth/warden/server/httpapi/reader"
	"github.com/warden-auth/warden/shared/words"
)

// safePages serves pages, and refuses a prerendered one in which a value
// escaped webapp's attr (app/prerender.go). go-app writes an attribute's
// `"` as `\"`, the one way a value can end its attribute and become markup,
// and nothing else in a page it renders has those two bytes (its text holds
// `"` as &#34;, attr as &#34; too). A page that has them holds a value
// someone forgot to pass through attr: it is not served, and the log says
// which. The tests request every page with such values (prerender_test.go).
func (s *Server) safePages(pages http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pw := &pageWriter{ResponseWriter: w}
		lang := words.In(r.Context())
		if path.Ext(r.URL.Path) == "" { // a page, not a file: prerendered in the reader's language
			webapp.PrerenderIn(lang, func() { pages.ServeHTTP(pw, r) })
		} else {
			pages.ServeHTTP(pw, r)
		}
		if !pw.held {
			return
		}
		pw.sayLanguage(lang)
		if bytes.Contains(pw.page.Bytes(), []byte(`\"`)) {
			s.log.Error("a prerendered page holds a value that escaped its attribute; not served", "path", r.URL.Path)
			for _, h := range []string{"Content-Length", "ETag", "Cache-Control"} {
				w.Header().Del(h)
			}
			http.Error(w, "Internal Server Error", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(pw.status)
		w.Write(pw.page.Bytes())
	})
}

// sayLanguage says in l what go-app wrote in English for every request
// (reader.Page), and makes Content-Length the page's length after.
func (w *pageWriter) sayLanguage(l *words.Language) {
	page := reader.Page(w.page.Bytes(), l)
	w.page.Reset()
	w.page.Write(page)
	if w.Header().Get("Content-Length") != "" {
		w.Header().Set("Content-Length", strconv.Itoa(len(page)))
	}
	// The page differs by the language chosen: no cache may give it to
	// a reader of another.
	w.Header().Add("Vary", "Cookie, Accept-Language")
}

// pageWriter holds back an HTML answer until it is whole; other answers
// (scripts, the manifest, app.wasm) go through as they are written.
type pageWriter struct {
	http.ResponseWriter
	wrote, held bool
	status      int
	page        bytes.Buffer
}

func (w *pageWriter) WriteHeader(status int) {
	if w.wrote {
		return
	}
	w.wrote = true
	if strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
		w.held, w.status = true, status
		return
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *pageWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if w.held {
		return w.page.Write(b)
	}
	return w.ResponseWriter.Write(b)
}
