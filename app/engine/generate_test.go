package engine

import (
	"context"
	"errors"
	"image"
	"image/color"
	"strings"
	"testing"

	"easel/app"
)

// The generation nodes against a generator in the test: the real clients,
// and the servers they speak to, are tested in app/generation; here it is
// what the engine does with a backend's answer.

// stepGenerator makes a solid picture of the job's size in steps steps,
// with a preview every other step, and records the jobs it was given.
type stepGenerator struct {
	jobs    []app.GenerationJob
	err     error
	steps   int
	blockAt int // when > 0, wait at this step until ctx ends
	seed    int64
	answer  image.Image // the picture to answer, when not the job's size
}

func (g *stepGenerator) Generate(ctx context.Context, job app.GenerationJob, progress func(app.GenerationProgress)) (*app.GenerationResult, error) {
	g.jobs = append(g.jobs, job)
	if g.err != nil {
		return nil, g.err
	}
	for s := 1; s <= g.steps; s++ {
		if s == g.blockAt {
			<-ctx.Done()
			return nil, ctx.Err()
		}
		p := app.GenerationProgress{Step: s, Steps: g.steps}
		if s%2 == 0 {
			p.Preview = solid(8, 8, color.NRGBA{R: 9, A: 255})
		}
		progress(p)
	}
	img := g.answer
	if img == nil {
		img = solid(job.Width, job.Height, color.NRGBA{G: 200, A: 255})
	}
	return &app.GenerationResult{Image: img,
		Seed: g.seed, Backend: "studio", Model: "dream", Sampler: "DPM++ 2M"}, nil
}

// generatingContext is a fake Context that reaches one generator, for the
// model "studio/dream" only.
type generatingContext struct {
	*fakeContext
	gen *stepGenerator
}

func (c *generatingContext) Generator(model string) (app.Generator, error) {
	if model != "studio/dream" {
		return nil, app.Errorf(app.EINVALID, "The model %q is not one you may use.", model)
	}
	return c.gen, nil
}

func txt2imgGraph(model string) *Graph {
	return chain(
		node("txt2img", "prompt", "a lighthouse", "negative_prompt", "fog", "model", model,
			"width", 320.0, "height", 192.0, "steps", 6.0, "cfg_scale", 5.5, "seed", 42.0),
		node("save_image"))
}

func TestTxt2imgSavesTheBackendsPictureWithWhatMadeIt(t *testing.T) {
	ctx := &generatingContext{fakeContext: newFake(t), gen: &stepGenerator{steps: 6, seed: 4242}}
	var progress []Progress
	names, err := Run(ctx, txt2imgGraph("studio/dream"), func(p Progress) { progress = append(progress, p) })
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 1 || len(ctx.saves) != 1 {
		t.Fatalf("saved %v", names)
	}
	job := ctx.gen.jobs[0]
	if job.Prompt != "a lighthouse" || job.NegativePrompt != "fog" || job.Model != "studio/dream" || job.Width != 320 ||
		job.Height != 192 || job.Steps != 6 || job.CFGScale != 5.5 || job.Sampler != "Euler a" || job.Seed != 42 || job.Init != nil {
		t.Errorf("job = %+v", job)
	}
	saved := ctx.saves[0]
	if b := saved.Image.Bounds(); b.Dx() != 320 || b.Dy() != 192 {
		t.Errorf("saved a %v picture", b)
	}
	m := saved.Meta
	if m.Prompt != "a lighthouse" || m.NegativePrompt != "fog" || m.Model != "studio/dream" || m.Steps != 6 || m.CFGScale != 5.5 ||
		m.Sampler != "DPM++ 2M" || m.Backend != "studio" || m.Seed == nil || *m.Seed != 4242 || m.SourceID != "n1" || m.Strength != nil {
		t.Errorf("metadata = %+v", m)
	}
	var steps, previews int
	for _, p := range progress {
		if strings.HasPrefix(p.Message, "Step ") {
			steps++
		}
		if p.Preview != nil {
			previews++
		}
	}
	if steps != 6 || previews != 3 {
		t.Errorf("%d step reports and %d previews, want 6 and 3", steps, previews)
	}
	if last := progress[len(progress)-1]; last.Fraction != 1 {
		t.Errorf("last progress %v", last)
	}
}

func TestImg2imgSendsItsImageAndStrength(t *testing.T) {
	ctx := &generatingContext{fakeContext: newFake(t), gen: &stepGenerator{steps: 2}}
	ctx.images[imgName(1)] = solid(64, 96, color.NRGBA{B: 255, A: 255})
	g := chain(node("load_image", "image", map[string]any{"image_name": imgName(1)}),
		node("img2img", "prompt", "in watercolour", "model", "studio/dream", "width", 64.0, "height", 96.0, "strength", 0.3),
		node("save_image"))
	if _, err := Run(ctx, g, nil); err != nil {
		t.Fatal(err)
	}
	job := ctx.gen.jobs[0]
	if job.Init == nil || job.Init.Bounds().Dx() != 64 || job.Strength != 0.3 {
		t.Errorf("job init %v strength %v", job.Init, job.Strength)
	}
	if s := ctx.saves[0].Meta.Strength; s == nil || *s != 0.3 {
		t.Errorf("metadata strength %v", s)
	}
}

func TestGenerationFailuresNameTheNode(t *testing.T) {
	t.Run("no backends", func(t *testing.T) {
		_, err := Run(newFake(t), txt2imgGraph("studio/dream"), nil)
		if app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "Settings") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("a model the owner may not use", func(t *testing.T) {
		ctx := &generatingContext{fakeContext: newFake(t), gen: &stepGenerator{steps: 1}}
		_, err := Run(ctx, txt2imgGraph("studio/secret"), nil)
		if msg := app.ErrorMessage(err); !strings.Contains(msg, `Node "n1" (txt2img)`) || !strings.Contains(msg, "studio/secret") {
			t.Errorf("err = %v", err)
		}
		if len(ctx.saves) != 0 {
			t.Error("saved a picture")
		}
	})
	t.Run("the backend fails", func(t *testing.T) {
		ctx := &generatingContext{fakeContext: newFake(t), gen: &stepGenerator{err: app.Errorf(app.EINVALID, "Backend studio ran out of memory.")}}
		_, err := Run(ctx, txt2imgGraph("studio/dream"), nil)
		if !strings.Contains(app.ErrorMessage(err), "ran out of memory") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("canceled mid-picture", func(t *testing.T) {
		ctx := &generatingContext{fakeContext: newFake(t), gen: &stepGenerator{steps: 10, blockAt: 3}}
		done := make(chan error, 1)
		go func() {
			_, err := Run(ctx, txt2imgGraph("studio/dream"), func(p Progress) {
				if strings.HasPrefix(p.Message, "Step 2") {
					ctx.cancel()
				}
			})
			done <- err
		}()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("model is checked as a model", func(t *testing.T) {
		g := txt2imgGraph("")
		if err := Validate(g); err == nil || !strings.Contains(err.Error(), "model") {
			t.Errorf("err = %v", err)
		}
	})
}

// A picture bigger than Easel keeps is refused, not saved.
func TestGenerationRefusesAnOversizedAnswer(t *testing.T) {
	ctx := &generatingContext{fakeContext: newFake(t), gen: &stepGenerator{answer: image.NewNRGBA(image.Rect(0, 0, MaxSide+1, 8))}}
	_, err := Run(ctx, txt2imgGraph("studio/dream"), nil)
	if err == nil || !strings.Contains(app.ErrorMessage(err), "larger than Easel keeps") || len(ctx.saves) != 0 {
		t.Errorf("err = %v", err)
	}
}
