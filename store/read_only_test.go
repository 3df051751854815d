package store_test

import (
	"bytes"
	"path/filepath"
	"testing"

	"easel/app"
	"easel/app/accesstest"
	"easel/internal/testdisk"
	"easel/store"
)

// TestReadOnlyAtOpen: a data folder on a read-only disk is refused with
// words that name the folder and say what to do, not a raw chmod error;
// so is a folder yet to be made on such a disk. Nothing is written.
func TestReadOnlyAtOpen(t *testing.T) {
	testdisk.NeedMounts(t)
	root := t.TempDir()
	testdisk.MountTmpfs(t, root, "8m")
	dir := filepath.Join(root, "data")
	db, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	before := testdisk.Sum(t, filepath.Join(dir, store.FileName))
	testdisk.Remount(t, root, "ro")

	_, err = store.Open(dir)
	wantWords(t, err, app.EREADONLY, dir, "read-only", "--data")
	_, err = store.Open(filepath.Join(root, "new"))
	wantWords(t, err, app.EREADONLY, filepath.Join(root, "new"), "read-only")

	testdisk.Remount(t, root, "rw")
	if testdisk.Sum(t, filepath.Join(dir, store.FileName)) != before {
		t.Fatal("the refused open changed easel.db")
	}
}

// TestReadOnlyWhileRunning: the image folders turn read-only under a
// running store; an import says so, in words, and works again once they
// are writable. (A file system with files open for writing, such as the
// database, cannot be remounted read-only, so the image folders are the
// part of a data folder that a test can turn read-only under a running
// Easel; the kernel's own EROFS reaches the store just as it would from a
// disk that failed.)
func TestReadOnlyWhileRunning(t *testing.T) {
	testdisk.NeedMounts(t)
	dir := t.TempDir()
	for _, kind := range []string{"images", "thumbnails"} {
		testdisk.MountTmpfs(t, filepath.Join(dir, kind), "4m")
	}
	ts := openTestStoreIn(t, dir)
	admin := ts.setup()
	images := store.NewImageService(ts.DB)
	before, err := images.Import(admin, "", "before.png", bytes.NewReader(accesstest.PNG(1)))
	if err != nil {
		t.Fatal(err)
	}

	for _, kind := range []string{"images", "thumbnails"} {
		testdisk.Remount(t, filepath.Join(dir, kind), "ro")
	}
	_, err = images.Import(admin, "", "while-read-only.png", bytes.NewReader(accesstest.PNG(2)))
	wantWords(t, err, app.EREADONLY, dir, "read-only")
	if got := app.HTTPStatus(app.ErrorCode(err)); got != 507 {
		t.Fatalf("status of a read-only folder = %d, want 507", got)
	}
	// Reads keep working.
	f, _, err := images.OpenImage(admin, before.ImageName, false)
	if err != nil {
		t.Fatalf("open an image on the read-only folder: %v", err)
	}
	f.Close()

	for _, kind := range []string{"images", "thumbnails"} {
		testdisk.Remount(t, filepath.Join(dir, kind), "rw")
	}
	if _, err := images.Import(admin, "", "after.png", bytes.NewReader(accesstest.PNG(3))); err != nil {
		t.Fatalf("import once the folder is writable again: %v", err)
	}
	if n, want := countFiles(t, dir), 2*ts.ImageCount(); n != want {
		t.Fatalf("%d files for %d records", n, want/2)
	}
}
