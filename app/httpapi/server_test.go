package httpapi_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"easel/app"
	"easel/app/engine"
	"easel/app/httpapi"
	"easel/internal/studiotest"
	"easel/store"
)

// apiClient talks to a real server over a real store.
type apiClient struct {
	t     *testing.T
	url   string
	api   *httpapi.Server
	log   *lockedBuilder
	queue *store.QueueService
	// backends is the studio's generation runtime (accesstest.Backends).
	backends app.BackendRuntime
}

// lockedBuilder keeps the server's log; requests write to it from their
// own goroutines while the test reads it.
type lockedBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuilder) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuilder) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newServer(t *testing.T) *apiClient { return newServerWith(t, nil) }

// newServerWith is newServer with the services changed by change first
// (say, one wrapped so that it panics).
func newServerWith(t *testing.T, change func(*httpapi.Services)) *apiClient {
	t.Helper()
	return newServerOn(t, studiotest.New(t), change)
}

// newServerOn is newServerWith over a studio the test built.
func newServerOn(t *testing.T, set *studiotest.Studio, change func(*httpapi.Services)) *apiClient {
	t.Helper()
	logs := &lockedBuilder{}
	svc := apiServices(set)
	if change != nil {
		change(&svc)
	}
	api := httpapi.New(svc, fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>Easel</title>")}}, slog.New(slog.NewTextHandler(logs, nil)))
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return &apiClient{t: t, url: srv.URL, api: api, log: logs, queue: set.Queue, backends: set.Backends}
}

// apiServices are the services of set, as `easel serve` hands them to the API.
func apiServices(set *studiotest.Studio) httpapi.Services {
	return httpapi.Services{
		Auth:       set.Auth,
		Users:      set.Users,
		Audit:      set.Audit,
		Boards:     set.Boards,
		Images:     set.Images,
		Queue:      set.Queue,
		Settings:   set.Settings,
		Broker:     set.Events,
		Workflows:  engine.Workflows(),
		Library:    set.Workflows,
		Presets:    set.Presets,
		Generation: set.Generation,
	}
}

// do sends a request and decodes the JSON answer into a generic value.
func (c *apiClient) do(method, path, token, body string) (int, map[string]any, http.Header) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.url+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(raw) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &out); err != nil {
			c.t.Fatalf("%s %s: bad JSON %q", method, path, raw)
		}
	} else if len(raw) > 0 && raw[0] == '[' {
		var list []any
		json.Unmarshal(raw, &list)
		out = map[string]any{"list": list}
	}
	return resp.StatusCode, out, resp.Header
}

func (c *apiClient) want(status int, method, path, token, body string) map[string]any {
	c.t.Helper()
	got, out, _ := c.do(method, path, token, body)
	if got != status {
		c.t.Fatalf("%s %s = %d %v, want %d", method, path, got, out, status)
	}
	return out
}

func (c *apiClient) setupAndLogin() string {
	c.want(200, "POST", "/api/v1/auth/setup", "", `{"email":"admin@test.com","display_name":"Admin","password":"TestPass123"}`)
	return c.loginAs("admin@test.com", "TestPass123")
}

func (c *apiClient) loginAs(email, password string) string {
	c.t.Helper()
	out := c.want(200, "POST", "/api/v1/auth/login", "", `{"email":"`+email+`","password":"`+password+`"}`)
	return out["token"].(string)
}

// TestEveryRouteIsAuthenticated walks every route: each answers 401 without
// a token and with a bad one, unless it is on the short public list.
func TestEveryRouteIsAuthenticated(t *testing.T) {
	c := newServer(t)
	routes := c.api.Routes()
	var public []string
	for r, isPublic := range routes {
		if isPublic {
			public = append(public, r)
		}
	}
	slices.Sort(public)
	want := slices.Clone(httpapi.PublicRoutes)
	slices.Sort(want)
	if !slices.Equal(public, want) {
		t.Fatalf("public routes = %v, want exactly %v", public, want)
	}
	if len(routes) < 10 {
		t.Fatalf("only %d routes found", len(routes))
	}
	for r, isPublic := range routes {
		if isPublic {
			continue
		}
		method, pattern, _ := strings.Cut(r, " ")
		path := strings.NewReplacer("{user_id}", "some-id", "{board_id}", "some-board", "{image_name}", "some.png", "{$}", "", "{queue_id}", "default", "{item_id}", "1").Replace(pattern)
		for _, token := range []string{"", "not-a-token"} {
			if status, _, _ := c.do(method, path, token, `{}`); status != http.StatusUnauthorized {
				t.Errorf("%s %s with token %q = %d, want 401", method, path, token, status)
			}
		}
	}
}

// TestSeedSession runs the seed's curl steps 1 and 2 as written.
func TestSeedSession(t *testing.T) {
	c := newServer(t)
	out := c.want(200, "GET", "/api/v1/auth/status", "", "")
	if out["setup_required"] != true || out["multiuser_enabled"] != true {
		t.Fatalf("status = %v", out)
	}
	out = c.want(200, "POST", "/api/v1/auth/setup", "", `{
    "email": "admin@test.com",
    "display_name": "Admin",
    "password": "TestPass123"
  }`)
	user := out["user"].(map[string]any)
	if out["success"] != true || user["email"] != "admin@test.com" || user["is_admin"] != true {
		t.Fatalf("setup = %v", out)
	}
	for _, field := range []string{"user_id", "email", "display_name", "is_admin", "is_active", "created_at", "updated_at", "last_login_at"} {
		if _, ok := user[field]; !ok {
			t.Errorf("user lacks %q: %v", field, user)
		}
	}
	if _, ok := user["password_hash"]; ok {
		t.Fatal("the password hash left the store")
	}
	out = c.want(200, "POST", "/api/v1/auth/login", "", `{
    "email": "admin@test.com",
    "password": "TestPass123"
  }`)
	if tok, _ := out["token"].(string); len(tok) < 43 || out["expires_in"] != float64(86400) || out["user"] == nil {
		t.Fatalf("login = %v", out)
	}
	if strings.Contains(c.log.String(), out["token"].(string)) || strings.Contains(c.log.String(), "TestPass123") {
		t.Fatal("a secret reached the log")
	}
	c.want(400, "POST", "/api/v1/auth/setup", "", `{"email":"x@test.com","password":"TestPass123"}`)
	if out := c.want(200, "GET", "/api/v1/auth/status", "", ""); out["setup_required"] != false {
		t.Fatalf("status after setup = %v", out)
	}
}

func TestAuthFlow(t *testing.T) {
	c := newServer(t)
	admin := c.setupAndLogin()

	out := c.want(201, "POST", "/api/v1/auth/users", admin, `{"email":"Bob@Test.com","display_name":"Bob","password":"bob-password","is_admin":false}`)
	bobID := out["user_id"].(string)
	c.want(409, "POST", "/api/v1/auth/users", admin, `{"email":"bob@test.com","password":"bob-password"}`)
	bob := c.loginAs("bob@test.com", "bob-password")

	t.Run("me and rename", func(t *testing.T) {
		if out := c.want(200, "GET", "/api/v1/auth/me", bob, ""); out["email"] != "bob@test.com" || out["is_admin"] != false {
			t.Fatalf("me = %v", out)
		}
		if out := c.want(200, "PATCH", "/api/v1/auth/me", bob, `{"display_name":"Bobby"}`); out["display_name"] != "Bobby" {
			t.Fatalf("patch me = %v", out)
		}
	})
	t.Run("users routes are admin only", func(t *testing.T) {
		c.want(403, "GET", "/api/v1/auth/users", bob, "")
		c.want(403, "POST", "/api/v1/auth/users", bob, `{"email":"c@test.com","password":"password1"}`)
		c.want(403, "PATCH", "/api/v1/auth/users/"+bobID, bob, `{"is_admin":true}`)
		c.want(403, "DELETE", "/api/v1/auth/users/"+bobID, bob, "")
		c.want(403, "GET", "/api/v1/audit", bob, "")
		if out := c.want(200, "GET", "/api/v1/auth/users", admin, ""); len(out["list"].([]any)) != 2 {
			t.Fatalf("users = %v", out)
		}
		c.want(200, "GET", "/api/v1/auth/users/"+bobID, admin, "")
		c.want(404, "GET", "/api/v1/auth/users/nope", admin, "")
		c.want(404, "GET", "/api/v1/auth/users/system", admin, "")
	})
	t.Run("wrong login answers alike, disabled differs, throttled says when", func(t *testing.T) {
		_, wrong, _ := c.do("POST", "/api/v1/auth/login", "", `{"email":"bob@test.com","password":"nope-nope"}`)
		_, unknown, _ := c.do("POST", "/api/v1/auth/login", "", `{"email":"who@test.com","password":"nope-nope"}`)
		if wrong["detail"] != "Incorrect email or password" || unknown["detail"] != wrong["detail"] {
			t.Fatalf("wrong = %v, unknown = %v", wrong, unknown)
		}
		for i := 0; i < 5; i++ {
			c.do("POST", "/api/v1/auth/login", "", `{"email":"who@test.com","password":"nope-nope"}`)
		}
		status, _, h := c.do("POST", "/api/v1/auth/login", "", `{"email":"who@test.com","password":"nope-nope"}`)
		if status != 429 || h.Get("Retry-After") == "" {
			t.Fatalf("throttled login = %d, Retry-After %q", status, h.Get("Retry-After"))
		}
	})
	t.Run("bad JSON and wrong types are 400 with a reason", func(t *testing.T) {
		for body, want := range map[string]string{
			`{"email": "a@b.co",`:              "not valid JSON",
			`{"email": 5, "password": "x"}`:    `"email" must be a string`,
			`[1,2]`:                            "must be a JSON object",
			``:                                 "Content-Type: application/json",
			`{"is_admin": "yes"}`:              `"is_admin" must be a boolean`,
			`{"email":"a@b.co"} {"email":"x"}`: "more than one JSON value",
		} {
			path := "/api/v1/auth/users"
			_, out, _ := c.do("POST", path, admin, body)
			if d, _ := out["detail"].(string); !strings.Contains(d, want) {
				t.Errorf("body %q: detail %q, want it to contain %q", body, d, want)
			}
		}
		c.want(400, "POST", "/api/v1/auth/users", admin, `{"email":"a@b.co","password":"`+strings.Repeat("p", 129)+`"}`)
	})
	t.Run("demoting, disabling and deleting take effect at once", func(t *testing.T) {
		c.want(200, "PATCH", "/api/v1/auth/users/"+bobID, admin, `{"is_admin":true}`)
		c.want(200, "GET", "/api/v1/auth/users", bob, "")
		c.want(200, "PATCH", "/api/v1/auth/users/"+bobID, admin, `{"is_admin":false}`)
		c.want(403, "GET", "/api/v1/auth/users", bob, "")
		c.want(200, "PATCH", "/api/v1/auth/users/"+bobID, admin, `{"is_active":false}`)
		c.want(401, "GET", "/api/v1/auth/me", bob, "")
		_, out, _ := c.do("POST", "/api/v1/auth/login", "", `{"email":"bob@test.com","password":"bob-password"}`)
		if out["detail"] != "This account is disabled" {
			t.Fatalf("disabled login = %v", out)
		}
		c.want(204, "DELETE", "/api/v1/auth/users/"+bobID, admin, "")
		c.want(404, "DELETE", "/api/v1/auth/users/"+bobID, admin, "")
	})
	t.Run("the last admin stays", func(t *testing.T) {
		me := c.want(200, "GET", "/api/v1/auth/me", admin, "")
		out := c.want(400, "PATCH", "/api/v1/auth/users/"+me["user_id"].(string), admin, `{"is_admin":false}`)
		if !strings.Contains(out["detail"].(string), "last active administrator") {
			t.Fatalf("detail = %v", out)
		}
		c.want(400, "PATCH", "/api/v1/auth/users/system", admin, `{"is_admin":true}`)
	})
	t.Run("preferences", func(t *testing.T) {
		if out := c.want(200, "GET", "/api/v1/auth/me/preferences", admin, ""); out["idle_lock_minutes"] != float64(15) {
			t.Fatalf("prefs = %v", out)
		}
		c.want(200, "PUT", "/api/v1/auth/me/preferences", admin, `{"idle_lock_minutes":30}`)
		c.want(400, "PUT", "/api/v1/auth/me/preferences", admin, `{"idle_lock_minutes":100000}`)
	})
	t.Run("logout revokes the token on the server", func(t *testing.T) {
		other := c.loginAs("admin@test.com", "TestPass123")
		c.want(200, "POST", "/api/v1/auth/logout", other, "")
		c.want(401, "GET", "/api/v1/auth/me", other, "")
		c.want(200, "GET", "/api/v1/auth/me", admin, "")
	})
	t.Run("a password change revokes the other sessions", func(t *testing.T) {
		other := c.loginAs("admin@test.com", "TestPass123")
		c.want(400, "PATCH", "/api/v1/auth/me", admin, `{"new_password":"NewPass12345"}`)
		c.want(200, "PATCH", "/api/v1/auth/me", admin, `{"current_password":"TestPass123","new_password":"NewPass12345"}`)
		c.want(401, "GET", "/api/v1/auth/me", other, "")
		c.want(200, "GET", "/api/v1/auth/me", admin, "")
	})
}

func TestServerGuards(t *testing.T) {
	c := newServer(t)
	t.Run("unknown API paths are JSON 404s", func(t *testing.T) {
		if out := c.want(404, "GET", "/api/v1/nothing-here", "", ""); out["detail"] == nil {
			t.Fatalf("404 = %v", out)
		}
	})
	t.Run("the web UI is served", func(t *testing.T) {
		resp, err := http.Get(c.url + "/")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET / = %v, %v", resp, err)
		}
		if resp.Header.Get("Content-Security-Policy") == "" {
			t.Fatal("no CSP on the page")
		}
	})
	t.Run("foreign host names are refused", func(t *testing.T) {
		req, _ := http.NewRequest("GET", c.url+"/api/v1/auth/status", nil)
		req.Host = "evil.example:80"
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 403 {
			t.Fatalf("rebinding host = %v, %v", resp, err)
		}
	})
}
