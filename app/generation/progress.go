package generation

import (
	"context"
	"log/slog"

	"easel/app"
)

// progressReporter passes a backend's progress on, only ever forward: a
// poll can see the server idle just before or after the job, or a step
// count it already reported, and a queue showing "3 of 20" then "0 of 20"
// would look broken. A preview is decoded only when it changed.
type progressReporter struct {
	fn          func(app.GenerationProgress)
	log         *slog.Logger
	step, steps int
	lastPreview string
}

func newProgressReporter(fn func(app.GenerationProgress), log *slog.Logger) *progressReporter {
	return &progressReporter{fn: fn, log: log}
}

// report passes on step of steps and the base64 preview ("" for none).
func (p *progressReporter) report(ctx context.Context, step, steps int, preview string) {
	if steps <= 0 || step < 0 {
		return
	}
	step = min(step, steps)
	if step < p.step {
		return
	}
	next := app.GenerationProgress{Step: step, Steps: steps}
	if preview != "" && preview != p.lastPreview {
		p.lastPreview = preview
		img, err := decodePicture(ctx, preview)
		if err != nil {
			// A preview is a nicety: a bad one is skipped, the job goes on.
			p.log.Debug("generation: a progress preview did not decode", "err", err)
		} else {
			next.Preview = img
		}
	}
	if next.Preview == nil && step == p.step && steps == p.steps {
		return
	}
	p.step, p.steps = step, steps
	p.fn(next)
}
