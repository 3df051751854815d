package desktop

import (
	"net/http"
	"strings"

	"easel/app"
)

// ServeHTTP serves images and thumbnails to the window's page at the same
// paths `easel serve` uses (/api/v1/images/i/NAME/full and /thumbnail).
// Wails' asset server hands it every request that is not a built-in asset;
// it answers for the window's session only, so there is no token in the URL
// and nothing another program could reuse.
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
	rest, ok := strings.CutPrefix(r.URL.Path, "/api/v1/images/i/")
	name, kind, _ := strings.Cut(rest, "/")
	if !ok || r.Method != http.MethodGet || (kind != "full" && kind != "thumbnail") {
		http.NotFound(w, r)
		return
	}
	ctx, err := s.context()
	if err != nil {
		http.Error(w, "Sign in to continue.", http.StatusUnauthorized)
		return
	}
	f, img, err := s.svc.Images.OpenImage(ctx, name, kind == "thumbnail")
	if err != nil {
		http.Error(w, app.ErrorMessage(err), app.HTTPStatus(app.ErrorCode(err)))
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", img.ContentType)
	http.ServeContent(w, r, "", img.CreatedAt, f)
}
