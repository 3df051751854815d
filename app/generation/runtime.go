// Package generation is the running side of Easel's image-generation
// backends (app.BackendRuntime): clients for AUTOMATIC1111's /sdapi/v1 and
// stable-diffusion.cpp sd-server's /sdcpp/v1 job API, the sd-server
// processes Easel runs itself, and what each backend last answered.
//
// Each backend takes one job at a time, and its failures stay its own: a
// backend that is down, slow or restarting never holds up another.
package generation

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"easel/app"
)

// Options configure a Runtime. Zero fields take the defaults given.
type Options struct {
	// Log receives what happens to the backends, and sd-server's output
	// line by line; every record has the attribute backend=<name>.
	// Default slog.Default().
	Log *slog.Logger
	// HTTPClient talks to the backends. The default sends no request
	// through a proxy (the servers are on this computer or the household's
	// network) and follows no redirect.
	HTTPClient *http.Client
	// RequestTimeout bounds every request but the long generation calls:
	// model lists, progress polls, job polls (default 30 s).
	RequestTimeout time.Duration
	// JobTimeout bounds one picture, from when it is the backend's turn
	// (default 10 min).
	JobTimeout time.Duration
	// PollInterval is how often a job's progress is asked (default 250 ms).
	PollInterval time.Duration
	// RefreshInterval is how often every backend's status is checked in
	// the background (default 30 s).
	RefreshInterval time.Duration
	// StartTimeout is how long a started sd-server may take to answer,
	// loading its model, before it is stopped and started again
	// (default 3 min).
	StartTimeout time.Duration
	// StopGrace is how long sd-server has to stop when asked before it is
	// killed (default 5 s).
	StopGrace time.Duration
	// RestartDelay is the pause before the first restart of an sd-server
	// that stopped; each further restart doubles it, up to MaxRestartDelay
	// (defaults 1 s and 1 min). After it ran StableAfter (default 1 min)
	// the pause is back to RestartDelay.
	RestartDelay    time.Duration
	MaxRestartDelay time.Duration
	StableAfter     time.Duration
	// Now is the clock for CheckedAt and StableAfter (default time.Now).
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.HTTPClient == nil {
		o.HTTPClient = defaultHTTPClient()
	}
	set := func(d *time.Duration, def time.Duration) {
		if *d <= 0 {
			*d = def
		}
	}
	set(&o.RequestTimeout, 30*time.Second)
	set(&o.JobTimeout, 10*time.Minute)
	set(&o.PollInterval, 250*time.Millisecond)
	set(&o.RefreshInterval, 30*time.Second)
	set(&o.StartTimeout, 3*time.Minute)
	set(&o.StopGrace, 5*time.Second)
	set(&o.RestartDelay, time.Second)
	set(&o.MaxRestartDelay, time.Minute)
	set(&o.StableAfter, time.Minute)
	o.MaxRestartDelay = max(o.MaxRestartDelay, o.RestartDelay)
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

func defaultHTTPClient() *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			Proxy:               nil, // prompts and pictures go to the server, not to a proxy
			DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			TLSHandshakeTimeout: 10 * time.Second,
			MaxIdleConnsPerHost: 4,
			IdleConnTimeout:     90 * time.Second,
		},
		// A redirect could take a prompt, or the --api-auth password,
		// somewhere the administrator never chose.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Runtime implements app.BackendRuntime.
type Runtime struct {
	opts Options

	mu       sync.Mutex
	backends map[string]*backend
	stopped  bool

	work     sync.WaitGroup // closes and refreshes running in the background
	quit     chan struct{}
	loopDone chan struct{}
}

var _ app.BackendRuntime = (*Runtime)(nil)

// New returns a Runtime with no backends; Configure gives it some. Stop
// ends it.
func New(opts Options) *Runtime {
	r := &Runtime{
		opts:     opts.withDefaults(),
		backends: map[string]*backend{},
		quit:     make(chan struct{}),
		loopDone: make(chan struct{}),
	}
	go r.refreshLoop()
	return r
}

// Configure implements app.BackendRuntime: a backend whose configuration is
// unchanged keeps running (and its jobs); a changed one is closed and
// started anew; a removed one is closed. It does not wait for servers.
func (r *Runtime) Configure(backends []app.Backend) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return
	}
	want := make(map[string]app.Backend, len(backends))
	for _, b := range backends {
		if _, dup := want[b.Name]; dup {
			r.opts.Log.Warn("generation: two backends share a name; using the first", "backend", b.Name)
			continue
		}
		want[b.Name] = b
	}
	replaced := map[string]<-chan struct{}{}
	for name, old := range r.backends {
		if cfg, keep := want[name]; keep && cfg == old.cfg {
			continue
		}
		delete(r.backends, name)
		replaced[name] = old.closed
		r.background(func() { old.close(errBackendChanged) })
	}
	for name, cfg := range want {
		if _, running := r.backends[name]; running {
			continue
		}
		// A replacing sd-server starts once the one it replaces has
		// stopped: two loaded models may not fit in memory.
		b := newBackend(cfg, &r.opts, replaced[name], r.refreshSoon)
		r.backends[name] = b
		b.start()
		if b.sup == nil {
			r.refreshLocked(b)
		}
	}
}

// Statuses implements app.BackendRuntime.
func (r *Runtime) Statuses() []app.BackendStatus {
	r.mu.Lock()
	bs := make([]*backend, 0, len(r.backends))
	for _, b := range r.backends {
		bs = append(bs, b)
	}
	r.mu.Unlock()
	out := make([]app.BackendStatus, 0, len(bs))
	for _, b := range bs {
		out = append(out, b.status())
	}
	slices.SortFunc(out, func(a, b app.BackendStatus) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Test implements app.BackendRuntime. A backend that does not answer is
// not an error of Test: its status says so.
func (r *Runtime) Test(ctx context.Context, name string) (*app.BackendStatus, error) {
	b := r.backend(name)
	if b == nil {
		return nil, noBackendNamed(name)
	}
	if err := b.check(ctx); err != nil {
		return nil, err
	}
	st := b.status()
	return &st, nil
}

// Generator implements app.BackendRuntime. It finds the backend by the
// part of modelID before the first '/'; whether that backend offers the
// model is checked when a job runs, against a list asked afresh if need be.
func (r *Runtime) Generator(modelID string) (app.Generator, error) {
	name, model, ok := strings.Cut(modelID, "/")
	if !ok || model == "" {
		return nil, noBackendOffers(modelID)
	}
	b := r.backend(name)
	if b == nil {
		return nil, noBackendOffers(modelID)
	}
	return &generator{b: b, model: model}, nil
}

// Stop implements app.BackendRuntime: it ends every job, stops every
// sd-server (each within StopGrace, then killed) and returns once none is
// left. The Runtime does nothing more after it.
func (r *Runtime) Stop() {
	r.mu.Lock()
	if !r.stopped {
		r.stopped = true
		close(r.quit)
		for name, b := range r.backends {
			delete(r.backends, name)
			r.background(func() { b.close(errShutdown) })
		}
	}
	r.mu.Unlock()
	<-r.loopDone
	r.work.Wait()
}

func (r *Runtime) backend(name string) *backend {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.backends[name]
}

// background runs f, to be waited for by Stop. r.mu must be held, so that
// no Add races with Stop's Wait.
func (r *Runtime) background(f func()) {
	r.work.Add(1)
	go func() {
		defer r.work.Done()
		f()
	}()
}

func (r *Runtime) refreshLoop() {
	defer close(r.loopDone)
	t := time.NewTicker(r.opts.RefreshInterval)
	defer t.Stop()
	for {
		select {
		case <-r.quit:
			return
		case <-t.C:
			r.mu.Lock()
			for _, b := range r.backends {
				r.refreshLocked(b)
			}
			r.mu.Unlock()
		}
	}
}

// refreshSoon checks b in the background, unless it is gone or Easel stops.
func (r *Runtime) refreshSoon(b *backend) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.stopped && r.backends[b.cfg.Name] == b {
		r.refreshLocked(b)
	}
}

// refreshLocked checks b in the background, unless a check of it is
// running already. r.mu must be held.
func (r *Runtime) refreshLocked(b *backend) {
	if r.stopped || !b.refreshing.CompareAndSwap(false, true) {
		return
	}
	r.background(func() {
		defer b.refreshing.Store(false)
		ctx, cancel := context.WithTimeout(b.life, 2*r.opts.RequestTimeout)
		defer cancel()
		_ = b.check(ctx) // its outcome is in b's status
	})
}
