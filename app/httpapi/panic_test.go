package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"easel/app"
	"easel/app/accesstest"
	"easel/app/httpapi"
)

// panickyBoards is the real board service but for CreateBoard, which
// panics with something no user should ever read.
type panickyBoards struct{ app.BoardService }

func (panickyBoards) CreateBoard(context.Context, string) (*app.Board, error) {
	panic("boom at /home/someone/.local/share/easel/easel.db")
}

// panickyImages is the real image service, but full images come out of
// OpenImage as files that panic once 64 KiB are read: a zip is well under
// way, its headers long sent, when it happens.
type panickyImages struct{ app.ImageService }

func (p panickyImages) OpenImage(ctx context.Context, name string, thumbnail bool) (io.ReadSeekCloser, *app.Image, error) {
	f, img, err := p.ImageService.OpenImage(ctx, name, thumbnail)
	if err != nil || thumbnail {
		return f, img, err
	}
	f.Close()
	return &panicAfter{left: 64 << 10}, img, nil
}

type panicAfter struct{ left int }

func (p *panicAfter) Read(b []byte) (int, error) {
	if p.left <= 0 {
		panic("boom in the middle of a file")
	}
	n := min(len(b), p.left)
	clear(b[:n])
	p.left -= n
	return n, nil
}
func (p *panicAfter) Seek(int64, int) (int64, error) { return 0, nil }
func (p *panicAfter) Close() error                   { return nil }

// TestPanicsGetTheGenericError: a panic in any route answers the generic
// internal error (or, once the answer has started, cuts it off), never a
// trace; the log has the panic and its stack; the server goes on serving.
func TestPanicsGetTheGenericError(t *testing.T) {
	c := newServerWith(t, func(s *httpapi.Services) {
		s.Boards = panickyBoards{s.Boards}
		s.Images = panickyImages{s.Images}
	})
	token := c.setupAndLogin()

	status, out, h := c.send("POST", "/api/v1/boards/?board_name=B", token, "")
	if status != 500 || out != `{"detail":"`+app.ErrorMessage(io.EOF)+`"}` || h.Get("Content-Type") != "application/json" {
		t.Fatalf("a panicking route = %d %s", status, out)
	}
	logs := c.log.String()
	for _, want := range []string{"panic in a request", "boom at /home/someone", "goroutine ", "panic_test.go"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log lacks %q:\n%s", want, logs)
		}
	}

	// A panic with the zip half sent: the client sees it broken, not
	// complete, and the next request is answered as ever.
	_, img := c.upload(token, "", "a.png", accesstest.PNG(5))
	req, _ := http.NewRequest("POST", c.url+"/api/v1/images/download", strings.NewReader(`{"image_names":["`+img["image_name"].(string)+`"]}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || err == nil || strings.Contains(string(body), "boom") {
		t.Fatalf("zip cut by a panic = %d, %d bytes, read error %v", resp.StatusCode, len(body), err)
	}
	if !strings.Contains(c.log.String(), "boom in the middle of a file") {
		t.Errorf("the log lacks the second panic:\n%s", c.log.String())
	}
	c.want(200, "GET", "/api/v1/auth/me", token, "")
}
