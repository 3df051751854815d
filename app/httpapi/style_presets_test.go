package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"

	"easel/app"
	"easel/app/accesstest"
)

// presetForm sends InvokeAI's form: the field data and, when given, an
// image part of its own type. It returns the status and the answer.
func (c *apiClient) presetForm(method, path, token, data string, image []byte, imageType string) (int, any) {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if data != "" {
		mw.WriteField("data", data)
	}
	if image != nil {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="image"; filename="x.png"`)
		h.Set("Content-Type", imageType)
		fw, _ := mw.CreatePart(h)
		fw.Write(image)
	}
	mw.Close()
	req, _ := http.NewRequest(method, c.url+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func presetData(name string, public bool) string {
	return fmt.Sprintf(`{"name": %q, "positive_prompt": "{prompt}, ink", "negative_prompt": "blur", "type": "user", "is_public": %t}`, name, public)
}

// presetHTTPDriver runs the library matrix on style presets over HTTP.
type presetHTTPDriver struct {
	c     *apiClient
	token map[accesstest.Role]string
	ids   map[accesstest.Role]string
}

func (d *presetHTTPDriver) New(t *testing.T, role accesstest.Role) string {
	owner := d.token[accesstest.Owner]
	status, out := d.c.presetForm("POST", "/api/v1/style_presets/", owner, presetData("For "+string(role), role == accesstest.Shared), accesstest.PNG(1), "image/png")
	if status != 200 {
		t.Fatalf("create = %d %v", status, out)
	}
	id := out.(map[string]any)["id"].(string)
	if role != accesstest.Shared {
		for _, named := range []accesstest.Role{accesstest.Editor, accesstest.Viewer} {
			d.c.want(200, "POST", "/api/v1/style_presets/i/"+id+"/shares", owner, `{"user_id":"`+d.ids[named]+`","role":"`+string(named)+`"}`)
		}
	}
	return id
}

func (d *presetHTTPDriver) Do(t *testing.T, role accesstest.Role, action accesstest.Action, id string) string {
	tok := d.token[role]
	path := "/api/v1/style_presets/i/" + id
	var status int
	switch action {
	case accesstest.LibSee:
		status, _, _ = d.c.do("GET", path, tok, "")
	case accesstest.LibList:
		var body []byte
		if status, body = d.get(t, tok, "/api/v1/style_presets/"); status == 200 && !bytes.Contains(body, []byte(id)) {
			return app.ENOTFOUND
		}
	case accesstest.LibCopy:
		status, _, _ = d.c.do("POST", path+"/copy", tok, "")
	case accesstest.LibOpen:
		status, _ = d.get(t, tok, path+"/image")
	case accesstest.LibChange:
		status, _ = d.c.presetForm("PATCH", path, tok, `{"name": "Changed", "positive_prompt": "p", "negative_prompt": "n", "keep_image": true}`, nil, "")
	case accesstest.LibSetPublic:
		status, _ = d.c.presetForm("PATCH", path, tok, presetData("Published", true), nil, "")
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

// get reads a file route as the board matrix's driver does.
func (d *presetHTTPDriver) get(t *testing.T, token, path string) (int, []byte) {
	return (&httpDriver{c: d.c}).get(t, token, path)
}

func TestStylePresetAccessMatrixOverHTTP(t *testing.T) {
	c := newServer(t)
	token, ids := libraryHTTPCallers(t, c)
	accesstest.RunLibrary(t, &presetHTTPDriver{c: c, token: token, ids: ids})
}

// The style preset routes as InvokeAI's test_style_presets.py calls them,
// with Easel's departures: 404 for what one may not see; export and import
// for everyone (one's own presets; an admin's export: everyone's); a
// non-image is 400, read from its bytes.
func TestStylePresetRoutes(t *testing.T) {
	c := newServer(t)
	admin := c.setupAndLogin()
	c.want(201, "POST", "/api/v1/auth/users", admin, `{"email":"user1@t.co","password":"password-123"}`)
	c.want(201, "POST", "/api/v1/auth/users", admin, `{"email":"user2@t.co","password":"password-123"}`)
	user1, user2 := c.loginAs("user1@t.co", "password-123"), c.loginAs("user2@t.co", "password-123")
	d := &presetHTTPDriver{c: c}

	for _, route := range []string{"GET /api/v1/style_presets/i/p-1", "DELETE /api/v1/style_presets/i/p-1", "GET /api/v1/style_presets/", "GET /api/v1/style_presets/i/p-1/image", "GET /api/v1/style_presets/export"} {
		method, path, _ := strings.Cut(route, " ")
		if status, _, _ := c.do(method, path, "", ""); status != 401 {
			t.Errorf("%s without a session = %d, want 401", route, status)
		}
	}
	for _, path := range []string{"/api/v1/style_presets/", "/api/v1/style_presets/import"} {
		if status, _ := c.presetForm("POST", path, "", presetData("X", false), nil, ""); status != 401 {
			t.Errorf("POST %s without a session = %d", path, status)
		}
	}
	if status, _ := c.presetForm("PATCH", "/api/v1/style_presets/i/p-1", "", presetData("X", false), nil, ""); status != 401 {
		t.Errorf("PATCH without a session = %d", status)
	}

	// Malformed data is 400, and nothing is kept, image or record.
	for _, data := range []string{"not-valid-json", `{"name": 7}`, `["x"]`, ""} {
		if status, out := c.presetForm("POST", "/api/v1/style_presets/", user1, data, accesstest.PNG(1), "image/png"); status != 400 {
			t.Errorf("create with data %q = %d %v", data, status, out)
		}
	}
	if status, body := d.get(t, user1, "/api/v1/style_presets/"); status != 200 || strings.Contains(string(body), `"type":"user"`) {
		t.Fatalf("refused creates kept something: %s", body)
	}
	status, out := c.presetForm("POST", "/api/v1/style_presets/", user1, presetData("Mine", false), accesstest.PNG(2), "image/png")
	mine, _ := out.(map[string]any)
	if status != 200 || mine["is_public"] != false || mine["type"] != "user" || mine["image"] == nil {
		t.Fatalf("create = %d %v", status, out)
	}
	id := mine["id"].(string)
	if status, out := c.presetForm("PATCH", "/api/v1/style_presets/i/"+id, user1, "not-valid-json", accesstest.PNG(3), "image/png"); status != 400 {
		t.Fatalf("update with bad data and an image = %d %v", status, out)
	}
	if status, _ := d.get(t, user1, "/api/v1/style_presets/i/"+id+"/image"); status != 200 {
		t.Fatal("a refused update took the image")
	}
	if status, out := c.presetForm("PATCH", "/api/v1/style_presets/i/"+id, user1, presetData("Mine", false), []byte("not an image"), "text/plain"); status != 400 {
		t.Fatalf("update with a text file = %d %v", status, out)
	}
	if status, out := c.presetForm("PATCH", "/api/v1/style_presets/i/"+id, user2, presetData("hijack", false), nil, ""); status != 404 {
		t.Fatalf("another user's update = %d %v", status, out)
	}
	if status, body := d.get(t, user2, "/api/v1/style_presets/i/"+id+"/image"); status != 404 {
		t.Fatalf("another user's preview = %d %s", status, body)
	}
	status, out = c.presetForm("PATCH", "/api/v1/style_presets/i/"+id, user1, presetData("will-be-public", true), nil, "")
	if status != 200 || out.(map[string]any)["is_public"] != true || out.(map[string]any)["image"] != nil {
		t.Fatalf("flip to public (no image: InvokeAI's update removes it) = %d %v", status, out)
	}
	if _, body := d.get(t, user2, "/api/v1/style_presets/"); !strings.Contains(string(body), "will-be-public") {
		t.Fatalf("user2 does not see the public preset: %s", body)
	}
	if status, _ := c.presetForm("POST", "/api/v1/style_presets/", user1, `{"name": "Sneaky", "positive_prompt": "p", "negative_prompt": "n", "type": "default"}`, nil, ""); status != 403 {
		t.Fatalf("a user's default preset = %d", status)
	}

	// Import: multipart "file", CSV or JSON by its type; else 415.
	importFile := func(token, name, ctype, data string) (int, any) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="file"; filename="`+name+`"`)
		h.Set("Content-Type", ctype)
		fw, _ := mw.CreatePart(h)
		fw.Write([]byte(data))
		mw.Close()
		req, _ := http.NewRequest("POST", c.url+"/api/v1/style_presets/import", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out any
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	if status, out := importFile(user2, "x.csv", "text/csv", "name,prompt,negative_prompt\nA,\"{prompt}, a\",n\nB,b,n\n"); status != 200 || len(out.([]any)) != 2 {
		t.Fatalf("CSV import = %d %v", status, out)
	}
	if status, out := importFile(user2, "x.json", "application/json", `[{"name": "J", "positive_prompt": "j", "negative_prompt": ""}]`); status != 200 || len(out.([]any)) != 1 {
		t.Fatalf("JSON import = %d %v", status, out)
	}
	if status, out := importFile(user2, "x.png", "image/png", "name,prompt\n"); status != 415 {
		t.Fatalf("a PNG as presets = %d %v", status, out)
	}
	if status, out := importFile(user2, "x.csv", "text/csv", "name,prompt,negative_prompt\n ,p,n\n"); status != 400 || !strings.Contains(fmt.Sprint(out), "Row 2: A style preset needs a name") {
		t.Fatalf("a blank name = %d %v", status, out)
	}
	status, body := d.get(t, user2, "/api/v1/style_presets/export")
	if status != 200 || !strings.HasPrefix(string(body), "name,prompt,negative_prompt\nA,") || strings.Contains(string(body), "will-be-public") {
		t.Fatalf("user2's export = %d %s", status, body)
	}
	if _, body := d.get(t, admin, "/api/v1/style_presets/export"); !strings.Contains(string(body), "will-be-public") || !strings.Contains(string(body), "\nJ,") {
		t.Fatalf("the admin's export lacks everyone's: %s", body)
	}
	c.want(201, "POST", "/api/v1/style_presets/i/"+id+"/copy", user2, "")
	c.want(200, "DELETE", "/api/v1/style_presets/i/"+id, admin, "")
}

// The expand route answers what a prompt becomes with a preset, by app's
// one rule: to whoever may see the preset; a stranger gets 404; an empty
// prompt leaves no dangling ", ".
func TestStylePresetExpandRoute(t *testing.T) {
	c := newServer(t)
	admin := c.setupAndLogin()
	c.want(201, "POST", "/api/v1/auth/users", admin, `{"email":"ann@t.co","password":"password-123"}`)
	c.want(201, "POST", "/api/v1/auth/users", admin, `{"email":"bob@t.co","password":"password-123"}`)
	ann, bob := c.loginAs("ann@t.co", "password-123"), c.loginAs("bob@t.co", "password-123")
	status, out := c.presetForm("POST", "/api/v1/style_presets/", ann, `{"name": "Ink", "positive_prompt": "{prompt}, ink on paper", "negative_prompt": "colour"}`, nil, "")
	if status != 200 {
		t.Fatalf("create = %d %v", status, out)
	}
	path := "/api/v1/style_presets/i/" + out.(map[string]any)["id"].(string) + "/expand"

	got := c.want(200, "POST", path, ann, `{"prompt": "a heron", "negative_prompt": "blurry"}`)
	if got["positive_prompt"] != "a heron, ink on paper" || got["negative_prompt"] != "blurry, colour" || len(got) != 2 {
		t.Fatalf("expand = %v", got)
	}
	got = c.want(200, "POST", path, ann, `{"prompt": ""}`)
	if got["positive_prompt"] != "ink on paper" || got["negative_prompt"] != "colour" {
		t.Fatalf("expand of an empty prompt = %v", got)
	}
	c.want(404, "POST", path, bob, `{"prompt": "a heron"}`)
	c.want(404, "POST", "/api/v1/style_presets/i/no-such/expand", ann, `{"prompt": "a heron"}`)
	c.want(400, "POST", path, ann, `{"prompt": 7}`)
	if status, _, _ := c.do("POST", path, "", `{"prompt": "a heron"}`); status != 401 {
		t.Fatalf("signed out = %d", status)
	}
	if status, _, _ := c.send("POST", path, ann, `prompt=a+heron`, "Content-Type: application/x-www-form-urlencoded"); status != 415 {
		t.Fatalf("a form = %d, want 415", status)
	}
}
