package httpapi_test

import (
	"archive/zip"
	"bytes"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"

	"easel/app/accesstest"
)

// TestSeedBoards runs the seed's curl steps 3 and 4 as written.
func TestSeedBoards(t *testing.T) {
	c := newServer(t)
	token := c.setupAndLogin()
	b := c.want(201, "POST", "/api/v1/boards/?board_name=My+Board", token, "")
	if b["board_name"] != "My Board" || b["board_visibility"] != "private" || b["image_count"] != float64(0) || b["cover_image_name"] != nil {
		t.Fatalf("created = %v", b)
	}
	list := c.want(200, "GET", "/api/v1/boards/?all=true", token, "")["list"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["board_id"] != b["board_id"] {
		t.Fatalf("list = %v", list)
	}
	page := c.want(200, "GET", "/api/v1/boards/?offset=0&limit=10", token, "")
	if page["total"] != float64(1) || page["limit"] != float64(10) || len(page["items"].([]any)) != 1 {
		t.Fatalf("page = %v", page)
	}
	c.want(400, "GET", "/api/v1/boards/?offset=-1", token, "")
	c.want(400, "POST", "/api/v1/boards/?board_name="+strings.Repeat("x", 301), token, "")
	c.want(400, "POST", "/api/v1/boards/", token, "")
}

func TestUploadErrors(t *testing.T) {
	c := newServer(t)
	token := c.setupAndLogin()
	board := c.want(201, "POST", "/api/v1/boards/?board_name=B", token, "")["board_id"].(string)
	png := accesstest.PNG(1)
	for name, tc := range map[string]struct {
		file   string
		data   []byte
		board  string
		status int
		detail string
	}{
		"a fake image":      {"notes.png", []byte("not an image at all"), board, 400, "is not an image Easel can import"},
		"a truncated image": {"cut.png", png[:40], board, 400, "damaged or incomplete"},
		"an empty file":     {"empty.png", nil, board, 400, "is empty"},
		"path tricks":       {"../../evil.png", png, board, 201, ""},
		"an unknown board":  {"ok.png", png, "nope", 404, "Board not found"},
		"uncategorized":     {"ok.png", png, "", 201, ""},
	} {
		status, out := c.upload(token, tc.board, tc.file, tc.data)
		if status != tc.status || !strings.Contains(strings.ToLower(asString(out["detail"])), strings.ToLower(tc.detail)) {
			t.Errorf("%s: %d %v", name, status, out)
		}
		if status == 201 && strings.Contains(asString(out["original_name"]), "/") {
			t.Errorf("%s: original name kept a path: %v", name, out["original_name"])
		}
	}
	status, out, _ := c.do("POST", "/api/v1/images/upload", token, `{"file":"x"}`)
	if status != 415 || !strings.Contains(asString(out["detail"]), "multipart") {
		t.Fatalf("JSON upload = %d %v", status, out)
	}
}

func asString(v any) string { s, _ := v.(string); return s }

// TestImageCookie: image URLs work in <img> with the HttpOnly cookie set at
// login, and stop working at logout.
func TestImageCookie(t *testing.T) {
	c := newServer(t)
	token := c.setupAndLogin()
	_, img := c.upload(token, "", "a.png", accesstest.PNG(2))
	url := c.url + img["thumbnail_url"].(string)

	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	resp, _ := browser.Post(c.url+"/api/v1/auth/login", "application/json", strings.NewReader(`{"email":"admin@test.com","password":"TestPass123"}`))
	resp.Body.Close()
	if cookie := resp.Header.Get("Set-Cookie"); !strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Strict") {
		t.Fatalf("Set-Cookie = %q", cookie)
	}
	resp, _ = browser.Get(url)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("thumbnail with the cookie = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// The cookie does not stand in for the token anywhere else.
	resp, _ = browser.Get(c.url + "/api/v1/auth/me")
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("/me with only the cookie = %d, want 401", resp.StatusCode)
	}
	if status, _, _ := c.do("GET", "/api/v1/images/i/"+img["image_name"].(string)+"/full", "", ""); status != 401 {
		t.Fatalf("image without any credentials = %d", status)
	}
}

func TestZipDownload(t *testing.T) {
	c := newServer(t)
	token := c.setupAndLogin()
	board := c.want(201, "POST", "/api/v1/boards/?board_name=Holiday", token, "")["board_id"].(string)
	var names []string
	for i := 0; i < 3; i++ {
		_, img := c.upload(token, board, "beach.png", accesstest.PNG(i))
		names = append(names, img["image_name"].(string))
	}
	req, _ := http.NewRequest("GET", c.url+"/api/v1/boards/"+board+"/download", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil || len(zr.File) != 3 || !strings.Contains(resp.Header.Get("Content-Disposition"), "Holiday.zip") {
		t.Fatalf("zip: %v, %d files, %q", err, len(zr.File), resp.Header.Get("Content-Disposition"))
	}
	out := c.want(200, "POST", "/api/v1/images/star", token, `{"image_names":["`+names[0]+`","nope.png"]}`)
	if len(out["done"].([]any)) != 1 || len(out["skipped"].([]any)) != 1 || len(out["updated_image_names"].([]any)) != 1 {
		t.Fatalf("star = %v", out)
	}
	c.want(400, "POST", "/api/v1/images/star", token, `{"image_names":"not a list"}`)
}
