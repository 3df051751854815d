package desktop

import (
	"context"
	"io"
	"net/http"
	"strings"
	"time"

	"easel/app"
)

// ServeHTTP serves images and thumbnails to the window's page at the same
// paths `easel serve` uses (/api/v1/images/i/NAME/full and /thumbnail),
// and workflows' thumbnails (/api/v1/workflows/i/ID/thumbnail, the
// thumbnail_url of a library listing), so that the page's <img src> is
// the same in the window and in a browser. Wails' asset server hands it
// every request that is not a built-in asset; it answers for the window's
// session only, so there is no token in the URL and nothing another
// program could reuse.
//
// The pictures are private: the window's web view must not keep them once
// the session ends, so they are never stored (Cache-Control), as in a
// browser.
func (s *Session) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Wails' asset server has no recover of its own: a panic here would
	// end the window. Services recover theirs (recover.go); this is for
	// the rest of the answer.
	defer func() {
		if p := recover(); p != nil {
			s.logPanic("asset "+r.URL.Path, p)
			http.Error(w, errPanicked.Message, http.StatusInternalServerError)
		}
	}()
	w.Header().Set("Cache-Control", "private, no-store")
	open := s.mediaAt(r.URL.Path)
	if open == nil || r.Method != http.MethodGet {
		http.NotFound(w, r)
		return
	}
	ctx, err := s.context()
	if err != nil {
		http.Error(w, "Sign in to continue.", http.StatusUnauthorized)
		return
	}
	f, contentType, modified, err := open(ctx)
	if err != nil {
		http.Error(w, app.ErrorMessage(err), app.HTTPStatus(app.ErrorCode(err)))
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", contentType)
	http.ServeContent(w, r, "", modified, f)
}

// openMedia opens what a path names, with its content type and time.
type openMedia func(ctx context.Context) (f io.ReadSeekCloser, contentType string, modified time.Time, err error)

// mediaAt is how to open what path names; nil for nothing served here.
func (s *Session) mediaAt(path string) openMedia {
	if rest, ok := strings.CutPrefix(path, "/api/v1/images/i/"); ok {
		name, kind, _ := strings.Cut(rest, "/")
		if kind != "full" && kind != "thumbnail" {
			return nil
		}
		return func(ctx context.Context) (io.ReadSeekCloser, string, time.Time, error) {
			f, img, err := s.svc.Images.OpenImage(ctx, name, kind == "thumbnail")
			if err != nil {
				return nil, "", time.Time{}, err
			}
			return f, img.ContentType, img.CreatedAt, nil
		}
	}
	if rest, ok := strings.CutPrefix(path, "/api/v1/workflows/i/"); ok {
		id, kind, _ := strings.Cut(rest, "/")
		if kind != "thumbnail" {
			return nil
		}
		return func(ctx context.Context) (io.ReadSeekCloser, string, time.Time, error) {
			f, contentType, err := s.svc.Library.OpenWorkflowThumbnail(ctx, id)
			return f, contentType, time.Time{}, err
		}
	}
	return nil
}
