package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"easel/app"
	"easel/store"
)

// xvfb starts a virtual X display for one test and returns its name.
func xvfb(t *testing.T) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	xlog := &lockedBuffer{}
	cmd.Stderr = xlog
	if err := cmd.Start(); err != nil {
		t.Fatalf("Xvfb: %v (run `make test`, which installs it)", err)
	}
	w.Close()
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	// Read up to the newline and keep the pipe open: Xvfb dies if the
	// reader goes away while it is still writing.
	t.Cleanup(func() { r.Close() })
	r.SetReadDeadline(time.Now().Add(15 * time.Second))
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		t.Fatalf("Xvfb did not say its display: %v\n%s", err, xlog.String())
	}
	display := ":" + strings.TrimSpace(line)
	// The number comes a moment before the server takes connections.
	for start := time.Now(); ; time.Sleep(100 * time.Millisecond) {
		probe := exec.Command("xdotool", "getdisplaygeometry")
		probe.Env = append(os.Environ(), "DISPLAY="+display)
		if probe.Run() == nil {
			return display
		}
		if time.Since(start) > 15*time.Second {
			t.Fatalf("Xvfb on %s takes no connections:\n%s", display, xlog.String())
		}
	}
}

// screen captures the whole virtual screen.
func screen(t *testing.T, display string) (image.Image, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "import", "-display", display, "-window", "root", "png:-")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("import: %v: %s", err, errOut.String())
	}
	img, err := png.Decode(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	return img, out.Bytes()
}

// colorStats counts distinct colours and the pixels of one colour.
func colorStats(img image.Image, hex string) (distinct, matching int) {
	want, _ := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
	seen := map[uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			c := (r>>8)<<16 | (g>>8)<<8 | bl>>8
			seen[c] = true
			if uint64(c) == want {
				matching++
			}
		}
	}
	return len(seen), matching
}

func xdotool(t *testing.T, display string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "xdotool", args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("xdotool %v: %v: %s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestWindow runs the built app in a real WebKit window under Xvfb: the
// login screen shows the profile a fixture created (a bound call that went
// to Go and back), and signing in by typing into the window reaches the store.
func TestWindow(t *testing.T) {
	data := t.TempDir()
	db, err := store.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	wendy, err := store.NewUserService(db).Setup(context.Background(), app.NewUser{Email: "wendy@home.test", DisplayName: "Wendy Window", Password: "window-pass-1"})
	if err != nil {
		t.Fatal(err)
	}
	// Wendy has one uncategorized picture: a flat colour that no part of the
	// page uses, so finding it on screen proves the thumbnail came through
	// the window's asset handler, for her session.
	picture := flatPNG(t, color.RGBA{0xe4, 0xb2, 0x1c, 0xff}, 300, 200)
	login, err := store.NewAuthService(db).Login(context.Background(), app.Credentials{Email: "wendy@home.test", Password: "window-pass-1"})
	if err != nil {
		t.Fatal(err)
	}
	asWendy := app.NewContextWithActor(context.Background(), &app.Actor{UserID: wendy.UserID, SessionID: app.TokenID(login.Token)})
	if _, err := store.NewImageService(db).Import(asWendy, "", "mustard.png", bytes.NewReader(picture)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	tileColor := wendy.Tile().Color

	// GTK now and then fails to open a display that takes other clients
	// fine while the machine is loaded; a fresh display then works. A
	// window that never starts still fails the test.
	var display string
	var cmd *exec.Cmd
	var exited chan error
	var logs *lockedBuffer
	var img image.Image
	var raw []byte
	for attempt := 1; ; attempt++ {
		display = xvfb(t)
		cmd = exec.Command(easelBinary(t), "--data", data)
		cmd.Env = append(os.Environ(), "DISPLAY="+display, "NO_AT_BRIDGE=1")
		logs = &lockedBuffer{}
		cmd.Stdout, cmd.Stderr = logs, logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited = make(chan error, 1)
		go func(c *exec.Cmd, ch chan error) { ch <- c.Wait() }(cmd, exited)
		var early error
		img, raw, early = waitForTile(t, display, tileColor, exited)
		if early == nil {
			break
		}
		if attempt == 3 || !strings.Contains(logs.String(), "failed to init GTK") {
			t.Fatalf("easel exited early: %v\n%s", early, logs.String())
		}
		t.Logf("attempt %d: GTK could not open %s; trying a fresh display", attempt, display)
	}
	defer func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
		}
		if t.Failed() {
			t.Logf("easel log:\n%s", logs.String())
		}
	}()
	os.WriteFile(filepath.Join(artifactDir(t), "window-login.png"), raw, 0o644)
	if distinct, _ := colorStats(img, tileColor); distinct < 50 {
		t.Fatalf("the screenshot has only %d colours: the window looks blank", distinct)
	}

	// With one profile the password field has the focus: type and press Enter.
	wid := strings.Fields(xdotool(t, display, "search", "--onlyvisible", "--name", "^Easel$"))[0]
	xdotool(t, display, "windowfocus", "--sync", wid)
	xdotool(t, display, "type", "--delay", "40", "window-pass-1")
	xdotool(t, display, "key", "Return")

	// Signed in, the gallery shows her picture's thumbnail.
	deadline := time.Now().Add(30 * time.Second)
	for {
		img, raw = screen(t, display)
		if near(img, color.RGBA{0xe4, 0xb2, 0x1c, 0xff}, 6) > 5000 {
			break
		}
		if time.Now().After(deadline) {
			os.WriteFile(filepath.Join(artifactDir(t), "window-signed-in.png"), raw, 0o644)
			t.Fatal("after signing in, the window shows no thumbnail of the profile's picture")
		}
		time.Sleep(500 * time.Millisecond)
	}
	os.WriteFile(filepath.Join(artifactDir(t), "window-signed-in.png"), raw, 0o644)
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(20 * time.Second):
		t.Fatal("easel did not stop within 20 s of SIGTERM")
	}

	db, err = store.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	logins, err := countLogins(db, wendy.Email, "window-pass-1")
	if err != nil {
		t.Fatal(err)
	}
	if logins != 2 { // the fixture's, to import the picture, and the window's
		t.Fatalf("%d sign-ins, want 2: the fixture's and the window's (typing the password into the window did not reach Go)", logins)
	}
}

// waitForTile waits until the window draws a profile tile in color, and
// returns the screenshot; or the error the app exited with.
func waitForTile(t *testing.T, display, color string, exited <-chan error) (image.Image, []byte, error) {
	deadline := time.Now().Add(60 * time.Second)
	for {
		img, raw := screen(t, display)
		if _, n := colorStats(img, color); n > 200 {
			return img, raw, nil
		}
		select {
		case err := <-exited:
			return nil, nil, fmt.Errorf("exit: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			os.WriteFile(filepath.Join(artifactDir(t), "window-timeout.png"), raw, 0o644)
			t.Fatalf("after 60 s the window shows no profile tile in %s", color)
		}
		time.Sleep(time.Second)
	}
}

// flatPNG is a real PNG of one colour.
func flatPNG(t *testing.T, c color.RGBA, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), &image.Uniform{c}, image.Point{}, draw.Src)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// near counts the pixels within tol of c in every channel (thumbnails are JPEG).
func near(img image.Image, c color.RGBA, tol int) int {
	n := 0
	b := img.Bounds()
	abs := func(x int) int { return max(x, -x) }
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if abs(int(r>>8)-int(c.R)) <= tol && abs(int(g>>8)-int(c.G)) <= tol && abs(int(bl>>8)-int(c.B)) <= tol {
				n++
			}
		}
	}
	return n
}

// countLogins counts successful sign-ins in the audit log, before the one it
// makes itself to read it.
func countLogins(db *store.DB, email, password string) (int, error) {
	l, err := store.NewAuthService(db).Login(context.Background(), app.Credentials{Email: email, Password: password})
	if err != nil {
		return 0, err
	}
	ctx := app.NewContextWithActor(context.Background(), &app.Actor{UserID: l.User.UserID, SessionID: app.TokenID(l.Token)})
	entries, err := store.NewAuditService(db).Recent(ctx, 0, 100)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range entries {
		if e.Action == app.AuditLogin {
			n++
		}
	}
	return n - 1, nil
}
