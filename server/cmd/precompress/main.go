// Command precompress writes FILE.br and FILE.gz beside each FILE given, at
// the highest compression levels, so the server can send app.wasm
// pre-compressed instead of compressing it on every request.
package main

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"

	"github.com/andybalholm/brotli"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: precompress FILE...")
		os.Exit(2)
	}
	for _, name := range os.Args[1:] {
		if err := compress(name); err != nil {
			fmt.Fprintln(os.Stderr, "precompress:", err)
			os.Exit(1)
		}
	}
}

func compress(name string) error {
	raw, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	writers := map[string]func(io.Writer) io.WriteCloser{
		".br": func(w io.Writer) io.WriteCloser { return brotli.NewWriterLevel(w, brotli.BestCompression) },
		".gz": func(w io.Writer) io.WriteCloser { z, _ := gzip.NewWriterLevel(w, gzip.BestCompression); return z },
	}
	for ext, newWriter := range writers {
		if err := writeCompressed(name+ext, raw, newWriter); err != nil {
			return err
		}
	}
	return nil
}

// writeCompressed writes to a temporary file and renames it, so a server
// reading the file never sees half of it.
func writeCompressed(name string, raw []byte, newWriter func(io.Writer) io.WriteCloser) error {
	tmp, err := os.CreateTemp(".", ".precompress-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o644); err != nil {
		return err
	}
	zw := newWriter(tmp)
	if _, err := zw.Write(raw); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}
