package generation

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"easel/app"
	"easel/internal/sdtest"
)

// These tests need a server that misbehaves in ways sdtest has no fault
// for, so they run its A1111 handler in this process behind a wrapper.

func fakeA1111(t *testing.T, wrap func(next http.Handler) http.Handler) *httptest.Server {
	t.Helper()
	s := sdtest.New(sdtest.Options{Flavor: sdtest.A1111, StepDelay: 2 * time.Millisecond})
	ts := httptest.NewServer(wrap(s))
	t.Cleanup(func() { s.Close(); ts.Close() })
	return ts
}

func TestA1111FallbackModelIsRefused(t *testing.T) {
	t.Parallel()
	// The server lists a "ghost" it cannot load, and A1111 then quietly
	// makes the picture with the model it has loaded.
	ts := fakeA1111(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/sdapi/v1/sd-models" {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			var list []map[string]any
			json.Unmarshal(rec.Body.Bytes(), &list)
			list = append(list, map[string]any{"title": "ghost.safetensors [0123456789]", "model_name": "ghost"})
			json.NewEncoder(w).Encode(list)
		})
	})
	r, _ := newRuntime(t, Options{})
	r.Configure([]app.Backend{a1111Backend("studio", ts.URL)})
	waitState(t, r, "studio", app.BackendReachable)
	_, err := gen(t, r, "studio/ghost").Generate(testCtx(t), testJob("", "x", 32, 32, 2), nil)
	wantMessage(t, err, app.EINVALID, `Backend studio could not load the model "ghost" and made the picture with "v1-5-pruned-emaonly" instead.`)
}

// pngClaiming is a PNG whose header claims w×h pixels it does not have.
func pngClaiming(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	chunk("IHDR", append(ihdr, 8, 6, 0, 0, 0))
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return b.Bytes()
}

func TestA1111BadPicturesAreRefused(t *testing.T) {
	t.Parallel()
	pictures := map[string]string{
		"text":  base64.StdEncoding.EncodeToString([]byte("hello, not a picture")),
		"bomb":  base64.StdEncoding.EncodeToString(pngClaiming(100000, 100000)),
		"noise": "this is not base64 at all!",
	}
	ts := fakeA1111(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/sdapi/v1/txt2img" {
				next.ServeHTTP(w, r)
				return
			}
			var req struct{ Prompt string }
			json.NewDecoder(r.Body).Decode(&req)
			images := []string{}
			if p, ok := pictures[req.Prompt]; ok {
				images = append(images, p)
			}
			json.NewEncoder(w).Encode(map[string]any{"images": images, "parameters": map[string]any{}, "info": ""})
		})
	})
	r, _ := newRuntime(t, Options{})
	r.Configure([]app.Backend{a1111Backend("studio", ts.URL)})
	waitState(t, r, "studio", app.BackendReachable)
	g := gen(t, r, "studio/"+sdModel)
	for prompt := range pictures {
		_, err := g.Generate(testCtx(t), testJob("", prompt, 32, 32, 2), nil)
		wantMessage(t, err, app.EINVALID, "Backend studio sent a picture Easel could not read.")
	}
	_, err := g.Generate(testCtx(t), testJob("", "none", 32, 32, 2), nil)
	wantMessage(t, err, app.EINVALID, "Backend studio answered without a picture")
}

func TestA1111PasswordIsUsedNotShown(t *testing.T) {
	t.Parallel()
	const password = "s3cret-Pa55"
	ts := fakeA1111(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if u, p, ok := r.BasicAuth(); !ok || u != "easel" || p != password {
				w.WriteHeader(http.StatusUnauthorized)
				io.WriteString(w, `{"detail":"Incorrect username or password"}`)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	host := strings.TrimPrefix(ts.URL, "http://")
	r, logs := newRuntime(t, Options{})
	r.Configure([]app.Backend{
		a1111Backend("good", "http://easel:"+password+"@"+host),
		a1111Backend("wrong", "http://easel:nope@"+host),
	})
	st := waitState(t, r, "good", app.BackendReachable)
	if st.URL != "http://easel:xxxxx@"+host {
		t.Fatalf("the status shows the address as %q", st.URL)
	}
	if _, err := gen(t, r, "good/"+sdModel).Generate(testCtx(t), testJob("", "x", 32, 32, 2), nil); err != nil {
		t.Fatal(err)
	}
	bad := waitState(t, r, "wrong", app.BackendUnreachable)
	want := "Backend wrong at " + ts.URL + " refused Easel (HTTP 401). If it was started with --api-auth"
	if !strings.HasPrefix(bad.LastError, want) {
		t.Fatalf("LastError %q, want it to start %q", bad.LastError, want)
	}
	for _, st := range r.Statuses() {
		if strings.Contains(st.URL+st.LastError, password) || strings.Contains(st.URL, "nope") {
			t.Fatalf("status shows a password: %+v", st)
		}
	}
	if strings.Contains(logs.String(), password) || strings.Contains(logs.String(), ":nope@") {
		t.Fatal("the log holds a password")
	}
}

func TestA1111SlowAnswersTimeOut(t *testing.T) {
	t.Parallel()
	ts := fakeA1111(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/sdapi/v1/sd-models" {
				<-r.Context().Done() // a server stuck on its model list
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	r, _ := newRuntime(t, Options{RequestTimeout: 200 * time.Millisecond})
	r.Configure([]app.Backend{a1111Backend("busy", ts.URL)})
	st := waitState(t, r, "busy", app.BackendUnreachable)
	want := "Backend busy at " + ts.URL + " did not answer within 0.2 s. It may be busy or stuck; retry in a minute."
	waitFor(t, 5*time.Second, "the timeout message", func() bool {
		st, _ = statusOf(r, "busy")
		return st.LastError == want
	})
}
