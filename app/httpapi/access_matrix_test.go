package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"easel/app"
	"easel/app/accesstest"
)

// httpDriver runs the access matrix through easel serve's routes.
type httpDriver struct {
	c     *apiClient
	token map[accesstest.Role]string
	ids   map[accesstest.Role]string
	seed  int
}

func newHTTPDriver(t *testing.T) *httpDriver {
	c := newServer(t)
	admin := c.setupAndLogin()
	d := &httpDriver{c: c, token: map[accesstest.Role]string{accesstest.Admin: admin, accesstest.LoggedOut: ""}, ids: map[accesstest.Role]string{}}
	for _, role := range []accesstest.Role{accesstest.Owner, accesstest.Editor, accesstest.Viewer, accesstest.Stranger, accesstest.Disabled} {
		email := strings.ReplaceAll(string(role), " ", "") + "@t.co"
		u := c.want(201, "POST", "/api/v1/auth/users", admin, `{"email":"`+email+`","password":"password-123"}`)
		d.ids[role] = u["user_id"].(string)
		d.token[role] = c.loginAs(email, "password-123")
	}
	d.token[accesstest.Shared], d.token[accesstest.Public] = d.token[accesstest.Stranger], d.token[accesstest.Stranger]
	c.want(200, "PATCH", "/api/v1/auth/users/"+d.ids[accesstest.Disabled], admin, `{"is_active":false}`)
	return d
}

// upload sends an image as multipart form data and returns status and body.
func (c *apiClient) upload(token, boardID, fileName string, data []byte) (int, map[string]any) {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", fileName)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", c.url+"/api/v1/images/upload?board_id="+boardID, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func (d *httpDriver) importAs(t *testing.T, role accesstest.Role, boardID string) string {
	d.seed++
	status, out := d.c.upload(d.token[role], boardID, "picture.png", accesstest.PNG(d.seed))
	if status != 201 {
		t.Fatalf("upload as %s = %d %v", role, status, out)
	}
	return out["image_name"].(string)
}

func (d *httpDriver) NewBoard(t *testing.T, role accesstest.Role, ownImage bool) accesstest.Board {
	owner := d.token[accesstest.Owner]
	b := d.c.want(201, "POST", "/api/v1/boards/?board_name=Board+for+"+strings.ReplaceAll(string(role), " ", "+"), owner, "")
	id := b["board_id"].(string)
	switch role {
	case accesstest.Shared, accesstest.Public:
		d.c.want(200, "PATCH", "/api/v1/boards/"+id, owner, `{"board_visibility":"`+string(role)+`"}`)
	default:
		for _, named := range []accesstest.Role{accesstest.Editor, accesstest.Viewer} {
			d.c.want(200, "POST", "/api/v1/boards/"+id+"/shares", owner, `{"user_id":"`+d.ids[named]+`","role":"`+string(named)+`"}`)
		}
	}
	out := accesstest.Board{ID: id, TheirImage: d.importAs(t, accesstest.Owner, id)}
	if ownImage {
		out.OwnImage = d.importAs(t, role, id)
	}
	return out
}

// codeOf turns an HTTP status into the error code the services used.
var codeOf = map[int]string{200: "", 201: "", 204: "", 400: app.EINVALID, 401: app.EUNAUTHORIZED, 403: app.EFORBIDDEN, 404: app.ENOTFOUND, 409: app.ECONFLICT}

func (d *httpDriver) Do(t *testing.T, role accesstest.Role, action accesstest.Action, b accesstest.Board) string {
	tok := d.token[role]
	call := func(method, path, body string) (int, map[string]any) {
		status, out, _ := d.c.do(method, path, tok, body)
		return status, out
	}
	// bulk answers 200 with what it skipped; the first skip's code decides.
	bulk := func(path, names string) string {
		status, out := call("POST", path, `{"image_names":["`+names+`"]}`)
		if status != 200 {
			return codeOf[status]
		}
		if skipped, _ := out["skipped"].([]any); len(skipped) > 0 {
			return skipped[0].(map[string]any)["code"].(string)
		}
		return ""
	}
	var status int
	var out map[string]any
	switch action {
	case accesstest.See:
		status, _ = call("GET", "/api/v1/boards/"+b.ID, "")
	case accesstest.List:
		status, out = call("GET", "/api/v1/boards/?all=true", "")
		if status == 200 && !strings.Contains(fmt.Sprint(out["list"]), b.ID) {
			return app.ENOTFOUND
		}
	case accesstest.ListImages:
		status, out = call("GET", "/api/v1/images/?board_id="+b.ID, "")
		if status == 200 && out["total"].(float64) < 1 {
			t.Fatal("the board's images were listed as none")
		}
	case accesstest.Open:
		status, _ = d.get(t, tok, "/api/v1/images/i/"+b.TheirImage+"/full")
	case accesstest.Add:
		d.seed++
		status, _ = d.c.upload(tok, b.ID, "mine.png", accesstest.PNG(d.seed))
	case accesstest.TakeOffTheirs:
		return bulk("/api/v1/board_images/batch/delete", b.TheirImage)
	case accesstest.TakeOffOwn:
		return bulk("/api/v1/board_images/batch/delete", b.OwnImage)
	case accesstest.DeleteTheirs:
		status, _ = call("DELETE", "/api/v1/images/i/"+b.TheirImage, "")
	case accesstest.DeleteOwn:
		return bulk("/api/v1/images/delete", b.OwnImage)
	case accesstest.Star:
		status, _ = call("PATCH", "/api/v1/images/i/"+b.TheirImage, `{"starred":true}`)
	case accesstest.Rename:
		status, _ = call("PATCH", "/api/v1/boards/"+b.ID, `{"board_name":"Renamed"}`)
	case accesstest.Archive:
		status, _ = call("PATCH", "/api/v1/boards/"+b.ID, `{"archived":true}`)
	case accesstest.SetVisibility:
		status, _ = call("PATCH", "/api/v1/boards/"+b.ID, `{"board_visibility":"public"}`)
	case accesstest.Share:
		status, _ = call("POST", "/api/v1/boards/"+b.ID+"/shares", `{"user_id":"`+d.ids[accesstest.Disabled]+`","role":"viewer"}`)
	case accesstest.ListShares:
		status, _ = call("GET", "/api/v1/boards/"+b.ID+"/shares", "")
	case accesstest.DeleteBoard:
		status, _ = call("DELETE", "/api/v1/boards/"+b.ID+"?include_images=true", "")
	case accesstest.Download:
		var body []byte
		if status, body = d.get(t, tok, "/api/v1/boards/"+b.ID+"/download"); status == 200 && !bytes.HasPrefix(body, []byte("PK")) {
			t.Fatal("the download is not a zip")
		}
	default:
		t.Fatalf("no driver for %q", action)
	}
	code, known := codeOf[status]
	if !known {
		t.Fatalf("%s: unexpected status %d", action, status)
	}
	return code
}

func (d *httpDriver) get(t *testing.T, token, path string) (int, []byte) {
	req, _ := http.NewRequest("GET", d.c.url+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

func TestAccessMatrixOverHTTP(t *testing.T) {
	accesstest.Run(t, newHTTPDriver(t))
}
