// Package studiotest builds the whole set of Easel's services on a real
// store in a temporary folder, made by the same constructors and joined the
// same way as main joins them, for every test package that needs the set:
// the store's external tests, the render worker, the HTTP API and the
// window. It joins the layers, as only main and tests may; the store's
// internal tests cannot import it (that would be a cycle) and keep their
// own.
package studiotest

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"testing"
	"time"

	"easel/app"
	"easel/app/engine"
	"easel/app/generation"
	"easel/app/render"
	"easel/store"
)

// Studio is one store with its services, its event broker and the worker
// that runs its queue (not started until Start).
type Studio struct {
	DB       *store.DB
	Auth     *store.AuthService
	Users    *store.UserService
	Audit    *store.AuditService
	Boards   *store.BoardService
	Images   *store.ImageService
	Queue    *store.QueueService
	Settings *store.SettingsService
	// Workflows holds the libraries, with BuiltinWorkflows added as they
	// are at every start.
	Workflows        *store.WorkflowService
	BuiltinWorkflows []app.BuiltinWorkflow
	// Presets holds the style presets, with Easel's built-in ones added
	// as they are at every start.
	Presets *store.StylePresetService
	// Generation keeps the backends and who may use their models, over
	// Backends (see the Backends option).
	Generation *store.GenerationService
	Backends   app.BackendRuntime
	// Events is the broker the queue and the worker publish on.
	Events *app.Broker
	// Signals carry the queue's news of work and cancels to the worker.
	Signals *app.QueueSignals
	Worker  *render.Worker

	tb      testing.TB
	started bool
}

type config struct {
	slots  int
	log    *slog.Logger
	images []store.ImageOption
	start  bool
	idle   time.Duration
	// backends is the generation runtime: the test's, or one with no
	// backends.
	backends app.BackendRuntime
}

// Option changes how a Studio is built.
type Option func(*config)

// Slots runs n items at once (1 unless given).
func Slots(n int) Option { return func(c *config) { c.slots = n } }

// Log gives the store and the worker a log; without it, their warnings
// and errors go to stderr.
func Log(l *slog.Logger) Option { return func(c *config) { c.log = l } }

// ImageOptions builds the image service with opts (say, import limits).
func ImageOptions(opts ...store.ImageOption) Option {
	return func(c *config) { c.images = append(c.images, opts...) }
}

// IdleWait sets how long the idle worker waits before it looks for work on
// its own; a test that must see work arrive by the queue's signal sets it
// far beyond its own deadline.
func IdleWait(d time.Duration) Option { return func(c *config) { c.idle = d } }

// Backends runs image generation on rt (accesstest.Backends, for tests of
// who may use what) instead of the runtime main builds, with no backends
// until the test configures some.
func Backends(rt app.BackendRuntime) Option { return func(c *config) { c.backends = rt } }

// Started starts the worker as the studio opens; it stops when the test
// ends.
func Started() Option { return func(c *config) { c.start = true } }

// New opens a studio on a fresh store in tb's temporary folder. The test
// fails if it cannot; the store closes (and a started worker stops) when
// the test ends.
func New(tb testing.TB, opts ...Option) *Studio {
	tb.Helper()
	return NewIn(tb, tb.TempDir(), opts...)
}

// NewIn is New on the data folder dir: to open again what an earlier
// studio (or a killed child process) left there.
func NewIn(tb testing.TB, dir string, opts ...Option) *Studio {
	tb.Helper()
	s, err := Open(dir, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	s.tb = tb
	tb.Cleanup(func() { s.Close() })
	return s
}

// Open is NewIn for code that has no test to fail, such as a child process
// serving a store: the caller closes the studio, and the helpers below
// panic on an error.
func Open(dir string, opts ...Option) (*Studio, error) {
	c := config{slots: 1, log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	for _, o := range opts {
		o(&c)
	}
	db, err := store.Open(dir, store.WithLogger(c.log))
	if err != nil {
		return nil, err
	}
	s := build(db, c)
	if err := s.Workflows.AddBuiltins(); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.Presets.AddBuiltins(); err != nil {
		db.Close()
		return nil, err
	}
	if c.start {
		if err := s.Start(context.Background()); err != nil {
			db.Close()
			return nil, err
		}
	}
	return s, nil
}

// build makes the set over an open store, as main does: the broker and the
// queue's signals first, then the services and the worker over them.
func build(db *store.DB, c config) *Studio {
	events, signals := app.NewBroker(), app.NewQueueSignals()
	s := &Studio{
		DB:       db,
		Auth:     store.NewAuthService(db),
		Users:    store.NewUserService(db),
		Audit:    store.NewAuditService(db),
		Boards:   store.NewBoardService(db),
		Images:   store.NewImageService(db, c.images...),
		Queue:    store.NewQueueService(db, render.CheckBatch, events, signals),
		Settings: store.NewSettingsService(db),
		Events:   events,
		Signals:  signals,
	}
	s.BuiltinWorkflows = engine.BuiltinDocuments()
	s.Workflows = store.NewWorkflowService(db, engine.WorkflowDocuments{}, s.BuiltinWorkflows)
	s.Presets = store.NewStylePresetService(db, app.BuiltinStylePresets())
	s.Backends = c.backends
	if s.Backends == nil {
		s.Backends = generation.New(generation.Options{Log: c.log})
	}
	s.Generation = store.NewGenerationService(db, s.Backends, nil)
	s.Worker = render.NewWorker(render.Config{Queue: s.Queue, Images: s.Images, Boards: s.Boards,
		Events: events, Signals: signals, Generation: s.Generation, Log: c.log, Slots: c.slots, IdleWait: c.idle})
	return s
}

// Start starts the worker; Close stops it.
func (s *Studio) Start(ctx context.Context) error {
	if err := s.Worker.Start(ctx); err != nil {
		return err
	}
	s.started = true
	return nil
}

// Close stops the worker if Start started it and closes the store. A test
// may close early (to open the folder again); closing twice is harmless.
func (s *Studio) Close() error {
	if s.started {
		s.started = false
		s.Worker.Stop()
	}
	s.Backends.Stop()
	return s.DB.Close()
}

// Setup creates the first administrator and returns a context signed in
// as them.
func (s *Studio) Setup(admin app.NewUser) context.Context {
	s.helper()
	if _, err := s.Users.Setup(context.Background(), admin); err != nil {
		s.fatalf("setup %s: %v", admin.Email, err)
	}
	return s.Login(admin.Email, admin.Password)
}

// CreateUser makes a profile as admin and returns it with a context signed
// in as it.
func (s *Studio) CreateUser(admin context.Context, nu app.NewUser) (*app.User, context.Context) {
	s.helper()
	u, err := s.Users.CreateUser(admin, nu)
	if err != nil {
		s.fatalf("create %s: %v", nu.Email, err)
	}
	return u, s.Login(nu.Email, nu.Password)
}

// Login signs in and returns a context carrying the session.
func (s *Studio) Login(email, password string) context.Context {
	s.helper()
	l, err := s.Auth.Login(context.Background(), app.Credentials{Email: email, Password: password})
	if err != nil {
		s.fatalf("login %s: %v", email, err)
	}
	return s.Context(l.Token)
}

// Context returns a context carrying the session of token, as the
// window and the API build it for each call.
func (s *Studio) Context(token string) context.Context {
	s.helper()
	a, err := s.Auth.Authenticate(context.Background(), token)
	if err != nil {
		s.fatalf("authenticate: %v", err)
	}
	return app.NewContextWithActor(context.Background(), a)
}

func (s *Studio) helper() {
	if s.tb != nil {
		s.tb.Helper()
	}
}

func (s *Studio) fatalf(format string, args ...any) {
	if s.tb == nil {
		panic(fmt.Sprintf(format, args...))
	}
	s.tb.Helper()
	s.tb.Fatalf(format, args...)
}
