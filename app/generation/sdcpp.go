package generation

import (
	"context"
	"image"
	"log/slog"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"easel/app"
)

// sdcpp speaks stable-diffusion.cpp sd-server's native job API: submit a
// job, poll it (it carries progress and, once completed, the picture),
// cancel it. Field names follow sd-server's examples/server/api.md.
type sdcpp struct {
	c         *conn
	poll      time.Duration
	log       *slog.Logger
	modelFile string // -m, whose stem names the model if the server will not
}

func (s *sdcpp) models(ctx context.Context) ([]remoteModel, error) {
	a := a1111{c: s.c, log: s.log}
	ms, err := a.models(ctx)
	if f := failureOf(err); (f != nil && f.kind == failStatus) || (err == nil && len(ms) == 0) {
		// An sd-server without the /sdapi routes still has its one model.
		base := filepath.Base(s.modelFile)
		stem := strings.TrimSuffix(base, filepath.Ext(base))
		return []remoteModel{{name: stem, title: stem}}, nil
	}
	return ms, err
}

func (s *sdcpp) samplers(ctx context.Context) ([]string, error) {
	// The capabilities' samplers are what img_gen's sample_method takes.
	var caps struct {
		Samplers []string `json:"samplers"`
	}
	err := s.c.get(ctx, "/sdcpp/v1/capabilities", maxListBytes, &caps)
	if err == nil && len(caps.Samplers) > 0 {
		return caps.Samplers, nil
	}
	if f := failureOf(err); err != nil && (f == nil || f.kind != failStatus) {
		return nil, err
	}
	a := a1111{c: s.c, log: s.log}
	return a.samplers(ctx)
}

// imgGenRequest is the part of POST /sdcpp/v1/img_gen's body Easel sets;
// what it leaves out takes the server's defaults.
type imgGenRequest struct {
	Prompt         string             `json:"prompt"`
	NegativePrompt string             `json:"negative_prompt"`
	Width          int                `json:"width"`
	Height         int                `json:"height"`
	Seed           int64              `json:"seed"`
	BatchCount     int                `json:"batch_count"`
	InitImage      *string            `json:"init_image"`
	Strength       *float64           `json:"strength,omitempty"`
	SampleParams   imgGenSampleParams `json:"sample_params"`
	OutputFormat   string             `json:"output_format"`
}

type imgGenSampleParams struct {
	SampleMethod string          `json:"sample_method,omitempty"`
	SampleSteps  int             `json:"sample_steps"`
	Guidance     *imgGenGuidance `json:"guidance,omitempty"`
}

type imgGenGuidance struct {
	TxtCfg float64 `json:"txt_cfg"`
}

// sdJob is GET /sdcpp/v1/jobs/{id}; progress is the test server's (and
// Easel's) addition, read when present.
type sdJob struct {
	Status string `json:"status"`
	Result *struct {
		Images []struct {
			B64JSON string `json:"b64_json"`
		} `json:"images"`
	} `json:"result"`
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
	Progress *struct {
		Step    int     `json:"step"`
		Steps   int     `json:"steps"`
		Preview *string `json:"preview"`
	} `json:"progress"`
}

func (s *sdcpp) generate(ctx context.Context, req request, progress *progressReporter) (*app.GenerationResult, error) {
	job := req.job
	body := imgGenRequest{
		Prompt: job.Prompt, NegativePrompt: job.NegativePrompt, Width: job.Width, Height: job.Height,
		Seed: req.seed, BatchCount: 1, OutputFormat: "png",
		SampleParams: imgGenSampleParams{SampleMethod: job.Sampler, SampleSteps: job.Steps},
	}
	if job.CFGScale > 0 {
		body.SampleParams.Guidance = &imgGenGuidance{TxtCfg: job.CFGScale}
	}
	if job.Init != nil {
		init, err := encodePicture(job.Init)
		if err != nil {
			return nil, err
		}
		strength := job.Strength
		body.InitImage, body.Strength = &init, &strength
	}
	var submitted struct {
		ID string `json:"id"`
	}
	if err := s.c.post(ctx, "/sdcpp/v1/img_gen", body, maxListBytes, &submitted, true); err != nil {
		return nil, err
	}
	if submitted.ID == "" {
		return nil, &failure{kind: failUnreadable, detail: "it names no job"}
	}
	s.log.Debug("generation: sd-server job submitted", "job", submitted.ID)

	img, err := s.follow(ctx, submitted.ID, progress)
	if err != nil {
		return nil, err
	}
	return &app.GenerationResult{Image: img, Seed: req.seed, Model: req.model.name, Sampler: job.Sampler}, nil
}

// follow polls job id until it ends, and cancels it on the server when
// Easel stops waiting for it.
func (s *sdcpp) follow(ctx context.Context, id string, progress *progressReporter) (image.Image, error) {
	path := "/sdcpp/v1/jobs/" + url.PathEscape(id)
	finished := false
	defer func() {
		if !finished {
			s.cancel(ctx, path)
		}
	}()
	tick := time.NewTicker(s.poll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-tick.C:
		}
		var j sdJob
		if err := s.c.get(ctx, path, maxAnswerBytes, &j); err != nil {
			if f := failureOf(err); f != nil && f.kind == failStatus && (f.status == 404 || f.status == 410) {
				finished = true
				return nil, &failure{kind: failLostJob, status: f.status}
			}
			return nil, err
		}
		switch j.Status {
		case "generating":
			if p := j.Progress; p != nil {
				preview := ""
				if p.Preview != nil {
					preview = *p.Preview
				}
				progress.report(ctx, p.Step, p.Steps, preview)
			}
		case "completed":
			finished = true
			if j.Result == nil || len(j.Result.Images) == 0 {
				return nil, &failure{kind: failNoImage}
			}
			if p := j.Progress; p != nil {
				progress.report(ctx, p.Steps, p.Steps, "")
			}
			return decodePicture(ctx, j.Result.Images[0].B64JSON)
		case "failed":
			finished = true
			return nil, jobFailure(j)
		case "cancelled":
			finished = true
			return nil, &failure{kind: failCancelledOnServer}
		}
	}
}

// jobFailure reads a failed job's error. sd-server's generate_image answers
// "empty results" when the model could not run, in practice for want of
// memory, so that is told as running out of memory.
func jobFailure(j sdJob) *failure {
	text := ""
	if j.Error != nil {
		text = j.Error.Message
		if text == "" {
			text = j.Error.Code
		}
	}
	lower := strings.ToLower(text)
	if strings.Contains(lower, "out of memory") || strings.Contains(lower, "empty result") {
		return &failure{kind: failOOM, detail: quote(text)}
	}
	if text == "" {
		text = "no reason given"
	}
	return &failure{kind: failJobFailed, detail: quote(text)}
}

// cancel asks sd-server to drop the job; it may already have ended (409).
func (s *sdcpp) cancel(ctx context.Context, jobPath string) {
	cctx, stop := bestEffort(ctx)
	defer stop()
	err := s.c.post(cctx, jobPath+"/cancel", nil, maxListBytes, nil, true)
	if f := failureOf(err); f != nil && !(f.kind == failStatus && f.status == 409) && !isConnectionTrouble(err) {
		s.log.Warn("generation: could not cancel the sd-server job", "err", err)
	}
}
