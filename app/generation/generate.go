package generation

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"easel/app"
)

// generator is a backend with the model a node asked for.
type generator struct {
	b     *backend
	model string // the model's name on the backend
}

// Generate implements app.Generator.
func (g *generator) Generate(ctx context.Context, job app.GenerationJob, progress func(app.GenerationProgress)) (*app.GenerationResult, error) {
	return g.b.generate(ctx, g.model, job, progress)
}

// generate makes one picture: it waits its turn, waits for a starting
// sd-server, checks the model, and runs the job under the job timeout.
func (b *backend) generate(ctx context.Context, model string, job app.GenerationJob, progress func(app.GenerationProgress)) (*app.GenerationResult, error) {
	if progress == nil {
		progress = func(app.GenerationProgress) {}
	}
	if b.invalid != nil {
		return nil, b.invalid
	}
	if job.Width <= 0 || job.Height <= 0 || job.Steps <= 0 {
		return nil, b.say.badJob(job)
	}
	if err := b.acquire(ctx); err != nil {
		return nil, b.failed(ctx, nil, nil, job, err)
	}
	defer b.release()

	// The job's context ends with a cause saying why: the caller, the job
	// timeout, the backend closed, or its sd-server stopping.
	jobCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	defer context.AfterFunc(b.life, func() { cancel(context.Cause(b.life)) })()
	timed, stopTimer := context.WithTimeoutCause(jobCtx, b.opts.JobTimeout, errJobTimeout)
	defer stopTimer()

	var c client
	var inst *instance
	if b.sup == nil {
		c = b.a1111
	} else {
		var err error
		if inst, err = b.sup.await(timed); err != nil {
			return nil, b.failed(ctx, timed, nil, job, err)
		}
		defer context.AfterFunc(inst.alive, func() { cancel(errServerStopped) })()
		c = inst.client
	}
	m, err := b.resolve(timed, c, model)
	if err != nil {
		return nil, b.failed(ctx, timed, inst, job, err)
	}
	seed := job.Seed
	if seed < 0 {
		seed = rand.Int64N(1 << 32) // as A1111 picks one
	}
	res, err := c.generate(timed, request{job: job, model: m, seed: seed}, newProgressReporter(progress, b.log))
	if err != nil {
		return nil, b.failed(ctx, timed, inst, job, err)
	}
	res.Backend = b.cfg.Name
	return res, nil
}

// failed turns what stopped a job into the error Generate returns: the
// caller's own context error (wrapped, so errors.Is finds it), or an
// *app.Error saying what happened and what to do.
func (b *backend) failed(ctx, jobCtx context.Context, inst *instance, job app.GenerationJob, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("generation on backend %s: %w", b.cfg.Name, ctx.Err())
	}
	cause := err
	if jobCtx != nil && jobCtx.Err() != nil {
		cause = context.Cause(jobCtx)
	}
	if inst != nil && cause == err && isConnectionTrouble(err) && inst.died() {
		cause = errServerStopped
	}
	var notRunning *notRunningError
	var appErr *app.Error
	switch {
	case errors.Is(cause, errJobTimeout):
		b.log.Warn("generation: the job timed out", "timeout", b.opts.JobTimeout)
		if b.sup != nil && inst == nil {
			return b.say.stillStarting()
		}
		return b.say.jobTimeout(b.opts.JobTimeout)
	case errors.Is(cause, errServerStopped):
		return b.say.stoppedDuringJob()
	case errors.Is(cause, errBackendChanged):
		return b.say.changedDuringJob()
	case errors.Is(cause, errShutdown):
		return b.say.shutDownDuringJob()
	case errors.As(err, &notRunning):
		return b.say.notRunning(notRunning.why)
	}
	// A failure first: it may wrap an *app.Error worded for another reader
	// (imaging's, about an imported file).
	if f := failureOf(err); f != nil {
		b.log.Warn("generation: the picture failed", "err", err)
		return b.say.explain(f, &job)
	}
	if errors.As(err, &appErr) {
		return appErr
	}
	b.log.Error("generation: the picture failed inside Easel", "err", err)
	return b.say.internal()
}

// died tells an sd-server that died from one that dropped one answer, after
// a connection broke: the client may notice a dead process before Wait
// does. A process that still answers did not die.
func (inst *instance) died() bool {
	if inst.alive.Err() != nil {
		return true
	}
	ctx, cancel := context.WithTimeout(inst.alive, time.Second)
	defer cancel()
	if inst.client.c.get(ctx, "/sdcpp/v1/capabilities", maxListBytes, nil) == nil {
		return false
	}
	t := time.NewTimer(2 * time.Second)
	defer t.Stop()
	select {
	case <-inst.alive.Done():
		return true
	case <-t.C:
		return false
	}
}
