package desktop_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"easel/app"
	"easel/app/accesstest"
	"easel/app/desktop"
)

// TestStylePresetsInTheWindow: a preview given by path or as bytes is
// kept and comes back as a data: URL; a file that is not an image is
// refused in words and nothing is kept; the CSV goes out and back in.
func TestStylePresetsInTheWindow(t *testing.T) {
	w := newWindow(t)
	var sp *desktop.StylePresets
	for _, b := range w.Bindings() {
		if x, ok := b.(*desktop.StylePresets); ok {
			sp = x
		}
	}
	if _, err := sp.List(); err == nil || !strings.Contains(err.Error(), `"status":401`) {
		t.Fatalf("signed out: %v", err)
	}
	if _, err := w.auth.Setup(app.NewUser{Email: "admin@test.com", DisplayName: "Ada", Password: "TestPass123"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.auth.Login(app.Credentials{Email: "admin@test.com", Password: "TestPass123"}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pic, notPic := filepath.Join(dir, "pic.png"), filepath.Join(dir, "notes.png")
	os.WriteFile(pic, accesstest.PNG(4), 0o600)
	os.WriteFile(notPic, []byte("just words"), 0o600)
	in := app.StylePresetInput{Name: "Inked", PositivePrompt: "{prompt}, ink", NegativePrompt: "blur"}

	byPath, err := sp.Create(in, desktop.PresetImageSource{Path: pic})
	if err != nil || byPath.Image == nil {
		t.Fatalf("by path: %+v, %v", byPath, err)
	}
	if url, err := sp.Preview(byPath.ID); err != nil || !strings.HasPrefix(url, "data:image/jpeg;base64,") {
		t.Fatalf("preview: %.40s, %v", url, err)
	}
	if got, err := sp.Create(in, desktop.PresetImageSource{Data: accesstest.PNG(5)}); err != nil || got.Image == nil {
		t.Fatalf("by bytes: %+v, %v", got, err)
	}
	before, _ := sp.List()
	for _, src := range []desktop.PresetImageSource{{Path: notPic}, {Path: filepath.Join(dir, "gone.png")}, {Data: []byte("x")}} {
		if _, err := sp.Create(in, src); err == nil || !strings.Contains(err.Error(), `"status":400`) {
			t.Errorf("%+v: %v", src, err)
		}
	}
	if kept, err := sp.Update(byPath.ID, in, desktop.PresetImageSource{Keep: true}); err != nil || kept.Image == nil {
		t.Fatalf("an update keeping the preview: %+v, %v", kept, err)
	}
	if after, _ := sp.List(); len(after) != len(before) {
		t.Fatalf("refused images left presets: %d before, %d after", len(before), len(after))
	}
	if path, err := sp.Export(); err != nil || path != "" {
		t.Fatalf("an export the person cancelled: %q, %v", path, err)
	}
	w.saveTo = map[string]string{"*.csv": filepath.Join(t.TempDir(), "presets.csv")}
	path, err := sp.Export()
	if err != nil || path != w.saveTo["*.csv"] {
		t.Fatalf("export: %q, %v", path, err)
	}
	raw, err := os.ReadFile(path)
	csv := string(raw)
	if err != nil || !strings.Contains(csv, "Inked") {
		t.Fatalf("the exported file: %q, %v", csv, err)
	}
	if got, err := sp.Import("presets.csv", csv); err != nil || len(got) != 2 {
		t.Fatalf("import: %d, %v", len(got), err)
	}
	if _, err := sp.Import("presets.txt", csv); err == nil || !strings.Contains(err.Error(), `"status":415`) {
		t.Fatalf("a .txt file: %v", err)
	}
}
