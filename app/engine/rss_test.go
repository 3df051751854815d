package engine

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"

	"easel/app"
)

// PeakRSSBoundMB bounds the peak resident memory of a process that runs
// the largest 200-node graph of 4096² images the default budget lets
// through (five images at once: 335 MB of pixels), the Go runtime and the
// test binary included. The README's Speed table states it.
const PeakRSSBoundMB = 450

// rssGraphs are the graphs the peak-RSS test and benchmark run, each in a
// process of its own.
var rssGraphs = map[string]func() *Graph{
	// The largest 200-node graph of 4096² images that passes validation.
	"at-budget": func() *Graph { return atBudgetGraph(MaxSide, 3) },
	// The 200-node graph that would hold 100 such images: refused.
	"refused": func() *Graph { return hoardGraph(MaxSide) },
}

// rssChildEnv names the graph a child process runs.
const rssChildEnv = "EASEL_ENGINE_RSS_GRAPH"

// TestPeakRSS runs each of rssGraphs in a child process and checks its
// peak RSS. As that child it runs the graph named in rssChildEnv.
func TestPeakRSS(t *testing.T) {
	if name := os.Getenv(rssChildEnv); name != "" {
		runRSSChild(t, name)
		return
	}
	if testing.Short() {
		t.Skip("runs 200 nodes of 4096² images (a few seconds); skipped with -short")
	}
	bin := rssChildBinary(t)
	for _, name := range []string{"at-budget", "refused"} {
		t.Run(name, func(t *testing.T) {
			mb := childPeakRSS(t, bin, name)
			t.Logf("%s: peak RSS %.0f MB (bound %d MB)", name, mb, PeakRSSBoundMB)
			if mb >= PeakRSSBoundMB {
				t.Fatalf("%s: peak RSS %.0f MB, over the bound of %d MB", name, mb, PeakRSSBoundMB)
			}
		})
	}
}

// BenchmarkPeakRSS reports the peak RSS of a process running each of
// rssGraphs, and how long the process takes.
func BenchmarkPeakRSS(b *testing.B) {
	bin := rssChildBinary(b)
	for _, name := range []string{"at-budget", "refused"} {
		b.Run(name, func(b *testing.B) {
			var peak float64
			for b.Loop() {
				peak = max(peak, childPeakRSS(b, bin, name))
			}
			b.ReportMetric(peak, "peak-MB")
		})
	}
}

// runRSSChild is the child's side: run the graph as the queue would, with
// the default budget, and fail unless it ends as expected.
func runRSSChild(t *testing.T, name string) {
	build := rssGraphs[name]
	if build == nil {
		t.Fatalf("no graph %q", name)
	}
	f := newFake(t)
	names, err := RunWithin(f, build(), Limits{}, nil)
	switch name {
	case "refused":
		if app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "the limit is 100 megapixels") {
			t.Fatalf("not refused: %v", err)
		}
	default:
		if err != nil || len(names) != 1 {
			t.Fatalf("saved %v: %v", names, err)
		}
	}
}

// childPeakRSS runs the graph name in a child process, the test binary
// bin, and returns the child's peak RSS in MB (10⁶ bytes).
func childPeakRSS(tb testing.TB, bin, name string) float64 {
	tb.Helper()
	cmd := exec.Command(bin, "-test.run=^TestPeakRSS$", "-test.count=1", "-test.timeout=10m")
	cmd.Env = append(os.Environ(), rssChildEnv+"="+name)
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("child running %s: %v\n%s", name, err, out)
	}
	maxrss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss
	if runtime.GOOS == "linux" {
		maxrss *= 1024 // kilobytes there, bytes on macOS
	}
	return float64(maxrss) / 1e6
}

// rssChildBinary is the test binary the children run: one without the
// race detector, whose shadow memory would be measured too and which slows
// pixel loops tenfold.
func rssChildBinary(tb testing.TB) string {
	tb.Helper()
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		tb.Skipf("peak RSS is read from rusage on Linux and macOS, not %s", runtime.GOOS)
	}
	return plainBinary(tb)
}

// plainBinary is a test binary of this package without the race detector:
// this one when it has none, else one built by go test -c into a temporary
// folder of tb's (a second or so, from the build cache).
func plainBinary(tb testing.TB) string {
	tb.Helper()
	if !raceEnabled() {
		return os.Args[0]
	}
	bin := filepath.Join(tb.TempDir(), "engine.test")
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	if out, err := exec.Command(goTool, "test", "-c", "-o", bin, ".").CombinedOutput(); err != nil {
		tb.Fatalf("go test -c: %v\n%s", err, out)
	}
	return bin
}

// runWithoutRace runs the test named in this package's tests built without
// the race detector, failing t with its output if it fails there.
func runWithoutRace(t *testing.T, name string) {
	t.Helper()
	bin := plainBinary(t)
	out, err := exec.Command(bin, "-test.run=^"+name+"$", "-test.count=1", "-test.v").CombinedOutput()
	if err != nil {
		t.Fatalf("%s without the race detector: %v\n%s", name, err, out)
	}
	t.Logf("passed without the race detector")
}

// raceEnabled reports whether this binary was built with -race.
func raceEnabled() bool {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range info.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}
