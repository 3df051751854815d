package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMakeInstall: `make install` puts Easel in a user's XDG folders — the
// binary, a menu entry that passes desktop-file-validate and points at it,
// the icons — and `make uninstall` takes exactly those away.
func TestMakeInstall(t *testing.T) {
	home := t.TempDir()
	env := append(os.Environ(), "HOME="+home, "XDG_DATA_HOME="+filepath.Join(home, "share"), "XDG_BIN_HOME="+filepath.Join(home, "bin"))
	// Keep Go's caches where they are: a new HOME would rebuild everything.
	for _, v := range []string{"GOCACHE", "GOMODCACHE", "GOPATH"} {
		out, err := exec.Command("go", "env", v).Output()
		if err != nil {
			t.Fatal(err)
		}
		env = append(env, v+"="+strings.TrimSpace(string(out)))
	}
	make := func(target string) string {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "make", "--no-print-directory", target)
		cmd.Dir, cmd.Env = "..", env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("make %s: %v\n%s", target, err, out)
		}
		return string(out)
	}
	make("install")

	bin := filepath.Join(home, "bin", "easel")
	desktop := filepath.Join(home, "share", "applications", "easel.desktop")
	icons := []string{filepath.Join(home, "share", "icons", "hicolor", "256x256", "apps", "easel.png"), filepath.Join(home, "share", "icons", "hicolor", "512x512", "apps", "easel.png")}
	if out, err := exec.Command(bin, "version").CombinedOutput(); err != nil || !strings.HasPrefix(string(out), "easel ") {
		t.Fatalf("installed binary: %v %s", err, out)
	}
	entry, err := os.ReadFile(desktop)
	if err != nil || !strings.Contains(string(entry), "Exec="+bin) {
		t.Fatalf("menu entry: %v\n%s", err, entry)
	}
	if out, err := exec.Command("desktop-file-validate", desktop).CombinedOutput(); err != nil {
		t.Fatalf("desktop-file-validate: %v %s", err, out)
	}
	for _, icon := range icons {
		if _, err := os.Stat(icon); err != nil {
			t.Fatal(err)
		}
	}

	make("uninstall")
	for _, f := range append(icons, bin, desktop) {
		if _, err := os.Stat(f); !os.IsNotExist(err) {
			t.Errorf("%s is still there after make uninstall", f)
		}
	}
}
