package main

import (
	"context"
	"log/slog"

	"easel/app"
	"easel/app/engine"
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
	worker   *render.Worker
	db       *store.DB
	log      *slog.Logger
}

func newServices(db *store.DB, workers int, log *slog.Logger) *services {
	s := &services{
		auth:     store.NewAuthService(db),
		users:    store.NewUserService(db),
		audit:    store.NewAuditService(db),
		boards:   store.NewBoardService(db),
		images:   store.NewImageService(db),
		queue:    store.NewQueueService(db, render.CheckBatch),
		settings: store.NewSettingsService(db),
		db:       db,
		log:      log,
	}
	s.worker = &render.Worker{Queue: s.queue, Images: s.images, Boards: s.boards, Events: s.queue.Events, Log: log, Slots: workers}
	s.queue.Canceled = s.worker.Cancel
	s.queue.Enqueued = s.worker.Wake
	return s
}

// start runs the queue worker until stop, and the sweep of expired
// sessions, forgotten login failures and old audit entries until ctx ends.
func (s *services) start(ctx context.Context) error {
	go s.db.SweepWhileRunning(ctx, store.SweepEvery, s.log)
	return s.worker.Start(ctx)
}

// stop lets the running queue step finish, puts its item back in line and stops.
func (s *services) stop() { s.worker.Stop() }

func (s *services) broker() *app.Broker { return s.queue.Events }

func workflows() any { return engine.Workflows() }
