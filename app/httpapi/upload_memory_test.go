package httpapi_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"easel/app/accesstest"
	"easel/app/httpapi"
	"easel/internal/studiotest"
)

// Peak memory of `easel serve` while people upload huge images, measured in
// a child process (its VmHWM, the most resident memory it ever had), so the
// number is what the machine sees, not what the Go heap says.
//
// uploadPeakBoundMB is the bound the README states ("Speed"): 20 parallel
// uploads of a 10000 × 10000 16-bit PNG keep the whole server process,
// runtime and all, under it. The decode budget in app/imaging
// (DefaultDecodeBudget) is what holds it there for every other image too.
const (
	uploadPeakBoundMB = 200
	parallelUploads   = 20
	hugeSide          = 10000
)

// TestUploadPeakMemory: 20 parallel uploads of a 10000 × 10000 16-bit PNG
// (each under 1 MB on the wire, 600 MB of samples once inflated) are all
// stored, and the server's peak RSS stays under uploadPeakBoundMB.
func TestUploadPeakMemory(t *testing.T) {
	if dir := os.Getenv("EASEL_UPLOAD_MEMORY_CHILD"); dir != "" {
		uploadMemoryChild(dir)
		return
	}
	if path := os.Getenv("EASEL_UPLOAD_MEMORY_PNG"); path != "" {
		if err := os.WriteFile(path, accesstest.HugePNG16(hugeSide, hugeSide), 0o600); err != nil {
			t.Fatal(err)
		}
		return
	}
	if testing.Short() {
		t.Skip("uploads 20 images of 100 megapixels; skipped with -short")
	}
	peak, size := measureUploadPeak(t, parallelUploads)
	t.Logf("peak RSS of the server for %d parallel uploads of a %d × %d 16-bit PNG (%d KB): %.0f MB (bound %d MB)",
		parallelUploads, hugeSide, hugeSide, size>>10, peak, uploadPeakBoundMB)
	if peak > uploadPeakBoundMB {
		t.Fatalf("peak RSS %.0f MB, over the %d MB bound", peak, uploadPeakBoundMB)
	}
}

// BenchmarkUploadPeakMemory reports the server's peak RSS (peak-MB) for 20
// parallel uploads of the same PNG; each iteration is a fresh server.
func BenchmarkUploadPeakMemory(b *testing.B) {
	var peak float64
	for b.Loop() {
		p, _ := measureUploadPeak(b, parallelUploads)
		peak = max(peak, p)
	}
	b.ReportMetric(peak, "peak-MB")
	b.ReportMetric(float64(uploadPeakBoundMB), "bound-MB")
}

// measureUploadPeak starts a server in a child process, signs in, sends n
// uploads of the huge PNG at once, checks that all n are stored, and
// returns the child's peak RSS in MB and the PNG's size in bytes.
func measureUploadPeak(tb testing.TB, n int) (peakMB float64, size int) {
	tb.Helper()
	if runtime.GOOS != "linux" {
		tb.Skip("reads the child's peak RSS from /proc (Linux only)")
	}
	child := childBinary(tb)
	png := hugeUpload(tb, child)
	body, contentType := multipartImage(tb, "huge.png", png)

	cmd := exec.Command(child, "-test.run=^TestUploadPeakMemory$")
	cmd.Env = append(os.Environ(), "EASEL_UPLOAD_MEMORY_CHILD="+tb.TempDir())
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	defer cmd.Process.Kill() // only if something below failed
	lines := bufio.NewScanner(stdout)
	url := childLine(tb, lines, "listening ")

	token := setUpAndSignIn(tb, url)
	client := &http.Client{Timeout: 10 * time.Minute}
	send := func(method, path string, body io.Reader, contentType string) (int, []byte, error) {
		req, _ := http.NewRequest(method, url+path, body)
		req.Header.Set("Authorization", "Bearer "+token)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		out, err := io.ReadAll(resp.Body)
		return resp.StatusCode, out, err
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			status, out, err := send("POST", "/api/v1/images/upload", bytes.NewReader(body), contentType)
			if err == nil && status != http.StatusCreated {
				err = fmt.Errorf("upload = %d %s", status, out)
			}
			if err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		tb.Error(err)
	}
	var page struct{ Total int }
	if _, out, err := send("GET", "/api/v1/images/?board_id=none", nil, ""); err != nil || json.Unmarshal(out, &page) != nil || page.Total != n {
		tb.Errorf("after the uploads: %d images stored, want %d (%v %s)", page.Total, n, err, out)
	}

	stdin.Close() // the child reports its peak and exits
	kB, err := strconv.ParseFloat(childLine(tb, lines, "peak-kB "), 64)
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		tb.Fatalf("child: %v", err)
	}
	return kB / 1024, len(png)
}

// setUpAndSignIn creates the first administrator and returns their token.
func setUpAndSignIn(tb testing.TB, url string) string {
	tb.Helper()
	post := func(path, body string) map[string]any {
		resp, err := http.Post(url+path, "application/json", strings.NewReader(body))
		if err != nil {
			tb.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
			tb.Fatalf("POST %s = %d %v %v", path, resp.StatusCode, out, err)
		}
		return out
	}
	post("/api/v1/auth/setup", `{"email":"admin@test.com","display_name":"Admin","password":"TestPass123"}`)
	token, _ := post("/api/v1/auth/login", `{"email":"admin@test.com","password":"TestPass123"}`)["token"].(string)
	return token
}

// childLine reads the child's stdout up to the line that starts with prefix
// and returns the rest of it.
func childLine(tb testing.TB, lines *bufio.Scanner, prefix string) string {
	tb.Helper()
	for lines.Scan() {
		if rest, ok := strings.CutPrefix(lines.Text(), prefix); ok {
			return rest
		}
	}
	tb.Fatalf("the child ended without saying %q (%v)", prefix, lines.Err())
	return ""
}

// uploadMemoryChild serves a fresh store in dir on a loopback port until
// its stdin closes, then prints its peak RSS.
func uploadMemoryChild(dir string) {
	set, err := studiotest.Open(dir)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	api := httpapi.New(apiServices(set), fstest.MapFS{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("listen:", err)
		os.Exit(2)
	}
	go http.Serve(l, api)
	fmt.Printf("listening http://%s\n", l.Addr())
	io.Copy(io.Discard, os.Stdin)
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		fmt.Println("status:", err)
		os.Exit(2)
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			fmt.Println("peak-kB", strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
		}
	}
	set.Close()
	os.Exit(0)
}

// childBinary is this test binary, or, when it was built with the race
// detector (which multiplies memory and time), the same tests built
// without it, so that the figure is the one users get.
func childBinary(tb testing.TB) string {
	if !raceEnabled {
		return os.Args[0]
	}
	path := filepath.Join(tb.TempDir(), "httpapi.test")
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	if out, err := exec.Command(goTool, "test", "-c", "-o", path, ".").CombinedOutput(); err != nil {
		tb.Fatalf("building the child without -race: %v\n%s", err, out)
	}
	return path
}

// multipartImage is the body of an upload of data as the field "file".
func multipartImage(tb testing.TB, name string, data []byte) ([]byte, string) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", name)
	if err == nil {
		_, err = fw.Write(data)
	}
	if err == nil {
		err = mw.Close()
	}
	if err != nil {
		tb.Fatal(err)
	}
	return body.Bytes(), mw.FormDataContentType()
}

var hugePNG []byte // made once per test process

// hugeUpload is the PNG the uploads send, made by the child binary: under
// the race detector, this one would take minutes to deflate its 600 MB of
// samples.
func hugeUpload(tb testing.TB, child string) []byte {
	if hugePNG == nil {
		path := filepath.Join(tb.TempDir(), "huge.png")
		cmd := exec.Command(child, "-test.run=^TestUploadPeakMemory$")
		cmd.Env = append(os.Environ(), "EASEL_UPLOAD_MEMORY_PNG="+path)
		if out, err := cmd.CombinedOutput(); err != nil {
			tb.Fatalf("making the PNG: %v\n%s", err, out)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			tb.Fatal(err)
		}
		hugePNG = b
	}
	return hugePNG
}
