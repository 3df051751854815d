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
func (s *Session) ServeHTTP(w http.ResponseWriter, r *http.Request) {
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
	w.Header().Set("Cache-Control", "private, max-age=31536000, immutable")
	http.ServeContent(w, r, "", img.CreatedAt, f)
}
