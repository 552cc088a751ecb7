// Package pwa serves the PWA: go-app's handler with every page prerendered,
// the files under web/ (app.wasm pre-compressed, with brotli or gzip, to
// the browsers that take it), and the app's not-found page with the status
// 404. The API's server (package httpapi) serves it behind its middleware.
package pwa

import (
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

// New configures go-app's handler h to serve the PWA from root (the
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
func New(h *app.Handler, root, version string, notFound func(path string) bool) (http.Handler, error) {
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
