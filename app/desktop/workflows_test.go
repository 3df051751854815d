package desktop_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"easel/app"
	"easel/app/desktop"
)

// TestWorkflowFilesInTheWindow: a workflow file picked in the window's
// dialog is kept as the signed-in profile's, and exported to the path the
// save dialog names, as a file that imports again; a file that is not a
// workflow is refused with words, and nothing is kept.
func TestWorkflowFilesInTheWindow(t *testing.T) {
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
	w.saveWorkflow = filepath.Join(dir, "out", "..", "exported.json")
	path, err := wf.Export(made.WorkflowID)
	if err != nil || path != w.saveWorkflow {
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
