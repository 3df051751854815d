package httpapi

import (
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"

	"easel/app"
)

// Any web page the person opens can send requests to loopback without
// asking: a form posted with a text/plain, urlencoded or multipart body, or
// fetch with mode "no-cors". The browser sends them, and only hides the
// answer from the page. Three rules together keep them from having any
// effect: a state-changing request from another page is refused by what
// the browser says about where it comes from (fromAnotherPage); a body
// must be in the one form its route takes, and no such page can send
// Content-Type: application/json (takesBody); and the cookie, which such a
// page's requests would carry, opens only GET routes and sign-out.

// fromAnotherPage refuses a state-changing request that a browser sent on
// behalf of another page: one whose Origin is not this server's own, or
// whose Sec-Fetch-Site says it came from another site, or from another
// port or name of this one ("same-site": to a browser, every port of
// 127.0.0.1 is the same site, so SameSite cookies do not tell them apart).
// Requests with neither header (curl, scripts) pass: no browser page can
// send a request without them.
func (s *Server) fromAnotherPage(r *http.Request) error {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	}
	if site := r.Header.Get("Sec-Fetch-Site"); site == "cross-site" || site == "same-site" {
		return errAnotherPage
	}
	if origin := r.Header.Get("Origin"); origin != "" && !s.ownOrigin(r, origin) {
		return errAnotherPage
	}
	return nil
}

var errAnotherPage = app.Errorf(app.EFORBIDDEN, "Easel refuses changes sent from another web page. Use Easel's own page, at the address `easel serve` printed.")

// ownOrigin says whether origin is the scheme, host and port this request
// came to, under one of the host names Easel answers to. "null" (a
// sandboxed frame, a file) is never its own.
func (s *Server) ownOrigin(r *http.Request, origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || u.Path != "" || u.User != nil {
		return false
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if !strings.EqualFold(u.Scheme, scheme) || !s.allowedHost(u.Host) {
		return false
	}
	oh, op := splitHostPort(u.Host, scheme)
	rh, rp := splitHostPort(r.Host, scheme)
	return strings.EqualFold(oh, rh) && op == rp
}

// splitHostPort splits host[:port], with the scheme's port when there is none.
func splitHostPort(hostport, scheme string) (host, port string) {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = hostport, ""
	}
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[scheme]
	}
	return strings.Trim(host, "[]"), port
}

// cookieFromAnotherPage refuses the session cookie on a request another
// page made: an <img> or link on another port of this machine would carry
// it, SameSite=Strict notwithstanding, and could learn from the answer
// whether an image exists or someone is signed in.
func cookieFromAnotherPage(r *http.Request) error {
	if site := r.Header.Get("Sec-Fetch-Site"); site == "cross-site" || site == "same-site" {
		return app.Errorf(app.EFORBIDDEN, "Easel's images and downloads open only from Easel's own page.")
	}
	return nil
}

// takesBody lets a request through only with the body its route declares.
// A JSON route refuses any other Content-Type (415) before it reads a
// byte; a route that takes no body is given none, so a handler cannot
// read one its route did not declare.
func takesBody(kind bodyKind, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		switch kind {
		case noBody:
			r = r.WithContext(r.Context()) // a copy: handlers do not change the server's request
			r.Body = http.NoBody
		case jsonBody:
			if mediaType != "application/json" {
				writeError(w, app.Errorf(app.EUNSUPPORTED, "Send the body as JSON with Content-Type: application/json."))
				return
			}
		case fileBody:
			if mediaType != "multipart/form-data" {
				writeError(w, app.Errorf(app.EUNSUPPORTED, "Send the image as multipart/form-data, in a field named file."))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
