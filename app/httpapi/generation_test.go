package httpapi_test

import (
	"fmt"
	"strings"
	"testing"

	"easel/app"
	"easel/app/accesstest"
	"easel/internal/studiotest"
)

// modelHTTPDriver runs the model matrix over HTTP.
type modelHTTPDriver struct {
	c     *apiClient
	token map[accesstest.Role]string
	ids   map[accesstest.Role]string
	n     int
}

func (d *modelHTTPDriver) NewModel(t *testing.T, role accesstest.Role) string {
	d.n++
	id := fmt.Sprintf("studio/model-%d", d.n)
	d.c.backends.(*accesstest.Backends).Offer(id)
	access := fmt.Sprintf(`{"model": %q, "user_ids": [%q]}`, id, d.ids[accesstest.Owner]) // somebody else's
	switch role {
	case accesstest.Viewer:
		access = fmt.Sprintf(`{"model": %q, "user_ids": [%q]}`, id, d.ids[accesstest.Viewer])
	case accesstest.Public:
		access = fmt.Sprintf(`{"model": %q, "everyone": true}`, id)
	}
	d.c.want(200, "PUT", "/api/v1/generation/models/access", d.token[accesstest.Admin], access)
	return id
}

func (d *modelHTTPDriver) Do(t *testing.T, role accesstest.Role, action accesstest.Action, model string) string {
	tok := d.token[role]
	var status int
	var out map[string]any
	switch action {
	case accesstest.ModelList:
		status, out, _ = d.c.do("GET", "/api/v1/generation/models", tok, "")
		if status == 200 && !strings.Contains(fmt.Sprint(out["list"]), model) {
			return app.ENOTFOUND
		}
	case accesstest.ModelQueue:
		status, _, _ = d.c.do("POST", "/api/v1/queue/default/enqueue_batch", tok, `{"batch": {"graph": `+txt2imgGraphJSON(model)+`}}`)
	case accesstest.ModelRun:
		return "-" // the worker asks as the owner; the store's matrix runs it
	case accesstest.BackendsSee:
		status, _, _ = d.c.do("GET", "/api/v1/generation/backends", tok, "")
	case accesstest.BackendsSet:
		status, _, _ = d.c.do("PUT", "/api/v1/generation/backends", tok, `[{"name": "studio", "kind": "a1111", "url": "http://127.0.0.1:7860"}]`)
	case accesstest.BackendTest:
		status, _, _ = d.c.do("POST", "/api/v1/generation/backends/studio/test", tok, "")
	case accesstest.ModelGrantsSee:
		status, _, _ = d.c.do("GET", "/api/v1/generation/models/access", tok, "")
	case accesstest.ModelGrantSet:
		status, _, _ = d.c.do("PUT", "/api/v1/generation/models/access", tok, fmt.Sprintf(`{"model": %q, "everyone": true}`, model))
	default:
		t.Fatalf("no driver for %q", action)
	}
	code, known := codeOf[status]
	if !known {
		t.Fatalf("%s: unexpected status %d", action, status)
	}
	return code
}

func txt2imgGraphJSON(model string) string {
	return fmt.Sprintf(`{"nodes": {
		"g": {"id": "g", "type": "txt2img", "prompt": "a kite", "model": %q, "width": 64, "height": 64},
		"s": {"id": "s", "type": "save_image"}},
		"edges": [{"source": {"node_id": "g", "field": "image"}, "destination": {"node_id": "s", "field": "image"}}]}`, model)
}

func newModelServer(t *testing.T) *apiClient {
	return newServerOn(t, studiotest.New(t, studiotest.Backends(&accesstest.Backends{})), nil)
}

func TestModelAccessMatrixOverHTTP(t *testing.T) {
	c := newModelServer(t)
	token, ids := libraryHTTPCallers(t, c)
	token[accesstest.Public] = token[accesstest.Stranger]
	accesstest.RunModels(t, &modelHTTPDriver{c: c, token: token, ids: ids})
}

// The refusal of a model names it, in a 400 a script can read.
func TestEnqueueWithAForbiddenModelIs400NamingIt(t *testing.T) {
	c := newModelServer(t)
	token, ids := libraryHTTPCallers(t, c)
	d := &modelHTTPDriver{c: c, token: token, ids: ids}
	model := d.NewModel(t, accesstest.Stranger)
	status, out, _ := c.do("POST", "/api/v1/queue/default/enqueue_batch", token[accesstest.Stranger], `{"batch": {"graph": `+txt2imgGraphJSON(model)+`}}`)
	if status != 400 || !strings.Contains(fmt.Sprint(out["detail"]), model) {
		t.Fatalf("enqueue = %d %v", status, out)
	}
	// Bad bodies are clear too.
	for _, body := range []string{`{"model": 5}`, `{"model": ""}`, `not json`} {
		if status, _, _ := c.do("PUT", "/api/v1/generation/models/access", token[accesstest.Admin], body); status != 400 {
			t.Errorf("PUT access %s = %d, want 400", body, status)
		}
	}
	if status, _, _ := c.do("PUT", "/api/v1/generation/backends", token[accesstest.Admin], `{"name": "x"}`); status != 400 {
		t.Errorf("PUT backends with an object = %d, want 400", status)
	}
}
