package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestPresets walks style presets in two browsers. Ann makes a preset
// "Ink", "{prompt}, ink on paper", with a preview image: her card shows
// it. She publishes it; Bob finds it under Everyone's, opens Generate on
// "Abstract from prompt", picks Ink, types "a heron" and is shown "a
// heron, ink on paper" as what will be queued, and queues it (into a
// queue an administrator paused, so the image is made later). Ann
// unpublishes Ink: after a reload it is in neither Bob's picker nor his
// Everyone's. The queue resumes and Bob's finished image records the
// prompt he was shown: a later change to the preset changes nothing made.
func TestPresets(t *testing.T) {
	start := time.Now()
	s := startServe(t, t.TempDir())
	admin := setupAda(t, s.URL)
	addUser(t, s.URL, admin, "ann@studio.test", "Ann Weaver", "AnnPass1234")
	addUser(t, s.URL, admin, "bob@studio.test", "Bob Painter", "BobPass456")
	const name, template, prompt, queued = "Ink", "{prompt}, ink on paper", "a heron", "a heron, ink on paper"

	// ---- Ann makes Ink with a preview, and publishes it.
	ann := browser(t)
	signIn(t, ann, s.URL, "ann@studio.test", "AnnPass1234")
	pic := writePNG(t, t.TempDir(), "ink.png", 210)
	annCard := presetCard(name, "owner")
	do(t, ann, "Ann makes the preset Ink with a preview image",
		click("nav-presets"),
		presetsLoaded("mine"),
		chromedp.WaitVisible(tid("presets-empty")),
		click("presets-new"),
		chromedp.WaitVisible(tid("preset-dialog")),
		fill("preset-name-input", name),
		retype("preset-positive-input", template),
		fill("preset-negative-input", "colour"),
		chromedp.SetUploadFiles(tid("preset-image-input"), []string{pic}),
		chromedp.Poll[chromedp.Void](`document.querySelector('[data-testid="preset-image-state"]').innerText.includes("ink.png")`),
		click("preset-save"),
		chromedp.WaitNotPresent(tid("preset-dialog")),
		toastSays("Made “"+name+"”"),
		chromedp.WaitVisible(annCard),
	)
	do(t, ann, "her card shows its templates and its preview",
		chromedp.Poll[chromedp.Void](`(() => {
			const img = document.querySelector('`+string(annCard)+` [data-testid="preset-preview"]');
			return !!img && img.complete && img.naturalWidth > 0;
		})()`),
	)
	if got := eval[string](t, ann, `document.querySelector('`+string(annCard)+` [data-testid="preset-positive"]').innerText`); got != template {
		t.Fatalf("Ann's card shows the prompt template %q, want %q", got, template)
	}
	shot(t, ann, "presets-ann")
	bad := filepath.Join(t.TempDir(), "bad.csv")
	if err := os.WriteFile(bad, []byte("name,prompt,negative_prompt\nGood,\"{prompt}, good\",\n,no name,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	do(t, ann, "a file with a bad row is refused, with the row named, and nothing is kept",
		chromedp.SetUploadFiles(tid("presets-import-input"), []string{bad}),
		chromedp.Poll[chromedp.Void](`document.querySelector('[data-testid="presets-import-error"]')?.innerText.match(/Nothing was imported.*Row 3: A style preset needs a name/s) != null`),
	)
	if n := eval[int](t, ann, `document.querySelectorAll('[data-testid="preset-card"]').length`); n != 1 {
		t.Fatalf("after a refused import Ann has %d cards, want her 1", n)
	}
	do(t, ann, "Ann publishes it",
		dismissToasts(),
		presetAction(annCard, "preset-publish"),
		toastSays("is public"),
		chromedp.WaitVisible(chromedp.CSS(string(annCard)+`[data-public="true"]`)),
	)
	id := eval[string](t, ann, `document.querySelector('`+string(annCard)+`').dataset.presetId`)
	bobSees := chromedp.CSS(`[data-testid="preset-card"][data-preset-id="` + id + `"]`)

	// ---- Bob finds it under Everyone's, and generates with it.
	bob := browser(t)
	signIn(t, bob, s.URL, "bob@studio.test", "BobPass456")
	do(t, bob, "Bob sees Ink under Everyone's, with no way to change it",
		click("nav-presets"),
		presetsLoaded("mine"),
		click("presets-tab-everyone"),
		presetsLoaded("everyone"),
		chromedp.WaitVisible(bobSees),
		chromedp.Click(chromedp.CSS(string(bobSees)+` [data-testid="preset-menu"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(string(bobSees)+` [data-testid="preset-copy"]`)),
	)
	if eval[bool](t, bob, `document.querySelector('`+string(bobSees)+` :is([data-testid="preset-edit"], [data-testid="preset-delete"], [data-testid="preset-share"], [data-testid="preset-unpublish"])') !== null`) {
		t.Fatal("Bob is offered to change, share, unpublish or delete Ann's preset")
	}
	shot(t, bob, "presets-bob-everyone")

	// Paused, Bob's item waits until after Ann has unpublished Ink.
	rest(t, s.URL, admin, "PUT", "/api/v1/queue/default/processor/pause", nil, nil)
	do(t, bob, "Bob picks Ink in Generate and types a heron: he is shown what will be queued",
		chromedp.KeyEvent("\x1b"),
		click("nav-generate"),
		chromedp.Poll[chromedp.Void](`document.querySelector('[data-testid="workflow-select"]')?.options.length >= 4`),
		setSelect(`[data-testid="workflow-select"]`, "abstract-from-prompt"),
		chromedp.WaitVisible(tid("preset-picker")),
		click("preset-picker"),
		chromedp.Click(chromedp.CSS(`[data-testid="preset-option"][data-preset-id="`+id+`"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="preset-picker"][data-value="`+id+`"]`)),
		retype("field-art-prompt", prompt),
		chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.querySelector('[data-testid="gen-expanded-prompt"]')?.innerText === %q`, queued)),
	)
	if got := eval[string](t, bob, `document.querySelector('[data-testid="gen-expanded"]').innerText`); !strings.Contains(got, "This is what will be queued") {
		t.Fatalf("under the prompt Bob reads %q", got)
	}
	shot(t, bob, "presets-generate")
	do(t, bob, "Bob queues it",
		dismissToasts(),
		click("gen-submit"),
		toastSays("Queued 1 image"),
	)
	bobToken := bobToken(t, s.URL)
	item := bobsItem(t, s.URL, bobToken)
	if got := artPrompt(t, item.Graph); got != queued {
		t.Fatalf("Bob's queue item has the prompt %q, want %q", got, queued)
	}

	// ---- Ann unpublishes: it leaves Bob's picker and his Everyone's.
	do(t, ann, "Ann unpublishes Ink",
		dismissToasts(),
		presetAction(annCard, "preset-unpublish"),
		chromedp.WaitVisible(chromedp.CSS(string(annCard)+`[data-public="false"]`)),
	)
	signIn(t, bob, s.URL, "bob@studio.test", "BobPass456") // a reload: the page starts afresh
	do(t, bob, "after a reload, Bob's picker offers no Ink",
		click("nav-generate"),
		chromedp.Poll[chromedp.Void](`document.querySelector('[data-testid="workflow-select"]')?.options.length >= 4`),
		setSelect(`[data-testid="workflow-select"]`, "abstract-from-prompt"),
		click("preset-picker"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="preset-option"][data-preset-id=""]`)),
		chromedp.Poll[chromedp.Void](`document.querySelectorAll('[data-testid="preset-option"]').length > 1`), // the built-in ones
	)
	if eval[bool](t, bob, `document.querySelector('[data-testid="preset-option"][data-preset-id="`+id+`"]') !== null`) {
		t.Fatal("Bob's picker still offers Ink after Ann unpublished it")
	}
	do(t, bob, "nor does his Everyone's",
		chromedp.KeyEvent("\x1b"),
		click("nav-presets"),
		presetsLoaded("mine"),
		click("presets-tab-everyone"),
		presetsLoaded("everyone"),
	)
	if eval[bool](t, bob, `document.querySelector('`+string(bobSees)+`') !== null`) {
		t.Fatal("Bob still sees Ink under Everyone's after Ann unpublished it")
	}

	// ---- The queue runs: Bob's image keeps the prompt he was shown.
	rest(t, s.URL, admin, "PUT", "/api/v1/queue/default/processor/resume", nil, nil)
	var done queueItem
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		done = bobsItem(t, s.URL, bobToken)
		if done.Status == "completed" && len(done.ImageNames) > 0 {
			break
		}
		if done.Status == "failed" || time.Now().After(deadline) {
			t.Fatalf("Bob's item is %s (%s) and made %v", done.Status, done.ErrorMessage, done.ImageNames)
		}
	}
	var img struct {
		Metadata struct {
			Prompt string `json:"prompt"`
		} `json:"metadata"`
	}
	rest(t, s.URL, bobToken, "GET", "/api/v1/images/i/"+done.ImageNames[0], nil, &img)
	if img.Metadata.Prompt != queued {
		t.Fatalf("Bob's image records the prompt %q, want %q", img.Metadata.Prompt, queued)
	}
	t.Logf("TestPresets took %s", time.Since(start).Round(100*time.Millisecond))
}

type queueItem struct {
	ItemID       uint64          `json:"item_id"`
	Status       string          `json:"status"`
	Graph        json.RawMessage `json:"graph"`
	ImageNames   []string        `json:"image_names"`
	ErrorMessage string          `json:"error_message"`
	Mine         bool            `json:"mine"`
}

// bobsItem is the one queue item of the caller's, whole.
func bobsItem(t *testing.T, base, token string) queueItem {
	t.Helper()
	var items []queueItem
	rest(t, base, token, "GET", "/api/v1/queue/default/list_all", nil, &items)
	var mine []queueItem
	for _, it := range items {
		if it.Mine {
			mine = append(mine, it)
		}
	}
	if len(mine) != 1 {
		t.Fatalf("the caller has %d queue items, want 1", len(mine))
	}
	var it queueItem // whole, with its graph, which the list leaves out
	rest(t, base, token, "GET", fmt.Sprintf("/api/v1/queue/default/i/%d", mine[0].ItemID), nil, &it)
	return it
}

// artPrompt is the prompt of a graph's prompt_art node.
func artPrompt(t *testing.T, graph json.RawMessage) string {
	t.Helper()
	var g struct {
		Nodes map[string]map[string]any `json:"nodes"`
	}
	if err := json.Unmarshal(graph, &g); err != nil {
		t.Fatalf("the item's graph: %v", err)
	}
	for _, n := range g.Nodes {
		if n["type"] == "prompt_art" {
			s, _ := n["prompt"].(string)
			return s
		}
	}
	t.Fatalf("no prompt_art node in %s", graph)
	return ""
}

// presetCard selects a preset's card by name and the caller's role.
func presetCard(name, role string) chromedp.CSS {
	return chromedp.CSS(fmt.Sprintf(`[data-testid="preset-card"][data-name=%q][data-role=%q]`, name, role))
}

// presetAction picks an action from a preset card's menu.
func presetAction(card chromedp.CSS, action string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Click(chromedp.CSS(string(card)+` [data-testid="preset-menu"]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(string(card)+` [data-testid="`+action+`"]`), chromedp.NodeVisible),
	)
}

// presetsLoaded waits for the Presets page's list in a tab.
func presetsLoaded(tab string) chromedp.Action[chromedp.Void] {
	return chromedp.WaitVisible(chromedp.CSS(`[data-testid="presets-list"][data-tab="` + tab + `"][data-loaded="true"]`))
}
