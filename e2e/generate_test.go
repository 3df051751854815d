package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestGenerateQueue walks the render queue in two browsers. Alice picks
// "Abstract from prompt", types a prompt, asks for four images on a new
// board "Harbours" and generates, while an administrator has the queue
// paused: her four items wait. Bob, opening the Queue, sees them only as
// anonymous rows, with nothing of her prompt. The queue resumes; Alice
// watches her items run with progress and finish, her images appear on the
// new board with a message saying so, and a finished image opens in the
// gallery, whose viewer loads its settings back into the Generate form.
func TestGenerateQueue(t *testing.T) {
	s := startServe(t, t.TempDir())

	// People are set up over REST; generating and the queue are what is under test.
	admin := struct{ Token string }{setupAda(t, s.URL)}
	addUser(t, s.URL, admin.Token, "alice@studio.test", "Alice Painter", "AlicePass123")
	addUser(t, s.URL, admin.Token, "bob@studio.test", "Bob Painter", "BobPass456")
	// Paused, Alice's items wait long enough for Bob to see them in line.
	rest(t, s.URL, admin.Token, "PUT", "/api/v1/queue/default/processor/pause", nil, nil)

	const prompt = "a quiet harbour at dusk, lanterns on the water"
	mineRows := func(status string) string {
		return fmt.Sprintf(`document.querySelectorAll('[data-testid="queue-row"][data-mine="true"][data-status="%s"]').length`, status)
	}

	// ---- Alice fills the form: a missing prompt is caught first.
	alice := browser(t)
	signIn(t, alice, s.URL, "alice@studio.test", "AlicePass123")
	do(t, alice, "open Generate with the built-in workflows",
		click("nav-generate"),
		chromedp.Poll[chromedp.Void](`document.querySelector('[data-testid="workflow-select"]')?.options.length >= 4`),
		setSelect(`[data-testid="workflow-select"]`, "abstract-from-prompt"),
		chromedp.WaitVisible(tid("field-art-prompt")),
		chromedp.WaitVisible(tid("field-art-seed")),
		chromedp.WaitVisible(tid("field-art-width")),
	)
	do(t, alice, "an empty prompt is refused",
		retype("field-art-prompt", ""),
		click("gen-submit"),
		chromedp.WaitVisible(tid("gen-error")),
	)
	if msg := eval[string](t, alice, `document.querySelector('[data-testid="gen-error"]').innerText`); !strings.Contains(msg, "Prompt") {
		t.Fatalf("the error for an empty prompt is %q; it should name the Prompt field", msg)
	}
	do(t, alice, "fill the form: prompt, random seed, four images, new board Harbours",
		retype("field-art-prompt", prompt),
		chromedp.Poll[chromedp.Void](`document.querySelector('[data-testid="field-art-seed-random"]').checked`),
		retype("gen-runs", "4"),
		setSelect(`[data-testid="gen-board-select"]`, "__new__"),
		fill("gen-new-board-name", "Harbours"),
	)
	do(t, alice, "generate with Ctrl+Enter; four items wait in the paused queue",
		chromedp.Focus(tid("field-art-prompt")),
		chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.Poll[chromedp.Void](mineRows("pending")+` === 4`),
		chromedp.WaitVisible(tid("queue-paused")),
		chromedp.Poll[chromedp.Void](`document.querySelector('[data-testid="queue-badge"]')?.innerText === "4"`),
	)
	if eval[bool](t, alice, `!!document.querySelector('[data-testid="gen-error"]')`) {
		t.Fatalf("generating showed an error: %s", eval[string](t, alice, `document.querySelector('[data-testid="gen-error"]').innerText`))
	}

	// ---- Bob sees that he would wait behind someone, and nothing more.
	bob := browser(t)
	signIn(t, bob, s.URL, "bob@studio.test", "BobPass456")
	do(t, bob, "Bob opens the Queue and sees four anonymous rows",
		click("nav-queue"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="queue-panel"][data-loaded="true"]`)),
		chromedp.Poll[chromedp.Void](`document.querySelectorAll('[data-testid="queue-row"][data-mine="false"][data-status="pending"]').length === 4`),
	)
	if n := eval[int](t, bob, `document.querySelectorAll('[data-testid="queue-row"][data-mine="true"]').length`); n != 0 {
		t.Fatalf("Bob, who queued nothing, has %d rows marked as his", n)
	}
	if eval[bool](t, bob, `!!document.querySelector('[data-testid="queue-badge"]')`) {
		t.Fatal("Bob's Queue shows a badge, but he has nothing waiting")
	}
	if eval[bool](t, bob, `!!document.querySelector('[data-testid="queue-cancel"], [data-testid="queue-delete"], [data-testid="queue-pause"], [data-testid="queue-clear-all"]')`) {
		t.Fatal("Bob is offered to cancel or delete Alice's items, or to run the queue")
	}
	if txt := eval[string](t, bob, `document.querySelector('[data-testid="queue-row"]').innerText`); !strings.Contains(txt, "Someone else") || !strings.Contains(txt, "in line") {
		t.Fatalf("an anonymous row reads %q; it should say it is someone else's and where it is in line", txt)
	}
	noPrompt := func(when string) {
		t.Helper()
		body := eval[string](t, bob, `document.body.innerText + document.body.innerHTML`)
		for _, leak := range []string{prompt, "lanterns", "Alice", "Harbours", "prompt_art"} {
			if strings.Contains(body, leak) {
				t.Fatalf("%s, Bob's page contains %q, from Alice's item", when, leak)
			}
		}
	}
	noPrompt("with Alice's items waiting")
	shot(t, bob, "generate-queue-someone-else")

	// ---- The queue resumes; Alice watches her items run and finish.
	// Rows show progress only while they run, which can be brief: note every
	// progress bar that ever appears.
	eval[bool](t, alice, `(() => {
		window.__seen = { progress: 0, maxPercent: -1, running: new Set() };
		const look = () => {
			for (const p of document.querySelectorAll('[data-testid="queue-row"] [data-testid="queue-progress"]')) {
				window.__seen.progress++;
				window.__seen.maxPercent = Math.max(window.__seen.maxPercent, Number(p.dataset.percent));
				window.__seen.running.add(p.closest('[data-testid="queue-row"]').dataset.itemId);
			}
		};
		new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-percent', 'data-status'] });
		return true;
	})()`)
	rest(t, s.URL, admin.Token, "PUT", "/api/v1/queue/default/processor/resume", nil, nil)
	do(t, alice, "all four complete, with their thumbnails",
		chromedp.Poll[chromedp.Void](mineRows("completed")+` === 4`),
		chromedp.WaitNotPresent(tid("queue-paused")),
		chromedp.WaitNotPresent(tid("queue-badge")),
		chromedp.Poll[chromedp.Void](`(() => {
			const imgs = [...document.querySelectorAll('[data-testid="queue-row"][data-status="completed"] [data-testid="queue-thumb"] img')];
			return imgs.length === 4 && imgs.every(i => i.complete && i.naturalWidth > 0);
		})()`),
		// "4 images finished in Harbours", or the same in smaller bursts.
		chromedp.Poll[chromedp.Void](`[...document.querySelectorAll('[data-testid="toast"]')].some(t => /\d+ images? finished in Harbours/.test(t.innerText))`),
	)
	t.Logf("finished: %s", eval[string](t, alice, `[...document.querySelectorAll('[data-testid="toast"]')].map(t => t.innerText).join(" | ")`))
	if n := eval[int](t, alice, `window.__seen.running.size`); n == 0 {
		t.Fatal("no row ever showed a progress bar while its item ran")
	}
	t.Logf("progress bars seen on %d items, up to %d%%", eval[int](t, alice, `window.__seen.running.size`), eval[int](t, alice, `window.__seen.maxPercent`))
	if eval[bool](t, alice, `!!document.querySelector('[data-testid="queue-error"]')`) {
		t.Fatalf("an item failed: %s", eval[string](t, alice, `document.querySelector('[data-testid="queue-error"]').innerText`))
	}
	do(t, alice, "a tidy picture of Generate with the finished items",
		noToasts(),
		// The new board, made by the first image, is now the one to save to.
		chromedp.Poll[chromedp.Void](`(() => {
			const s = document.querySelector('[data-testid="gen-board-select"]');
			return s.options[s.selectedIndex].text === "Harbours";
		})()`),
		chromedp.Poll[chromedp.Void](`(() => {
			document.activeElement?.blur();
			const pane = document.querySelector('[data-testid="generate-page"] > div');
			pane.scrollTop = 0;
			return pane.scrollTop === 0;
		})()`),
		chromedp.MouseEvent(chromedp.MouseMoved, 640, 30),
	)
	shot(t, alice, "generate")

	// Bob's anonymous rows went as Alice's items finished, and still nothing of hers shows.
	do(t, bob, "Bob's rows for Alice's items are gone once they finish",
		chromedp.Poll[chromedp.Void](`document.querySelectorAll('[data-testid="queue-row"]').length === 0`),
	)
	noPrompt("after Alice's items finished")

	// ---- A finished image opens in the gallery; its settings go back into the form.
	do(t, alice, "open a finished image from the queue",
		chromedp.Click(chromedp.CSS(`[data-testid="queue-row"][data-status="completed"] [data-testid="queue-thumb"]`)),
		chromedp.WaitVisible(tid("viewer")),
		chromedp.WaitVisible(tid("viewer-settings")),
		chromedp.Poll[chromedp.Void](`document.querySelector('[data-testid="viewer-image"]')?.naturalWidth > 0`),
	)
	if got := eval[string](t, alice, `document.querySelector('[data-testid="viewer-prompt"]').innerText`); got != prompt {
		t.Fatalf("the viewer shows the prompt %q, want %q", got, prompt)
	}
	seed := eval[string](t, alice, `document.querySelector('[data-testid="viewer-seed"]').innerText`)
	shot(t, alice, "generate-viewer-settings")
	do(t, alice, "use these settings again",
		click("use-settings"),
		chromedp.WaitNotPresent(tid("viewer")),
		chromedp.WaitVisible(tid("gen-prefilled")),
	)
	if got := eval[string](t, alice, `document.querySelector('[data-testid="field-art-prompt"]').value`); got != prompt {
		t.Fatalf("the form's prompt after Use these settings is %q, want %q", got, prompt)
	}
	if eval[bool](t, alice, `document.querySelector('[data-testid="field-art-seed-random"]').checked`) {
		t.Fatal("Use these settings left the seed random; it should keep the image's seed")
	}
	if got := eval[string](t, alice, `document.querySelector('[data-testid="field-art-seed"]').value`); got != seed {
		t.Fatalf("the form's seed is %q, want the image's %q", got, seed)
	}
	harbours := eval[string](t, alice, `(() => {
		const s = document.querySelector('[data-testid="gen-board-select"]');
		return s.options[s.selectedIndex].text;
	})()`)
	if harbours != "Harbours" {
		t.Fatalf("Use these settings chose the board %q, want Harbours (the board the images went to)", harbours)
	}

	// ---- The gallery has the new board with the four images.
	do(t, alice, "the gallery shows Harbours with four images",
		click("nav-gallery"),
		chromedp.WaitVisible(boardSel("Harbours", "mine")),
		chromedp.Poll[chromedp.Void](`document.querySelector('`+string(boardSel("Harbours", "mine"))+` [data-testid="board-count"]').innerText === "4"`),
		chromedp.Click(boardSel("Harbours", "mine")),
		chromedp.Poll[chromedp.Void](`document.querySelector('[data-testid="board-title"]').innerText === "Harbours"`),
		tiles(4),
		thumbnailsLoaded(),
	)
	shot(t, alice, "generate-gallery")
}

// clickEnabled clicks a button once it may be clicked: a row's buttons are
// disabled while its last action's answer is on its way, which the event
// stream can overtake.
// Messages in the corner are closed first: they can sit over a row's buttons.
func clickEnabled(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(noToasts(), chromedp.WaitEnabled(chromedp.CSS(sel)), chromedp.Click(chromedp.CSS(sel)))
}

// noToasts closes the messages in the corner.
func noToasts() chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](`(() => {
		document.querySelectorAll('[data-testid="toast"] button').forEach(b => b.click());
		return document.querySelector('[data-testid="toast"]') === null;
	})()`)
}

// retype replaces a field's text as a person does: select all, then type.
func retype(id, text string) chromedp.Action[chromedp.Void] {
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.WaitVisible(tid(id)),
		chromedp.Focus(tid(id)),
		chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.KeyEvent("\b"),
	}
	if text != "" {
		steps = append(steps, chromedp.SendKeys(tid(id), text))
	}
	return chromedp.Steps(steps...)
}

// TestGenerateQueueAdmin: an administrator runs the queue from the Queue
// page. Ada pauses it; Alice's items (queued over REST) show to Ada whole,
// with Alice's name; Ada cancels one and retries it, deletes another,
// resumes; an item that cannot run fails and says why; Ada clears the
// finished items, then, after confirming, the whole queue.
func TestGenerateQueueAdmin(t *testing.T) {
	s := startServe(t, t.TempDir())
	admin := struct{ Token string }{setupAda(t, s.URL)}
	addUser(t, s.URL, admin.Token, "alice@studio.test", "Alice Painter", "AlicePass123")
	var alice struct{ Token string }
	rest(t, s.URL, "", "POST", "/api/v1/auth/login", map[string]any{
		"email": "alice@studio.test", "password": "AlicePass123", "remember_me": false,
	}, &alice)

	ada := browser(t)
	signIn(t, ada, s.URL, "ada@studio.test", "TestPass123")
	do(t, ada, "Ada pauses the queue",
		click("nav-queue"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="queue-panel"][data-loaded="true"]`)),
		chromedp.WaitVisible(tid("queue-empty")),
		click("queue-pause"),
		chromedp.WaitVisible(tid("queue-resume")),
		chromedp.WaitVisible(tid("queue-paused")),
	)

	// Alice queues three pictures, and one edit of an image that does not exist.
	art := func(prompt string, runs int) map[string]any {
		return map[string]any{"batch": map[string]any{"runs": runs, "graph": map[string]any{
			"nodes": map[string]any{
				"art":  map[string]any{"id": "art", "type": "prompt_art", "prompt": prompt, "seed": 7, "width": 96, "height": 64},
				"save": map[string]any{"id": "save", "type": "save_image", "board_name": "Gardens"},
			},
			"edges": []any{map[string]any{"source": map[string]any{"node_id": "art", "field": "image"}, "destination": map[string]any{"node_id": "save", "field": "image"}}},
		}}}
	}
	rest(t, s.URL, alice.Token, "POST", "/api/v1/queue/default/enqueue_batch", art("a secret garden in bloom", 3), nil)
	rest(t, s.URL, alice.Token, "POST", "/api/v1/queue/default/enqueue_batch", map[string]any{"batch": map[string]any{"runs": 1, "graph": map[string]any{
		"nodes": map[string]any{
			"load": map[string]any{"id": "load", "type": "load_image", "image": map[string]any{"image_name": "00000000-0000-4000-8000-000000000000.png"}},
			"save": map[string]any{"id": "save", "type": "save_image"},
		},
		"edges": []any{map[string]any{"source": map[string]any{"node_id": "load", "field": "image"}, "destination": map[string]any{"node_id": "save", "field": "image"}}},
	}}}, nil)

	row := func(i int) string {
		return fmt.Sprintf(`[...document.querySelectorAll('[data-testid="queue-row"]')][%d]`, i)
	}
	do(t, ada, "Ada sees Alice's four items, whole and named",
		chromedp.Poll[chromedp.Void](`document.querySelectorAll('[data-testid="queue-row"][data-mine="false"][data-status="pending"]').length === 4`),
		chromedp.Poll[chromedp.Void](`[...document.querySelectorAll('[data-testid="queue-owner"]')].filter(o => o.innerText === "Alice Painter").length === 4`),
		chromedp.Poll[chromedp.Void](`document.body.innerText.includes("a secret garden in bloom")`),
	)
	first := eval[string](t, ada, row(0)+`.dataset.itemId`)
	second := eval[string](t, ada, row(1)+`.dataset.itemId`)
	do(t, ada, "cancel one, then retry it; delete another",
		clickEnabled(`[data-testid="queue-row"][data-item-id="`+first+`"] [data-testid="queue-cancel"]`),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="queue-row"][data-item-id="`+first+`"][data-status="canceled"]`)),
		clickEnabled(`[data-testid="queue-row"][data-item-id="`+first+`"] [data-testid="queue-retry"]`),
		chromedp.Poll[chromedp.Void](`document.querySelectorAll('[data-testid="queue-row"][data-status="pending"]').length === 4`),
		clickEnabled(`[data-testid="queue-row"][data-item-id="`+second+`"] [data-testid="queue-delete"]`),
		chromedp.WaitNotPresent(chromedp.CSS(`[data-testid="queue-row"][data-item-id="`+second+`"]`)),
		chromedp.Poll[chromedp.Void](`document.querySelectorAll('[data-testid="queue-row"][data-status="pending"]').length === 3`),
	)
	do(t, ada, "resume: three complete, the edit of a missing image fails and says why",
		click("queue-resume"),
		chromedp.WaitVisible(tid("queue-pause")),
		chromedp.Poll[chromedp.Void](`document.querySelectorAll('[data-testid="queue-row"][data-status="completed"]').length === 2`),
		chromedp.Poll[chromedp.Void](`document.querySelectorAll('[data-testid="queue-row"][data-status="failed"]').length === 1`),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="queue-row"][data-status="failed"] [data-testid="queue-error"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="queue-row"][data-status="failed"] [data-testid="queue-retry"]`)),
	)
	if msg := eval[string](t, ada, `document.querySelector('[data-testid="queue-error"]').innerText`); len(strings.TrimSpace(msg)) < 10 {
		t.Fatalf("the failed item says %q; it should say why it failed", msg)
	}
	shot(t, ada, "generate-queue-admin")
	do(t, ada, "clear the finished items",
		click("queue-prune"),
		chromedp.Poll[chromedp.Void](`document.querySelectorAll('[data-testid="queue-row"][data-status="completed"], [data-testid="queue-row"][data-status="failed"]').length === 0`),
	)
	// The canceled original was retried and pruned; queue two more to clear at once.
	rest(t, s.URL, alice.Token, "POST", "/api/v1/queue/default/enqueue_batch", art("an orchard at noon", 2), nil)
	do(t, ada, "clear everyone's queue, after confirming",
		click("queue-pause"),
		chromedp.WaitVisible(tid("queue-resume")),
		chromedp.Poll[chromedp.Void](`document.querySelectorAll('[data-testid="queue-row"]').length >= 2`),
		click("queue-clear-all"),
		chromedp.WaitVisible(tid("confirm-dialog")),
		click("confirm-ok"),
		chromedp.WaitNotPresent(tid("confirm-dialog")),
		chromedp.WaitVisible(tid("queue-empty")),
	)
	var left []map[string]any
	rest(t, s.URL, alice.Token, "GET", "/api/v1/queue/default/list_all", nil, &left)
	if len(left) != 0 {
		t.Fatalf("after Clear queue Alice still has %d items", len(left))
	}
}
