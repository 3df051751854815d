package e2e

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestGeneration walks real pictures in three browsers, against the test
// generation server imitating AUTOMATIC1111. Ada, the administrator, adds
// it in Settings as "studio": it is Reachable and lists its models; she
// lets Ann, and only Ann, use studio/v1-5-pruned-emaonly. Ann opens
// Generate on Text to image: the model select offers that model alone;
// she picks the built-in Watercolour preset, types a prompt and queues 4
// pictures, watches one draw step by step with a preview, and finds the
// 4 in her gallery, each recording the model and the prompt as the
// preset expanded it. Bob may use no model: Generate tells him so calmly,
// his model list is empty, and a batch naming the model is refused with
// the model named.
func TestGeneration(t *testing.T) {
	start := time.Now()
	sd := startSDTestServer(t)
	s := startServe(t, t.TempDir())
	admin := setupAda(t, s.URL)
	annID := addUser(t, s.URL, admin, "ann@studio.test", "Ann Weaver", "AnnPass1234")
	addUser(t, s.URL, admin, "bob@studio.test", "Bob Painter", "BobPass456")
	const (
		model    = "studio/v1-5-pruned-emaonly"
		prompt   = "a red fox in fresh snow"
		expanded = prompt + ", watercolour painting, soft washes, bleeding pigment, visible paper texture, loose brushwork, delicate palette"
	)
	studio := chromedp.CSS(`[data-testid="backend-row"][data-name="studio"]`)
	grantRow := `[data-testid="model-access-row"][data-model="` + model + `"]`

	// ---- Ada adds the server and lets Ann use one of its models.
	ada := browser(t)
	signIn(t, ada, s.URL, "ada@studio.test", "TestPass123")
	do(t, ada, "Ada opens Settings: no backend yet",
		click("nav-settings"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="backend-list"][data-loaded="true"]`)),
		chromedp.WaitVisible(tid("backend-list-empty")),
	)
	do(t, ada, "an address on another computer is refused unless she says so, and then she is warned",
		fill("backend-name", "studio"),
		fill("backend-url", "http://192.0.2.7:7860"),
		click("backend-add"),
		chromedp.Poll[chromedp.Void](`document.querySelector('[data-testid="backend-form-error"]')?.innerText.includes("not on this computer")`),
		click("backend-remote"),
		chromedp.WaitVisible(tid("backend-remote-warning")),
		click("backend-remote"),
		chromedp.WaitNotPresent(tid("backend-remote-warning")),
	)
	if got := eval[string](t, ada, `document.querySelector('[data-testid="backend-remote-warning"]')?.innerText ?? ''`); got != "" {
		t.Fatalf("the warning stays after unticking: %q", got)
	}
	do(t, ada, "Ada adds studio at the test server's address: it is reachable, with its models",
		retype("backend-url", sd),
		click("backend-add"),
		toastSays("Added studio"),
		chromedp.WaitVisible(chromedp.CSS(string(studio)+`[data-state="reachable"]`)),
		chromedp.WaitNotPresent(tid("backend-form-error")),
	)
	if got := eval[string](t, ada, `document.querySelector('`+string(studio)+` [data-testid="backend-state"]').innerText`); got != "Reachable" {
		t.Fatalf("studio's badge reads %q, want Reachable", got)
	}
	models := eval[string](t, ada, `document.querySelector('`+string(studio)+` [data-testid="backend-models"]').innerText`)
	for _, m := range []string{"v1-5-pruned-emaonly", "sd_xl_base_1.0"} {
		if !strings.Contains(models, m) {
			t.Fatalf("studio's models read %q, without %s", models, m)
		}
	}
	do(t, ada, "Test asks it again",
		dismissToasts(),
		chromedp.Click(chromedp.CSS(string(studio)+` [data-testid="backend-test"]`), chromedp.NodeVisible),
		toastSays("studio answers"),
	)
	do(t, ada, "Ada lets Ann, and only Ann, use v1-5-pruned-emaonly",
		dismissToasts(),
		chromedp.WaitVisible(chromedp.CSS(grantRow)),
		setSelect(grantRow+` [data-testid="model-access-choice"]`, "chosen"),
		chromedp.Click(chromedp.CSS(grantRow+` [data-testid="model-access-user"][data-user-id="`+annID+`"]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(grantRow+` [data-testid="model-access-save"]`), chromedp.NodeVisible),
		toastSays("administrators and Ann Weaver may use v1-5-pruned-emaonly"),
	)
	if n := eval[int](t, ada, `document.querySelectorAll('[data-testid="model-access-row"]').length`); n < 2 {
		t.Fatalf("the table of models has %d rows; the test server offers more than one model", n)
	}
	shot(t, ada, "generation-settings")

	// ---- Ann draws 4 pictures with the model and a style preset.
	ann := browser(t)
	signIn(t, ann, s.URL, "ann@studio.test", "AnnPass1234")
	do(t, ann, "Ann opens Generate on Text to image: the one model she may use is chosen",
		click("nav-generate"),
		chromedp.Poll[chromedp.Void](`[...(document.querySelector('[data-testid="workflow-select"]')?.options ?? [])].some(o => o.value === "text-to-image")`),
		setSelect(`[data-testid="workflow-select"]`, "text-to-image"),
		chromedp.WaitVisible(tid("field-generate-model")),
	)
	if got := eval[[]string](t, ann, `[...document.querySelector('[data-testid="field-generate-model"]').options].map(o => o.value + " | " + o.text)`); len(got) != 1 || got[0] != model+" | v1-5-pruned-emaonly — studio" {
		t.Fatalf("Ann's model select offers %q, want only %s", got, model)
	}
	if eval[bool](t, ann, `!!document.querySelector('[data-testid="gen-no-models"]')`) {
		t.Fatal("Ann, who may use a model, is told no server is set up for her")
	}
	do(t, ann, "she picks Watercolour and types her prompt: she is shown what will be queued",
		click("preset-picker"),
		chromedp.Click(chromedp.CSS(`[data-testid="preset-option"][data-preset-id="default_watercolour"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="preset-picker"][data-value="default_watercolour"]`)),
		retype("field-generate-prompt", prompt),
		chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.querySelector('[data-testid="gen-expanded-prompt"]')?.innerText === %q`, expanded)),
		chromedp.Poll[chromedp.Void](`document.querySelector('[data-testid="gen-expanded-negative"]')?.innerText.includes("3d render")`),
		retype("gen-runs", "4"),
	)
	negative := eval[string](t, ann, `document.querySelector('[data-testid="gen-expanded-negative"]').innerText`)
	// Previews can be brief: note every one that shows, and the steps named.
	eval[bool](t, ann, `(() => {
		window.__seen = { previews: 0, steps: new Set() };
		const look = () => {
			for (const img of document.querySelectorAll('[data-testid="generation-preview"]')) {
				if (img.src.startsWith("data:image/")) window.__seen.previews++;
			}
			for (const m of document.querySelectorAll('[data-testid="queue-progress-message"]')) window.__seen.steps.add(m.innerText);
		};
		new MutationObserver(look).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['src', 'data-percent'] });
		return true;
	})()`)
	mine := func(status string) string {
		return fmt.Sprintf(`document.querySelectorAll('[data-testid="queue-row"][data-mine="true"][data-status="%s"]').length`, status)
	}
	do(t, ann, "she queues 4; they draw, with a preview, and finish",
		dismissToasts(),
		click("gen-submit"),
		toastSays("Queued 4 images"),
		chromedp.Poll[chromedp.Void](mine("completed")+` === 4`, chromedp.WithPollingTimeout(25*time.Second)),
	)
	if eval[bool](t, ann, `!!document.querySelector('[data-testid="queue-error"]')`) {
		t.Fatalf("an item failed: %s", eval[string](t, ann, `document.querySelector('[data-testid="queue-error"]').innerText`))
	}
	if n := eval[int](t, ann, `window.__seen.previews`); n == 0 {
		t.Fatal("no preview of a picture being drawn was shown")
	}
	steps := eval[[]string](t, ann, `[...window.__seen.steps]`)
	if len(steps) == 0 || !regexp.MustCompile(`Step \d+ of 20`).MatchString(strings.Join(steps, "\n")) {
		t.Fatalf("the running rows said %q, without \"Step n of 20\"", steps)
	}
	t.Logf("previews seen %d times; steps named: %d", eval[int](t, ann, `window.__seen.previews`), len(steps))

	annToken := login(t, s.URL, "ann@studio.test", "AnnPass1234")
	var page struct {
		Items []generatedImage `json:"items"`
	}
	rest(t, s.URL, annToken, "GET", "/api/v1/images/?board_id=none&limit=50", nil, &page)
	if len(page.Items) != 4 {
		t.Fatalf("Ann has %d uncategorized images, want the 4 she generated", len(page.Items))
	}
	seeds := map[int64]bool{}
	for _, img := range page.Items {
		var one generatedImage // whole, as the image's own route gives it
		rest(t, s.URL, annToken, "GET", "/api/v1/images/i/"+img.ImageName, nil, &one)
		m := one.Metadata
		if m.Model != model || m.Prompt != expanded || m.NegativePrompt != negative || m.Backend != "studio" || m.Steps != 20 || m.Seed == nil {
			t.Fatalf("image %s records %+v; want model %s, prompt %q, negative %q, backend studio, 20 steps, a seed", img.ImageName, m, model, expanded, negative)
		}
		seeds[*m.Seed] = true
	}
	if len(seeds) != 4 {
		t.Fatalf("the 4 images have %d different seeds, want 4", len(seeds))
	}
	do(t, ann, "her gallery shows the 4; one's details name the model",
		noToasts(),
		click("nav-gallery"),
		click("board-uncategorized"),
		tiles(4),
		thumbnailsLoaded(),
		chromedp.Click(chromedp.CSS(`[data-testid="image-tile"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(tid("viewer-settings")),
		chromedp.WaitVisible(tid("viewer-model")),
	)
	for id, want := range map[string]string{"viewer-model": model, "viewer-prompt": expanded, "viewer-backend": "studio", "viewer-steps": "20"} {
		if got := eval[string](t, ann, `document.querySelector('[data-testid="`+id+`"]').innerText`); got != want {
			t.Fatalf("the viewer's %s reads %q, want %q", id, got, want)
		}
	}
	shot(t, ann, "generation-viewer")

	// ---- Bob may use no model.
	bob := browser(t)
	signIn(t, bob, s.URL, "bob@studio.test", "BobPass456")
	do(t, bob, "Bob opens Generate: no server is set up for him, and no model workflow is offered",
		click("nav-generate"),
		chromedp.WaitVisible(tid("gen-no-models")),
		chromedp.Poll[chromedp.Void](`document.querySelector('[data-testid="workflow-select"]')?.options.length >= 4`),
	)
	if txt := eval[string](t, bob, `document.querySelector('[data-testid="gen-no-models"]').innerText`); !strings.Contains(txt, "No image-generation server is set up for you") || !strings.Contains(txt, "README → Real pictures") || !strings.Contains(txt, "administrator") {
		t.Fatalf("Bob's panel reads %q", txt)
	}
	if eval[bool](t, bob, `[...document.querySelector('[data-testid="workflow-select"]').options].some(o => o.value === "text-to-image" || o.value === "image-to-image")`) {
		t.Fatal("Bob, who may use no model, is offered a workflow that draws with one")
	}
	shot(t, bob, "generation-no-models")
	bobToken := bobToken(t, s.URL)
	if code, body := restBody(t, s.URL, bobToken, "GET", "/api/v1/generation/models", nil); code != http.StatusOK || strings.TrimSpace(body) != "[]" {
		t.Fatalf("Bob's models: HTTP %d %s, want 200 []", code, body)
	}
	batch := map[string]any{"priority": 0, "batch": map[string]any{"runs": 1, "graph": map[string]any{
		"nodes": map[string]any{
			"generate": map[string]any{"id": "generate", "type": "txt2img", "prompt": "a fox", "model": model,
				"width": 512, "height": 512, "steps": 20, "cfg_scale": 7, "sampler": "Euler a", "seed": 1},
			"save": map[string]any{"id": "save", "type": "save_image"},
		},
		"edges": []any{map[string]any{"source": map[string]any{"node_id": "generate", "field": "image"},
			"destination": map[string]any{"node_id": "save", "field": "image"}}},
	}}}
	if code, body := restBody(t, s.URL, bobToken, "POST", "/api/v1/queue/default/enqueue_batch", batch); code != http.StatusBadRequest || !strings.Contains(body, model) {
		t.Fatalf("Bob's batch naming %s: HTTP %d %s, want 400 naming the model", model, code, body)
	}
	t.Logf("TestGeneration took %s", time.Since(start).Round(100*time.Millisecond))
}

// generatedImage is what the checks read of an image made by a generation node.
type generatedImage struct {
	ImageName string `json:"image_name"`
	Metadata  struct {
		Prompt         string `json:"prompt"`
		NegativePrompt string `json:"negative_prompt"`
		Model          string `json:"model"`
		Backend        string `json:"backend"`
		Steps          int    `json:"steps"`
		Seed           *int64 `json:"seed"`
	} `json:"metadata"`
}

// login signs a profile in over REST and returns its token.
func login(t *testing.T, base, email, password string) string {
	t.Helper()
	var l struct{ Token string }
	rest(t, base, "", "POST", "/api/v1/auth/login", map[string]any{"email": email, "password": password, "remember_me": false}, &l)
	return l.Token
}

// restBody calls the API and returns the status and the body, whatever they are.
func restBody(t *testing.T, base, token, method, path string, body any) (int, string) {
	t.Helper()
	res := restDo(t, base, token, method, path, body)
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(data)
}

var sdTestURL = regexp.MustCompile(`Running on local URL:\s+(http://\S+)`)

// startSDTestServer builds and runs the test generation server as
// AUTOMATIC1111 on a free port, quick (30 ms a step, a preview every 2),
// and returns its address. It is stopped when the test ends.
func startSDTestServer(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "sdtestserver")
	if out, err := exec.Command("go", "build", "-o", bin, "easel/cmd/sdtestserver").CombinedOutput(); err != nil {
		t.Fatalf("build the test generation server: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "--a1111", "--listen-port", "0", "--step-delay", "30ms", "--preview-every", "2")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("test generation server log:\n%s", logs.String())
		}
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := sdTestURL.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
		io.Copy(io.Discard, stdout)
		cmd.Wait()
		close(done)
	}()
	select {
	case u := <-found:
		return u
	case <-done:
		t.Fatalf("the test generation server stopped before listening:\n%s", logs.String())
	case <-time.After(15 * time.Second):
		t.Fatalf("the test generation server did not listen within 15 s:\n%s", logs.String())
	}
	return ""
}
