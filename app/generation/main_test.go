package generation

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"easel/app"
	"easel/internal/sdtest"
)

// serverExe is cmd/sdtestserver, built once: the tests drive it as a real
// process, as Easel drives sd-server and A1111.
var serverExe string

func TestMain(m *testing.M) {
	if len(os.Args) > 2 && os.Args[1] == "-m" && strings.HasSuffix(os.Args[2], hangingModel) {
		hangLikeABadServer()
	}
	os.Exit(runTests(m))
}

// hangingModel, as the model file, makes the test binary itself play an
// sd-server that never answers and ignores SIGTERM: what the supervisor's
// start timeout and kill are for.
const hangingModel = "hangs-forever.gguf"

func hangLikeABadServer() {
	signal.Ignore(syscall.SIGTERM, os.Interrupt)
	fmt.Println("loading a model that never loads")
	time.Sleep(time.Hour)
	os.Exit(0)
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "easel-generation-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	if serverExe, err = sdtest.Build(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// startServer runs sdtestserver with args on a free port and waits for the
// line saying where it listens.
func startServer(t *testing.T, args ...string) *sdtest.Process {
	t.Helper()
	return sdtest.Start(t, serverExe, args...)
}

// logBuffer collects a runtime's log for the test to read.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// newRuntime is a Runtime with timings fit for tests; opts' non-zero
// fields win. It is stopped when the test ends.
func newRuntime(t *testing.T, opts Options) (*Runtime, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	opts.Log = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&opts.PollInterval, 20*time.Millisecond)
	def(&opts.RequestTimeout, 5*time.Second)
	def(&opts.JobTimeout, 30*time.Second)
	def(&opts.RestartDelay, 50*time.Millisecond)
	def(&opts.MaxRestartDelay, 400*time.Millisecond)
	def(&opts.StartTimeout, 15*time.Second)
	def(&opts.StopGrace, 3*time.Second)
	r := New(opts)
	t.Cleanup(func() {
		r.Stop()
		if t.Failed() {
			t.Logf("runtime log:\n%s", logs.String())
		}
	})
	return r, logs
}

func a1111Backend(name, url string) app.Backend {
	return app.Backend{Name: name, Kind: app.BackendA1111, URL: url}
}

// sdServerBackend runs sdtestserver as sd-server with a model named stem.
func sdServerBackend(t *testing.T, name, stem string) app.Backend {
	return app.Backend{Name: name, Kind: app.BackendSDServer, Executable: serverExe,
		ModelFile: filepath.Join(t.TempDir(), stem+".safetensors")}
}

// waitFor polls cond until it holds, failing the test after timeout.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting (%s) for %s", timeout, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func statusOf(r *Runtime, name string) (app.BackendStatus, bool) {
	for _, st := range r.Statuses() {
		if st.Name == name {
			return st, true
		}
	}
	return app.BackendStatus{}, false
}

// waitState waits until backend name is in state and, when reachable, has
// listed its models.
func waitState(t *testing.T, r *Runtime, name, state string) app.BackendStatus {
	t.Helper()
	var st app.BackendStatus
	waitFor(t, 15*time.Second, name+" "+state, func() bool {
		var ok bool
		st, ok = statusOf(r, name)
		return ok && st.State == state && (state != app.BackendReachable || len(st.Models) > 0)
	})
	return st
}

func gen(t *testing.T, r *Runtime, modelID string) app.Generator {
	t.Helper()
	g, err := r.Generator(modelID)
	if err != nil {
		t.Fatalf("Generator(%q): %v", modelID, err)
	}
	return g
}

func testJob(model, prompt string, w, h, steps int) app.GenerationJob {
	return app.GenerationJob{Model: model, Prompt: prompt, Width: w, Height: h, Steps: steps, CFGScale: 7, Seed: 1234}
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// wantMessage checks that err is an *app.Error with code and a message
// containing want.
func wantMessage(t *testing.T, err error, code, want string) {
	t.Helper()
	var e *app.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *app.Error", err, err)
	}
	if e.Code != code || !strings.Contains(e.Message, want) {
		t.Fatalf("error %q (code %s), want code %s and %q in it", e.Message, e.Code, code, want)
	}
}

func wantSize(t *testing.T, img image.Image, w, h int) {
	t.Helper()
	if img == nil {
		t.Fatal("no image")
	}
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Fatalf("image is %d×%d, want %d×%d", b.Dx(), b.Dy(), w, h)
	}
}

func nrgba(c color.Color) color.NRGBA { return color.NRGBAModel.Convert(c).(color.NRGBA) }

func samePixels(a, b image.Image) bool {
	if a.Bounds().Size() != b.Bounds().Size() {
		return false
	}
	ab, bb := a.Bounds(), b.Bounds()
	for y := 0; y < ab.Dy(); y++ {
		for x := 0; x < ab.Dx(); x++ {
			if nrgba(a.At(ab.Min.X+x, ab.Min.Y+y)) != nrgba(b.At(bb.Min.X+x, bb.Min.Y+y)) {
				return false
			}
		}
	}
	return true
}

func solid(w, h int, c color.NRGBA) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	return img
}

// progressLog records a job's progress, with when each arrived.
type progressLog struct {
	mu       sync.Mutex
	steps    []int
	total    int
	previews []image.Image
	first    time.Time
}

func (p *progressLog) add(g app.GenerationProgress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.first.IsZero() {
		p.first = time.Now()
	}
	p.steps = append(p.steps, g.Step)
	p.total = g.Steps
	if g.Preview != nil {
		p.previews = append(p.previews, g.Preview)
	}
}

func (p *progressLog) firstAt() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.first
}

func (p *progressLog) last() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.steps) == 0 {
		return 0
	}
	return p.steps[len(p.steps)-1]
}

// check verifies steps only went forward, several were seen, and previews
// of the picture's size arrived.
func (p *progressLog) check(t *testing.T, steps, w, h int) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	distinct := map[int]bool{}
	for i, s := range p.steps {
		if i > 0 && s < p.steps[i-1] {
			t.Fatalf("progress went back: %v", p.steps)
		}
		distinct[s] = true
	}
	if len(distinct) < 2 || p.total != steps {
		t.Fatalf("progress %v of %d, want several steps of %d", p.steps, p.total, steps)
	}
	if len(p.previews) == 0 {
		t.Fatal("no preview arrived")
	}
	for _, img := range p.previews {
		wantSize(t, img, w, h)
	}
}

// deadAddress is a 127.0.0.1 address nothing listens on.
func deadAddress(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
