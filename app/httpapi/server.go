// Package httpapi serves Easel's services as a REST API under /api/v1, with
// the JSON of InvokeAI's multi-user API, and the web UI beside it. It is a
// thin adapter: it resolves the caller, decodes, calls a service, encodes.
package httpapi

import (
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"easel/app"
)

// Services are what the API serves.
type Services struct {
	Auth   app.AuthService
	Users  app.UserService
	Audit  app.AuditService
	Boards app.BoardService
	Images app.ImageService
	Queue  app.QueueService
	// Settings are the studio's limits, set by admins.
	Settings app.SettingsService
	// Broker carries queue events to the event stream.
	Broker *app.Broker
	// Workflows are the built-in workflows the Generate panel offers.
	Workflows any
	// Library keeps each profile's workflows.
	Library app.WorkflowService
	// Presets keeps each profile's style presets.
	Presets app.StylePresetService
	// Generation is the image-generation backends and their models.
	Generation app.GenerationService
}

// Server is the HTTP face of Easel.
type Server struct {
	svc    Services
	assets fs.FS
	log    *slog.Logger
	hosts  map[string]bool
	mux    *http.ServeMux
}

// New returns a server for svc that also serves the web UI from assets (the
// built frontend). extraHosts are host names, besides loopback ones, that
// browsers may use to reach it (the address it was told to listen on).
func New(svc Services, assets fs.FS, log *slog.Logger, extraHosts ...string) *Server {
	s := &Server{svc: svc, assets: assets, log: log, mux: http.NewServeMux(),
		hosts: map[string]bool{"localhost": true, "127.0.0.1": true, "::1": true}}
	for _, h := range extraHosts {
		s.hosts[h] = true
	}
	for _, r := range s.routes() {
		// Inside out: the handler gets only the body its route declares,
		// from a caller who is signed in (401 comes first), and no answer
		// of the API is kept by the browser.
		var h http.Handler = r.handler
		h = takesBody(r.body, h)
		if r.access != public {
			h = s.authenticated(h, r.access)
		}
		s.mux.Handle(r.method+" "+r.pattern, noStore(h))
	}
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, app.Errorf(app.ENOTFOUND, "There is no %s %s in this API.", r.Method, r.URL.Path))
	})
	if assets != nil {
		s.mux.Handle("/", http.FileServerFS(assets))
	}
	return s
}

// ServeHTTP guards every request, logs it and routes it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	h := rec.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' blob: data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'")
	defer func() {
		// The path never holds a secret; headers (which may) are not logged.
		s.log.Info("http", "method", r.Method, "path", r.URL.Path, "status", rec.status, "ms", time.Since(start).Milliseconds())
	}()
	defer s.recoverPanic(rec, r)
	if !s.allowedHost(r.Host) {
		// A page elsewhere could point a name of its own at this loopback
		// address (DNS rebinding); only known names reach the API.
		writeError(rec, app.Errorf(app.EFORBIDDEN, "Easel does not answer to the host name %q.", r.Host))
		return
	}
	if err := s.fromAnotherPage(r); err != nil {
		writeError(rec, err)
		return
	}
	s.mux.ServeHTTP(rec, r)
}

// recoverPanic turns a handler's panic into the generic internal error, so
// that no request is left without an answer and no trace reaches the
// caller; the log gets the panic and its stack.
func (s *Server) recoverPanic(rec *statusRecorder, r *http.Request) {
	p := recover()
	if p == nil {
		return
	}
	if p == http.ErrAbortHandler { // net/http's own way to drop a response
		panic(p)
	}
	s.log.Error("panic in a request", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
	if rec.wrote {
		// Part of the answer is out (a zip, an event stream): all that is
		// left is to cut the connection, so the client sees it broken
		// rather than complete. net/http drops it without a second log.
		rec.status = http.StatusInternalServerError
		panic(http.ErrAbortHandler)
	}
	// Headers the handler meant for its own answer (a zip's file name)
	// must not dress up the error.
	for _, k := range []string{"Content-Disposition", "Content-Length", "Content-Encoding", "Etag", "Last-Modified"} {
		rec.Header().Del(k)
	}
	writeError(rec, fmt.Errorf("panic: %v", p))
}

func (s *Server) allowedHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	return s.hosts[strings.ToLower(host)]
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool // the status line is out
}

func (r *statusRecorder) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *statusRecorder) Write(p []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(p)
}

// Flush lets streaming responses through the recorder.
func (r *statusRecorder) Flush() {
	r.wrote = true
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// noStore wraps every route: images, thumbnails, zips, the event stream
// and the lists around them are someone's private pictures, so a shared
// browser must not keep them after they sign out or lose access. No
// handler sets a cache header of its own.
func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "private, no-store")
		next.ServeHTTP(w, r)
	})
}

// authenticated resolves the bearer token (or, for media and sign-out, the
// session cookie) to the acting user, or answers 401.
func (s *Server) authenticated(next http.Handler, access routeAccess) http.Handler {
	cookieOK := access == media || access == signOut
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if access == signOut {
			// Whatever happens next, this browser's cookie is done: a
			// session that is already gone leaves no cookie behind either.
			setSessionCookie(w, "", -1)
		}
		_, bearer := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		token := requestToken(r)
		if !bearer && !cookieOK {
			token = ""
		}
		if token == "" {
			writeError(w, app.ErrNotSignedIn)
			return
		}
		if !bearer {
			if err := cookieFromAnotherPage(r); err != nil {
				writeError(w, err)
				return
			}
		}
		actor, err := s.svc.Auth.Authenticate(r.Context(), token)
		if err != nil {
			s.fail(w, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(app.NewContextWithActor(r.Context(), actor)))
	})
}
