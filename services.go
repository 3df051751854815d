package main

import (
	"context"
	"log/slog"

	"easel/app"
	"easel/app/engine"
	"easel/app/generation"
	"easel/app/render"
	"easel/store"
)

// services are Easel's services over one store, with the worker that runs
// the render queue. The window and the API serve the same ones.
type services struct {
	auth     *store.AuthService
	users    *store.UserService
	audit    *store.AuditService
	boards   *store.BoardService
	images   *store.ImageService
	queue    *store.QueueService
	settings *store.SettingsService
	library  *store.WorkflowService
	presets  *store.StylePresetService
	// generation keeps the backends and who may use their models; backends
	// runs them (clients, and the sd-server processes Easel starts).
	generation *store.GenerationService
	backends   *generation.Runtime
	worker     *render.Worker
	events     *app.Broker
	db         *store.DB
	log        *slog.Logger
}

func newServices(db *store.DB, workers int, backends []app.Backend, log *slog.Logger) *services {
	// The broker and the queue's signals come first: the queue publishes
	// and signals on them, the worker and the faces listen, so none of
	// them needs another to be built.
	events, signals := app.NewBroker(), app.NewQueueSignals()
	boards, images := store.NewBoardService(db), store.NewImageService(db)
	queue := store.NewQueueService(db, render.CheckBatch, events, signals)
	runtime := generation.New(generation.Options{Log: log})
	gen := store.NewGenerationService(db, runtime, backends)
	return &services{
		auth:       store.NewAuthService(db),
		users:      store.NewUserService(db),
		audit:      store.NewAuditService(db),
		boards:     boards,
		images:     images,
		queue:      queue,
		settings:   store.NewSettingsService(db),
		library:    store.NewWorkflowService(db, engine.WorkflowDocuments{}, engine.BuiltinDocuments()),
		presets:    store.NewStylePresetService(db, app.BuiltinStylePresets()),
		generation: gen,
		backends:   runtime,
		worker: render.NewWorker(render.Config{Queue: queue, Images: images, Boards: boards,
			Events: events, Signals: signals, Generation: gen, Log: log, Slots: workers}),
		events: events,
		db:     db,
		log:    log,
	}
}

// start runs the queue worker until stop, and the sweep of expired
// sessions, forgotten login failures and old audit entries until ctx ends.
func (s *services) start(ctx context.Context) error {
	go s.db.SweepWhileRunning(ctx, store.SweepEvery, s.log)
	// The built-in workflows join the library; on a disk that takes no
	// writes they wait for the next start, and Easel starts all the same.
	if err := s.library.AddBuiltins(); err != nil {
		if code := app.ErrorCode(err); code != app.ENOSPACE && code != app.EREADONLY {
			return err
		}
		s.log.Warn("the built-in workflows were not added to the library", "err", err)
	}
	if err := s.presets.AddBuiltins(); err != nil {
		if code := app.ErrorCode(err); code != app.ENOSPACE && code != app.EREADONLY {
			return err
		}
		s.log.Warn("the built-in style presets were not added", "err", err)
	}
	if err := s.generation.Start(); err != nil {
		return err
	}
	return s.worker.Start(ctx)
}

// stop lets the running queue step finish, puts its item back in line and
// stops; then the sd-server processes Easel started stop too.
func (s *services) stop() {
	s.worker.Stop()
	s.backends.Stop()
}

func workflows() any { return engine.Workflows() }
