package desktop_test

import (
	"strings"
	"testing"

	"easel/app"
	"easel/app/desktop"
)

// TestGenerationInTheWindow: an administrator sets up a backend and
// chooses who may use a model through the bound methods, and picks the
// sd-server program and model file in the native dialog; a profile who
// is not an administrator is refused the backends in words, and is
// offered no model nobody chose for them.
func TestGenerationInTheWindow(t *testing.T) {
	w := newWindow(t)
	var gen *desktop.Generation
	for _, b := range w.Bindings() {
		if x, ok := b.(*desktop.Generation); ok {
			gen = x
		}
	}
	if _, err := gen.Backends(); err == nil || !strings.Contains(err.Error(), `"status":401`) {
		t.Fatalf("signed out: %v", err)
	}
	if _, err := gen.ChooseProgram(); err == nil {
		t.Fatal("a signed-out window opened a file dialog")
	}
	if _, err := w.auth.Setup(app.NewUser{Email: "admin@test.com", DisplayName: "Ada", Password: "TestPass123"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.auth.Login(app.Credentials{Email: "admin@test.com", Password: "TestPass123"}); err != nil {
		t.Fatal(err)
	}
	w.pickFile = map[string]string{"*": "/opt/sd/sd-server", "*.safetensors;*.ckpt;*.gguf": "/opt/sd/models/dream.gguf"}
	program, err := gen.ChooseProgram()
	if err != nil || program != "/opt/sd/sd-server" {
		t.Fatalf("ChooseProgram = %q, %v", program, err)
	}
	model, err := gen.ChooseModelFile()
	if err != nil || model != "/opt/sd/models/dream.gguf" {
		t.Fatalf("ChooseModelFile = %q, %v", model, err)
	}
	// Nothing answers on port 9: the backend is kept, and says so.
	sts, err := gen.SetBackends([]app.Backend{{Name: "studio", Kind: app.BackendA1111, URL: "http://127.0.0.1:9"}})
	if err != nil || len(sts) != 1 || sts[0].Name != "studio" {
		t.Fatalf("SetBackends = %+v, %v", sts, err)
	}
	if _, err := gen.SetBackends([]app.Backend{{Name: "far", Kind: app.BackendA1111, URL: "http://10.0.0.9:7860"}}); err == nil ||
		!strings.Contains(err.Error(), "on another computer") {
		t.Fatalf("a remote address without the tick: %v", err)
	}
	if _, err := gen.SetModelAccess(app.ModelAccess{Model: "studio/dream", Everyone: true}); err != nil {
		t.Fatal(err)
	}
	grants, err := gen.ModelGrants()
	if err != nil || len(grants) != 1 || !grants[0].Access.Everyone || grants[0].Offered {
		t.Fatalf("ModelGrants = %+v, %v", grants, err)
	}
	if _, err := w.users.Create(app.NewUser{Email: "ann@test.com", DisplayName: "Ann", Password: "AnnPass1234"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.auth.Login(app.Credentials{Email: "ann@test.com", Password: "AnnPass1234"}); err != nil {
		t.Fatal(err)
	}
	if _, err := gen.Backends(); err == nil || !strings.Contains(err.Error(), `"status":403`) {
		t.Fatalf("Ann sees the backends: %v", err)
	}
	if ms, err := gen.Models(); err != nil || len(ms) != 0 {
		t.Fatalf("Ann's models = %+v, %v (the backend does not answer)", ms, err)
	}
}
