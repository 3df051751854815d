package e2e

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestGallerySharing walks boards and sharing in two browsers: Ada (an
// admin) imports into a new board and shares it with Bob as a viewer; Bob
// sees it under "Shared with me" with no way to import; Ada makes him an
// editor and he imports; Ada unshares, and after a reload Bob no longer
// sees the board at all.
func TestGallerySharing(t *testing.T) {
	s := startServe(t, t.TempDir())

	// Users are set up over REST; the gallery is what is under test.
	adminToken := setupAda(t, s.URL)
	bob := struct{ UserID string }{addUser(t, s.URL, adminToken, "bob@studio.test", "Bob Painter", "BobPass456")}

	dir := t.TempDir()
	sunrise := writePNG(t, dir, "sunrise.png", 20)
	meadow := writePNG(t, dir, "meadow.png", 130)
	dusk := writePNG(t, dir, "dusk.png", 260)
	notAnImage := filepath.Join(dir, "notes.png")
	if err := os.WriteFile(notAnImage, []byte("these are words, not pixels\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	const boardName = "Holiday 2026"
	mine := boardSel(boardName, "mine")
	shared := boardSel(boardName, "shared-with-me")

	// ---- Ada makes a board and imports two images (and one file that is not an image).
	ada := browser(t)
	signIn(t, ada, s.URL, "ada@studio.test", "TestPass123")
	do(t, ada, "make a board",
		click("board-new"),
		fill("board-name-input", boardName),
		click("board-name-submit"),
		chromedp.WaitVisible(mine),
		// A new board is opened at once: empty, with an Import button.
		chromedp.WaitVisible(tid("empty-state")),
	)
	boardID := eval[string](t, ada, `document.querySelector('`+string(mine)+`').dataset.boardId`)
	if boardID == "" {
		t.Fatal("the new board has no data-board-id")
	}
	do(t, ada, "import two images and a file that is not one",
		chromedp.SetUploadFiles(tid("import-input"), []string{sunrise, meadow, notAnImage}),
		importDone(),
		tiles(2),
	)
	if n := eval[int](t, ada, `document.querySelectorAll('[data-testid="import-refused"]').length`); n != 1 {
		t.Fatalf("%d files listed as refused, want 1 (notes.png)", n)
	}
	if msg := eval[string](t, ada, `document.querySelector('[data-testid="import-refused"]').innerText`); !strings.Contains(msg, "notes.png") {
		t.Fatalf("the refused file is listed as %q; it should name notes.png and say why", msg)
	}
	do(t, ada, "thumbnails load (the session cookie authorizes image URLs)", thumbnailsLoaded())
	do(t, ada, "the sidebar counts two images on the board",
		chromedp.Poll[chromedp.Void](`document.querySelector('`+string(mine)+` [data-testid="board-count"]').innerText === "2"`),
	)

	do(t, ada, "open the viewer and star the image",
		chromedp.Click(chromedp.CSS(`[data-testid="image-tile"]`)),
		chromedp.WaitVisible(tid("viewer")),
		click("viewer-star"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="viewer-star"][aria-pressed="true"]`)),
		chromedp.Poll[chromedp.Void](`document.querySelector('[data-testid="viewer-image"]')?.naturalWidth === 640`),
	)
	shot(t, ada, "gallery-viewer")
	do(t, ada, "close the viewer with Esc",
		chromedp.KeyEvent("\u001b"),
		chromedp.WaitNotPresent(tid("viewer")),
		chromedp.WaitVisible(tid("tile-star")),
	)
	do(t, ada, "select all, then clear",
		chromedp.Click(chromedp.CSS(`[data-testid="image-tile"]`), chromedp.NodeVisible),
		chromedp.Poll[chromedp.Void](`document.querySelector('[data-testid="viewer"]') !== null`),
		chromedp.KeyEvent("\u001b"),
		chromedp.WaitNotPresent(tid("viewer")),
		chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.WaitVisible(tid("selection-bar")),
		chromedp.Poll[chromedp.Void](`document.querySelector('[data-testid="sel-count"]').innerText.startsWith("2 ")`),
		chromedp.KeyEvent("\u001b"),
		chromedp.WaitNotPresent(tid("selection-bar")),
	)

	do(t, ada, "share with Bob as a viewer",
		click("board-menu"),
		click("board-share"),
		chromedp.WaitVisible(tid("share-dialog")),
		chromedp.WaitVisible(candidate(bob.UserID)),
		setSelect(string(candidate(bob.UserID))+` [data-testid="share-role"]`, "viewer"),
		chromedp.Click(chromedp.CSS(string(candidate(bob.UserID))+` [data-testid="share-add"]`)),
		chromedp.WaitVisible(shareRow(bob.UserID)),
	)
	shot(t, ada, "gallery-share")
	do(t, ada, "close the share dialog",
		click("share-done"),
		chromedp.WaitNotPresent(tid("share-dialog")),
	)

	// ---- Bob sees it, shared with him, and cannot import into it.
	bobCtx := browser(t)
	signIn(t, bobCtx, s.URL, "bob@studio.test", "BobPass456")
	do(t, bobCtx, "Bob finds the board under Shared with me",
		chromedp.WaitVisible(shared),
		chromedp.Click(shared),
		tiles(2),
		thumbnailsLoaded(),
	)
	shot(t, bobCtx, "gallery-bob-viewer")
	if eval[bool](t, bobCtx, `document.querySelector('[data-testid="import-button"]') !== null`) {
		t.Fatal("Bob, a viewer, is offered Import on Ada's board")
	}
	do(t, bobCtx, "Bob's board menu has only Download",
		click("board-menu"),
		chromedp.WaitVisible(tid("board-download")),
	)
	if eval[bool](t, bobCtx, `document.querySelector('[data-testid="board-share"], [data-testid="board-delete"], [data-testid="board-rename"]') !== null`) {
		t.Fatal("Bob, a viewer, is offered to rename, share or delete Ada's board")
	}
	do(t, bobCtx, "close the menu", chromedp.KeyEvent("\u001b"))

	// ---- Ada makes Bob an editor; Bob, opening the board again, may import.
	do(t, ada, "make Bob an editor",
		click("board-menu"),
		click("board-share"),
		chromedp.WaitVisible(shareRow(bob.UserID)),
		setSelect(string(shareRow(bob.UserID))+` [data-testid="share-role-select"]`, "editor"),
		chromedp.Poll[chromedp.Void](`[...document.querySelectorAll('[data-testid="toast"]')].some(t => t.innerText.includes("editor"))`),
		click("share-done"),
		chromedp.WaitNotPresent(tid("share-dialog")),
	)
	do(t, bobCtx, "Bob opens the board again and imports one image",
		click("board-uncategorized"),
		chromedp.Click(shared),
		chromedp.WaitVisible(tid("import-button")),
		chromedp.SetUploadFiles(tid("import-input"), []string{dusk}),
		importDone(),
		tiles(3),
	)
	if n := eval[int](t, bobCtx, `document.querySelectorAll('[data-testid="import-refused"]').length`); n != 0 {
		t.Fatalf("Bob's import refused %d files", n)
	}

	// ---- Ada sees all three, adds a few more, and keeps the picture for the README.
	do(t, ada, "Ada sees Bob's image",
		click("board-uncategorized"),
		chromedp.Click(mine),
		tiles(3),
	)
	var more []string
	for i := range 9 {
		more = append(more, writePNG(t, dir, fmt.Sprintf("study-%d.png", i+1), float64(40*i+190)))
	}
	do(t, ada, "Ada imports nine more",
		click("import-dismiss"),
		chromedp.SetUploadFiles(tid("import-input"), more),
		importDone(),
		tiles(12),
		thumbnailsLoaded(),
		chromedp.Poll[chromedp.Void](`document.querySelector('`+string(mine)+` [data-testid="board-count"]').innerText === "12"`),
		// A tidy picture: no messages in front of it, and the pointer off
		// the tiles so none shows its hover tick.
		click("import-dismiss"),
		chromedp.Poll[chromedp.Void](`(() => {
			document.querySelectorAll('[data-testid="toast"] button').forEach(b => b.click());
			return document.querySelector('[data-testid="toast"]') === null;
		})()`),
		chromedp.MouseEvent(chromedp.MouseMoved, 640, 30),
		chromedp.Poll[chromedp.Void](`document.querySelector('[data-testid="image-tile"]:hover') === null`),
	)
	shot(t, ada, "gallery")

	// ---- Ada keeps the board private and unshares Bob.
	do(t, ada, "set private and unshare Bob",
		click("board-menu"),
		click("board-visibility-private"),
		chromedp.WaitNotPresent(chromedp.CSS(`[role="menu"]`)),
		click("board-menu"),
		click("board-share"),
		chromedp.WaitVisible(shareRow(bob.UserID)),
		chromedp.Click(chromedp.CSS(string(shareRow(bob.UserID))+` [data-testid="share-remove"]`)),
		chromedp.WaitNotPresent(shareRow(bob.UserID)),
		chromedp.WaitVisible(candidate(bob.UserID)),
		click("share-done"),
	)

	// ---- Bob reloads (and, in a browser, signs in again): the board is gone.
	signIn(t, bobCtx, s.URL, "bob@studio.test", "BobPass456")
	do(t, bobCtx, "the board list loads", chromedp.WaitVisible(chromedp.CSS(`[data-testid="board-list"][data-loaded="true"]`)))
	if eval[bool](t, bobCtx, `document.querySelector('[data-testid="board-item"][data-board-id="`+boardID+`"]') !== null`) {
		t.Fatal("Bob still sees Ada's board after she unshared it")
	}
	// And its images are not his to fetch.
	code := restStatus(t, s.URL, bobToken(t, s.URL), "GET", "/api/v1/images/?board_id="+boardID+"&limit=100")
	if code != http.StatusNotFound {
		t.Fatalf("Bob listing the unshared board's images: HTTP %d, want 404", code)
	}
	shot(t, bobCtx, "gallery-after-unshare")
}

func boardSel(name, group string) chromedp.CSS {
	return chromedp.CSS(fmt.Sprintf(`[data-testid="board-item"][data-board-name=%q][data-group=%q]`, name, group))
}

func candidate(userID string) chromedp.CSS {
	return chromedp.CSS(`[data-testid="share-candidate"][data-user-id="` + userID + `"]`)
}

func shareRow(userID string) chromedp.CSS {
	return chromedp.CSS(`[data-testid="share-row"][data-user-id="` + userID + `"]`)
}

// signIn opens Easel afresh (a browser keeps no session across a reload) and signs in.
func signIn(t *testing.T, ctx context.Context, url, email, password string) {
	t.Helper()
	do(t, ctx, "sign in as "+email,
		chromedp.Navigate(url),
		fill("login-email", email),
		fill("login-password", password),
		click("login-submit"),
		chromedp.WaitVisible(tid("board-uncategorized")),
	)
}

func importDone() chromedp.Action[chromedp.Void] {
	return chromedp.WaitVisible(chromedp.CSS(`[data-testid="import-progress"][data-state="done"]`))
}

func tiles(n int) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.querySelectorAll('[data-testid="image-tile"]').length === %d`, n))
}

func thumbnailsLoaded() chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](`(() => {
		const imgs = [...document.querySelectorAll('[data-testid="image-tile"] img')];
		return imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth > 0);
	})()`)
}

// setSelect picks an option the way a person does: the value changes and
// the page hears "change".
func setSelect(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.Poll[chromedp.Void](fmt.Sprintf(`(() => {
			const s = document.querySelector(%q);
			if (!s) return false;
			s.value = %q;
			s.dispatchEvent(new Event('change', { bubbles: true }));
			return true;
		})()`, sel, value)),
	)
}

// writePNG writes a 640×480 gradient of one hue (degrees) and returns its path.
func writePNG(t *testing.T, dir, name string, hue float64) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 640, 480))
	for y := 0; y < 480; y++ {
		for x := 0; x < 640; x++ {
			l := 0.25 + 0.55*float64(y)/479
			s := 0.35 + 0.6*float64(x)/639
			r, g, b := hsl(hue+40*float64(x)/639, s, l)
			img.Set(x, y, color.RGBA{r, g, b, 255})
		}
	}
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return path
}

func hsl(h, s, l float64) (uint8, uint8, uint8) {
	h = math.Mod(h, 360) / 360
	hue := func(p, q, t float64) float64 {
		t = math.Mod(t+1, 1)
		switch {
		case t < 1.0/6:
			return p + (q-p)*6*t
		case t < 0.5:
			return q
		case t < 2.0/3:
			return p + (q-p)*(2.0/3-t)*6
		}
		return p
	}
	q := l + s - l*s
	if l < 0.5 {
		q = l * (1 + s)
	}
	p := 2*l - q
	c := func(v float64) uint8 { return uint8(math.Round(255 * v)) }
	return c(hue(p, q, h+1.0/3)), c(hue(p, q, h)), c(hue(p, q, h-1.0/3))
}

func bobToken(t *testing.T, base string) string {
	t.Helper()
	var login struct{ Token string }
	rest(t, base, "", "POST", "/api/v1/auth/login", map[string]any{
		"email": "bob@studio.test", "password": "BobPass456", "remember_me": false,
	}, &login)
	return login.Token
}
