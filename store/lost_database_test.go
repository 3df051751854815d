package store_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"easel/app"
	"easel/store"
)

// TestLostDatabaseBesideImages: an easel.db that is missing or empty in a
// folder that holds images is refused in words; it is not made anew (which
// would open setup to anyone and sweep away every recent import), and every
// image file is still there.
func TestLostDatabaseBesideImages(t *testing.T) {
	healthy := populated(t)
	files := countFiles(t, healthy)
	for _, c := range []struct {
		name, state string
		lose        func(path string) error
	}{
		{"missing", "is missing", os.Remove},
		{"empty", "is empty", func(path string) error { return os.Truncate(path, 0) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := copyDir(t, healthy)
			path := filepath.Join(dir, store.FileName)
			if err := c.lose(path); err != nil {
				t.Fatal(err)
			}
			journal := fileSum(t, filepath.Join(dir, "files.journal"))
			_, err := store.Open(dir)
			wantWords(t, err, app.EDAMAGED, path, c.state, "image files", "backup")
			if n := countFiles(t, dir); n != files {
				t.Fatalf("%d image files after the refusal, want all %d", n, files)
			}
			if fileSum(t, filepath.Join(dir, "files.journal")) != journal {
				t.Fatal("the refusal changed the journal")
			}
			info, err := os.Stat(path)
			switch {
			case c.name == "missing" && !errors.Is(err, os.ErrNotExist):
				t.Fatalf("the refusal made an easel.db (%v)", err)
			case c.name == "empty" && (err != nil || info.Size() != 0):
				t.Fatalf("the refusal wrote to the empty easel.db (%v)", err)
			}
		})
	}
}

// TestLostDatabaseBesideJournal: a journal of imports alone is enough to
// refuse: the files it names may be anywhere in the folder.
func TestLostDatabaseBesideJournal(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "files.journal"), []byte("someone/00000000-0000-0000-0000-000000000001.png\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := store.Open(dir)
	wantWords(t, err, app.EDAMAGED, "is missing", "journal")
}

// TestFirstStart: a folder with no database and no images, new or with
// empty image folders left from before, opens as a first start.
func TestFirstStart(t *testing.T) {
	dir := t.TempDir()
	for _, sub := range []string{"images/someone", "thumbnails/someone"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{dir, filepath.Join(t.TempDir(), "new")} {
		db, err := store.Open(d)
		if err != nil {
			t.Fatalf("first start in %s: %v", d, err)
		}
		db.Close()
	}
}
