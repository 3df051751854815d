package diskblobs_test

import (
	"bytes"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"easel/store/blob"
	"easel/store/blobstest"
	"easel/store/diskblobs"
)

// TestDisk runs the conformance suite against the disk.
func TestDisk(t *testing.T) {
	blobstest.Run(t, blobstest.Impl{
		Place:     func(t *testing.T) string { return t.TempDir() },
		Open:      func(dir string) (blob.Store, error) { return diskblobs.Open(dir, quiet) },
		Leftovers: temporaries,
	})
}

var quiet = slog.New(slog.DiscardHandler)

// temporaries lists the files of writes under way or cut short.
func temporaries(t *testing.T, dir string) []string {
	t.Helper()
	var found []string
	for _, kind := range blob.Kinds() {
		m, err := filepath.Glob(filepath.Join(dir, string(kind), "*", ".incoming-*"))
		if err != nil {
			t.Fatal(err)
		}
		found = append(found, m...)
	}
	return found
}

// TestLayout: files lie where existing data folders keep them and README
// says, private to their owner, beside a journal of one line an intent.
func TestLayout(t *testing.T) {
	dir := t.TempDir()
	d, err := diskblobs.Open(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ref := blob.Ref{Owner: "ann", Name: "x.png"}
	if err := d.Intend(ref); err != nil {
		t.Fatal(err)
	}
	for _, kind := range blob.Kinds() {
		if _, err := d.Write(ref.Key(kind), strings.NewReader(string(kind)), 100); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []struct {
		path, content string
		mode          fs.FileMode
	}{
		{"images", "", fs.ModeDir | 0o700},
		{"images/ann", "", fs.ModeDir | 0o700},
		{"images/ann/x.png", "images", 0o600},
		{"thumbnails/ann/x.png", "thumbnails", 0o600},
		{diskblobs.JournalName, "ann/x.png\n", 0o600},
	} {
		path := filepath.Join(dir, want.path)
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode() != want.mode {
			t.Errorf("%s: mode %v, want %v", want.path, info.Mode(), want.mode)
		}
		if !info.IsDir() {
			if b, _ := os.ReadFile(path); string(b) != want.content {
				t.Errorf("%s holds %q, want %q", want.path, b, want.content)
			}
		}
	}
}

// TestSettleSweepsTemporaries: temporary files a crash left in any owner's
// folder, of any kind, are removed and counted, and the count is logged
// on the logger Open was given.
func TestSettleSweepsTemporaries(t *testing.T) {
	dir := t.TempDir()
	var log bytes.Buffer
	d, err := diskblobs.Open(dir, slog.New(slog.NewTextHandler(&log, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, p := range []string{"images/ann/.incoming-1", "images/bob/.incoming-2", "thumbnails/ann/.incoming-3"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte("half"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	keep := blob.Key{Kind: blob.Image, Owner: "ann", Name: "keep.png"}
	if _, err := d.Write(keep, strings.NewReader("kept"), 10); err != nil {
		t.Fatal(err)
	}
	removed, err := d.Settle(nil)
	if err != nil || removed != 3 {
		t.Fatalf("settle: removed %d, %v; want 3", removed, err)
	}
	if left := temporaries(t, dir); len(left) > 0 {
		t.Fatalf("left: %v", left)
	}
	f, err := d.Open(keep)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if b, _ := io.ReadAll(f); string(b) != "kept" {
		t.Fatalf("kept file holds %q", b)
	}
	if !strings.Contains(log.String(), "removed files left by an interrupted import or deletion") || !strings.Contains(log.String(), "files=3") {
		t.Fatalf("log: %q", log.String())
	}
}

// TestDamagedJournal: lines that are not a ref, as a write cut short or a
// failing disk leave them, are skipped, never taken for paths.
func TestDamagedJournal(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(dir, "outside.png")
	if err := os.WriteFile(outside, []byte("not an image file"), 0o600); err != nil {
		t.Fatal(err)
	}
	journal := "ann/a.png\n../outside.png\nann/../../outside.png\n\x00\x00\x00\nno-slash\nbob/b.png\nann/tru"
	if err := os.WriteFile(filepath.Join(dir, diskblobs.JournalName), []byte(journal), 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := diskblobs.Open(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var got []blob.Ref
	if err := d.Pending(func(r blob.Ref) error {
		got = append(got, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := []blob.Ref{{Owner: "ann", Name: "a.png"}, {Owner: "bob", Name: "b.png"}, {Owner: "ann", Name: "tru"}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("pending %v, want %v", got, want)
	}
	if _, err := d.Settle(got); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(outside); err != nil {
		t.Fatalf("a file outside the image folders was touched: %v", err)
	}
}
