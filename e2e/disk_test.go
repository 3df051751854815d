package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"easel/app/accesstest"
	"easel/internal/testdisk"
)

// TestServeDiskFull runs `easel serve` with its data on a small tmpfs and
// fills the disk: an upload and a new board answer 507 with words that say
// the disk is full and to free space; reads keep working, also after a
// restart on the full disk; once space is free, writes work again; and
// after a restart nothing committed is lost.
func TestServeDiskFull(t *testing.T) {
	testdisk.NeedMounts(t)
	root := t.TempDir()
	testdisk.MountTmpfs(t, root, "16m")
	data := filepath.Join(root, "data")
	s := startServe(t, data)
	ada := setupAda(t, s.URL)

	boards := []string{createBoard(t, s.URL, ada, "Before")}
	images := map[string][]byte{}
	for i := 0; i < 3; i++ {
		png := accesstest.PNG(i)
		images[uploadPNG(t, s.URL, ada, boards[0], png)] = png
	}

	filler := testdisk.FillDisk(t, root)
	status, detail := tryUpload(t, s.URL, ada, boards[0], accesstest.PNG(50))
	wantAnswer(t, "upload on a full disk", status, detail, 507, "is full", data, "Free some space")

	// bbolt first reuses pages it freed, which are on the disk already, so
	// a few boards may still fit; the tree soon needs a new page.
	for i := 0; ; i++ {
		status, body := call(t, s.URL, ada, "POST", "/api/v1/boards/?board_name="+url.QueryEscape(fmt.Sprintf("Full %d", i)))
		if status == 201 {
			boards = append(boards, field(t, body, "board_id"))
			continue
		}
		wantAnswer(t, "new board on a full disk", status, detailOf(body), 507, "is full", data)
		t.Logf("%d boards fitted in pages bbolt had freed before", i)
		break
	}

	checkGallery(t, s.URL, ada, boards, images)

	// Easel starts again on the full disk, and shows people their work.
	s.Stop(t)
	s = startServe(t, data)
	checkGallery(t, s.URL, ada, boards, images)

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	boards = append(boards, createBoard(t, s.URL, ada, "After"))
	png := accesstest.PNG(60)
	images[uploadPNG(t, s.URL, ada, boards[len(boards)-1], png)] = png

	s.Stop(t)
	s = startServe(t, data)
	checkGallery(t, s.URL, loginAda(t, s.URL), boards, images)
}

// TestServeReadOnlyAtStart: a data folder on a read-only disk stops both
// `easel serve` and the window at start with words that name the folder
// and say what to do; nothing panics, and the exit status is not 0.
func TestServeReadOnlyAtStart(t *testing.T) {
	testdisk.NeedMounts(t)
	root := t.TempDir()
	testdisk.MountTmpfs(t, root, "16m")
	data := filepath.Join(root, "data")
	s := startServe(t, data)
	setupAda(t, s.URL)
	s.Stop(t)
	testdisk.Remount(t, root, "ro")
	t.Cleanup(func() { testdisk.Remount(t, root, "rw") })

	for _, args := range [][]string{{"serve", "--addr", "127.0.0.1:0", "--data", data}, {"--data", data}} {
		out := refusedStart(t, args...)
		for _, w := range []string{"easel: ", data, "read-only", "--data"} {
			if !strings.Contains(out, w) {
				t.Fatalf("easel %v says %q, without %q", args, out, w)
			}
		}
	}
}

// TestServeReadOnlyWhileRunning: the image folders turn read-only under a
// running `easel serve` (a file system with files open for writing, as the
// database is, cannot be remounted read-only; the image folders can): an
// upload answers 507 saying so, reads go on, and writes work once the
// folders are writable again.
func TestServeReadOnlyWhileRunning(t *testing.T) {
	testdisk.NeedMounts(t)
	data := t.TempDir()
	for _, kind := range []string{"images", "thumbnails"} {
		testdisk.MountTmpfs(t, filepath.Join(data, kind), "8m")
	}
	s := startServe(t, data)
	ada := setupAda(t, s.URL)
	board := createBoard(t, s.URL, ada, "Photos")
	png := accesstest.PNG(1)
	images := map[string][]byte{uploadPNG(t, s.URL, ada, board, png): png}

	for _, kind := range []string{"images", "thumbnails"} {
		testdisk.Remount(t, filepath.Join(data, kind), "ro")
	}
	status, detail := tryUpload(t, s.URL, ada, board, accesstest.PNG(2))
	wantAnswer(t, "upload onto a read-only folder", status, detail, 507, "read-only", data)
	checkGallery(t, s.URL, ada, []string{board}, images)

	for _, kind := range []string{"images", "thumbnails"} {
		testdisk.Remount(t, filepath.Join(data, kind), "rw")
	}
	png = accesstest.PNG(3)
	images[uploadPNG(t, s.URL, ada, board, png)] = png
	checkGallery(t, s.URL, ada, []string{board}, images)
}

// checkGallery reads every board and every image's bytes back over REST.
func checkGallery(t *testing.T, base, token string, boards []string, images map[string][]byte) {
	t.Helper()
	var listed []struct {
		BoardID string `json:"board_id"`
	}
	rest(t, base, token, "GET", "/api/v1/boards/?all=true", nil, &listed)
	have := map[string]bool{}
	for _, b := range listed {
		have[b.BoardID] = true
	}
	for _, id := range boards {
		if !have[id] {
			t.Fatalf("board %s is not listed (%d listed, %d made)", id, len(listed), len(boards))
		}
	}
	for name, want := range images {
		status, body := call(t, base, token, "GET", "/api/v1/images/i/"+name+"/full")
		if status != 200 || !bytes.Equal(body, want) {
			t.Fatalf("image %s: HTTP %d, %d bytes, want its %d", name, status, len(body), len(want))
		}
	}
}

func createBoard(t *testing.T, base, token, name string) string {
	t.Helper()
	var b struct {
		BoardID string `json:"board_id"`
	}
	rest(t, base, token, "POST", "/api/v1/boards/?board_name="+url.QueryEscape(name), nil, &b)
	return b.BoardID
}

// tryUpload uploads an image and returns the status and the detail of the answer.
func tryUpload(t *testing.T, base, token, boardID string, data []byte) (int, string) {
	t.Helper()
	status, raw := upload(t, base, token, boardID, "picture.png", data)
	return status, detailOf(raw)
}

// upload posts data over REST as an image file called name onto a board
// (none: "") and returns the answer's status and body, whatever they are.
func upload(t *testing.T, base, token, boardID, name string, data []byte) (int, []byte) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", base+"/api/v1/images/upload?board_id="+boardID, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, raw
}

// call makes a request without a body and returns the status and the body.
func call(t *testing.T, base, token, method, path string) (int, []byte) {
	t.Helper()
	res := restDo(t, base, token, method, path, nil)
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, body
}

func detailOf(body []byte) string {
	var e struct{ Detail string }
	json.Unmarshal(body, &e)
	return e.Detail
}

func field(t *testing.T, body []byte, name string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	s, _ := m[name].(string)
	return s
}

// wantAnswer checks an answer's status and that its detail holds each of the words.
func wantAnswer(t *testing.T, what string, status int, detail string, want int, words ...string) {
	t.Helper()
	if status != want {
		t.Fatalf("%s: HTTP %d %q, want %d", what, status, detail, want)
	}
	for _, w := range words {
		if !strings.Contains(detail, w) {
			t.Fatalf("%s: %q does not say %q", what, detail, w)
		}
	}
}

// refusedStart runs easel with args, which must stop at start: a non-zero
// exit within 20 s, words on stderr and no Go panic or stack trace.
func refusedStart(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, easelBinary(t), args...).CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || ctx.Err() != nil {
		t.Fatalf("easel %v did not stop with an error (%v): %s", args, err, out)
	}
	for _, trace := range []string{"panic:", "goroutine ", ".go:"} {
		if strings.Contains(string(out), trace) {
			t.Fatalf("easel %v printed a trace (%q): %s", args, trace, out)
		}
	}
	return string(out)
}
