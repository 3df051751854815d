package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// attempt is one request an attacker's page makes against Easel: a form
// that submits itself into a frame, or a fetch with mode "no-cors". These
// are the requests any page may send anywhere without asking.
type attempt struct {
	Kind    string      `json:"kind"` // "form" or "fetch"
	URL     string      `json:"url"`
	Enctype string      `json:"enctype,omitempty"` // a form's
	Fields  [][2]string `json:"fields,omitempty"`  // a form's
	Type    string      `json:"type,omitempty"`    // a fetch's Content-Type
	Body    string      `json:"body,omitempty"`    // a fetch's
}

// jsonForm is the classic way to post JSON from a form: with
// enctype="text/plain" the body is name=value, so a name that opens a JSON
// object and a value that closes it make one, e.g.
// {"email":"…","password":"…","x":"="}.
func jsonForm(url string, fields map[string]string) attempt {
	b, _ := json.Marshal(fields)
	name := strings.TrimSuffix(string(b), "}") + `,"x":"`
	return attempt{Kind: "form", URL: url, Enctype: "text/plain", Fields: [][2]string{{name, `"}`}}}
}

// everyWay is each way a page elsewhere can send fields to url.
func everyWay(url string, fields map[string]string) []attempt {
	body, _ := json.Marshal(fields)
	var form [][2]string
	var enc []string
	for k, v := range fields {
		form = append(form, [2]string{k, v})
		enc = append(enc, k+"="+v)
	}
	return []attempt{
		jsonForm(url, fields),
		{Kind: "form", URL: url, Enctype: "application/x-www-form-urlencoded", Fields: form},
		{Kind: "form", URL: url, Enctype: "multipart/form-data", Fields: form},
		{Kind: "fetch", URL: url, Type: "text/plain", Body: string(body)},
		{Kind: "fetch", URL: url, Type: "application/x-www-form-urlencoded", Body: strings.Join(enc, "&")},
	}
}

// attackerPage runs attempts as soon as it loads and sets its title to
// "done" once every frame has loaded and every fetch has settled.
const attackerPage = `<!doctype html><meta charset="utf-8"><title>a page elsewhere</title><body>
<h1>Nothing to see here</h1>
<script>
const attempts = %s;
let pending = attempts.length;
const settle = () => { if (--pending === 0) document.title = 'done'; };
attempts.forEach((a, i) => {
  if (a.kind === 'form') {
    const frame = document.createElement('iframe');
    frame.name = 'f' + i;
    document.body.append(frame);
    frame.addEventListener('load', settle, { once: true }); // after about:blank's own load
    const form = document.createElement('form');
    form.method = 'POST';
    form.action = a.url;
    form.enctype = a.enctype;
    form.target = frame.name;
    for (const [name, value] of a.fields || []) {
      const input = document.createElement('input');
      input.type = 'hidden';
      input.name = name;
      input.value = value;
      form.append(input);
    }
    document.body.append(form);
    form.submit();
  } else {
    fetch(a.url, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'Content-Type': a.type }, body: a.body })
      .then(settle, settle);
  }
});
</script>`

// attacker serves pages of attempts from another loopback port.
type attacker struct {
	srv   *httptest.Server
	mu    sync.Mutex
	pages map[string][]attempt
}

func newAttacker(t *testing.T) *attacker {
	a := &attacker{pages: map[string][]attempt{}}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		attempts, ok := a.pages[r.URL.Path]
		a.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		js, _ := json.Marshal(attempts)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, attackerPage, js)
	}))
	t.Cleanup(a.srv.Close)
	return a
}

func (a *attacker) set(path string, attempts []attempt) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.pages[path] = attempts
}

// evalAwait evaluates js, which gives a promise, and waits for its value.
func evalAwait[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// responses records the status of every answer Easel gives in one tab.
type responses struct {
	mu     sync.Mutex
	prefix string
	got    []string // "METHOD path status"
}

func (r *responses) listen(ev any) {
	e, ok := ev.(*network.EventResponseReceived)
	if !ok || !strings.HasPrefix(e.Response.URL, r.prefix) {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, fmt.Sprintf("%s %d", strings.TrimPrefix(e.Response.URL, r.prefix), e.Response.Status))
}

func (r *responses) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	got := r.got
	r.got = nil
	return got
}

// visit opens an attacker's page in tab, waits until its attempts are
// done and every one of them reached Easel, and checks Easel refused each.
func visit(t *testing.T, tab context.Context, seen *responses, url string, attempts []attempt) {
	t.Helper()
	seen.take()
	do(t, tab, "visit "+url, chromedp.Navigate(url), chromedp.Poll[chromedp.Void](`document.title === 'done'`))
	deadline := time.Now().Add(10 * time.Second)
	var got []string
	for len(got) < len(attempts) && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		seen.mu.Lock()
		got = append([]string(nil), seen.got...)
		seen.mu.Unlock()
	}
	if len(got) < len(attempts) {
		t.Fatalf("%s: Easel answered %d of %d attempts: %v", url, len(got), len(attempts), got)
	}
	for _, g := range got {
		if !strings.HasSuffix(g, " 403") {
			t.Errorf("%s: Easel answered %s, want 403", url, g)
		}
	}
	if !t.Failed() {
		t.Logf("%s: %d attempts, each refused: %v", url, len(attempts), got)
	}
}

// TestCrossSiteRequestsHaveNoEffect: while `easel serve` runs, a page from
// another loopback port (another port is the same site to a browser, so
// SameSite cookies do not stop it) and from another host name (a
// different site) tries every simple request against setup, login and
// state-changing routes, with a signed-in browser's cookie where it can.
// Each reaches Easel and is refused; afterwards nothing has changed.
func TestCrossSiteRequestsHaveNoEffect(t *testing.T) {
	s := startServe(t, t.TempDir())
	evil := newAttacker(t)
	_, port, _ := strings.Cut(strings.TrimPrefix(evil.srv.URL, "http://"), ":")
	sites := map[string]string{
		"same site (another port)": "http://127.0.0.1:" + port,
		"another site":             "http://localhost:" + port,
	}

	browserCtx := browser(t)
	tab, cancelTab := chromedp.NewContext(browserCtx) // the attacker's tab
	defer cancelTab()
	if err := chromedp.Do(tab); err != nil {
		t.Fatal(err)
	}
	seen := &responses{prefix: s.URL}
	if err := chromedp.Listen(tab, seen.listen); err != nil {
		t.Fatal(err)
	}

	// 1. Before the first administrator exists.
	mallory := map[string]string{"email": "mallory@evil.test", "display_name": "Mallory", "password": "MalloryPass1"}
	setup := everyWay(s.URL+"/api/v1/auth/setup", mallory)
	evil.set("/setup", setup)
	for name, site := range sites {
		t.Run("setup from "+name, func(t *testing.T) { visit(t, tab, seen, site+"/setup", setup) })
	}
	var status struct {
		SetupRequired bool `json:"setup_required"`
	}
	rest(t, s.URL, "", "GET", "/api/v1/auth/status", nil, &status)
	if !status.SetupRequired {
		t.Fatal("a page elsewhere set up Easel's administrator")
	}

	// 2. Ada is set up and signed in in this browser, so its cookie exists;
	// Mallory has a profile too.
	ada := setupAda(t, s.URL)
	malloryID := addUser(t, s.URL, ada, "mallory@evil.test", "Mallory", "MalloryPass1")
	var board struct {
		BoardID string `json:"board_id"`
	}
	rest(t, s.URL, ada, "POST", "/api/v1/boards/?board_name=Private", nil, &board)
	signIn(t, browserCtx, s.URL, "ada@studio.test", "TestPass123")
	// The cookie's session opens Ada's private board's zip from Easel's own page.
	zipStatus := func() int {
		return evalAwait[int](t, browserCtx, `fetch('/api/v1/boards/`+board.BoardID+`/download', {credentials: 'same-origin'}).then(r => r.status)`)
	}
	if got := zipStatus(); got != 200 {
		t.Fatalf("Ada's zip from Easel's own page = %d", got)
	}

	var attempts []attempt
	for i := 0; i < 3; i++ { // six wrong passwords a try would throttle Ada
		attempts = append(attempts, everyWay(s.URL+"/api/v1/auth/login", map[string]string{"email": "ada@studio.test", "password": "guess-" + fmt.Sprint(i)})...)
	}
	// Signing this browser in as Mallory would swap Ada's cookie for hers.
	attempts = append(attempts, everyWay(s.URL+"/api/v1/auth/login", map[string]string{"email": "mallory@evil.test", "password": "MalloryPass1"})...)
	// A board made with the cookie, the cookie's session ended, users made.
	attempts = append(attempts,
		attempt{Kind: "form", URL: s.URL + "/api/v1/boards/?board_name=Planted", Enctype: "application/x-www-form-urlencoded"},
		attempt{Kind: "fetch", URL: s.URL + "/api/v1/boards/?board_name=Planted", Type: "text/plain"},
		attempt{Kind: "form", URL: s.URL + "/api/v1/auth/logout", Enctype: "text/plain"},
		attempt{Kind: "fetch", URL: s.URL + "/api/v1/auth/logout", Type: "text/plain"},
		attempt{Kind: "fetch", URL: s.URL + "/api/v1/queue/default/enqueue_batch", Type: "text/plain", Body: `{"batch":{"graph":{"nodes":{}}}}`},
	)
	attempts = append(attempts, everyWay(s.URL+"/api/v1/auth/users", map[string]string{"email": "planted@evil.test", "password": "PlantedPass1"})...)
	evil.set("/signed-in", attempts)
	for name, site := range sites {
		t.Run("login and changes from "+name, func(t *testing.T) { visit(t, tab, seen, site+"/signed-in", attempts) })
	}

	// None had any effect. Ada's cookie is hers and alive: no sign-out,
	// and no sign-in as Mallory replaced it.
	if got := zipStatus(); got != 200 {
		t.Fatalf("Ada's zip after the attacks = %d, want 200: her cookie was ended or replaced", got)
	}
	var boards []struct {
		BoardName string `json:"board_name"`
	}
	rest(t, s.URL, ada, "GET", "/api/v1/boards/?all=true", nil, &boards)
	if len(boards) != 1 || boards[0].BoardName != "Private" {
		t.Fatalf("boards after the attacks = %+v", boards)
	}
	var users []struct {
		Email string `json:"email"`
	}
	rest(t, s.URL, ada, "GET", "/api/v1/auth/users", nil, &users)
	if len(users) != 2 {
		t.Fatalf("users after the attacks = %+v", users)
	}
	var audit []struct {
		Action  string `json:"action"`
		ActorID string `json:"actor_id"`
	}
	rest(t, s.URL, ada, "GET", "/api/v1/audit", nil, &audit)
	for _, e := range audit {
		if e.Action == "login_failed" || (e.Action == "login" && e.ActorID == malloryID) {
			t.Errorf("the audit log has an attacker's login: %+v", e)
		}
	}
	// Nine wrong passwords would have throttled Ada: none counted.
	var login struct{ Token string }
	rest(t, s.URL, "", "POST", "/api/v1/auth/login", map[string]any{"email": "ada@studio.test", "password": "TestPass123"}, &login)
	if login.Token == "" {
		t.Fatal("Ada cannot sign in after the attacks")
	}
	shot(t, tab, "crosssite-attacker")
}
