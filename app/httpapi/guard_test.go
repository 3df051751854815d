package httpapi_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"slices"
	"strings"
	"testing"

	"easel/app/accesstest"
)

// stateChanging returns every POST, PUT, PATCH and DELETE route of the
// route table with the body it declares, as a request path.
func stateChanging(t *testing.T, c *apiClient) map[string]string {
	t.Helper()
	out := map[string]string{}
	for r, body := range c.api.RouteBodies() {
		if strings.HasPrefix(r, "GET ") {
			continue
		}
		method, pattern, _ := strings.Cut(r, " ")
		path := strings.NewReplacer("{user_id}", "some-id", "{board_id}", "some-board", "{image_name}", "some.png", "{$}", "", "{queue_id}", "default", "{item_id}", "1").Replace(pattern)
		out[method+" "+path] = body
	}
	if len(out) < 25 {
		t.Fatalf("only %d state-changing routes found", len(out))
	}
	return out
}

// send makes one request with the given headers ("Name: value").
func (c *apiClient) send(method, path, token, body string, headers ...string) (int, string, http.Header) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.url+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(raw)), resp.Header
}

// A body as a browser page elsewhere could send it, and as the route takes it.
func bodyFor(kind string) (body, contentType string) {
	switch kind {
	case "json":
		return `{}`, "application/json"
	case "file":
		return "--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\nnot a png\r\n--x--\r\n", "multipart/form-data; boundary=x"
	}
	return "", ""
}

// TestRequestsFromAnotherPageAreRefused walks every state-changing route:
// what a browser sends for another page (a foreign Origin, Sec-Fetch-Site
// cross-site or same-site) is refused with 403 before anything happens;
// Easel's own origin, and requests with neither header, get through.
func TestRequestsFromAnotherPageAreRefused(t *testing.T) {
	c := newServer(t)
	admin := c.setupAndLogin()
	own := c.url // http://127.0.0.1:PORT, where this server was reached
	_, port, _ := strings.Cut(strings.TrimPrefix(own, "http://"), ":")
	foreign := [][]string{
		{"Origin: http://127.0.0.1:1"}, // another port of this machine
		{"Origin: http://localhost:" + port},
		{"Origin: https://127.0.0.1:" + port}, // another scheme
		{"Origin: http://evil.example"},
		{"Origin: null"},                                        // a sandboxed frame or a file
		{"Sec-Fetch-Site: cross-site"},                          // and no Origin
		{"Sec-Fetch-Site: same-site"},                           // another port: SameSite cookies do not tell
		{"Origin: " + own, "Sec-Fetch-Site: same-site"},         // either is enough
		{"Origin: http://evil.example", "Sec-Fetch-Site: none"}, // the Origin is enough
	}
	for route, kind := range stateChanging(t, c) {
		method, path, _ := strings.Cut(route, " ")
		body, ctype := bodyFor(kind)
		for _, h := range foreign {
			headers := append(slices.Clone(h), "Content-Type: "+ctype)
			status, out, _ := c.send(method, path, admin, body, headers...)
			if status != 403 || !strings.Contains(out, "another web page") {
				t.Errorf("%s with %v = %d %s, want 403 from the guard", route, h, status, out)
			}
		}
		// Easel's own page, and scripts. Without a token the route
		// answers 401 (or, being public, 400 for the empty object): the
		// guard let it through.
		for _, h := range [][]string{{"Origin: " + own, "Sec-Fetch-Site: same-origin"}, {"Origin: " + own}, {"Sec-Fetch-Site: none"}, nil} {
			headers := append(slices.Clone(h), "Content-Type: "+ctype)
			if status, out, _ := c.send(method, path, "", body, headers...); status == 403 {
				t.Errorf("%s with %v = %d %s, want it through the guard", route, h, status, out)
			}
		}
	}

	// Refused means nothing happened: no board was made, and the same
	// request from Easel's own page does make one.
	c.send("POST", "/api/v1/boards/?board_name=Planted", admin, "", "Origin: http://127.0.0.1:1")
	c.send("POST", "/api/v1/boards/?board_name=Planted", admin, "", "Sec-Fetch-Site: same-site")
	if list := c.want(200, "GET", "/api/v1/boards/?all=true", admin, "")["list"].([]any); len(list) != 0 {
		t.Fatalf("a refused request made a board: %v", list)
	}
	if status, out, _ := c.send("POST", "/api/v1/boards/?board_name=Mine", admin, "", "Origin: "+own, "Sec-Fetch-Site: same-origin"); status != 201 {
		t.Fatalf("creating a board from Easel's own page = %d %s", status, out)
	}
}

// TestSetupAndLoginFromAnotherPage: the public routes are guarded too.
// A page elsewhere cannot make the first administrator, and its login
// attempts neither count against the account nor reach the audit log.
func TestSetupAndLoginFromAnotherPage(t *testing.T) {
	c := newServer(t)
	setup := `{"email":"mallory@evil.example","display_name":"Mallory","password":"MalloryPass1"}`
	for _, h := range []string{"Origin: http://127.0.0.1:1", "Sec-Fetch-Site: cross-site", "Sec-Fetch-Site: same-site"} {
		if status, out, _ := c.send("POST", "/api/v1/auth/setup", "", setup, h, "Content-Type: application/json"); status != 403 {
			t.Fatalf("setup with %s = %d %s", h, status, out)
		}
	}
	// A form cannot send JSON's content type: text/plain with a JSON-shaped body is the classic try.
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"} {
		if status, out, _ := c.send("POST", "/api/v1/auth/setup", "", setup, "Content-Type: "+ct); status != 415 {
			t.Fatalf("setup as %s = %d %s", ct, status, out)
		}
	}
	if out := c.want(200, "GET", "/api/v1/auth/status", "", ""); out["setup_required"] != true {
		t.Fatalf("a refused setup made an administrator: %v", out)
	}

	admin := c.setupAndLogin()
	wrong := `{"email":"admin@test.com","password":"not-the-password"}`
	for i := 0; i < 10; i++ {
		for _, h := range [][]string{{"Origin: http://localhost:1", "Content-Type: application/json"}, {"Sec-Fetch-Site: same-site", "Content-Type: application/json"}, {"Content-Type: text/plain"}} {
			if status, out, _ := c.send("POST", "/api/v1/auth/login", "", wrong, h...); status != 403 && status != 415 {
				t.Fatalf("login with %v = %d %s", h, status, out)
			}
		}
	}
	// Thirty refused tries, and no wait: none counted.
	c.loginAs("admin@test.com", "TestPass123")
	for _, e := range c.want(200, "GET", "/api/v1/audit", admin, "")["list"].([]any) {
		if e.(map[string]any)["action"] == "login_failed" {
			t.Fatalf("a refused login reached the audit log: %v", e)
		}
	}
}

// TestJSONRoutesTakeOnlyJSON: every route that reads a JSON body refuses
// any other content type with 415 before reading it; the upload takes
// only multipart; routes without a body need no content type.
func TestJSONRoutesTakeOnlyJSON(t *testing.T) {
	c := newServer(t)
	admin := c.setupAndLogin()
	json, file := 0, 0
	for route, kind := range stateChanging(t, c) {
		method, path, _ := strings.Cut(route, " ")
		switch kind {
		case "json":
			json++
			for _, ct := range []string{"", "text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx", "text/json"} {
				headers := []string{}
				if ct != "" {
					headers = append(headers, "Content-Type: "+ct)
				}
				status, out, _ := c.send(method, path, admin, `{}`, headers...)
				if status != 415 || !strings.Contains(out, "Content-Type: application/json") {
					t.Errorf("%s as %q = %d %s, want 415", route, ct, status, out)
				}
			}
			for _, ct := range []string{"application/json", "application/json; charset=utf-8", "Application/JSON"} {
				if status, out, _ := c.send(method, path, admin, `{}`, "Content-Type: "+ct); status == 415 {
					t.Errorf("%s as %q = %d %s, want it taken", route, ct, status, out)
				}
			}
		case "file":
			file++
			for _, ct := range []string{"", "application/json", "text/plain", "application/x-www-form-urlencoded"} {
				status, out, _ := c.send(method, path, admin, `file=x`, "Content-Type: "+ct)
				if status != 415 || !strings.Contains(out, "multipart/form-data") {
					t.Errorf("%s as %q = %d %s, want 415", route, ct, status, out)
				}
			}
		}
	}
	if json < 15 || file < 2 { // uploads: an image, a workflow file
		t.Fatalf("%d JSON routes and %d upload routes: the route table lost its declarations", json, file)
	}
	// An empty body in JSON's name still gets the decoder's own words.
	if status, out, _ := c.send("POST", "/api/v1/auth/users", admin, "", "Content-Type: application/json"); status != 400 || !strings.Contains(out, "needs a JSON body") {
		t.Fatalf("empty JSON body = %d %s", status, out)
	}
	// Routes without a body work with none and no content type (the
	// seed's curl session), and a handler is never given a body its
	// route did not declare.
	b := c.want(201, "POST", "/api/v1/boards/?board_name=Plain", admin, "")
	c.want(200, "PUT", "/api/v1/queue/default/processor/pause", admin, "")
	c.want(200, "PUT", "/api/v1/queue/default/processor/resume", admin, "")
	if status, out, _ := c.send("DELETE", "/api/v1/boards/"+b["board_id"].(string), admin, "include_images=true", "Content-Type: application/x-www-form-urlencoded"); status != 200 {
		t.Fatalf("delete with a stray body = %d %s", status, out)
	}
}

// TestSignOutWithTheCookie: a page that lost its token (a reload) can
// still end the session its cookie holds, and sign-out always clears the
// cookie, even when the session is already gone.
func TestSignOutWithTheCookie(t *testing.T) {
	c := newServer(t)
	token := c.setupAndLogin()
	_, img := c.upload(token, "", "a.png", accesstest.PNG(3))
	thumb := c.url + img["thumbnail_url"].(string)

	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	post := func(path, body string, headers ...string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest("POST", c.url+path, strings.NewReader(body))
		for _, h := range headers {
			k, v, _ := strings.Cut(h, ": ")
			req.Header.Set(k, v)
		}
		resp, err := browser.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return resp, string(raw)
	}
	get := func(url string, headers ...string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("GET", url, nil)
		for _, h := range headers {
			k, v, _ := strings.Cut(h, ": ")
			req.Header.Set(k, v)
		}
		resp, err := browser.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	cleared := func(resp *http.Response) bool {
		for _, sc := range resp.Header.Values("Set-Cookie") {
			if strings.HasPrefix(sc, "easel_session=;") && strings.Contains(sc, "Max-Age=0") {
				return true
			}
		}
		return false
	}

	session := func(resp *http.Response) string {
		for _, ck := range resp.Cookies() {
			if ck.Name == "easel_session" && ck.Value != "" {
				return ck.Value
			}
		}
		t.Fatalf("no session cookie in %q", resp.Header.Values("Set-Cookie"))
		return ""
	}
	// withCookie asks for the thumbnail with this cookie, jar or not.
	withCookie := func(value string) int {
		t.Helper()
		status, _, _ := c.send("GET", img["thumbnail_url"].(string), "", "", "Cookie: easel_session="+value)
		return status
	}

	login, _ := post("/api/v1/auth/login", `{"email":"admin@test.com","password":"TestPass123"}`, "Content-Type: application/json")
	cookie := session(login)
	if resp := get(thumb); resp.StatusCode != 200 {
		t.Fatalf("thumbnail with the cookie = %d", resp.StatusCode)
	}
	// Another port of this machine is the same site: its <img> would
	// carry the cookie, and gets nothing for it.
	if resp := get(thumb, "Sec-Fetch-Site: same-site"); resp.StatusCode != 403 {
		t.Fatalf("thumbnail for another page = %d, want 403", resp.StatusCode)
	}
	// Its sign-out is refused, and the cookie keeps working.
	if resp, out := post("/api/v1/auth/logout", "", "Origin: http://127.0.0.1:1"); resp.StatusCode != 403 {
		t.Fatalf("logout from another page = %d %s", resp.StatusCode, out)
	}
	if resp := get(thumb); resp.StatusCode != 200 {
		t.Fatalf("thumbnail after a refused logout = %d", resp.StatusCode)
	}

	// The page reloaded and has no token: the cookie alone signs out.
	resp, out := post("/api/v1/auth/logout", "", "Origin: "+c.url, "Sec-Fetch-Site: same-origin")
	if resp.StatusCode != 200 || !cleared(resp) {
		t.Fatalf("logout with the cookie = %d %s, Set-Cookie %q", resp.StatusCode, out, resp.Header.Values("Set-Cookie"))
	}
	if resp := get(thumb); resp.StatusCode != 401 {
		t.Fatalf("thumbnail after logout = %d, want 401", resp.StatusCode)
	}
	// Not only forgotten by this browser: ended on the server.
	if status := withCookie(cookie); status != 401 {
		t.Fatalf("the old cookie after logout = %d, want 401", status)
	}

	// A cookie whose session is gone (or none at all) is cleared all the same.
	login, _ = post("/api/v1/auth/login", `{"email":"admin@test.com","password":"TestPass123"}`, "Content-Type: application/json")
	c.want(200, "POST", "/api/v1/auth/logout", session(login), "") // ended elsewhere, by its token
	resp, _ = post("/api/v1/auth/logout", "")
	if resp.StatusCode != 401 || !cleared(resp) {
		t.Fatalf("logout with a dead cookie = %d, Set-Cookie %q", resp.StatusCode, resp.Header.Values("Set-Cookie"))
	}
	status, _, h := c.send("POST", "/api/v1/auth/logout", "", "")
	if resp := (&http.Response{Header: h}); status != 401 || !cleared(resp) {
		t.Fatalf("logout with nothing = %d, Set-Cookie %q", status, h.Values("Set-Cookie"))
	}
	// The cookie still opens nothing but images, downloads and sign-out.
	post("/api/v1/auth/login", `{"email":"admin@test.com","password":"TestPass123"}`, "Content-Type: application/json")
	if resp, _ := post("/api/v1/boards/?board_name=ByCookie", ""); resp.StatusCode != 401 {
		t.Fatalf("creating a board with only the cookie = %d, want 401", resp.StatusCode)
	}
}

// TestAnswersAreNotStored: images, thumbnails, zips, the event stream and
// every other answer of the API carry Cache-Control: private, no-store, so
// a shared browser keeps none of them after its user signs out.
func TestAnswersAreNotStored(t *testing.T) {
	c := newServer(t)
	token := c.setupAndLogin()
	board := c.want(201, "POST", "/api/v1/boards/?board_name=B", token, "")["board_id"].(string)
	_, img := c.upload(token, board, "a.png", accesstest.PNG(4))
	name := img["image_name"].(string)
	for _, r := range []struct{ method, path, body string }{
		{"GET", "/api/v1/images/i/" + name + "/full", ""},
		{"GET", "/api/v1/images/i/" + name + "/thumbnail", ""},
		{"GET", "/api/v1/boards/" + board + "/download", ""},
		{"POST", "/api/v1/images/download", `{"image_names":["` + name + `"]}`},
		{"GET", "/api/v1/images/?board_id=" + board, ""},
		{"GET", "/api/v1/images/i/nope.png/full", ""}, // errors too
		{"POST", "/api/v1/auth/login", `{"email":"admin@test.com","password":"TestPass123"}`},
	} {
		status, _, h := c.send(r.method, r.path, token, r.body, "Content-Type: application/json")
		if cc := h.Values("Cache-Control"); len(cc) != 1 || cc[0] != "private, no-store" {
			t.Errorf("%s %s = %d with Cache-Control %q", r.method, r.path, status, cc)
		}
	}
	// The event stream: read its headers, then leave.
	req, _ := http.NewRequest("GET", c.url+"/api/v1/queue/default/events", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if cc := resp.Header.Get("Cache-Control"); resp.StatusCode != 200 || cc != "private, no-store" {
		t.Fatalf("event stream = %d with Cache-Control %q", resp.StatusCode, cc)
	}
}
