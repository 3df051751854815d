package desktop_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"easel/app"
	"easel/app/desktop"
)

// libraryWindow is a window signed in as its first administrator, and
// its bound Workflows.
func libraryWindow(t *testing.T) (*window, *desktop.Workflows) {
	t.Helper()
	w := newWindow(t)
	if _, err := w.auth.Setup(app.NewUser{Email: "admin@test.com", DisplayName: "Ada", Password: "TestPass123"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.auth.Login(app.Credentials{Email: "admin@test.com", Password: "TestPass123"}); err != nil {
		t.Fatal(err)
	}
	var wf *desktop.Workflows
	for _, b := range w.Bindings() {
		if x, ok := b.(*desktop.Workflows); ok {
			wf = x
		}
	}
	return w, wf
}

// TestWorkflowFilesInTheWindow: a workflow file picked in the window's
// dialog is kept as the signed-in profile's, and exported to the path the
// save dialog names, as a file that imports again; a file that is not a
// workflow is refused with words, and nothing is kept.
func TestWorkflowFilesInTheWindow(t *testing.T) {
	w, wf := libraryWindow(t)
	dir := t.TempDir()
	w.pickWorkflow = filepath.Join(dir, "lake.json")
	doc := `{"name": "Lake", "graph": {"nodes": {"art": {"id": "art", "type": "prompt_art"}, "save": {"id": "save", "type": "save_image"}},
	  "edges": [{"source": {"node_id": "art", "field": "image"}, "destination": {"node_id": "save", "field": "image"}}]}, "fields": []}`
	if err := os.WriteFile(w.pickWorkflow, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	made, err := wf.Import()
	if err != nil || made.Name != "Lake" || made.MyRole != "owner" {
		t.Fatalf("import: %+v, %v", made, err)
	}
	w.saveTo = map[string]string{"*.json": filepath.Join(dir, "exported.json")}
	path, err := wf.Export(made.WorkflowID)
	if err != nil || path != w.saveTo["*.json"] {
		t.Fatalf("export: %q, %v", path, err)
	}
	var file map[string]any
	if raw, err := os.ReadFile(path); err != nil || json.Unmarshal(raw, &file) != nil || file["name"] != "Lake" || file["format"] != "easel-workflow" {
		t.Fatalf("the exported file: %v %v", file, err)
	}
	w.pickWorkflow = path
	if again, err := wf.Import(); err != nil || again.WorkflowID == made.WorkflowID {
		t.Fatalf("importing the export: %+v, %v", again, err)
	}
	if err := os.WriteFile(w.pickWorkflow, []byte("a shopping list"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := wf.Import(); err == nil || !strings.Contains(err.Error(), `"status":400`) || !strings.Contains(err.Error(), "not valid JSON") {
		t.Fatalf("importing a text file: %v, want words saying it is not a workflow", err)
	}
	w.pickWorkflow = "" // the person cancels
	if out, err := wf.Import(); out != nil || err != nil {
		t.Fatalf("a cancelled import: %+v, %v", out, err)
	}
	mine, err := wf.List(app.WorkflowFilter{Scope: app.WorkflowScopeMine})
	if err != nil || mine.Total != 2 {
		t.Fatalf("the profile's workflows: %+v, %v", mine, err)
	}
}

// TestWorkflowThumbnailInTheWindow: SetThumbnail takes the first image
// the window's dialog picked (none: a cancel, nothing changes); Thumbnail
// gives it as a data: URL, and the window's asset handler serves the
// record's thumbnail_url to its session, at most 256 pixels a side, and to
// nobody once it signs out; DeleteThumbnail removes it.
func TestWorkflowThumbnailInTheWindow(t *testing.T) {
	w, wf := libraryWindow(t)
	made, err := wf.Create(json.RawMessage(`{"name": "Lake", "graph": {"nodes": {"art": {"id": "art", "type": "prompt_art"}, "save": {"id": "save", "type": "save_image"}},
	  "edges": [{"source": {"node_id": "art", "field": "image"}, "destination": {"node_id": "save", "field": "image"}}]}, "fields": []}`))
	if err != nil {
		t.Fatal(err)
	}
	id := made.WorkflowID
	if got, err := wf.SetThumbnail(id); err != nil || got != nil {
		t.Fatalf("a cancelled dialog: %+v, %v", got, err)
	}
	dir := t.TempDir()
	pic, notPic := filepath.Join(dir, "wide.png"), filepath.Join(dir, "notes.png")
	img := image.NewRGBA(image.Rect(0, 0, 600, 300))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	os.WriteFile(pic, buf.Bytes(), 0o600)
	os.WriteFile(notPic, []byte("just words"), 0o600)

	w.pickImages = []string{notPic, pic}
	if _, err := wf.SetThumbnail(id); err == nil || !strings.Contains(err.Error(), `"status":400`) || !strings.Contains(err.Error(), "notes.png") {
		t.Fatalf("a file that is no image: %v", err)
	}
	w.pickImages = []string{pic, notPic}
	got, err := wf.SetThumbnail(id)
	if err != nil || got.ThumbnailURL == nil {
		t.Fatalf("set: %+v, %v", got, err)
	}
	if url, err := wf.Thumbnail(id); err != nil || !strings.HasPrefix(url, "data:image/") {
		t.Fatalf("thumbnail: %.40s, %v", url, err)
	}

	rec := httptest.NewRecorder()
	w.ServeHTTP(rec, httptest.NewRequest("GET", *got.ThumbnailURL, nil))
	cfg, _, err := image.DecodeConfig(rec.Body)
	if rec.Code != 200 || err != nil || cfg.Width != 256 || cfg.Height != 128 || rec.Header().Get("Cache-Control") != "private, no-store" {
		t.Fatalf("the asset handler: %d %v %dx%d %q", rec.Code, err, cfg.Width, cfg.Height, rec.Header().Get("Cache-Control"))
	}
	for _, path := range []string{"/api/v1/workflows/i/" + id + "/file", "/api/v1/workflows/i/" + id} {
		rec := httptest.NewRecorder()
		w.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != 404 {
			t.Errorf("the asset handler serves %s: %d", path, rec.Code)
		}
	}

	if got, err := wf.DeleteThumbnail(id); err != nil || got.ThumbnailURL != nil {
		t.Fatalf("delete: %+v, %v", got, err)
	}
	if _, err := wf.Thumbnail(id); err == nil || !strings.Contains(err.Error(), `"status":404`) {
		t.Fatalf("a removed thumbnail: %v", err)
	}
	if _, err := wf.SetThumbnail(id); err != nil {
		t.Fatal(err)
	}
	if err := w.auth.Logout(); err != nil {
		t.Fatal(err)
	}
	rec = httptest.NewRecorder()
	w.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/workflows/i/"+id+"/thumbnail", nil))
	if rec.Code != 401 {
		t.Fatalf("signed out, the asset handler answers %d", rec.Code)
	}
}
