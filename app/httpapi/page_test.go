package httpapi_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// TestQueueListPages: InvokeAI's cursor-paged list answers {limit,
// has_more, items}, oldest first, the cursor being the last item's id; a
// status narrows it; others' items stay anonymous.
func TestQueueListPages(t *testing.T) {
	c := newServer(t)
	admin := c.setupAndLogin()
	c.want(201, "POST", "/api/v1/auth/users", admin, `{"email":"bob@t.co","password":"password-123"}`)
	c.want(201, "POST", "/api/v1/auth/users", admin, `{"email":"ann@t.co","password":"password-123"}`)
	bob, ann := c.loginAs("bob@t.co", "password-123"), c.loginAs("ann@t.co", "password-123")
	c.want(403, "PUT", "/api/v1/queue/default/processor/pause", bob, "")
	c.want(200, "PUT", "/api/v1/queue/default/processor/pause", admin, "")
	var want []string
	for range 3 {
		for _, ids := range c.want(201, "POST", "/api/v1/queue/default/enqueue_batch", bob, artBatch)["item_ids"].([]any) {
			want = append(want, jsonNumber(ids))
		}
	}
	first := c.want(200, "GET", "/api/v1/queue/default/list", ann, "")
	if first["limit"] != float64(50) || first["has_more"] != false || len(first["items"].([]any)) != len(want) {
		t.Fatalf("the first page = %v", first)
	}
	var got []string
	path := "/api/v1/queue/default/list?limit=4&priority=0"
	for pages := 0; ; pages++ {
		page := c.want(200, "GET", path, ann, "")
		items := page["items"].([]any)
		if page["limit"] != float64(4) || len(items) > 4 || pages > len(want) {
			t.Fatalf("page = %v", page)
		}
		for _, it := range items {
			item := it.(map[string]any)
			if item["redacted"] != true || item["graph"] != nil || item["user_id"] != nil {
				t.Fatalf("ann sees %v", item)
			}
			got = append(got, jsonNumber(item["item_id"]))
		}
		if page["has_more"] != true {
			break
		}
		path = "/api/v1/queue/default/list?limit=4&cursor=" + got[len(got)-1]
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("paged %v, want %v", got, want)
	}
	c.want(200, "PUT", "/api/v1/queue/default/i/"+want[2]+"/cancel", bob, "")
	canceled := c.want(200, "GET", "/api/v1/queue/default/list?status=canceled", bob, "")["items"].([]any)
	if len(canceled) != 1 || jsonNumber(canceled[0].(map[string]any)["item_id"]) != want[2] {
		t.Fatalf("canceled = %v", canceled)
	}
	for _, bad := range []string{"status=lost", "cursor=x", "limit=-1", "priority=high"} {
		c.want(400, "GET", "/api/v1/queue/default/list?"+bad, bob, "")
	}
	c.want(404, "GET", "/api/v1/queue/other/list", bob, "")
	if all := c.want(200, "GET", "/api/v1/queue/default/list_all", bob, "")["list"].([]any); len(all) != len(want) {
		t.Fatalf("list_all = %v", all)
	}
}

// TestUserAndAuditPages: the users route answers every profile as an
// array, or a page when asked for one; the audit log answers an array and
// says where its next page starts.
func TestUserAndAuditPages(t *testing.T) {
	c := newServer(t)
	admin := c.setupAndLogin()
	for i := range 4 {
		c.want(201, "POST", "/api/v1/auth/users", admin, fmt.Sprintf(`{"email":"u%d@t.co","password":"password-123"}`, i))
	}
	if all := c.want(200, "GET", "/api/v1/auth/users", admin, "")["list"].([]any); len(all) != 5 {
		t.Fatalf("users = %v", all)
	}
	var emails []string
	path := "/api/v1/auth/users?limit=2"
	for pages := 0; pages < 5; pages++ {
		page := c.want(200, "GET", path, admin, "")
		for _, u := range page["items"].([]any) {
			emails = append(emails, u.(map[string]any)["email"].(string))
		}
		if page["total"] != float64(5) {
			t.Fatalf("page = %v", page)
		}
		if page["next_cursor"] == "" {
			break
		}
		path = "/api/v1/auth/users?limit=2&cursor=" + url.QueryEscape(page["next_cursor"].(string))
	}
	if len(emails) != 5 || emails[1] != "u0@t.co" || emails[4] != "u3@t.co" {
		t.Fatalf("paged users = %v", emails)
	}
	c.want(400, "GET", "/api/v1/auth/users?cursor=nope", admin, "")

	var seqs []string
	path = "/api/v1/audit?limit=3"
	for pages := 0; pages < 10; pages++ {
		status, out, header := c.do("GET", path, admin, "")
		if status != 200 {
			t.Fatalf("audit = %d %v", status, out)
		}
		for _, e := range out["list"].([]any) {
			seqs = append(seqs, jsonNumber(e.(map[string]any)["seq"]))
		}
		next := header.Get("X-Next-Cursor")
		if next == "" {
			break
		}
		path = "/api/v1/audit?limit=3&cursor=" + url.QueryEscape(next)
	}
	whole := c.want(200, "GET", "/api/v1/audit?limit=1000", admin, "")["list"].([]any)
	if len(seqs) != len(whole) || len(whole) < 6 || seqs[0] != jsonNumber(whole[0].(map[string]any)["seq"]) {
		t.Fatalf("paged audit %v, whole %d entries", seqs, len(whole))
	}
	c.want(400, "GET", "/api/v1/audit?cursor=nope", admin, "")
}
