package sdtest

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// A1111Error is the JSON body A1111's api_middleware answers for any
// exception: {error: exception class, detail, body, errors: str(e)}.
type A1111Error struct {
	Error  string `json:"error"`
	Detail any    `json:"detail"`
	Body   any    `json:"body"`
	Errors string `json:"errors"`
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

// httpError answers like FastAPI's HTTPException through api_middleware.
func httpError(w http.ResponseWriter, code int, detail string) {
	writeJSON(w, code, A1111Error{Error: "HTTPException", Detail: detail, Body: "", Errors: fmt.Sprintf("%d: %s", code, detail)})
}

// Sampler is one /sdapi/v1/samplers entry.
type Sampler struct {
	Name    string            `json:"name"`
	Aliases []string          `json:"aliases"`
	Options map[string]string `json:"options"`
}

var samplers = []Sampler{
	{"DPM++ 2M", []string{"k_dpmpp_2m"}, map[string]string{"scheduler": "karras"}},
	{"Euler a", []string{"k_euler_a", "k_euler_ancestral"}, map[string]string{"uses_ensd": "True"}},
	{"Euler", []string{"k_euler"}, map[string]string{}},
	{"LMS", []string{"k_lms"}, map[string]string{}},
	{"Heun", []string{"k_heun"}, map[string]string{"second_order": "True"}},
	{"DDIM", []string{"ddim"}, map[string]string{}},
	{"UniPC", []string{"unipc"}, map[string]string{}},
}

func findSampler(name string) (string, bool) {
	for _, s := range samplers {
		if s.Name == name {
			return s.Name, true
		}
		for _, a := range s.Aliases {
			if a == name {
				return s.Name, true
			}
		}
	}
	return "", false
}

// GenRequest holds the txt2img/img2img fields the server acts on.
type GenRequest struct {
	Prompt            string         `json:"prompt"`
	NegativePrompt    string         `json:"negative_prompt"`
	Seed              *int64         `json:"seed"`
	Steps             int            `json:"steps"`
	CfgScale          float64        `json:"cfg_scale"`
	Width             int            `json:"width"`
	Height            int            `json:"height"`
	SamplerName       string         `json:"sampler_name"`
	BatchSize         int            `json:"batch_size"`
	NIter             int            `json:"n_iter"`
	OverrideSettings  map[string]any `json:"override_settings"`
	SendImages        *bool          `json:"send_images"`
	SaveImages        bool           `json:"save_images"`
	InitImages        []string       `json:"init_images"`
	DenoisingStrength *float64       `json:"denoising_strength"`
	IncludeInitImages bool           `json:"include_init_images"`
}

func (s *Server) routesA1111() {
	s.mux.HandleFunc("POST /sdapi/v1/txt2img", func(w http.ResponseWriter, r *http.Request) { s.generate(w, r, false) })
	s.mux.HandleFunc("POST /sdapi/v1/img2img", func(w http.ResponseWriter, r *http.Request) { s.generate(w, r, true) })
	s.mux.HandleFunc("GET /sdapi/v1/sd-models", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, s.models()) })
	s.mux.HandleFunc("GET /sdapi/v1/samplers", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, samplers) })
	s.mux.HandleFunc("GET /sdapi/v1/options", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		writeJSON(w, 200, s.options)
	})
	if s.opts.Flavor == SDCpp {
		s.mux.HandleFunc("GET /sdapi/v1/schedulers", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, []map[string]string{{"name": "discrete", "label": "discrete"}, {"name": "karras", "label": "karras"}})
		})
		s.mux.HandleFunc("GET /sdapi/v1/loras", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, []any{}) })
		return
	}
	s.mux.HandleFunc("POST /sdapi/v1/options", s.setOptions)
	s.mux.HandleFunc("GET /sdapi/v1/progress", s.progress)
	s.mux.HandleFunc("POST /sdapi/v1/interrupt", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		if s.cur != nil {
			s.cur.stop()
		}
		s.mu.Unlock()
		writeJSON(w, 200, map[string]any{})
	})
}

func (s *Server) setOptions(w http.ResponseWriter, r *http.Request) {
	var req map[string]any
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		unprocessable(w, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := req["sd_model_checkpoint"]; ok {
		name, _ := v.(string)
		m, ok := s.findModel(name)
		if !ok {
			// set_config raises RuntimeError, which the middleware answers as 500.
			writeJSON(w, 500, A1111Error{Error: "RuntimeError", Detail: "", Body: "", Errors: fmt.Sprintf("model %q not found", name)})
			return
		}
		req["sd_model_checkpoint"] = m.Title
		s.loaded = m.Title
	}
	for k, v := range req {
		s.options[k] = v
	}
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, "null")
}

// unprocessable answers FastAPI's request-validation error.
func unprocessable(w http.ResponseWriter, err error) {
	writeJSON(w, 422, map[string]any{"detail": []map[string]any{{
		"loc": []any{"body", 0}, "msg": err.Error(), "type": "value_error.jsondecode",
	}}})
}

func (s *Server) generate(w http.ResponseWriter, r *http.Request, img2img bool) {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	var req GenRequest
	var echo map[string]any
	if err := json.Unmarshal(raw, &req); err != nil {
		unprocessable(w, err)
		return
	}
	json.Unmarshal(raw, &echo)

	// Defaults of StableDiffusionTxt2ImgProcessingAPI / Img2Img.
	if req.Steps <= 0 {
		req.Steps = 50
	}
	if req.CfgScale == 0 {
		req.CfgScale = 7
	}
	if req.Width <= 0 {
		req.Width = 512
	}
	if req.Height <= 0 {
		req.Height = 512
	}
	req.Width, req.Height = min(req.Width, maxSide), min(req.Height, maxSide)
	if req.BatchSize <= 0 {
		req.BatchSize = 1
	}
	if req.NIter <= 0 {
		req.NIter = 1
	}
	if req.SamplerName == "" {
		req.SamplerName = "Euler a"
	}
	strength := 0.75
	if req.DenoisingStrength != nil {
		strength = *req.DenoisingStrength
	}
	sendImages := req.SendImages == nil || *req.SendImages
	sampler, ok := findSampler(req.SamplerName)
	if !ok {
		httpError(w, 400, "Sampler not found")
		return
	}

	s.mu.Lock()
	model, _ := s.findModel(s.loaded)
	s.mu.Unlock()
	asked, _ := req.OverrideSettings["sd_model_checkpoint"].(string)
	if asked != "" {
		// A1111 falls back to the loaded checkpoint when the override names
		// none it knows ("Checkpoint … not found; loading fallback …").
		if m, ok := s.findModel(asked); ok {
			model = m
		}
	}
	fault := faultOf(model.ModelName, req.Prompt)

	pic := picture{prompt: req.Prompt, w: req.Width, h: req.Height}
	if img2img {
		if len(req.InitImages) == 0 {
			httpError(w, 404, "Init image not found")
			return
		}
		im, err := decodeImage(req.InitImages[0])
		if err != nil {
			httpError(w, 500, "Invalid encoded image")
			return
		}
		for _, extra := range req.InitImages[1:] {
			if _, err := decodeImage(extra); err != nil {
				httpError(w, 500, "Invalid encoded image")
				return
			}
		}
		pic.init, pic.strength = im, strength
	}

	seed := int64(-1)
	if req.Seed != nil {
		seed = *req.Seed
	}
	if seed == -1 {
		seed = int64(rand.Uint32())
	}
	var pics [][]picture
	var seeds []int64
	for it := 0; it < req.NIter; it++ {
		var batch []picture
		for b := 0; b < req.BatchSize; b++ {
			p := pic
			p.seed = seed + int64(len(seeds))
			seeds = append(seeds, p.seed)
			batch = append(batch, p)
		}
		pics = append(pics, batch)
	}

	kind := "txt2img"
	if img2img {
		kind = "img2img"
	}
	if fault == "slow" {
		s.sleepSlow(r)
		return
	}
	if err := s.acquire(r.Context()); err != nil {
		return
	}
	j := newJob(kind, pics, req.Steps, fault)
	images, _, err := s.run(j)
	s.release()
	switch {
	case err == errOOM:
		writeJSON(w, 500, A1111Error{Error: "OutOfMemoryError", Detail: "", Body: "",
			Errors: "CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 8.00 GiB total capacity; 6.91 GiB already allocated; 0 bytes free; 7.12 GiB reserved in total by PyTorch)"})
		return
	case err != nil:
		panic(http.ErrAbortHandler) // crash or close: the connection just ends
	}
	if fault == "drop" {
		dropMidAnswer(w)
		return
	}
	if fault == "malformed" {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"images": ["iVBORw0KGgoAAAANSUhEUg`+"\x00"+`, "parameters": {"prompt": `)
		return
	}

	if !sendImages {
		images = []string{}
	}
	if images == nil {
		images = []string{} // interrupted before the first image finished
	}
	fill := map[string]any{
		"prompt": req.Prompt, "negative_prompt": req.NegativePrompt, "seed": float64(-1), "steps": req.Steps,
		"cfg_scale": req.CfgScale, "width": req.Width, "height": req.Height, "sampler_name": sampler,
		"batch_size": req.BatchSize, "n_iter": req.NIter, "send_images": sendImages, "save_images": req.SaveImages,
		"override_settings": map[string]any{},
	}
	if req.Seed != nil {
		fill["seed"] = *req.Seed
	}
	if img2img {
		fill["denoising_strength"] = strength
		fill["include_init_images"] = req.IncludeInitImages
	}
	if echo == nil {
		echo = map[string]any{}
	}
	for k, v := range fill {
		if _, ok := echo[k]; !ok {
			echo[k] = v
		}
	}
	if img2img && !req.IncludeInitImages {
		echo["init_images"] = nil
		echo["mask"] = nil
	}

	info := ""
	if s.opts.Flavor == A1111 {
		n := len(seeds)
		prompts, negs, infotexts := make([]string, n), make([]string, n), make([]string, n)
		for i := range seeds {
			prompts[i], negs[i] = req.Prompt, req.NegativePrompt
			infotexts[i] = fmt.Sprintf("%s\nNegative prompt: %s\nSteps: %d, Sampler: %s, CFG scale: %g, Seed: %d, Size: %dx%d, Model hash: %s, Model: %s",
				req.Prompt, req.NegativePrompt, req.Steps, sampler, req.CfgScale, seeds[i], req.Width, req.Height, model.Hash, model.ModelName)
		}
		in := map[string]any{
			"prompt": req.Prompt, "all_prompts": prompts, "negative_prompt": req.NegativePrompt, "all_negative_prompts": negs,
			"seed": seed, "all_seeds": seeds, "subseed": -1, "all_subseeds": seeds, "subseed_strength": 0,
			"width": req.Width, "height": req.Height, "sampler_name": sampler, "cfg_scale": req.CfgScale, "steps": req.Steps,
			"batch_size": req.BatchSize, "restore_faces": false, "sd_model_name": model.ModelName, "sd_model_hash": model.Hash,
			"seed_resize_from_w": -1, "seed_resize_from_h": -1, "denoising_strength": nil, "job_timestamp": j.stamp,
			"clip_skip": 1, "is_using_inpainting_conditioning": false, "index_of_first_image": 0, "infotexts": infotexts,
			"styles": []string{}, "extra_generation_params": map[string]any{},
		}
		if img2img {
			in["denoising_strength"] = strength
		}
		b, _ := json.Marshal(in)
		info = string(b)
	}
	writeJSON(w, 200, map[string]any{"images": images, "parameters": echo, "info": info})
}

// sleepSlow holds the request past any sensible client timeout; it ends
// when the client gives up or the server closes.
func (s *Server) sleepSlow(r *http.Request) {
	select {
	case <-time.After(s.opts.SlowDelay):
	case <-r.Context().Done():
	case <-s.done:
	}
}

// dropMidAnswer sends a status line, headers promising a body and half of
// one, then closes the connection.
func dropMidAnswer(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n{\"images\": [\"iVBORw0KGgo")
	buf.Flush()
	conn.Close()
}

// ProgressState is A1111's shared.state.dict().
type ProgressState struct {
	Skipped            bool   `json:"skipped"`
	Interrupted        bool   `json:"interrupted"`
	StoppingGeneration bool   `json:"stopping_generation"`
	Job                string `json:"job"`
	JobCount           int    `json:"job_count"`
	JobTimestamp       string `json:"job_timestamp"`
	JobNo              int    `json:"job_no"`
	SamplingStep       int    `json:"sampling_step"`
	SamplingSteps      int    `json:"sampling_steps"`
}

// Progress is A1111's ProgressResponse.
type Progress struct {
	Progress     float64       `json:"progress"`
	EtaRelative  float64       `json:"eta_relative"`
	State        ProgressState `json:"state"`
	CurrentImage *string       `json:"current_image"`
	Textinfo     *string       `json:"textinfo"`
}

func (s *Server) progress(w http.ResponseWriter, r *http.Request) {
	skip, _ := strconv.ParseBool(r.URL.Query().Get("skip_current_image"))
	s.mu.Lock()
	j := s.cur
	var p Progress
	if j == nil {
		p.State = ProgressState{JobTimestamp: "0"}
	} else {
		p.State = ProgressState{
			Interrupted: j.interrupted, Job: "scripts_" + j.kind, JobCount: len(j.pics), JobTimestamp: j.stamp,
			JobNo: j.iter, SamplingStep: j.step, SamplingSteps: j.steps,
		}
		prog := 0.01 + float64(j.iter)/float64(len(j.pics)) + float64(j.step)/float64(j.steps)/float64(len(j.pics))
		since := time.Since(j.started).Seconds()
		p.EtaRelative = since/prog - since
		p.Progress = min(prog, 1)
		if j.preview != "" && !skip {
			img := j.preview
			p.CurrentImage = &img
		}
	}
	s.mu.Unlock()
	writeJSON(w, 200, p)
}
