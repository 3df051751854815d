package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"easel/app/accesstest"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// TestLibrary walks the workflow library in two browsers. Ann saves the
// current Generate settings as a workflow "Misty lake"; it shows in her
// workflows; she shares it with Bob as a viewer and exports it (the file is
// the workflow). Bob finds it under Shared with me with no Delete, saves a
// copy as his, and opens the built-in Gradient in Generate from the
// Built-in tab. Ann publishes hers: Bob sees it in Everyone's. Ann
// unpublishes and unshares: it leaves Bob's tabs.
func TestLibrary(t *testing.T) {
	start := time.Now()
	s := startServe(t, t.TempDir())
	admin := setupAda(t, s.URL)
	addUser(t, s.URL, admin, "ann@studio.test", "Ann Weaver", "AnnPass1234")
	bobID := addUser(t, s.URL, admin, "bob@studio.test", "Bob Painter", "BobPass456")

	const name, prompt = "Misty lake", "a misty lake at dawn, reeds in the fog"
	annCard := wfCard(name, "owner")

	// ---- Ann saves the Generate form as a workflow.
	ann := browser(t)
	signIn(t, ann, s.URL, "ann@studio.test", "AnnPass1234")
	do(t, ann, "Ann fills the Generate form",
		click("nav-generate"),
		chromedp.Poll[chromedp.Void](`document.querySelector('[data-testid="workflow-select"]')?.options.length >= 4`),
		setSelect(`[data-testid="workflow-select"]`, "abstract-from-prompt"),
		retype("field-art-prompt", prompt),
	)
	do(t, ann, "Ann saves it as a workflow named Misty lake",
		click("gen-save-workflow"),
		chromedp.WaitVisible(tid("save-wf-dialog")),
		fill("save-wf-name", name),
		retype("save-wf-tags", "lake, mist"),
		click("save-wf-submit"),
		chromedp.WaitNotPresent(tid("save-wf-dialog")),
		toastSays("Saved “"+name+"”"),
	)
	do(t, ann, "it shows in Your workflows",
		click("nav-library"),
		libLoaded("mine"),
		chromedp.WaitVisible(annCard),
	)
	id := eval[string](t, ann, `document.querySelector('`+string(annCard)+`').dataset.workflowId`)
	shot(t, ann, "library-ann")
	annCard = wfCardID(id) // another of the same name comes in below
	do(t, ann, "search and the tag filter find it, or say nothing matches",
		fill("lib-search", "nothing like this"),
		chromedp.WaitVisible(tid("lib-empty")),
		retype("lib-search", "MISTY"),
		chromedp.WaitVisible(annCard),
		retype("lib-search", ""),
		setSelect(`[data-testid="lib-tag"]`, "lake"),
		libLoaded("mine"),
		chromedp.WaitVisible(annCard),
		setSelect(`[data-testid="lib-tag"]`, ""),
		libLoaded("mine"),
	)

	do(t, ann, "Ann shares it with Bob as a viewer",
		cardAction(annCard, "wf-share"),
		chromedp.WaitVisible(tid("share-dialog")),
		chromedp.WaitVisible(candidate(bobID)),
		setSelect(string(candidate(bobID))+` [data-testid="share-role"]`, "viewer"),
		chromedp.Click(chromedp.CSS(string(candidate(bobID))+` [data-testid="share-add"]`)),
		chromedp.WaitVisible(shareRow(bobID)),
	)
	shot(t, ann, "library-share")
	do(t, ann, "close the share dialog", click("share-done"), chromedp.WaitNotPresent(tid("share-dialog")))

	downloads := t.TempDir()
	if _, err := chromedp.CallBrowser(ann, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads,
	}); err != nil {
		t.Fatalf("allow downloads: %v", err)
	}
	do(t, ann, "Ann exports it", cardAction(annCard, "wf-export"))
	doc := waitDownload(t, filepath.Join(downloads, name+".json"))
	var exported struct {
		Name  string
		Tags  string
		Graph struct {
			Nodes map[string]map[string]any
		}
	}
	if err := json.Unmarshal(doc, &exported); err != nil {
		t.Fatalf("the exported file is not JSON: %v\n%s", err, doc)
	}
	if exported.Name != name || exported.Graph.Nodes["art"]["prompt"] != prompt {
		t.Fatalf("the exported workflow is named %q with prompt %q; want %q with the prompt Ann typed", exported.Name, exported.Graph.Nodes["art"]["prompt"], name)
	}
	exportedPath := filepath.Join(downloads, name+".json")
	do(t, ann, "Ann imports the exported file: a second Misty lake",
		dismissToasts(),
		chromedp.SetUploadFiles(tid("lib-import-input"), []string{exportedPath}),
		toastSays("Imported “"+name+"”"),
		chromedp.Poll[chromedp.Void](`document.querySelectorAll('`+string(wfCard(name, "owner"))+`').length === 2`),
	)
	imported := eval[string](t, ann, `[...document.querySelectorAll('`+string(wfCard(name, "owner"))+`')].map(c => c.dataset.workflowId).find(x => x !== "`+id+`")`)
	// A picture of her own as its thumbnail, picked from the card's menu.
	picture := filepath.Join(t.TempDir(), "lake.png")
	if err := os.WriteFile(picture, accesstest.PNG(7), 0o600); err != nil {
		t.Fatal(err)
	}
	do(t, ann, "Ann gives Misty lake a thumbnail of her own",
		dismissToasts(),
		cardAction(wfCardID(id), "wf-thumbnail"),
		chromedp.SetUploadFiles(tid("lib-thumbnail-input"), []string{picture}),
		toastSays("has a new thumbnail"),
		chromedp.Poll[chromedp.Void](`(() => { const i = document.querySelector('`+string(wfCardID(id))+` img'); return i && i.complete && i.naturalWidth === 48; })()`),
	)
	do(t, ann, "Ann deletes the imported one, after saying yes",
		dismissToasts(),
		cardAction(wfCardID(imported), "wf-delete"),
		chromedp.WaitVisible(tid("confirm-dialog")),
		click("confirm-ok"),
		chromedp.WaitNotPresent(wfCardID(imported)),
		chromedp.WaitVisible(annCard),
	)

	// ---- Bob finds it shared with him, may not delete it, and saves a copy.
	bob := browser(t)
	signIn(t, bob, s.URL, "bob@studio.test", "BobPass456")
	bobSees := wfCardID(id)
	do(t, bob, "Bob finds it under Shared with me",
		click("nav-library"),
		libLoaded("mine"),
		click("lib-tab-shared"),
		libLoaded("shared"),
		chromedp.WaitVisible(wfCard(name, "viewer")),
		chromedp.Click(chromedp.CSS(string(bobSees)+` [data-testid="wf-menu"]`)),
		chromedp.WaitVisible(chromedp.CSS(string(bobSees)+` [data-testid="wf-copy"]`)),
	)
	if eval[bool](t, bob, `document.querySelector('`+string(bobSees)+` [data-testid="wf-delete"], `+string(bobSees)+` [data-testid="wf-share"], `+string(bobSees)+` [data-testid="wf-publish"]') !== null`) {
		t.Fatal("Bob, a viewer, is offered to delete, share or publish Ann's workflow")
	}
	shot(t, bob, "library-bob-shared")
	do(t, bob, "Bob saves it as his",
		chromedp.Click(chromedp.CSS(string(bobSees)+` [data-testid="wf-copy"]`)),
		toastSays("Saved “"+name+" (copy)”"),
		click("lib-tab-mine"),
		libLoaded("mine"),
		chromedp.WaitVisible(wfCard(name+" (copy)", "owner")),
	)

	do(t, bob, "Bob opens his copy in Generate: Ann's prompt is in the form",
		dismissToasts(),
		chromedp.Click(chromedp.CSS(string(wfCard(name+" (copy)", "owner"))+` [data-testid="wf-open"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(tid("generate-page")),
		chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.querySelector('[data-testid="field-art-prompt"]')?.value === %q`, prompt)),
		chromedp.WaitVisible(tid("field-art-seed")),
	)
	if got := eval[string](t, bob, `document.querySelector('[data-testid="workflow-select"]').selectedOptions[0].textContent`); !strings.Contains(got, name+" (copy)") {
		t.Fatalf("the workflow select shows %q, want Bob's copy", got)
	}
	shot(t, bob, "library-open-in-generate")
	// His run of it gives his copy its thumbnail: Generate names the
	// workflow in the batch, and he may change his own.
	do(t, bob, "Bob generates from his copy",
		click("gen-submit"),
		toastSays("Queued"),
	)

	// ---- Bob opens the built-in Gradient in Generate.
	do(t, bob, "Bob opens Gradient from Built-in",
		click("nav-library"),
		libLoaded("mine"),
		click("lib-tab-builtin"),
		libLoaded("builtin"),
		dismissToasts(), // the copy's message sits over the cards' corner
		chromedp.Click(chromedp.CSS(string(wfCard("Gradient", ""))+` [data-testid="wf-open"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(tid("generate-page")),
		chromedp.Poll[chromedp.Void](`document.querySelector('[data-testid="workflow-select"]')?.value === "gradient"`),
		chromedp.WaitVisible(tid("field-gradient-from")),
		chromedp.WaitVisible(tid("field-gradient-angle")),
		chromedp.WaitVisible(tid("field-gradient-width")),
	)
	if eval[bool](t, bob, `document.querySelector('[data-testid="field-art-prompt"]') !== null`) {
		t.Fatal("Generate still shows the prompt field of another workflow after opening Gradient")
	}
	do(t, bob, "Gradient is in Bob's Recently opened",
		click("nav-library"),
		click("lib-tab-recent"),
		libLoaded("recent"),
		chromedp.WaitVisible(wfCard("Gradient", "")),
	)

	// ---- Ann publishes it: Bob sees it in Everyone's.
	do(t, ann, "Ann publishes it",
		cardAction(annCard, "wf-publish"),
		toastSays("is public"),
		chromedp.WaitVisible(chromedp.CSS(string(annCard)+`[data-public="true"]`)),
	)
	do(t, bob, "Bob sees it in Everyone's",
		click("lib-tab-everyone"),
		libLoaded("everyone"),
		chromedp.WaitVisible(bobSees),
	)
	shot(t, bob, "library-everyone")

	// ---- Ann unpublishes and unshares: it leaves Bob's tabs.
	do(t, ann, "Ann unpublishes it and unshares Bob",
		cardAction(annCard, "wf-unpublish"),
		chromedp.WaitVisible(chromedp.CSS(string(annCard)+`[data-public="false"]`)),
		cardAction(annCard, "wf-share"),
		chromedp.WaitVisible(shareRow(bobID)),
		chromedp.Click(chromedp.CSS(string(shareRow(bobID))+` [data-testid="share-remove"]`)),
		chromedp.WaitNotPresent(shareRow(bobID)),
		click("share-done"),
		chromedp.WaitNotPresent(tid("share-dialog")),
	)
	for _, tab := range []string{"everyone", "shared"} {
		do(t, bob, "Bob opens "+tab+" afresh",
			click("nav-gallery"),
			click("nav-library"),
			libLoaded("mine"),
			click("lib-tab-"+tab),
			libLoaded(tab),
		)
		if eval[bool](t, bob, `document.querySelector('`+string(bobSees)+`') !== null`) {
			t.Fatalf("Bob still sees Ann's workflow in %s after she unpublished and unshared it", tab)
		}
	}
	// His run is done (the queue shows it) before his tab is read again.
	do(t, bob, "Bob's run of his copy finishes",
		click("nav-queue"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="queue-panel"][data-loaded="true"]`)),
		chromedp.Poll[chromedp.Void](`document.querySelectorAll('[data-testid="queue-row"][data-mine="true"][data-status="completed"]').length === 1`),
		click("nav-library"),
		libLoaded("mine"),
	)
	do(t, bob, "Bob keeps his copy, with the picture of his run as its thumbnail",
		click("lib-tab-mine"),
		libLoaded("mine"),
		chromedp.WaitVisible(wfCard(name+" (copy)", "owner")),
		chromedp.WaitVisible(chromedp.CSS(string(wfCard(name+" (copy)", "owner"))+` img`)),
		chromedp.Poll[chromedp.Void](`(() => { const i = document.querySelector('`+string(wfCard(name+" (copy)", "owner"))+` img'); return i && i.complete && i.naturalWidth > 0 && i.naturalWidth <= 256; })()`),
	)
	t.Logf("TestLibrary took %s", time.Since(start).Round(100*time.Millisecond))
}

// wfCard selects a workflow's card by name and, unless "", the caller's role.
func wfCard(name, role string) chromedp.CSS {
	sel := fmt.Sprintf(`[data-testid="wf-card"][data-name=%q]`, name)
	if role != "" {
		sel += fmt.Sprintf(`[data-role=%q]`, role)
	}
	return chromedp.CSS(sel)
}

func wfCardID(id string) chromedp.CSS {
	return chromedp.CSS(`[data-testid="wf-card"][data-workflow-id="` + id + `"]`)
}

// cardAction picks an action from a card's menu.
func cardAction(card chromedp.CSS, action string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Click(chromedp.CSS(string(card)+` [data-testid="wf-menu"]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(string(card)+` [data-testid="`+action+`"]`), chromedp.NodeVisible),
	)
}

// libLoaded waits for a Library tab's first page.
func libLoaded(tab string) chromedp.Action[chromedp.Void] {
	return chromedp.WaitVisible(chromedp.CSS(`[data-testid="lib-list"][data-tab="` + tab + `"][data-loaded="true"]`))
}

// dismissToasts closes the messages in the corner, as a person would
// before clicking what they cover.
func dismissToasts() chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](`(() => {
		document.querySelectorAll('[data-testid="toast"] button').forEach(b => b.click());
		return document.querySelector('[data-testid="toast"]') === null;
	})()`)
}

func toastSays(text string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](fmt.Sprintf(`[...document.querySelectorAll('[data-testid="toast"]')].some(t => t.innerText.includes(%q))`, text))
}

// waitDownload waits for a finished download and returns its bytes.
func waitDownload(t *testing.T, path string) []byte {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
			if _, err := os.Stat(path + ".crdownload"); os.IsNotExist(err) {
				return b
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	t.Fatalf("no download at %s within 15 s (the folder holds: %s)", path, strings.Join(names, ", "))
	return nil
}
