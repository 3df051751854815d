package generation

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"easel/app"
)

// a1111 speaks AUTOMATIC1111's /sdapi/v1 (also Forge's, SD.Next's and the
// subset sd-server serves). txt2img and img2img block until the picture is
// made, so progress comes from polling /progress beside the call.
type a1111 struct {
	c    *conn
	poll time.Duration
	log  *slog.Logger
}

func (a *a1111) models(ctx context.Context) ([]remoteModel, error) {
	var list []struct {
		Title     string `json:"title"`
		ModelName string `json:"model_name"`
	}
	if err := a.c.get(ctx, "/sdapi/v1/sd-models", maxListBytes, &list); err != nil {
		return nil, err
	}
	ms := make([]remoteModel, 0, len(list))
	for _, m := range list {
		name := m.ModelName
		if name == "" {
			name = m.Title
		}
		ms = append(ms, remoteModel{name: name, title: m.Title})
	}
	return uniqueModels(ms), nil
}

func (a *a1111) samplers(ctx context.Context) ([]string, error) {
	var list []struct {
		Name string `json:"name"`
	}
	if err := a.c.get(ctx, "/sdapi/v1/samplers", maxListBytes, &list); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(list))
	for _, s := range list {
		if s.Name != "" {
			names = append(names, s.Name)
		}
	}
	return names, nil
}

// a1111Request is StableDiffusionTxt2ImgProcessingAPI's fields Easel sets
// (and Img2Img's init_images and denoising_strength).
type a1111Request struct {
	Prompt         string  `json:"prompt"`
	NegativePrompt string  `json:"negative_prompt"`
	Seed           int64   `json:"seed"`
	Steps          int     `json:"steps"`
	CFGScale       float64 `json:"cfg_scale,omitempty"` // 0: the server's default
	Width          int     `json:"width"`
	Height         int     `json:"height"`
	SamplerName    string  `json:"sampler_name,omitempty"`
	BatchSize      int     `json:"batch_size"`
	NIter          int     `json:"n_iter"`
	SendImages     bool    `json:"send_images"`
	// SaveImages false keeps the picture out of the server's output
	// folder, which everyone using that server can browse.
	SaveImages       bool           `json:"save_images"`
	OverrideSettings map[string]any `json:"override_settings,omitempty"`
	// The checkpoint override lasts for this call only, so Easel's jobs do
	// not change what the server's own UI has loaded.
	RestoreSettings   bool     `json:"override_settings_restore_afterwards"`
	InitImages        []string `json:"init_images,omitempty"`
	DenoisingStrength *float64 `json:"denoising_strength,omitempty"`
}

type a1111Answer struct {
	Images []string `json:"images"`
	Info   string   `json:"info"` // a JSON string, "" from sd-server
}

// a1111Info is what Easel reads of the answer's info.
type a1111Info struct {
	Seed        *int64 `json:"seed"`
	SDModelName string `json:"sd_model_name"`
	SamplerName string `json:"sampler_name"`
}

func (a *a1111) generate(ctx context.Context, req request, progress *progressReporter) (*app.GenerationResult, error) {
	job := req.job
	body := a1111Request{
		Prompt: job.Prompt, NegativePrompt: job.NegativePrompt, Seed: req.seed, Steps: job.Steps,
		CFGScale: job.CFGScale, Width: job.Width, Height: job.Height, SamplerName: job.Sampler,
		BatchSize: 1, NIter: 1, SendImages: true, SaveImages: false, RestoreSettings: true,
	}
	if req.model.title != "" {
		body.OverrideSettings = map[string]any{"sd_model_checkpoint": req.model.title}
	}
	path := "/sdapi/v1/txt2img"
	if job.Init != nil {
		init, err := encodePicture(job.Init)
		if err != nil {
			return nil, err
		}
		strength := job.Strength
		body.InitImages, body.DenoisingStrength, path = []string{init}, &strength, "/sdapi/v1/img2img"
	}

	answer, err := a.call(ctx, path, body, progress)
	if err != nil {
		if ctx.Err() != nil {
			a.interrupt(ctx)
			return nil, ctx.Err()
		}
		if f := failureOf(err); f != nil && f.kind == failDropped {
			return nil, a.whyDropped(ctx, err)
		}
		return nil, err
	}
	if len(answer.Images) == 0 {
		return nil, &failure{kind: failNoImage}
	}
	img, err := decodePicture(ctx, answer.Images[0])
	if err != nil {
		return nil, err
	}
	res := &app.GenerationResult{Image: img, Seed: req.seed, Model: req.model.name, Sampler: job.Sampler}
	var info a1111Info
	if answer.Info != "" && json.Unmarshal([]byte(answer.Info), &info) == nil {
		// A1111 loads a fallback checkpoint, silently, when the one asked
		// for cannot be loaded; a picture from another model is not the
		// picture asked for.
		if info.SDModelName != "" && req.model.name != "" && info.SDModelName != req.model.name {
			return nil, &failure{kind: failWrongModel, model: req.model.name, loaded: quote(info.SDModelName)}
		}
		if info.Seed != nil {
			res.Seed = *info.Seed
		}
		if info.SamplerName != "" {
			res.Sampler = info.SamplerName
		}
	}
	return res, nil
}

// call posts the blocking generation request and polls /progress until it
// answers, calling progress from this goroutine as the contract asks.
func (a *a1111) call(ctx context.Context, path string, body a1111Request, progress *progressReporter) (a1111Answer, error) {
	type result struct {
		answer a1111Answer
		err    error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		r.err = a.c.post(ctx, path, body, maxAnswerBytes, &r.answer, false)
		done <- r
	}()

	pollCtx, stopPolling := context.WithCancel(ctx)
	defer stopPolling()
	polls := make(chan a1111Progress, 1)
	polling, canPoll := false, true
	tick := time.NewTicker(a.poll)
	defer tick.Stop()
	for {
		select {
		case r := <-done:
			return r.answer, r.err
		case <-tick.C:
			if canPoll && !polling {
				polling = true
				go func() { polls <- a.progress(pollCtx) }()
			}
		case p := <-polls:
			polling = false
			if p.unavailable {
				canPoll = false // sd-server's subset has no /progress: no progress, no fuss
				continue
			}
			preview := ""
			if p.CurrentImage != nil {
				preview = *p.CurrentImage
			}
			progress.report(ctx, p.State.SamplingStep, p.State.SamplingSteps, preview)
		}
	}
}

// a1111Progress is the part of ProgressResponse Easel reads.
type a1111Progress struct {
	State struct {
		SamplingStep  int `json:"sampling_step"`
		SamplingSteps int `json:"sampling_steps"`
	} `json:"state"`
	CurrentImage *string `json:"current_image"`
	unavailable  bool    // the server has no /progress
}

// progress asks how far the running job is. A failed poll is not the job's
// failure: the generation call itself says how the job ended.
func (a *a1111) progress(ctx context.Context) a1111Progress {
	var p a1111Progress
	err := a.c.get(ctx, "/sdapi/v1/progress?skip_current_image=false", maxAnswerBytes, &p)
	if f := failureOf(err); f != nil {
		if f.kind == failStatus && f.status == 404 {
			return a1111Progress{unavailable: true}
		}
		a.log.Debug("generation: a progress poll failed", "err", err)
		return a1111Progress{}
	}
	return p
}

// interrupt stops the server's running job: A1111 does not notice that
// the client of a blocking txt2img call went away.
func (a *a1111) interrupt(ctx context.Context) {
	ictx, cancel := bestEffort(ctx)
	defer cancel()
	err := a.c.post(ictx, "/sdapi/v1/interrupt", nil, maxListBytes, nil, true)
	if f := failureOf(err); f != nil && !(f.kind == failStatus && f.status == 404) {
		a.log.Warn("generation: could not interrupt the backend's job", "err", err)
	}
}

// whyDropped tells a server that died (unreachable now) from one that
// closed one connection: a quick look at its model list.
func (a *a1111) whyDropped(ctx context.Context, dropped error) error {
	pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var list []json.RawMessage
	err := a.c.get(pctx, "/sdapi/v1/sd-models", maxListBytes, &list)
	if f := failureOf(err); f != nil && f.kind == failUnreachable {
		return err
	}
	return dropped
}
