package sdtest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"path/filepath"
	"strings"
	"time"
)

// ImgGenRequest holds the /sdcpp/v1/img_gen fields the server acts on.
type ImgGenRequest struct {
	Prompt         string   `json:"prompt"`
	NegativePrompt string   `json:"negative_prompt"`
	Width          int      `json:"width"`
	Height         int      `json:"height"`
	Strength       *float64 `json:"strength"`
	Seed           *int64   `json:"seed"`
	BatchCount     int      `json:"batch_count"`
	InitImage      *string  `json:"init_image"`
	SampleParams   struct {
		SampleMethod string `json:"sample_method"`
		SampleSteps  int    `json:"sample_steps"`
	} `json:"sample_params"`
	OutputFormat string `json:"output_format"`
}

// JobError is a job's (or a refused request's) error object.
type JobError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// JobImage is one result image.
type JobImage struct {
	Index   int    `json:"index"`
	B64JSON string `json:"b64_json"`
}

// JobResult is a completed job's result.
type JobResult struct {
	OutputFormat string     `json:"output_format"`
	Images       []JobImage `json:"images"`
}

// JobProgress is this server's addition to the job shape (api.md has no
// progress field): the step reached and a preview at some steps.
type JobProgress struct {
	Step    int     `json:"step"`
	Steps   int     `json:"steps"`
	Preview *string `json:"preview"`
}

// Job is the /sdcpp/v1/jobs/{id} answer.
type Job struct {
	ID            string       `json:"id"`
	Kind          string       `json:"kind"`
	Status        string       `json:"status"`
	Created       int64        `json:"created"`
	Started       *int64       `json:"started"`
	Completed     *int64       `json:"completed"`
	QueuePosition int          `json:"queue_position"`
	Result        *JobResult   `json:"result"`
	Error         *JobError    `json:"error"`
	Progress      *JobProgress `json:"progress,omitempty"`
}

type sdJob struct {
	Job // guarded by Server.mu
	run *job
}

func sdError(w http.ResponseWriter, code int, c, msg string) {
	writeJSON(w, code, map[string]any{"error": JobError{Code: c, Message: msg}})
}

func (s *Server) routesSDCpp() {
	s.mux.HandleFunc("GET /sdcpp/v1/capabilities", s.capabilities)
	s.mux.HandleFunc("POST /sdcpp/v1/img_gen", s.submit)
	s.mux.HandleFunc("GET /sdcpp/v1/jobs/{id}", s.jobStatus)
	s.mux.HandleFunc("POST /sdcpp/v1/jobs/{id}/cancel", s.cancelJob)
	s.mux.HandleFunc("GET /v1/models", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"data": []map[string]string{{"id": "sd-cpp-local", "object": "model", "owned_by": "local"}}})
	})
}

func (s *Server) capabilities(w http.ResponseWriter, r *http.Request) {
	path := s.opts.Model
	m := s.models()[0]
	defaults := map[string]any{
		"prompt": "", "negative_prompt": "", "clip_skip": -1, "width": 512, "height": 512, "strength": 0.75, "seed": -1,
		"batch_count": 1, "sample_params": map[string]any{"scheduler": "discrete", "sample_method": "euler_a", "sample_steps": 20},
		"output_format": "png", "output_compression": 100,
	}
	features := map[string]bool{"init_image": true, "mask_image": false, "control_image": false, "ip_adapter_image": false,
		"ref_images": false, "lora": false, "vae_tiling": false, "hires": false, "cache": false, "cancel_queued": true, "cancel_generating": true}
	writeJSON(w, 200, map[string]any{
		"model":                  map[string]string{"name": filepath.Base(m.Filename), "stem": m.ModelName, "path": path},
		"current_mode":           "img_gen",
		"supported_modes":        []string{"img_gen"},
		"defaults":               defaults,
		"output_formats":         []string{"png"},
		"features":               features,
		"defaults_by_mode":       map[string]any{"img_gen": defaults},
		"output_formats_by_mode": map[string]any{"img_gen": []string{"png"}},
		"features_by_mode":       map[string]any{"img_gen": features},
		"samplers":               []string{"euler", "euler_a", "heun", "dpm2", "dpm++2m", "lcm"},
		"schedulers":             []string{"discrete", "karras"},
		"loras":                  []any{},
		"upscalers":              []any{},
		"limits": map[string]int{"min_width": 64, "max_width": maxSide, "min_height": 64, "max_height": maxSide,
			"max_batch_count": 8, "max_queue_size": s.opts.MaxQueue},
	})
}

func newJobID() string {
	var b [8]byte
	rand.Read(b[:])
	return "job_" + strings.ToUpper(hex.EncodeToString(b[:]))
}

func (s *Server) submit(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	if len(strings.TrimSpace(string(raw))) == 0 {
		sdError(w, 400, "invalid_request", "empty request body")
		return
	}
	var req ImgGenRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		sdError(w, 400, "invalid_request", "invalid JSON: "+err.Error())
		return
	}
	if req.Width <= 0 {
		req.Width = 512
	}
	if req.Height <= 0 {
		req.Height = 512
	}
	if req.Width > maxSide || req.Height > maxSide || req.BatchCount > 8 {
		sdError(w, 400, "invalid_request", "invalid generation parameters")
		return
	}
	if req.BatchCount <= 0 {
		req.BatchCount = 1
	}
	if req.SampleParams.SampleSteps <= 0 {
		req.SampleParams.SampleSteps = 20
	}
	if req.OutputFormat != "" && req.OutputFormat != "png" {
		sdError(w, 400, "invalid_request", "unsupported output_format")
		return
	}
	pic := picture{prompt: req.Prompt, w: req.Width, h: req.Height}
	if req.InitImage != nil && *req.InitImage != "" {
		im, err := decodeImage(*req.InitImage)
		if err != nil {
			sdError(w, 400, "invalid_request", "failed to decode init_image")
			return
		}
		pic.init, pic.strength = im, 0.75
		if req.Strength != nil {
			pic.strength = min(1, max(0, *req.Strength))
		}
	}
	seed := int64(-1)
	if req.Seed != nil {
		seed = *req.Seed
	}
	if seed < 0 {
		seed = int64(mrand.Uint32())
	}
	var batch []picture
	for i := 0; i < req.BatchCount; i++ {
		p := pic
		p.seed = seed + int64(i)
		batch = append(batch, p)
	}
	j := &sdJob{Job: Job{ID: newJobID(), Kind: "img_gen", Status: "queued", Created: time.Now().Unix()},
		run: newJob("img_gen", [][]picture{batch}, req.SampleParams.SampleSteps, faultOf("", req.Prompt))}
	s.mu.Lock()
	if len(s.waiting) >= s.opts.MaxQueue {
		s.mu.Unlock()
		sdError(w, 429, "queue_full", "job queue is full")
		return
	}
	s.jobs[j.ID] = j
	s.waiting = append(s.waiting, j)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
	writeJSON(w, 202, map[string]any{"id": j.ID, "kind": j.Kind, "status": "queued", "created": j.Created, "poll_url": "/sdcpp/v1/jobs/" + j.ID})
}

// worker runs sd-server jobs one at a time, in submission order.
func (s *Server) worker() {
	for {
		s.mu.Lock()
		var j *sdJob
		if len(s.waiting) > 0 {
			j = s.waiting[0]
		}
		s.mu.Unlock()
		if j == nil {
			select {
			case <-s.wake:
				continue
			case <-s.done:
				return
			}
		}
		if err := s.acquire(s.ctx); err != nil {
			return
		}
		s.mu.Lock()
		for i, q := range s.waiting {
			if q == j {
				s.waiting = append(s.waiting[:i:i], s.waiting[i+1:]...)
				break
			}
		}
		if j.Status != "queued" { // cancelled while waiting
			s.mu.Unlock()
			s.release()
			continue
		}
		now := time.Now().Unix()
		j.Status, j.Started = "generating", &now
		s.mu.Unlock()
		images, interrupted, err := s.run(j.run)
		s.release()
		s.mu.Lock()
		end := time.Now().Unix()
		j.Completed = &end
		switch {
		case interrupted:
			j.Status, j.Error = "cancelled", &JobError{Code: "cancelled", Message: "job cancelled by client"}
		case err == errOOM:
			j.Status, j.Error = "failed", &JobError{Code: "generation_failed", Message: "generate_image returned empty results"}
		case err != nil:
			j.Status, j.Error = "failed", &JobError{Code: "generation_failed", Message: err.Error()}
		default:
			j.Status = "completed"
			j.Result = &JobResult{OutputFormat: "png"}
			for i, im := range images {
				j.Result.Images = append(j.Result.Images, JobImage{Index: i, B64JSON: im})
			}
		}
		s.mu.Unlock()
	}
}

func (s *Server) jobStatus(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	j, ok := s.jobs[r.PathValue("id")]
	if !ok {
		s.mu.Unlock()
		sdError(w, 404, "not_found", "job not found")
		return
	}
	out := j.Job
	out.QueuePosition = 0
	for i, q := range s.waiting {
		if q == j {
			out.QueuePosition = i + 1
		}
	}
	if j.Status == "generating" || j.Status == "completed" {
		p := &JobProgress{Step: j.run.step, Steps: j.run.steps}
		if j.Status == "completed" {
			p.Step = p.Steps
		} else if j.run.preview != "" {
			pv := j.run.preview
			p.Preview = &pv
		}
		out.Progress = p
	}
	fault := j.run.fault
	s.mu.Unlock()
	if out.Status == "completed" {
		switch fault {
		case "slow":
			s.sleepSlow(r)
			return
		case "drop":
			dropMidAnswer(w)
			return
		case "malformed":
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"id": "`+out.ID+`", "status": "completed", "result": {"images": [{"index": 0, "b64_json": "iVBOR`)
			return
		}
	}
	writeJSON(w, 200, out)
}

func (s *Server) cancelJob(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j, ok := s.jobs[r.PathValue("id")]
	if !ok {
		sdError(w, 404, "not_found", "job not found")
		return
	}
	switch j.Status {
	case "queued":
		now := time.Now().Unix()
		j.Status, j.Completed = "cancelled", &now
		j.Error = &JobError{Code: "cancelled", Message: "job cancelled by client"}
		for i, q := range s.waiting {
			if q == j {
				s.waiting = append(s.waiting[:i:i], s.waiting[i+1:]...)
				break
			}
		}
	case "generating":
		j.run.stop() // the worker marks it cancelled at the next step
	default:
		sdError(w, 409, "conflict", "job already "+j.Status)
		return
	}
	writeJSON(w, 200, map[string]any{"id": j.ID, "status": "cancelled"})
}
