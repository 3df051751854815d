package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startBinary builds and runs sdtestserver with args and returns its base
// URL once it printed its readiness line.
func startBinary(t *testing.T, args ...string) (*exec.Cmd, string) {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "sdtestserver")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, args...)
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default:
			}
		}
	}()
	select {
	case l := <-lines:
		for _, p := range []string{"listening on: ", "Running on local URL:  http://"} {
			if addr, ok := strings.CutPrefix(l, p); ok {
				return cmd, "http://" + addr
			}
		}
		t.Fatalf("unexpected first line %q", l)
	case <-time.After(30 * time.Second):
		t.Fatal("no readiness line")
	}
	return nil, ""
}

func stop(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("did not exit on SIGTERM")
	}
}

func txt2img(t *testing.T, url string) (images []string, info string) {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"prompt": "a boat", "seed": 5, "steps": 3, "width": 16, "height": 16})
	resp, err := http.Post(url+"/sdapi/v1/txt2img", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Images []string `json:"images"`
		Info   string   `json:"info"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
		t.Fatalf("txt2img: %d %v", resp.StatusCode, err)
	}
	return out.Images, out.Info
}

func TestProcessSDServer(t *testing.T) {
	cmd, url := startBinary(t, "-m", "/models/tiny.gguf", "--listen-ip", "127.0.0.1", "--listen-port", "0", "--step-delay", "1ms")
	imgs, _ := txt2img(t, url)
	if len(imgs) != 1 || !strings.HasPrefix(imgs[0], "iVBORw0KGgo") {
		t.Fatalf("images %d", len(imgs))
	}
	var ms []struct{ Title string }
	resp, err := http.Get(url + "/sdapi/v1/sd-models")
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(resp.Body).Decode(&ms)
	resp.Body.Close()
	if len(ms) != 1 || ms[0].Title != "tiny" {
		t.Fatalf("models %v", ms)
	}
	stop(t, cmd)
}

func TestProcessA1111(t *testing.T) {
	cmd, url := startBinary(t, "--a1111", "--listen-port", "0", "--step-delay", "1ms")
	imgs, info := txt2img(t, url)
	if len(imgs) != 1 || !strings.Contains(info, `"seed":5`) {
		t.Fatalf("images %d info %s", len(imgs), info)
	}
	stop(t, cmd)
}

func TestProcessCrashMidJob(t *testing.T) {
	cmd, url := startBinary(t, "--a1111", "--listen-port", "0", "--step-delay", "1ms", "--crash-mid-job")
	b, _ := json.Marshal(map[string]any{"prompt": "p", "steps": 4, "width": 8, "height": 8})
	if _, err := http.Post(url+"/sdapi/v1/txt2img", "application/json", bytes.NewReader(b)); err == nil {
		t.Fatal("crashing job answered")
	}
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 {
		t.Fatalf("exit: %v, want status 3", err)
	}
}
