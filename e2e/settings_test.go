package e2e

import (
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestSettingsLimitTheQueue: an administrator lowers the number of items
// one person may have waiting on the Settings page; someone who then asks
// for more gets the numbers and what to do, and nothing is queued. Only
// administrators are offered the page.
func TestSettingsLimitTheQueue(t *testing.T) {
	s := startServe(t, t.TempDir())
	admin := setupAda(t, s.URL)
	addUser(t, s.URL, admin, "bob@studio.test", "Bob Painter", "BobPass456")
	ctx := browser(t)

	signIn(t, ctx, s.URL, "ada@studio.test", "TestPass123")
	do(t, ctx, "open Settings", click("nav-settings"), chromedp.WaitVisible(tid("setting-max_pending_per_user")))
	if v := eval[string](t, ctx, `document.querySelector('[data-testid="setting-max_pending_per_user"]').value`); v != "1000" {
		t.Fatalf("the page shows %q items waiting, want the default 1000", v)
	}
	eval[bool](t, ctx, `(() => { const el = document.querySelector('[data-testid="setting-max_pending_per_user"]');
		el.value = '2'; el.dispatchEvent(new Event('input', {bubbles: true})); return true })()`)
	do(t, ctx, "save", click("settings-save"),
		chromedp.Poll[chromedp.Void](`[...document.querySelectorAll('[data-testid="toast"]')].some(t => t.innerText.includes('Settings saved'))`))
	shot(t, ctx, "settings-page")

	var login struct{ Token string }
	rest(t, s.URL, "", "POST", "/api/v1/auth/login", map[string]any{"email": "bob@studio.test", "password": "BobPass456"}, &login)
	res := restDo(t, s.URL, login.Token, "POST", "/api/v1/queue/default/enqueue_batch",
		map[string]any{"batch": map[string]any{"graph": json.RawMessage(stopGraph), "runs": 3}})
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 429 || !strings.Contains(string(body), "at most 2 may wait at once") {
		t.Fatalf("3 items over a limit of 2: HTTP %d %s", res.StatusCode, body)
	}
	var items []any
	rest(t, s.URL, login.Token, "GET", "/api/v1/queue/default/list_all", nil, &items)
	if len(items) != 0 {
		t.Fatalf("a refused batch queued %d items", len(items))
	}

	signIn(t, ctx, s.URL, "bob@studio.test", "BobPass456")
	if eval[bool](t, ctx, `document.querySelector('[data-testid="nav-settings"]') !== null`) {
		t.Fatal("someone who is not an administrator is offered Settings")
	}
}
