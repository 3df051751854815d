package desktop

import (
	"context"

	"easel/app"
)

type guardedGeneration struct {
	app.GenerationService
	s *Session
}

func (g guardedGeneration) Backends(ctx context.Context) (_ []app.BackendStatus, err error) {
	defer g.s.recoverPanic("Generation.Backends", &err)
	return g.GenerationService.Backends(ctx)
}

func (g guardedGeneration) SetBackends(ctx context.Context, bs []app.Backend) (_ []app.BackendStatus, err error) {
	defer g.s.recoverPanic("Generation.SetBackends", &err)
	return g.GenerationService.SetBackends(ctx, bs)
}

func (g guardedGeneration) TestBackend(ctx context.Context, name string) (_ *app.BackendStatus, err error) {
	defer g.s.recoverPanic("Generation.TestBackend", &err)
	return g.GenerationService.TestBackend(ctx, name)
}

func (g guardedGeneration) Models(ctx context.Context) (_ []app.Model, err error) {
	defer g.s.recoverPanic("Generation.Models", &err)
	return g.GenerationService.Models(ctx)
}

func (g guardedGeneration) ModelGrants(ctx context.Context) (_ []app.ModelGrant, err error) {
	defer g.s.recoverPanic("Generation.ModelGrants", &err)
	return g.GenerationService.ModelGrants(ctx)
}

func (g guardedGeneration) SetModelAccess(ctx context.Context, a app.ModelAccess) (_ *app.ModelAccess, err error) {
	defer g.s.recoverPanic("Generation.SetModelAccess", &err)
	return g.GenerationService.SetModelAccess(ctx, a)
}

func (g guardedGeneration) Generator(ctx context.Context, modelID string) (_ app.Generator, err error) {
	defer g.s.recoverPanic("Generation.Generator", &err)
	return g.GenerationService.Generator(ctx, modelID)
}
