package httpapi_test

import (
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"easel/app/accesstest"
)

// TestUploadStreams: an upload goes to the store as it arrives, so one that
// is cut off, or goes on past the size limit, is refused with words, and
// the client hears so without sending the rest.
func TestUploadStreams(t *testing.T) {
	c := newServer(t)
	token := c.setupAndLogin()
	png := string(accesstest.PNG(1))

	post := func(body io.Reader, contentType string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("POST", c.url+"/api/v1/images/upload", body)
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct{ Detail string }
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out.Detail
	}
	const boundary = "easel-test-boundary"
	contentType := "multipart/form-data; boundary=" + boundary
	head := "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n"

	t.Run("cut off", func(t *testing.T) {
		status, detail := post(strings.NewReader(head+png[:len(png)/2]), contentType)
		if status != http.StatusBadRequest || !strings.Contains(detail, "The upload was cut off") {
			t.Fatalf("cut-off upload = %d %q", status, detail)
		}
	})
	t.Run("past the limit", func(t *testing.T) {
		endless := io.MultiReader(strings.NewReader(head+png), zeroReader{})
		status, detail := post(endless, contentType)
		if status != http.StatusBadRequest || detail != "a.png is over the 64 MB limit for imported images. Choose a smaller file, or save it with more compression." {
			t.Fatalf("endless upload = %d %q", status, detail)
		}
	})
	t.Run("whole", func(t *testing.T) {
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		go func() {
			fw, _ := mw.CreateFormFile("file", "a.png")
			fw.Write([]byte(png))
			mw.Close()
			pw.Close()
		}()
		if status, detail := post(pr, mw.FormDataContentType()); status != http.StatusCreated {
			t.Fatalf("streamed upload = %d %q", status, detail)
		}
	})
}

// zeroReader is an endless stream of zero bytes.
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
