package httpapi_test

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"easel/app/httpapi"
)

const artBatch = `{"batch": {"graph": {"nodes": {
  "art": {"id": "art", "type": "prompt_art", "prompt": "a secret lighthouse", "seed": 1, "width": 32, "height": 32},
  "save": {"id": "save", "type": "save_image", "board_name": "Lights"}},
 "edges": [{"source": {"node_id": "art", "field": "image"}, "destination": {"node_id": "save", "field": "image"}}]},
 "runs": 2}}`

func TestQueueRoutes(t *testing.T) {
	c := newServer(t)
	admin := c.setupAndLogin()
	c.want(201, "POST", "/api/v1/auth/users", admin, `{"email":"bob@t.co","password":"password-123"}`)
	c.want(201, "POST", "/api/v1/auth/users", admin, `{"email":"ann@t.co","password":"password-123"}`)
	bob, ann := c.loginAs("bob@t.co", "password-123"), c.loginAs("ann@t.co", "password-123")

	res := c.want(201, "POST", "/api/v1/queue/default/enqueue_batch", bob, artBatch)
	ids := res["item_ids"].([]any)
	if res["enqueued"] != float64(2) || res["requested"] != float64(2) || len(ids) != 2 || res["batch"].(map[string]any)["batch_id"] == "" {
		t.Fatalf("enqueue = %v", res)
	}
	id := jsonNumber(ids[0])

	t.Run("others see anonymous items", func(t *testing.T) {
		_, out, _ := c.do("GET", "/api/v1/queue/default/i/"+id, ann, "")
		raw, _ := json.Marshal(out)
		if strings.Contains(string(raw), "lighthouse") || strings.Contains(string(raw), "user_id") || out["status"] != "pending" {
			t.Fatalf("ann sees %s", raw)
		}
		list := c.want(200, "GET", "/api/v1/queue/default/list_all", ann, "")["list"].([]any)
		raw, _ = json.Marshal(list)
		if len(list) != 2 || strings.Contains(string(raw), "lighthouse") {
			t.Fatalf("ann's list = %s", raw)
		}
		if out := c.want(200, "GET", "/api/v1/queue/default/i/"+id, bob, ""); out["graph"] == nil || out["mine"] != true {
			t.Fatalf("bob's own item = %v", out)
		}
	})
	t.Run("only the owner or an admin changes an item", func(t *testing.T) {
		c.want(403, "PUT", "/api/v1/queue/default/i/"+id+"/cancel", ann, "")
		c.want(403, "DELETE", "/api/v1/queue/default/i/"+id, ann, "")
		c.want(403, "PUT", "/api/v1/queue/default/retry_items_by_id", ann, "["+id+"]")
		c.want(403, "PUT", "/api/v1/queue/default/processor/pause", bob, "")
		if out := c.want(200, "PUT", "/api/v1/queue/default/i/"+id+"/cancel", bob, ""); out["status"] != "canceled" {
			t.Fatalf("cancel = %v", out)
		}
		out := c.want(200, "PUT", "/api/v1/queue/default/retry_items_by_id", admin, "["+id+"]")
		if len(out["retried_item_ids"].([]any)) != 1 {
			t.Fatalf("retry = %v", out)
		}
		if out := c.want(200, "PUT", "/api/v1/queue/default/processor/pause", admin, ""); out["processor"].(map[string]any)["is_paused"] != true {
			t.Fatalf("pause = %v", out)
		}
		c.want(200, "PUT", "/api/v1/queue/default/processor/resume", admin, "")
	})
	t.Run("bad batches and unknown queues", func(t *testing.T) {
		out := c.want(400, "POST", "/api/v1/queue/default/enqueue_batch", bob, `{"batch": {"graph": {"nodes": {"x": {"id": "x", "type": "prompt_art", "width": "wide"}}, "edges": []}}}`)
		if !strings.Contains(out["detail"].(string), `"x"`) || !strings.Contains(out["detail"].(string), "width") {
			t.Fatalf("detail = %v", out["detail"])
		}
		c.want(400, "POST", "/api/v1/queue/default/enqueue_batch", bob, `{"batch": {"graph": "nope"}}`)
		c.want(400, "POST", "/api/v1/queue/default/enqueue_batch", bob, `{"batch": `)
		c.want(404, "GET", "/api/v1/queue/other/list_all", bob, "")
		c.want(404, "GET", "/api/v1/queue/default/i/x", bob, "")
		c.want(404, "GET", "/api/v1/queue/default/i/999999", bob, "")
		if out := c.want(200, "GET", "/api/v1/workflows/builtin", bob, ""); len(out["list"].([]any)) < 4 {
			t.Fatalf("workflows = %v", out)
		}
	})
	t.Run("clear finished and status", func(t *testing.T) {
		if out := c.want(200, "PUT", "/api/v1/queue/default/prune", bob, ""); out["deleted"] != float64(1) {
			t.Fatalf("prune = %v", out)
		}
		st := c.want(200, "GET", "/api/v1/queue/default/status", ann, "")
		if st["queue"].(map[string]any)["pending"] != float64(2) || st["mine"].(map[string]any)["total"] != float64(0) {
			t.Fatalf("status = %v", st)
		}
	})
}

func jsonNumber(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestQueueEventStream: the event stream sends the owner whole events and
// everyone else redacted ones, and needs a session.
func TestQueueEventStream(t *testing.T) {
	c := newServer(t)
	admin := c.setupAndLogin()
	c.want(201, "POST", "/api/v1/auth/users", admin, `{"email":"ann@t.co","password":"password-123"}`)
	ann := c.loginAs("ann@t.co", "password-123")
	if status, _, _ := c.do("GET", "/api/v1/queue/default/events", "", ""); status != 401 {
		t.Fatalf("stream without a session = %d", status)
	}
	adminEvents, annEvents := openEventStream(t, c, admin), openEventStream(t, c, ann)
	time.Sleep(100 * time.Millisecond) // both subscribed
	c.want(201, "POST", "/api/v1/queue/default/enqueue_batch", admin, artBatch)
	for name, ch := range map[string]<-chan string{"admin": adminEvents, "ann": annEvents} {
		select {
		case line := <-ch:
			hasSecret := strings.Contains(line, "lighthouse") || strings.Contains(line, "user_id")
			if name == "ann" && hasSecret || name == "admin" && !strings.Contains(line, `"mine":true`) {
				t.Fatalf("%s got %s", name, line)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s got no event", name)
		}
	}
}

// TestEventStreamFollowsTheSessionAtOnce: an open stream shapes each event
// with the subscriber's role as it is then, and one whose session has ended
// sends nothing more — without waiting for the periodic session check.
func TestEventStreamFollowsTheSessionAtOnce(t *testing.T) {
	c := newServer(t)
	admin := c.setupAndLogin()
	bea := c.want(201, "POST", "/api/v1/auth/users", admin, `{"email":"bea@t.co","password":"password-123","is_admin":true}`)
	ann := c.want(201, "POST", "/api/v1/auth/users", admin, `{"email":"ann@t.co","password":"password-123"}`)
	beaToken, annToken := c.loginAs("bea@t.co", "password-123"), c.loginAs("ann@t.co", "password-123")
	// Streams check their session on their own only every hour here, so
	// whatever happens below happens because of the event itself.
	httpapi.SetSessionRecheck(t, time.Hour)
	next := func(ch <-chan string) (string, bool) {
		select {
		case line, ok := <-ch:
			return line, ok
		case <-time.After(20 * time.Second):
			t.Fatal("no event within 20 s")
		}
		return "", false
	}
	beaEvents, annEvents := openEventStream(t, c, beaToken), openEventStream(t, c, annToken)
	time.Sleep(100 * time.Millisecond) // both subscribed

	c.want(201, "POST", "/api/v1/queue/default/enqueue_batch", admin, artBatch) // two items
	for range 2 {
		if line, _ := next(beaEvents); !strings.Contains(line, `"user_id"`) {
			t.Fatalf("an admin's stream shows others' items whole; got %s", line)
		}
		next(annEvents)
	}

	c.want(200, "PATCH", "/api/v1/auth/users/"+bea["user_id"].(string), admin, `{"is_admin":false}`)
	c.want(200, "PATCH", "/api/v1/auth/users/"+ann["user_id"].(string), admin, `{"is_active":false}`)
	c.want(201, "POST", "/api/v1/queue/default/enqueue_batch", admin, artBatch)
	if line, _ := next(beaEvents); strings.Contains(line, "lighthouse") || strings.Contains(line, "user_id") || !strings.Contains(line, `"redacted":true`) {
		t.Fatalf("the first event after a demotion must be redacted; got %s", line)
	}
	if line, _ := next(annEvents); line != "event: signed_out" {
		t.Fatalf("a disabled user's stream must end before anything else; got %q", line)
	}
	if line, ok := next(annEvents); ok {
		t.Fatalf("the stream goes on after signed_out: %q", line)
	}
}

// openEventStream opens the event stream as token and returns its events'
// data lines, and "event: signed_out" when the stream says so (without that
// event's own data line); the channel closes when the stream ends.
func openEventStream(t *testing.T, c *apiClient, token string) <-chan string {
	t.Helper()
	req, _ := http.NewRequest("GET", c.url+"/api/v1/queue/default/events", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	lines := make(chan string, 100)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(resp.Body)
		signedOut := false
		for sc.Scan() {
			switch line := sc.Text(); {
			case line == "event: signed_out":
				signedOut = true
				lines <- line
			case strings.HasPrefix(line, "data: ") && !signedOut:
				lines <- line
			case strings.HasPrefix(line, "data: "):
				signedOut = false // the signed_out event's own data
			}
		}
	}()
	return lines
}
