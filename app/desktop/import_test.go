package desktop_test

import (
	"os"
	"path/filepath"
	"testing"

	"easel/app"
	"easel/app/accesstest"
	"easel/app/desktop"
	"easel/app/imaging"
	"easel/internal/studiotest"
	"easel/store"
)

// TestImportFiles: the window imports files from disk through the store's
// stream, and says for each file it refuses why: too big (from its size,
// before reading it), a folder, gone, or not an image.
func TestImportFiles(t *testing.T) {
	set := studiotest.New(t, studiotest.ImageOptions(store.ImportLimits(imaging.Limits{MaxBytes: 1 << 20})))
	s := desktop.NewSession(windowServices(set))
	b := s.Bindings()
	auth, bound := b[0].(*desktop.Auth), b[3].(*desktop.Images)
	if _, err := auth.Setup(app.NewUser{Email: "admin@test.com", DisplayName: "Ada", Password: "TestPass123"}); err != nil {
		t.Fatal(err)
	}
	if _, err := auth.Login(app.Credentials{Email: "admin@test.com", Password: "TestPass123"}); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	file := func(name string, data []byte, size int64) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if size > 0 {
			if err := os.Truncate(path, size); err != nil {
				t.Fatal(err)
			}
		}
		return path
	}
	folder := filepath.Join(dir, "holiday")
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	paths := []string{
		file("good.png", accesstest.PNG(1), 0),
		file("big.png", accesstest.PNG(2), 3<<19),
		folder,
		filepath.Join(dir, "gone.png"),
		file("notes.png", []byte("not a picture"), 0),
	}
	report, err := bound.ImportFiles("", paths)
	if err != nil {
		t.Fatal(err)
	}
	if len(report.Imported) != 1 || report.Imported[0].OriginalName != "good.png" {
		t.Fatalf("imported %+v", report.Imported)
	}
	want := map[string]string{
		"big.png":   "big.png is 1.5 MB, over the 1 MB limit for imported images. Choose a smaller file, or save it with more compression.",
		"holiday":   "This is a folder; drop or pick the images in it.",
		"gone.png":  "Easel could not open this file.",
		"notes.png": "notes.png is not an image Easel can import (PNG, JPEG or WebP).",
	}
	if len(report.Refused) != len(want) {
		t.Fatalf("refused %+v", report.Refused)
	}
	for _, r := range report.Refused {
		if r.Reason != want[r.Name] {
			t.Errorf("%s refused with %q, want %q", r.Name, r.Reason, want[r.Name])
		}
	}
}
