package sdtest

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Flavor picks which real server the test server imitates.
type Flavor int

const (
	// SDCpp imitates stable-diffusion.cpp's sd-server: /sdcpp/v1 jobs plus
	// its subset of /sdapi/v1 (no /progress, no /interrupt, info "").
	SDCpp Flavor = iota
	// A1111 imitates AUTOMATIC1111's web UI started with --api.
	A1111
)

// Options configure a Server. The zero value is usable.
type Options struct {
	Flavor Flavor
	// Model is sd-server's -m path; its stem is the one sd-models entry in
	// SDCpp flavour and is added to the fixed list in A1111 flavour.
	Model string
	// StepDelay is how long one sampling step takes (default 20ms).
	StepDelay time.Duration
	// PreviewEvery makes a preview image every that many steps (default 2).
	PreviewEvery int
	// SlowDelay is how long the "slow" fault sleeps (default 10 minutes);
	// it ends early when the client goes away or the server closes.
	SlowDelay time.Duration
	// CrashMidJob makes every job exit the process halfway through.
	CrashMidJob bool
	// Exit is called by the "crash" fault (default os.Exit). If it returns,
	// the job's connection is dropped.
	Exit func(code int)
	// MaxQueue bounds the sd-server job queue (default 16); beyond it
	// POST /sdcpp/v1/img_gen answers 429.
	MaxQueue int
}

// CrashExitCode is the exit status of the "crash" fault.
const CrashExitCode = 3

// Server is the test generation server; it is an http.Handler.
type Server struct {
	opts  Options
	mux   *http.ServeMux
	gpu   chan struct{} // the one-job-at-a-time lock
	done  chan struct{}
	ctx   context.Context // ends when done closes
	close sync.Once

	mu      sync.Mutex
	cur     *job              // the job on the "GPU", or nil
	loaded  string            // A1111 sd_model_checkpoint (a title)
	options map[string]any    // A1111 /options store
	jobs    map[string]*sdJob // sd-server jobs by id
	waiting []*sdJob          // sd-server jobs queued, in order
	wake    chan struct{}
	nextID  atomic.Uint64
}

// New returns a server for opts.
func New(opts Options) *Server {
	if opts.StepDelay <= 0 {
		opts.StepDelay = 20 * time.Millisecond
	}
	if opts.PreviewEvery <= 0 {
		opts.PreviewEvery = 2
	}
	if opts.SlowDelay <= 0 {
		opts.SlowDelay = 10 * time.Minute
	}
	if opts.Exit == nil {
		opts.Exit = os.Exit
	}
	if opts.MaxQueue <= 0 {
		opts.MaxQueue = 16
	}
	s := &Server{
		opts: opts,
		mux:  http.NewServeMux(),
		gpu:  make(chan struct{}, 1),
		done: make(chan struct{}),
		jobs: map[string]*sdJob{},
		wake: make(chan struct{}, 1),
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.ctx = ctx
	go func() { <-s.done; cancel() }()
	ms := s.models()
	s.loaded = ms[0].Title
	s.options = map[string]any{"samples_format": "png", "sd_model_checkpoint": s.loaded}
	s.routesA1111()
	if opts.Flavor == SDCpp {
		s.routesSDCpp()
		go s.worker()
	}
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Close stops running and queued jobs and wakes sleeping faults, so an
// http.Server or httptest.Server in front of it can shut down promptly.
func (s *Server) Close() { s.close.Do(func() { close(s.done) }) }

// Model is one checkpoint as /sdapi/v1/sd-models lists it.
type Model struct {
	Title     string  `json:"title"`
	ModelName string  `json:"model_name"`
	Hash      string  `json:"hash"`
	SHA256    string  `json:"sha256"`
	Filename  string  `json:"filename"`
	Config    *string `json:"config"`
}

func a1111Model(name, sha string) Model {
	return Model{
		Title:     name + ".safetensors [" + sha[:10] + "]",
		ModelName: name,
		Hash:      sha[:10],
		SHA256:    sha,
		Filename:  "/models/Stable-diffusion/" + name + ".safetensors",
	}
}

// FaultModels are the checkpoints whose name selects a fault (see the
// package comment); they are listed so A1111 accepts them.
var FaultModels = []string{"oom", "malformed", "slow", "drop", "crash"}

func (s *Server) models() []Model {
	if s.opts.Flavor == SDCpp {
		path := s.opts.Model
		if path == "" {
			path = "sd-test-model.safetensors"
		}
		base := filepath.Base(path)
		stem := strings.TrimSuffix(base, filepath.Ext(base))
		return []Model{{Title: stem, ModelName: stem, Hash: "0000000000", SHA256: "0000000000", Filename: base}}
	}
	ms := []Model{
		a1111Model("v1-5-pruned-emaonly", "6ce0161689b3853acaa03779ec93eafe75a02f4ced659bee03f50797806fa2fa"),
		a1111Model("sd_xl_base_1.0", "31e35c80fc4829d14f90153f4c74cd59c90b779f6afe05a74cd6120b893f7e5b"),
	}
	if s.opts.Model != "" {
		base := filepath.Base(s.opts.Model)
		ms = append(ms, a1111Model(strings.TrimSuffix(base, filepath.Ext(base)), "5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e"))
	}
	for i, f := range FaultModels {
		ms = append(ms, a1111Model(f, strings.Repeat(string(rune('a'+i)), 64)))
	}
	return ms
}

// findModel matches a checkpoint name the way A1111 does: by title,
// model_name, file name or short hash.
func (s *Server) findModel(name string) (Model, bool) {
	for _, m := range s.models() {
		if name == m.Title || name == m.ModelName || name == m.Hash || name == filepath.Base(m.Filename) {
			return m, true
		}
	}
	return Model{}, false
}

// faultOf picks the fault a request asks for: a fault checkpoint, or a
// "sdtest:<fault>" token in the prompt; "" when none.
func faultOf(model, prompt string) string {
	for _, f := range FaultModels {
		if model == f || strings.HasPrefix(model, f+".") || strings.Contains(prompt, "sdtest:"+f) {
			return f
		}
	}
	return ""
}

// job is one generation on the "GPU".
type job struct {
	kind    string      // "txt2img", "img2img", "img_gen"
	pics    [][]picture // [iteration][image in batch]
	steps   int
	fault   string
	started time.Time
	stamp   string

	cancel     chan struct{}
	cancelOnce sync.Once

	// guarded by Server.mu
	iter, step  int
	interrupted bool
	preview     string // base64 PNG or ""
}

func newJob(kind string, pics [][]picture, steps int, fault string) *job {
	return &job{kind: kind, pics: pics, steps: steps, fault: fault, cancel: make(chan struct{})}
}

func (j *job) stop() { j.cancelOnce.Do(func() { close(j.cancel) }) }

var (
	errOOM     = errors.New("CUDA out of memory")
	errCrashed = errors.New("process exit requested")
	errClosed  = errors.New("server closed")
)

// acquire takes the GPU lock, waiting behind the running job as A1111's
// queue_lock does; it gives up if ctx ends or the server closes.
func (s *Server) acquire(ctx context.Context) error {
	select {
	case s.gpu <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-s.done:
		return errClosed
	}
}

func (s *Server) release() { <-s.gpu }

// run runs j, holding the GPU lock the caller took. It returns the base64
// PNGs of every image finished, and whether it was interrupted.
func (s *Server) run(j *job) (images []string, interrupted bool, err error) {
	j.started = time.Now()
	j.stamp = j.started.Format("20060102150405")
	s.mu.Lock()
	s.cur = j
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.cur = nil
		s.mu.Unlock()
	}()
	total := len(j.pics) * j.steps
	for it, batch := range j.pics {
		s.mu.Lock()
		j.iter, j.step = it, 0
		s.mu.Unlock()
		for st := 1; st <= j.steps; st++ {
			select {
			case <-time.After(s.opts.StepDelay):
			case <-j.cancel:
				s.mu.Lock()
				j.interrupted = true
				s.mu.Unlock()
				return images, true, nil
			case <-s.done:
				return images, false, errClosed
			}
			done := it*j.steps + st
			if j.fault == "oom" && done == 1 {
				return nil, false, errOOM
			}
			if (j.fault == "crash" || s.opts.CrashMidJob) && done == (total+1)/2 {
				s.opts.Exit(CrashExitCode)
				return nil, false, errCrashed
			}
			var preview string
			if st%s.opts.PreviewEvery == 0 && st < j.steps {
				preview = encodePNG(batch[0].frame(float64(st) / float64(j.steps)))
			}
			s.mu.Lock()
			j.step = st
			if preview != "" {
				j.preview = preview
			}
			s.mu.Unlock()
		}
		for _, p := range batch {
			images = append(images, encodePNG(p.frame(1)))
		}
	}
	return images, false, nil
}
