package e2e

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browser starts a headless Chromium (Debian's) for one test.
func browser(t *testing.T) context.Context {
	t.Helper()
	exe := "/usr/bin/chromium"
	if _, err := os.Stat(exe); err != nil {
		t.Fatalf("Chromium is not installed at %s: run `make test`, which installs it", exe)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	// Start the browser on this context: one started inside a step's
	// shorter context would end with that step.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

func tid(id string) chromedp.CSS { return chromedp.CSS(`[data-testid="` + id + `"]`) }

// do runs steps and fails the test, with a screenshot, if one fails.
func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	stepCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(stepCtx, steps...); err != nil {
		shot(t, ctx, "failed-"+t.Name())
		t.Fatalf("%s: %v", what, err)
	}
}

// shot keeps a screenshot of the page in test-artifacts/.
func shot(t *testing.T, ctx context.Context, name string) string {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return ""
	}
	path := filepath.Join(artifactDir(t), filepath.Base(name)+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func fill(id, text string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.WaitVisible(tid(id)), chromedp.SendKeys(tid(id), text))
}

func click(id string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.WaitVisible(tid(id)), chromedp.Click(tid(id)))
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// TestBrowserFirstRunAndUsers walks the foundation as a person does in a
// browser: first-run setup, sign in, create a user, sign out, sign in as
// that user, who has no Users page.
func TestBrowserFirstRunAndUsers(t *testing.T) {
	s := startServe(t, t.TempDir())
	ctx := browser(t)

	do(t, ctx, "open Easel", chromedp.Navigate(s.URL))
	do(t, ctx, "first-run setup",
		fill("setup-email", "admin@studio.test"),
		fill("setup-name", "Ada Admin"),
		fill("setup-password", "TestPass123"),
		fill("setup-confirm", "TestPass123"),
		click("setup-submit"),
		// Setting up signs the new administrator in.
		chromedp.WaitVisible(tid("user-menu")),
	)
	do(t, ctx, "create a user",
		click("nav-users"),
		chromedp.WaitVisible(tid("users-table")),
		click("user-new"),
		fill("new-user-email", "bob@studio.test"),
		fill("new-user-name", "Bob Painter"),
		fill("new-user-password", "BobPass456"),
		click("new-user-submit"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="user-row"][data-email="bob@studio.test"]`)),
	)
	shot(t, ctx, "users-page")
	if n := eval[int](t, ctx, `localStorage.length + sessionStorage.length + document.cookie.length`); n != 0 {
		t.Fatalf("the page stored %d characters of state in the browser; the token must stay in memory", n)
	}

	do(t, ctx, "log out",
		click("user-menu"),
		click("menu-logout"),
		chromedp.WaitVisible(tid("login-email")),
	)
	if eval[bool](t, ctx, `document.body.innerText.includes("Ada Admin")`) {
		t.Fatal("the login screen still shows the admin's name after logout")
	}
	do(t, ctx, "sign in as the new user",
		fill("login-email", "bob@studio.test"),
		fill("login-password", "BobPass456"),
		click("login-submit"),
		chromedp.WaitVisible(tid("user-menu")),
	)
	if eval[bool](t, ctx, `document.querySelector('[data-testid="nav-users"]') !== null`) {
		t.Fatal("a user who is not an admin sees the Users page")
	}
	if !eval[bool](t, ctx, `document.body.innerText.includes("Bob Painter")`) {
		t.Fatal("the shell does not show the signed-in user's name")
	}
	shot(t, ctx, "signed-in-user")
}

// TestBrowserWrongPassword: the login form says what went wrong, in one
// wording for unknown emails and wrong passwords.
func TestBrowserWrongPassword(t *testing.T) {
	s := startServe(t, t.TempDir())
	ctx := browser(t)
	do(t, ctx, "setup",
		chromedp.Navigate(s.URL),
		fill("setup-email", "admin@studio.test"),
		fill("setup-password", "TestPass123"),
		fill("setup-confirm", "TestPass123"),
		click("setup-submit"),
		click("user-menu"),
		click("menu-logout"),
	)
	for _, email := range []string{"admin@studio.test", "nobody@studio.test"} {
		do(t, ctx, "wrong sign-in",
			chromedp.Navigate(s.URL), // a fresh, empty form
			fill("login-email", email),
			fill("login-password", "wrong-password"),
			click("login-submit"),
			chromedp.WaitVisible(tid("login-error")),
		)
		msg := eval[string](t, ctx, `document.querySelector('[data-testid="login-error"]').innerText`)
		if msg != "Incorrect email or password" {
			t.Fatalf("error for %s = %q", email, msg)
		}
	}
}
