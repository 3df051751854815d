// Package httpapi serves Easel's services as a REST API under /api/v1, with
// the JSON of InvokeAI's multi-user API, and the web UI beside it. It is a
// thin adapter: it resolves the caller, decodes, calls a service, encodes.
package httpapi

import (
	"io/fs"
	"log/slog"
	"net"
	"net/http"
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
	// Broker carries queue events to the event stream.
	Broker *app.Broker
	// Workflows are the built-in workflows the Generate panel offers.
	Workflows any
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
		var h http.Handler = r.handler
		if r.access != public {
			h = s.authenticated(h, r.access == media)
		}
		s.mux.Handle(r.method+" "+r.pattern, h)
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
	if !s.allowedHost(r.Host) {
		// A page elsewhere could point a name of its own at this loopback
		// address (DNS rebinding); only known names reach the API.
		writeError(rec, app.Errorf(app.EFORBIDDEN, "Easel does not answer to the host name %q.", r.Host))
	} else {
		s.mux.ServeHTTP(rec, r)
	}
	// The path never holds a secret; headers (which may) are not logged.
	s.log.Info("http", "method", r.Method, "path", r.URL.Path, "status", rec.status, "ms", time.Since(start).Milliseconds())
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
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

// Flush lets streaming responses through the recorder.
func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// authenticated resolves the bearer token (or, for media, the session
// cookie) to the acting user, or answers 401.
func (s *Server) authenticated(next http.Handler, cookieOK bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, bearer := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		token := requestToken(r)
		if !bearer && !cookieOK {
			token = ""
		}
		if token == "" {
			writeError(w, app.ErrNotSignedIn)
			return
		}
		actor, err := s.svc.Auth.Authenticate(r.Context(), token)
		if err != nil {
			s.fail(w, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(app.NewContextWithActor(r.Context(), actor)))
	})
}
