package httpapi_test

import "testing"

// TestSettingsRoutes: anyone signed in reads the studio's settings; only
// an administrator changes them; a value out of range is refused by name.
func TestSettingsRoutes(t *testing.T) {
	c := newServer(t)
	admin := c.setupAndLogin()
	c.want(201, "POST", "/api/v1/auth/users", admin, `{"email":"bob@t.co","password":"password-123"}`)
	bob := c.loginAs("bob@t.co", "password-123")

	got := c.want(200, "GET", "/api/v1/settings", bob, "")
	if got["max_pending_per_user"] != float64(1000) || got["pixel_budget_megapixels"] != float64(100) ||
		got["max_items_per_batch"] != float64(1000) || got["audit_retention_days"] != float64(365) {
		t.Fatalf("defaults = %v", got)
	}
	c.want(401, "GET", "/api/v1/settings", "", "")
	c.want(403, "PATCH", "/api/v1/settings", bob, `{"max_pending_per_user": 5}`)
	if out := c.want(400, "PATCH", "/api/v1/settings", admin, `{"max_pending_per_user": 0}`); out["detail"] != "max_pending_per_user must be between 1 and 100000, not 0." {
		t.Fatalf("out of range: %v", out)
	}
	c.want(400, "PATCH", "/api/v1/settings", admin, `{"max_pending_per_user": "lots"}`)
	if out := c.want(200, "PATCH", "/api/v1/settings", admin, `{"max_pending_per_user": 5}`); out["max_pending_per_user"] != float64(5) {
		t.Fatalf("after the change: %v", out)
	}
	if out := c.want(200, "GET", "/api/v1/settings", bob, ""); out["max_pending_per_user"] != float64(5) || out["audit_retention_days"] != float64(365) {
		t.Fatalf("read back: %v", out)
	}
}
