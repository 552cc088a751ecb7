package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// NewPages configures go-app's handler h to serve the PWA from root (the
// folder that holds web/) and returns it. Every page route registered with
// go-app is prerendered on the server, so a plain GET returns real HTML.
//
// version is the build's identity (set at build time, see the Makefile); it
// names the service worker's cache, so a new build replaces the old shell.
// When empty, it is derived from the content of web/app.wasm.
//
// notFound reports the paths that are no page: go-app renders the app's
// not-found page for them (a route that takes every path), and this handler
// sends it with the status 404.
func NewPages(h *app.Handler, root, version string, notFound func(path string) bool) (http.Handler, error) {
	files := staticFiles{dir: filepath.Join(root, "web")}
	wasm, err := os.Stat(filepath.Join(files.dir, "app.wasm"))
	if err != nil {
		return nil, errors.New("web/app.wasm is missing: build it with `make build`")
	}
	if version == "" {
		if version, err = fileVersion(filepath.Join(files.dir, "app.wasm")); err != nil {
			return nil, err
		}
	}
	h.Version = version
	h.Resources = files
	// The progress bar counts decompressed bytes, so it needs the raw size.
	h.WasmContentLength = strconv.FormatInt(wasm.Size(), 10)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if notFound(r.URL.Path) {
			w = &notFoundWriter{ResponseWriter: w}
		}
		h.ServeHTTP(w, r)
	}), nil
}

// notFoundWriter turns a page (an HTML answer) into a 404; go-app's own
// files (app.js, the manifest, the worker) keep their status.
type notFoundWriter struct {
	http.ResponseWriter
	wrote bool
}

func (w *notFoundWriter) WriteHeader(status int) {
	if !w.wrote && status == http.StatusOK && strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
		status = http.StatusNotFound
	}
	w.wrote = true
	w.ResponseWriter.WriteHeader(status)
}

func (w *notFoundWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func fileVersion(name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sum := sha256.New()
	if _, err := io.Copy(sum, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(sum.Sum(nil))[:16], nil
}

// staticFiles is go-app's resource resolver for the files under web/. Unlike
// app.LocalDir it lists no directories and serves app.wasm pre-compressed
// (brotli or gzip, made by `make build`) to browsers that accept it.
type staticFiles struct{ dir string }

// Resolve keeps /web/ paths as they are: the files are served by this
// server at the same URLs.
func (f staticFiles) Resolve(location string) string {
	if location == "" {
		return "/"
	}
	return location
}

func (f staticFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := path.Clean(r.URL.Path)
	rel, ok := strings.CutPrefix(name, "/web/")
	if !ok || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		http.NotFound(w, r)
		return
	}
	file := filepath.Join(f.dir, filepath.FromSlash(rel))
	encoding := ""
	if rel == "app.wasm" {
		w.Header().Set("Content-Type", "application/wasm")
		w.Header().Add("Vary", "Accept-Encoding")
		for _, enc := range []struct{ name, ext string }{{"br", ".br"}, {"gzip", ".gz"}} {
			if acceptsEncoding(r, enc.name) {
				if _, err := os.Stat(file + enc.ext); err == nil {
					file, encoding = file+enc.ext, enc.name
					break
				}
			}
		}
	}
	fh, err := os.Open(file)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil || st.IsDir() {
		http.NotFound(w, r)
		return
	}
	if encoding != "" {
		w.Header().Set("Content-Encoding", encoding)
	}
	http.ServeContent(w, r, st.Name(), st.ModTime(), fh)
}

// acceptsEncoding reports whether the request's Accept-Encoding lists enc
// without q=0.
func acceptsEncoding(r *http.Request, enc string) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), enc) {
			continue
		}
		q := strings.ReplaceAll(params, " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

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
		pages.ServeHTTP(pw, r)
		if !pw.held {
			return
		}
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
