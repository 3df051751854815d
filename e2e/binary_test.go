package e2e

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// easelBinary is the binary under test: $EASEL_BIN, which `make test` sets,
// or one built here the same way.
func easelBinary(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("EASEL_BIN"); bin != "" {
		return bin
	}
	buildOnce.Do(func() {
		if _, err := os.Stat("../frontend/dist/index.html"); err != nil {
			buildErr = fmt.Errorf("frontend/dist is not built: run `make test` (or `make build`) first")
			return
		}
		dir, err := os.MkdirTemp("", "easel-e2e-bin")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "easel")
		tags := "desktop,production"
		if extra, _ := exec.Command("bash", "../scripts/deps.sh", "webkit-tag").Output(); len(strings.TrimSpace(string(extra))) > 0 {
			tags += "," + strings.TrimSpace(string(extra))
		}
		out, err := exec.Command("go", "build", "-tags", tags, "-o", builtBin, "..").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// artifactDir is where screenshots are kept for people to look at.
func artifactDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../test-artifacts")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// server is a running `easel serve`.
type server struct {
	URL  string
	Data string
	cmd  *exec.Cmd
}

var serveURL = regexp.MustCompile(`serving (http://\S+)`)

// startServe runs `easel serve` on a free loopback port over data and
// returns once it listens. It is stopped (SIGTERM) when the test ends.
func startServe(t *testing.T, data string) *server {
	t.Helper()
	s, refused := serveOrRefuse(t, data)
	if s == nil {
		t.Fatalf("easel serve did not start:\n%s", refused)
	}
	return s
}

// serveOrRefuse starts `easel serve` on data. It returns the server if it
// serves, or else the words it stopped with (its exit must be non-zero,
// within 20 s, without a Go trace).
func serveOrRefuse(t *testing.T, data string) (*server, string) {
	t.Helper()
	cmd := exec.Command(easelBinary(t), "serve", "--addr", "127.0.0.1:0", "--data", data)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The reader only tells that the output ended; whoever is left to end
	// the process (this function, or the server's Stop) waits for it, once.
	found, ended := make(chan string, 1), make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := serveURL.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		io.Copy(io.Discard, stdout)
		close(ended)
	}()
	select {
	case u := <-found:
		s := &server{URL: u, Data: data, cmd: cmd}
		t.Cleanup(func() {
			s.Stop(t)
			if strings.Contains(logs.String(), "goroutine ") || strings.Contains(logs.String(), "panic:") {
				t.Errorf("easel serve printed a trace:\n%s", logs.String())
			} else if t.Failed() {
				t.Logf("easel serve log:\n%s", logs.String())
			}
		})
		return s, ""
	case <-ended:
		err := cmd.Wait()
		out := logs.String()
		if err == nil {
			t.Fatalf("easel serve stopped with exit status 0: %s", out)
		}
		if strings.Contains(out, "goroutine ") || strings.Contains(out, "panic:") {
			t.Fatalf("easel serve printed a trace: %s", out)
		}
		return nil, out
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("easel serve neither served nor stopped within 20 s:\n%s", logs.String())
	}
	return nil, ""
}

// Stop ends the server as a person would (Ctrl+C) and waits for it.
func (s *server) Stop(t *testing.T) {
	if s.cmd.ProcessState != nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		s.cmd.Process.Kill()
		<-done
		t.Error("easel serve did not stop within 15 s of SIGTERM")
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// run runs a command with a deadline and returns its combined output.
func run(ctx context.Context, name string, args ...string) (string, error) {
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	return string(out), err
}
