package sdtest

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Build compiles cmd/sdtestserver into dir, for tests that drive the test
// generation server as a real process, as Easel drives sd-server and A1111.
func Build(dir string) (string, error) {
	exe := filepath.Join(dir, "sdtestserver")
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	if out, err := exec.Command(goTool, "build", "-o", exe, "easel/cmd/sdtestserver").CombinedOutput(); err != nil {
		return "", fmt.Errorf("build sdtestserver: %v\n%s", err, out)
	}
	return exe, nil
}

// Process is one test generation server process.
type Process struct {
	URL    string // where it answers, http://127.0.0.1:PORT
	Cmd    *exec.Cmd
	Exited chan struct{} // closed once it has exited
}

// Start runs exe with args on a free port, waits for the line saying where
// it listens, and kills it when tb ends.
func Start(tb testing.TB, exe string, args ...string) *Process {
	tb.Helper()
	pr, pw, err := os.Pipe()
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(exe, append([]string{"--listen-port", "0"}, args...)...)
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	pw.Close()
	p := &Process{Cmd: cmd, Exited: make(chan struct{})}
	go func() { cmd.Wait(); close(p.Exited) }()
	tb.Cleanup(func() {
		cmd.Process.Kill()
		<-p.Exited
		pr.Close()
	})
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			if addr, ok := strings.CutPrefix(line, "listening on: "); ok {
				urls <- "http://" + addr
			} else if _, url, ok := strings.Cut(line, "Running on local URL:  "); ok {
				urls <- url
			}
		}
	}()
	select {
	case p.URL = <-urls:
	case <-p.Exited:
		tb.Fatal("sdtestserver exited before it listened")
	case <-time.After(15 * time.Second):
		tb.Fatal("sdtestserver did not say where it listens")
	}
	return p
}
