package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"easel/app/accesstest"
	"easel/internal/testdisk"
	"easel/store"
)

// TestServeDamagedDatabase damages copies of a real easel.db the ways a
// disk or a bad copy does, and starts `easel serve` on each. Each start
// either stops with words that name the file, say what is wrong and what
// to do (restore a backup, keep the damaged file), leaving the file and
// the images as they were; or, when the damage hit only pages not in use,
// serves and answers every request, without a crash or a trace.
func TestServeDamagedDatabase(t *testing.T) {
	healthy := gallery(t)
	pageSize := int64(os.Getpagesize())
	for _, c := range []struct {
		name   string
		refuse bool // else it may also start
		damage func(t *testing.T, path string)
	}{
		{"truncated to half", true, func(t *testing.T, path string) { testdisk.Truncate(t, path, testdisk.Size(t, path)/2) }},
		{"truncated mid-page", true, func(t *testing.T, path string) { testdisk.Truncate(t, path, 3*pageSize+100) }},
		{"zeroed", true, func(t *testing.T, path string) { testdisk.WriteAt(t, path, 0, make([]byte, testdisk.Size(t, path))) }},
		{"every page but the meta pages garbled", true, func(t *testing.T, path string) {
			testdisk.WriteAt(t, path, 2*pageSize, testdisk.Noise(1, int(testdisk.Size(t, path)-2*pageSize)))
		}},
		{"a page in the middle zeroed", false, func(t *testing.T, path string) {
			testdisk.WriteAt(t, path, testdisk.Size(t, path)/pageSize/2*pageSize, make([]byte, pageSize))
		}},
		{"a page in the middle garbled", false, func(t *testing.T, path string) {
			testdisk.WriteAt(t, path, testdisk.Size(t, path)/pageSize/2*pageSize, testdisk.Noise(2, int(pageSize)))
		}},
		// The pages fit together, so this one starts; the requests that
		// read Ada's record fail with words.
		{"a byte inside a record changed", false, func(t *testing.T, path string) {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			mark := []byte(`"display_name":"Ada Admin"`)
			if !bytes.Contains(b, mark) {
				t.Fatal("Ada's record is not in easel.db as JSON any more: update this damage")
			}
			for i := bytes.Index(b, mark); i >= 0; i = bytes.Index(b, mark) {
				b[i+len(mark)-1] = '}' // the name's closing quote
			}
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
			data := testdisk.CopyDir(t, healthy)
			path := filepath.Join(data, store.FileName)
			c.damage(t, path)
			sum, files := testdisk.Sum(t, path), imageFiles(t, data)

			s, refusal := serveOrRefuse(t, data)
			if s == nil {
				for _, w := range []string{"easel: ", path, "is damaged", "backup", "keep the damaged file"} {
					if !strings.Contains(refusal, w) {
						t.Fatalf("the refusal %q does not say %q", refusal, w)
					}
				}
				if testdisk.Sum(t, path) != sum || imageFiles(t, data) != files {
					t.Fatal("the refusal changed easel.db or the image files")
				}
				if c.name == "zeroed" { // the window refuses alike, before it opens
					refusedStart(t, "--data", data)
				}
				t.Logf("refused: %s", strings.TrimSpace(refusal))
				return
			}
			if c.refuse {
				t.Fatal("easel serve started on a damaged file")
			}
			t.Logf("started; %d requests answered", everyAnswer(t, s))
		})
	}
}

// TestServeLostDatabase: with easel.db missing or empty beside images,
// `easel serve` and the window stop at start with words, make no new
// database (setup stays closed), and every image file is still there.
func TestServeLostDatabase(t *testing.T) {
	healthy := gallery(t)
	for _, c := range []struct {
		name string
		lose func(string) error
	}{
		{"missing", os.Remove},
		{"empty", func(path string) error { return os.Truncate(path, 0) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := testdisk.CopyDir(t, healthy)
			path := filepath.Join(data, store.FileName)
			if err := c.lose(path); err != nil {
				t.Fatal(err)
			}
			files := imageFiles(t, data)
			for _, args := range [][]string{{"serve", "--addr", "127.0.0.1:0", "--data", data}, {"--data", data}} {
				out := refusedStart(t, args...)
				for _, w := range []string{path, "is " + c.name, "image files", "backup"} {
					if !strings.Contains(out, w) {
						t.Fatalf("easel %v says %q, without %q", args, out, w)
					}
				}
			}
			if n := imageFiles(t, data); n != files || n == 0 {
				t.Fatalf("%d image files after the refusals, want all %d", n, files)
			}
			info, err := os.Stat(path)
			if (c.name == "missing") != os.IsNotExist(err) || (err == nil && info.Size() != 0) {
				t.Fatalf("the refusal made or wrote easel.db (%v)", err)
			}
		})
	}
}

// gallery makes a data folder through a real `easel serve`: Ada, boards,
// images; then stops it.
func gallery(t *testing.T) string {
	t.Helper()
	data := t.TempDir()
	s := startServe(t, data)
	ada := setupAda(t, s.URL)
	for i := 0; i < 4; i++ {
		board := createBoard(t, s.URL, ada, fmt.Sprintf("Board %d", i))
		for j := 0; j < 4; j++ {
			uploadPNG(t, s.URL, ada, board, accesstest.PNG(i*4+j))
		}
	}
	s.Stop(t)
	return data
}

// everyAnswer makes the requests a session makes, reads and writes, on a
// server whose file may be damaged: each must be answered, an error in
// JSON words, and the server must still be there at the end.
func everyAnswer(t *testing.T, s *server) int {
	t.Helper()
	n := 0
	answered := func(what string, status int, body []byte) {
		t.Helper()
		n++
		t.Logf("%s: HTTP %d %s", what, status, detailOf(body))
		if status >= 500 && detailOf(body) == "" {
			t.Fatalf("%s: HTTP %d without words: %s", what, status, body)
		}
	}
	status, body := call(t, s.URL, "", "GET", "/api/v1/auth/status")
	answered("status", status, body)
	res := restDo(t, s.URL, "", "POST", "/api/v1/auth/login", map[string]any{"email": "ada@studio.test", "password": "TestPass123"})
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	answered("login", res.StatusCode, body)
	token := field(t, body, "token")
	if res.StatusCode != 200 {
		token = ""
	}
	status, body = call(t, s.URL, token, "GET", "/api/v1/boards/?all=true")
	answered("boards", status, body)
	status, body = call(t, s.URL, token, "GET", "/api/v1/images/?limit=100")
	answered("images", status, body)
	var page struct {
		Items []struct {
			ImageName string `json:"image_name"`
		}
	}
	if status == 200 && json.Unmarshal(body, &page) == nil {
		for _, im := range page.Items {
			status, body = call(t, s.URL, token, "GET", "/api/v1/images/i/"+im.ImageName+"/full")
			answered("image", status, body)
		}
	}
	status, body = call(t, s.URL, token, "POST", "/api/v1/boards/?board_name=After")
	answered("new board", status, body)
	status, detail := tryUpload(t, s.URL, token, "", accesstest.PNG(99))
	answered("upload", status, []byte(fmt.Sprintf(`{"detail":%q}`, detail)))
	status, body = call(t, s.URL, "", "GET", "/api/v1/auth/status")
	answered("status, again", status, body)
	if s.cmd.ProcessState != nil {
		t.Fatal("the server is gone after the requests")
	}
	return n
}

func imageFiles(t *testing.T, data string) int {
	t.Helper()
	n := 0
	for _, kind := range []string{"images", "thumbnails"} {
		filepath.WalkDir(filepath.Join(data, kind), func(_ string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				n++
			}
			return nil
		})
	}
	return n
}
