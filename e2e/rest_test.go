package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"
)

// The browser tests set people up over REST: the UI is what they test.

// setupAda makes Ada Admin the first administrator and returns her token.
func setupAda(t *testing.T, base string) string {
	t.Helper()
	rest(t, base, "", "POST", "/api/v1/auth/setup", map[string]any{
		"email": "ada@studio.test", "display_name": "Ada Admin", "password": "TestPass123",
	}, nil)
	var login struct{ Token string }
	rest(t, base, "", "POST", "/api/v1/auth/login", map[string]any{
		"email": "ada@studio.test", "password": "TestPass123", "remember_me": false,
	}, &login)
	return login.Token
}

// addUser makes a profile that is not an admin and returns its id.
func addUser(t *testing.T, base, adminToken, email, name, password string) string {
	t.Helper()
	var u struct {
		UserID string `json:"user_id"`
	}
	rest(t, base, adminToken, "POST", "/api/v1/auth/users", map[string]any{
		"email": email, "display_name": name, "password": password, "is_admin": false,
	}, &u)
	if u.UserID == "" {
		t.Fatalf("creating %s returned no user_id", email)
	}
	return u.UserID
}

// rest calls the API as a script would and decodes the answer into out.
func rest(t *testing.T, base, token, method, path string, body, out any) {
	t.Helper()
	res := restDo(t, base, token, method, path, body)
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		t.Fatalf("%s %s: HTTP %d: %s", method, path, res.StatusCode, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, data)
		}
	}
}

func restStatus(t *testing.T, base, token, method, path string) int {
	t.Helper()
	res := restDo(t, base, token, method, path, nil)
	res.Body.Close()
	return res.StatusCode
}

func restDo(t *testing.T, base, token, method, path string, body any) *http.Response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, method, base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return res
}
