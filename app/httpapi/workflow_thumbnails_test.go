package httpapi_test

import (
	"bytes"
	"image"
	"image/color"
	_ "image/jpeg"
	"image/png"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
)

// widePNG is a real PNG of w×h pixels.
func widePNG(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 90, 255})
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}

// A workflow's thumbnail over HTTP, as InvokeAI's routes: PUT a multipart
// "file" (answers the workflow), GET the image (with the cookie, for
// <img src>), DELETE it (answers the workflow). Setting and removing are
// its owner's, an editor's or an admin's; a viewer may only look.
func TestWorkflowThumbnailRoutes(t *testing.T) {
	c := newServer(t)
	admin := c.setupAndLogin()
	tokens := map[string]string{"admin": admin}
	ids := map[string]string{}
	for _, who := range []string{"ann", "editor", "viewer", "stranger"} {
		u := c.want(201, "POST", "/api/v1/auth/users", admin, `{"email":"`+who+`@t.co","password":"password-123"}`)
		ids[who], tokens[who] = u["user_id"].(string), c.loginAs(who+"@t.co", "password-123")
	}
	ann := tokens["ann"]
	id := c.want(200, "POST", "/api/v1/workflows/", ann, `{"workflow": `+workflowJSON("Lake", "water")+`}`)["workflow_id"].(string)
	for _, who := range []string{"editor", "viewer"} {
		c.want(200, "POST", "/api/v1/workflows/i/"+id+"/shares", ann, `{"user_id":"`+ids[who]+`","role":"`+who+`"}`)
	}
	path := "/api/v1/workflows/i/" + id + "/thumbnail"

	status, wf := c.sendFile("PUT", path, ann, "wide.png", widePNG(1000, 400))
	url, _ := wf["thumbnail_url"].(string)
	if status != 200 || wf["workflow_id"] != id || !strings.HasPrefix(url, path+"?v=") {
		t.Fatalf("PUT = %d %v", status, wf)
	}
	get := func(token, url string) (int, image.Point) {
		t.Helper()
		status, body := (&httpDriver{c: c}).get(t, token, url)
		if status != 200 {
			return status, image.Point{}
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("the thumbnail served is no image: %v", err)
		}
		return status, image.Pt(cfg.Width, cfg.Height)
	}
	if status, size := get(tokens["viewer"], url); status != 200 || size != image.Pt(256, 102) {
		t.Fatalf("GET by the viewer = %d %v, want 256×102", status, size)
	}
	page := c.want(200, "GET", "/api/v1/workflows/?scope=mine", ann, "")
	if item := page["items"].([]any)[0].(map[string]any); item["thumbnail_url"] != url {
		t.Fatalf("the list item's thumbnail_url = %v, want %s", item["thumbnail_url"], url)
	}

	// <img src>: the cookie the browser got at sign-in is enough.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	resp, err := browser.Post(c.url+"/api/v1/auth/login", "application/json", strings.NewReader(`{"email":"viewer@t.co","password":"password-123"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp, err = browser.Get(c.url + url); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "image/") {
		t.Fatalf("GET with the cookie = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	for who, want := range map[string]int{"viewer": 403, "stranger": 404, "": 401} {
		if status, out := c.sendFile("PUT", path, tokens[who], "small.png", widePNG(20, 20)); status != want {
			t.Errorf("PUT by %q = %d %v, want %d", who, status, out, want)
		}
		if status, out, _ := c.do("DELETE", path, tokens[who], ""); status != want {
			t.Errorf("DELETE by %q = %d %v, want %d", who, status, out, want)
		}
	}
	if status, _ := get(tokens["stranger"], path); status != 404 {
		t.Errorf("GET by a stranger = %d, want 404", status)
	}
	if status, _ := get("", path); status != 401 {
		t.Errorf("GET signed out = %d, want 401", status)
	}

	status, out := c.sendFile("PUT", path, ann, "bad.png", []byte("not an image"))
	if status != 400 {
		t.Fatalf("PUT of a file that is no image = %d %v", status, out)
	}
	if status, out, _ := c.send("PUT", path, ann, `{"file": "x"}`, "Content-Type: application/json"); status != 415 {
		t.Fatalf("PUT of JSON = %d %s", status, out)
	}
	if status, size := get(ann, path); status != 200 || size != image.Pt(256, 102) {
		t.Fatalf("after refused uploads = %d %v, want the thumbnail as it was", status, size)
	}

	status, wf = c.sendFile("PUT", path, tokens["editor"], "tall.png", widePNG(30, 60))
	if status != 200 || wf["thumbnail_url"] == url {
		t.Fatalf("the editor's PUT = %d %v", status, wf)
	}
	if status, size := get(ann, wf["thumbnail_url"].(string)); status != 200 || size != image.Pt(30, 60) {
		t.Fatalf("replaced = %d %v", status, size)
	}
	if wf := c.want(200, "DELETE", path, tokens["admin"], ""); wf["thumbnail_url"] != nil || wf["workflow_id"] != id {
		t.Fatalf("DELETE = %v", wf)
	}
	if status, _ := get(ann, path); status != 404 {
		t.Fatalf("GET after DELETE = %d", status)
	}
}
