package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"easel/app"
	"easel/app/accesstest"
)

// workflowJSON is a small real workflow document in Easel's format.
func workflowJSON(name, tags string) string {
	return fmt.Sprintf(`{"name": %q, "tags": %q, "description": "A lake.",
	  "graph": {"nodes": {"art": {"id": "art", "type": "prompt_art", "prompt": "a lake"}, "save": {"id": "save", "type": "save_image"}},
	            "edges": [{"source": {"node_id": "art", "field": "image"}, "destination": {"node_id": "save", "field": "image"}}]},
	  "fields": [{"label": "Prompt", "node_id": "art", "field": "prompt"}]}`, name, tags)
}

// libraryHTTPDriver runs the library matrix on workflows over HTTP.
type libraryHTTPDriver struct {
	c     *apiClient
	token map[accesstest.Role]string
	ids   map[accesstest.Role]string
}

// libraryHTTPCallers signs in a profile for each role of the library matrix.
func libraryHTTPCallers(t *testing.T, c *apiClient) (map[accesstest.Role]string, map[accesstest.Role]string) {
	admin := c.setupAndLogin()
	token := map[accesstest.Role]string{accesstest.Admin: admin, accesstest.LoggedOut: ""}
	ids := map[accesstest.Role]string{}
	for _, role := range []accesstest.Role{accesstest.Owner, accesstest.Editor, accesstest.Viewer, accesstest.Stranger, accesstest.Disabled, accesstest.Deleted} {
		email := strings.ReplaceAll(string(role), " ", "") + "@t.co"
		u := c.want(201, "POST", "/api/v1/auth/users", admin, `{"email":"`+email+`","password":"password-123"}`)
		ids[role] = u["user_id"].(string)
		token[role] = c.loginAs(email, "password-123")
	}
	token[accesstest.Shared] = token[accesstest.Stranger]
	c.want(200, "PATCH", "/api/v1/auth/users/"+ids[accesstest.Disabled], admin, `{"is_active":false}`)
	c.want(204, "DELETE", "/api/v1/auth/users/"+ids[accesstest.Deleted], admin, "")
	return token, ids
}

func (d *libraryHTTPDriver) New(t *testing.T, role accesstest.Role) string {
	owner := d.token[accesstest.Owner]
	w := d.c.want(200, "POST", "/api/v1/workflows/", owner, `{"workflow": `+workflowJSON("For "+string(role), "matrix")+`}`)
	id := w["workflow_id"].(string)
	if role == accesstest.Shared {
		d.c.want(200, "PATCH", "/api/v1/workflows/i/"+id+"/is_public", owner, `{"is_public": true}`)
		return id
	}
	for _, named := range []accesstest.Role{accesstest.Editor, accesstest.Viewer} {
		d.c.want(200, "POST", "/api/v1/workflows/i/"+id+"/shares", owner, `{"user_id":"`+d.ids[named]+`","role":"`+string(named)+`"}`)
	}
	return id
}

func (d *libraryHTTPDriver) Do(t *testing.T, role accesstest.Role, action accesstest.Action, id string) string {
	tok := d.token[role]
	path := "/api/v1/workflows/i/" + id
	var status int
	var out map[string]any
	switch action {
	case accesstest.LibSee:
		status, _, _ = d.c.do("GET", path, tok, "")
	case accesstest.LibList:
		status, out, _ = d.c.do("GET", "/api/v1/workflows/?scope=all", tok, "")
		if status == 200 && !strings.Contains(fmt.Sprint(out["items"]), id) {
			return app.ENOTFOUND
		}
	case accesstest.LibCopy:
		status, _, _ = d.c.do("POST", path+"/copy", tok, "")
	case accesstest.LibOpen:
		status, _, _ = d.c.do("PUT", path+"/opened_at", tok, "")
	case accesstest.LibChange:
		status, _, _ = d.c.do("PATCH", path, tok, `{"workflow": `+workflowJSON("Changed", "")+`}`)
	case accesstest.LibSetPublic:
		status, _, _ = d.c.do("PATCH", path+"/is_public", tok, `{"is_public": true}`)
	case accesstest.LibShare:
		status, _, _ = d.c.do("POST", path+"/shares", tok, `{"user_id":"`+d.ids[accesstest.Stranger]+`","role":"viewer"}`)
	case accesstest.LibListShares:
		status, _, _ = d.c.do("GET", path+"/shares", tok, "")
	case accesstest.LibDelete:
		status, _, _ = d.c.do("DELETE", path, tok, "")
	default:
		t.Fatalf("no driver for %q", action)
	}
	code, known := codeOf[status]
	if !known {
		t.Fatalf("%s: unexpected status %d", action, status)
	}
	return code
}

func TestWorkflowAccessMatrixOverHTTP(t *testing.T) {
	c := newServer(t)
	token, ids := libraryHTTPCallers(t, c)
	accesstest.RunLibrary(t, &libraryHTTPDriver{c: c, token: token, ids: ids})
}

// postFile sends data as the multipart field "file" of a POST.
func (c *apiClient) postFile(path, token, fileName string, data []byte) (int, map[string]any) {
	c.t.Helper()
	return c.sendFile("POST", path, token, fileName, data)
}

// sendFile sends data as the multipart field "file".
func (c *apiClient) sendFile(method, path, token, fileName string, data []byte) (int, map[string]any) {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", fileName)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest(method, c.url+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// The workflow routes as InvokeAI's clients call them, and Easel's files.
func TestWorkflowRoutes(t *testing.T) {
	c := newServer(t)
	admin := c.setupAndLogin()
	c.want(201, "POST", "/api/v1/auth/users", admin, `{"email":"ann@t.co","password":"password-123"}`)
	ann := c.loginAs("ann@t.co", "password-123")

	for _, route := range []string{"GET /api/v1/workflows/", "POST /api/v1/workflows/"} {
		method, path, _ := strings.Cut(route, " ")
		if status, _, _ := c.do(method, path, "", `{}`); status != 401 {
			t.Errorf("%s without a session = %d, want 401", route, status)
		}
	}
	made := c.want(200, "POST", "/api/v1/workflows/", ann, `{"workflow": `+workflowJSON("Lake", "water, calm")+`}`)
	id := made["workflow_id"].(string)
	if made["is_public"] != false || made["user_id"] == nil || made["workflow"].(map[string]any)["id"] != id {
		t.Fatalf("created: %v", made)
	}
	page := c.want(200, "GET", "/api/v1/workflows/?categories=user&page=0&per_page=10&order_by=name&direction=ASC", ann, "")
	if page["total"].(float64) != 1 || page["pages"].(float64) != 1 || page["per_page"].(float64) != 10 || page["page"].(float64) != 0 {
		t.Fatalf("the page: %v", page)
	}
	item := page["items"].([]any)[0].(map[string]any)
	if item["workflow_id"] != id || item["category"] != "user" || item["tags"] != "water, calm" || item["description"] != "A lake." {
		t.Fatalf("a list item: %v", item)
	}
	builtins := c.want(200, "GET", "/api/v1/workflows/?categories=default", ann, "")
	if builtins["total"].(float64) < 4 {
		t.Fatalf("the built-in workflows: %v", builtins)
	}
	c.want(200, "PATCH", "/api/v1/workflows/i/"+id, ann, `{"workflow": `+workflowJSON("Lake at dusk", "water")+`}`)
	c.want(200, "PATCH", "/api/v1/workflows/i/"+id+"/is_public", ann, `{"is_public": true}`)
	opened := c.want(200, "PUT", "/api/v1/workflows/i/"+id+"/opened_at", ann, "")
	if opened["opened_at"] == nil || opened["name"] != "Lake at dusk" || opened["is_public"] != true {
		t.Fatalf("after the changes: %v", opened)
	}
	if _, out, _ := c.do("GET", "/api/v1/workflows/tags?categories=user", ann, ""); fmt.Sprint(out["list"]) != "[water]" {
		t.Fatalf("tags: %v", out)
	}
	if out := c.want(200, "GET", "/api/v1/workflows/counts_by_tag?tags=water&tags=fire", ann, ""); out["water"].(float64) != 1 || out["fire"].(float64) != 0 {
		t.Fatalf("counts by tag: %v", out)
	}
	if out := c.want(200, "GET", "/api/v1/workflows/counts_by_category?categories=user&categories=default", ann, ""); out["user"].(float64) != 1 || out["default"].(float64) < 4 {
		t.Fatalf("counts by category: %v", out)
	}
	for _, bad := range []string{"?order_by=size", "?direction=UP", "?is_public=maybe", "?page=-1", "?categories=mine"} {
		if status, out, _ := c.do("GET", "/api/v1/workflows/"+bad, ann, ""); status != 400 {
			t.Errorf("GET /api/v1/workflows/%s = %d %v, want 400", bad, status, out)
		}
	}
	for _, bad := range []string{`{}`, `{"workflow": null}`, `{"workflow": "x"}`, `{"workflow": {"name": ""}}`, `[1]`} {
		if status, out, _ := c.do("POST", "/api/v1/workflows/", ann, bad); status != 400 {
			t.Errorf("POST %s = %d %v, want 400", bad, status, out)
		}
	}

	// The file goes out and comes back as a new workflow, equal but its own.
	status, file := (&httpDriver{c: c}).get(t, ann, "/api/v1/workflows/i/"+id+"/file")
	if status != 200 || !bytes.Contains(file, []byte(`"format": "easel-workflow"`)) {
		t.Fatalf("export = %d %s", status, file)
	}
	status, back := c.postFile("/api/v1/workflows/import", ann, "lake.json", file)
	if status != 201 || back["workflow_id"] == id || back["name"] != "Lake at dusk" || back["is_public"] != false {
		t.Fatalf("import of the export = %d %v", status, back)
	}
	// An InvokeAI workflow of model nodes Easel lacks is refused, naming them.
	invoke := `{"name": "SDXL", "nodes": [{"id": "a", "type": "invocation", "data": {"id": "a", "type": "main_model_loader", "inputs": {}}},
	  {"id": "b", "type": "invocation", "data": {"id": "b", "type": "denoise_latents", "inputs": {}}}], "edges": [], "exposedFields": [], "meta": {"category": "user", "version": "3.0.0"}}`
	if status, out := c.postFile("/api/v1/workflows/import", ann, "sdxl.json", []byte(invoke)); status != 400 ||
		!strings.Contains(fmt.Sprint(out["detail"]), "denoise_latents") || !strings.Contains(fmt.Sprint(out["detail"]), "main_model_loader") {
		t.Fatalf("an InvokeAI file of unknown nodes = %d %v", status, out)
	}
	if status, out := c.postFile("/api/v1/workflows/import", ann, "big.json", bytes.Repeat([]byte(" "), 6<<20)); status != 400 {
		t.Fatalf("a 6 MB file = %d %v", status, out)
	}
	if mine := c.want(200, "GET", "/api/v1/workflows/?scope=mine", ann, ""); mine["total"].(float64) != 2 {
		t.Fatalf("after the refused imports, ann has %v", mine["total"])
	}
	if status, out, _ := c.do("DELETE", "/api/v1/workflows/i/"+id, ann, ""); status != 200 || out != nil {
		t.Fatalf("delete = %d %v, want 200 null", status, out)
	}
	if status, _, _ := c.do("GET", "/api/v1/workflows/i/"+id, ann, ""); status != 404 {
		t.Fatalf("a deleted workflow = %d", status)
	}
}
