package store_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/warden-auth/warden/server/store"
)

// The SQLite file holds password hashes and sealed secrets: the data
// directory is created 0700 and the database and its write-ahead log 0600,
// whatever the umask, and a file left readable by others is tightened.
func TestOpen_SQLiteFilesAreTheServersAlone(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	ctx := context.Background()
	s, err := store.Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	seed(t, s, "alice") // a write, so the -wal file exists
	mode := func(p string) fs.FileMode {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Mode().Perm()
	}
	if m := mode(dir); m != 0o700 {
		t.Errorf("DATA_DIR is %v", m)
	}
	for _, f := range []string{"warden.db", "warden.db-wal"} {
		if m := mode(filepath.Join(dir, f)); m != 0o600 {
			t.Errorf("%s is %v", f, m)
		}
	}
	s.Close()

	os.Chmod(filepath.Join(dir, "warden.db"), 0o644)
	s, err = store.Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if m := mode(filepath.Join(dir, "warden.db")); m != 0o600 {
		t.Errorf("a world-readable database file was left %v", m)
	}
}
