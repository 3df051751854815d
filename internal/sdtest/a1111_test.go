package sdtest

import (
	"encoding/json"
	"errors"
	"image/color"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// GenResponse follows TextToImageResponse / ImageToImageResponse.
type GenResponse struct {
	Images     []string       `json:"images"`
	Parameters map[string]any `json:"parameters"`
	Info       string         `json:"info"`
}

// Info follows the fields of processed.js() a client reads.
type Info struct {
	Prompt            string   `json:"prompt"`
	Seed              int64    `json:"seed"`
	AllSeeds          []int64  `json:"all_seeds"`
	Width             int      `json:"width"`
	Height            int      `json:"height"`
	Steps             int      `json:"steps"`
	SamplerName       string   `json:"sampler_name"`
	SDModelName       string   `json:"sd_model_name"`
	DenoisingStrength *float64 `json:"denoising_strength"`
	Infotexts         []string `json:"infotexts"`
}

func txt2img(t *testing.T, url string, req map[string]any) (GenResponse, Info) {
	t.Helper()
	resp, body := post(t, url+"/sdapi/v1/txt2img", req)
	if resp.StatusCode != 200 {
		t.Fatalf("txt2img: %d %s", resp.StatusCode, body)
	}
	var g GenResponse
	strict(t, body, &g)
	var in Info
	if err := json.Unmarshal([]byte(g.Info), &in); err != nil {
		t.Fatalf("info is not a JSON string: %v (%q)", err, g.Info)
	}
	return g, in
}

func TestA1111Txt2ImgShapeAndEcho(t *testing.T) {
	_, url := start(t, Options{Flavor: A1111})
	g, in := txt2img(t, url, map[string]any{"prompt": "a red fox", "seed": 42, "steps": 3, "width": 48, "height": 32, "batch_size": 2, "sampler_name": "Euler"})
	if len(g.Images) != 2 {
		t.Fatalf("images: %d, want 2", len(g.Images))
	}
	img := pngOf(t, g.Images[0])
	if b := img.Bounds(); b.Dx() != 48 || b.Dy() != 32 {
		t.Fatalf("size %v", b)
	}
	if in.Seed != 42 || !slices.Equal(in.AllSeeds, []int64{42, 43}) || in.Prompt != "a red fox" || in.Width != 48 || in.Steps != 3 || in.SamplerName != "Euler" {
		t.Fatalf("info %+v", in)
	}
	if in.SDModelName != "v1-5-pruned-emaonly" || len(in.Infotexts) != 2 || !strings.Contains(in.Infotexts[1], "Seed: 43") {
		t.Fatalf("info %+v", in)
	}
	if g.Parameters["prompt"] != "a red fox" || g.Parameters["seed"] != float64(42) || g.Parameters["n_iter"] != float64(1) {
		t.Fatalf("parameters %v", g.Parameters)
	}
}

func TestA1111Determinism(t *testing.T) {
	_, url := start(t, Options{Flavor: A1111})
	req := map[string]any{"prompt": "cat", "seed": 7, "steps": 2, "width": 32, "height": 32}
	a, _ := txt2img(t, url, req)
	b, _ := txt2img(t, url, req)
	if a.Images[0] != b.Images[0] {
		t.Fatal("same prompt/seed/size gave different images")
	}
	for _, change := range []map[string]any{{"seed": 8}, {"prompt": "dog"}, {"width": 40}} {
		r := map[string]any{}
		for k, v := range req {
			r[k] = v
		}
		for k, v := range change {
			r[k] = v
		}
		c, _ := txt2img(t, url, r)
		if c.Images[0] == a.Images[0] {
			t.Fatalf("changing %v did not change the image", change)
		}
	}
	// seed -1: the server picks one, reports it, and reusing it reproduces the image
	r, in := txt2img(t, url, map[string]any{"prompt": "cat", "seed": -1, "steps": 2, "width": 32, "height": 32})
	if in.Seed < 0 || r.Parameters["seed"] != float64(-1) {
		t.Fatalf("seed -1: info seed %d, parameters seed %v", in.Seed, r.Parameters["seed"])
	}
	again, _ := txt2img(t, url, map[string]any{"prompt": "cat", "seed": in.Seed, "steps": 2, "width": 32, "height": 32})
	if again.Images[0] != r.Images[0] {
		t.Fatal("reported seed does not reproduce the image")
	}
}

func TestA1111ModelsSamplersOptions(t *testing.T) {
	_, url := start(t, Options{Flavor: A1111, Model: "/x/my-model.safetensors"})
	var ms []Model
	if get(t, url+"/sdapi/v1/sd-models", &ms) != 200 || len(ms) < 3 {
		t.Fatalf("sd-models %v", ms)
	}
	if ms[0].Title != "v1-5-pruned-emaonly.safetensors [6ce0161689]" || ms[0].Hash != "6ce0161689" || len(ms[0].SHA256) != 64 {
		t.Fatalf("first model %+v", ms[0])
	}
	if !slices.ContainsFunc(ms, func(m Model) bool { return m.ModelName == "my-model" }) {
		t.Fatal("-m model not listed")
	}
	var ss []Sampler
	if get(t, url+"/sdapi/v1/samplers", &ss) != 200 || !slices.ContainsFunc(ss, func(s Sampler) bool { return s.Name == "Euler a" && len(s.Aliases) > 0 }) {
		t.Fatalf("samplers %v", ss)
	}
	var opts map[string]any
	get(t, url+"/sdapi/v1/options", &opts)
	if opts["sd_model_checkpoint"] != ms[0].Title {
		t.Fatalf("options %v", opts)
	}
	resp, body := post(t, url+"/sdapi/v1/options", map[string]any{"sd_model_checkpoint": "sd_xl_base_1.0"})
	if resp.StatusCode != 200 {
		t.Fatalf("set options: %d %s", resp.StatusCode, body)
	}
	get(t, url+"/sdapi/v1/options", &opts)
	if opts["sd_model_checkpoint"] != "sd_xl_base_1.0.safetensors [31e35c80fc]" {
		t.Fatalf("options after set %v", opts)
	}
	_, in := txt2img(t, url, map[string]any{"prompt": "p", "steps": 1, "width": 8, "height": 8})
	if in.SDModelName != "sd_xl_base_1.0" {
		t.Fatalf("loaded model not used: %q", in.SDModelName)
	}
}

func TestA1111UnknownModel(t *testing.T) {
	_, url := start(t, Options{Flavor: A1111})
	resp, body := post(t, url+"/sdapi/v1/options", map[string]any{"sd_model_checkpoint": "no-such-model"})
	var e A1111Error
	strict(t, body, &e)
	if resp.StatusCode != 500 || e.Error != "RuntimeError" || !strings.Contains(e.Errors, "not found") {
		t.Fatalf("unknown model: %d %+v", resp.StatusCode, e)
	}
	// In override_settings A1111 falls back to the loaded checkpoint.
	_, in := txt2img(t, url, map[string]any{"prompt": "p", "steps": 1, "width": 8, "height": 8,
		"override_settings": map[string]any{"sd_model_checkpoint": "no-such-model"}})
	if in.SDModelName != "v1-5-pruned-emaonly" {
		t.Fatalf("fallback model %q", in.SDModelName)
	}
	resp, body = post(t, url+"/sdapi/v1/txt2img", map[string]any{"prompt": "p", "sampler_name": "Nope"})
	strict(t, body, &e)
	if resp.StatusCode != 400 || e.Detail != "Sampler not found" {
		t.Fatalf("bad sampler: %d %+v", resp.StatusCode, e)
	}
}

func TestA1111ProgressAdvances(t *testing.T) {
	s, url := start(t, Options{Flavor: A1111, StepDelay: 15 * time.Millisecond, PreviewEvery: 2})
	var idle Progress
	get(t, url+"/sdapi/v1/progress", &idle)
	if idle.Progress != 0 || idle.CurrentImage != nil || idle.State.JobCount != 0 {
		t.Fatalf("idle progress %+v", idle)
	}
	done := make(chan GenResponse)
	go func() {
		g, _ := txt2img(t, url, map[string]any{"prompt": "p", "seed": 1, "steps": 8, "width": 16, "height": 16})
		done <- g
	}()
	waitFor(t, "job start", func() bool { s.mu.Lock(); defer s.mu.Unlock(); return s.cur != nil })
	var seen []int
	sawPreview := false
	last := -1.0
	for len(seen) == 0 || seen[len(seen)-1] < 7 {
		var p Progress
		get(t, url+"/sdapi/v1/progress?skip_current_image=false", &p)
		if p.State.SamplingSteps == 0 {
			break // finished
		}
		if p.Progress < last || p.State.SamplingSteps != 8 || p.State.JobCount != 1 || p.State.Job != "scripts_txt2img" {
			t.Fatalf("progress %+v after %v", p, last)
		}
		last = p.Progress
		if len(seen) == 0 || seen[len(seen)-1] != p.State.SamplingStep {
			seen = append(seen, p.State.SamplingStep)
		}
		if p.CurrentImage != nil {
			pngOf(t, *p.CurrentImage)
			sawPreview = true
		}
		time.Sleep(3 * time.Millisecond)
	}
	<-done
	if len(seen) < 3 || !sawPreview {
		t.Fatalf("steps seen %v, preview %v", seen, sawPreview)
	}
}

func TestA1111InterruptAndQueue(t *testing.T) {
	s, url := start(t, Options{Flavor: A1111, StepDelay: 5 * time.Millisecond})
	first := make(chan GenResponse)
	go func() {
		g, _ := txt2img(t, url, map[string]any{"prompt": "long", "steps": 1000, "width": 8, "height": 8, "n_iter": 3})
		first <- g
	}()
	waitFor(t, "job start", func() bool { s.mu.Lock(); defer s.mu.Unlock(); return s.cur != nil && s.cur.step > 0 })
	// a second job waits behind the lock
	second := make(chan GenResponse)
	go func() {
		g, _ := txt2img(t, url, map[string]any{"prompt": "short", "steps": 1, "width": 8, "height": 8})
		second <- g
	}()
	select {
	case <-second:
		t.Fatal("second job ran while the first held the lock")
	case <-time.After(30 * time.Millisecond):
	}
	resp, body := post(t, url+"/sdapi/v1/interrupt", nil)
	if resp.StatusCode != 200 || strings.TrimSpace(string(body)) != "{}" {
		t.Fatalf("interrupt: %d %s", resp.StatusCode, body)
	}
	g := <-first
	if len(g.Images) != 0 {
		t.Fatalf("interrupted first iteration returned %d images", len(g.Images))
	}
	if g2 := <-second; len(g2.Images) != 1 {
		t.Fatalf("second job: %d images", len(g2.Images))
	}
}

func TestA1111Img2ImgUsesInit(t *testing.T) {
	_, url := start(t, Options{Flavor: A1111})
	red := solid(8, 8, color.NRGBA{200, 10, 10, 255})
	blue := solid(8, 8, color.NRGBA{10, 10, 200, 255})
	i2i := func(init string, strength float64) GenResponse {
		resp, body := post(t, url+"/sdapi/v1/img2img", map[string]any{"prompt": "p", "seed": 3, "steps": 2, "width": 16, "height": 16,
			"init_images": []string{init}, "denoising_strength": strength})
		if resp.StatusCode != 200 {
			t.Fatalf("img2img %d %s", resp.StatusCode, body)
		}
		var g GenResponse
		strict(t, body, &g)
		return g
	}
	keep := pngOf(t, i2i(red, 0).Images[0])
	if c := at(keep, 5, 9); c != (color.NRGBA{200, 10, 10, 255}) {
		t.Fatalf("strength 0 pixel %v, want the init colour", c)
	}
	r, b := i2i(red, 0.5), i2i(blue, 0.5)
	if r.Images[0] == b.Images[0] {
		t.Fatal("different init images gave the same output")
	}
	if at(pngOf(t, r.Images[0]), 3, 3).R <= at(pngOf(t, b.Images[0]), 3, 3).R {
		t.Fatal("red init did not make a redder output")
	}
	if r.Parameters["init_images"] != nil || r.Parameters["denoising_strength"] != 0.5 {
		t.Fatalf("parameters %v", r.Parameters)
	}
	full := i2i(red, 1)
	t2i, _ := txt2img(t, url, map[string]any{"prompt": "p", "seed": 3, "steps": 2, "width": 16, "height": 16})
	if full.Images[0] != t2i.Images[0] {
		t.Fatal("strength 1 should ignore the init image")
	}
	resp, body := post(t, url+"/sdapi/v1/img2img", map[string]any{"prompt": "p", "init_images": []string{"not an image"}})
	var e A1111Error
	strict(t, body, &e)
	if resp.StatusCode != 500 || e.Detail != "Invalid encoded image" {
		t.Fatalf("bad init: %d %+v", resp.StatusCode, e)
	}
}

func TestA1111Faults(t *testing.T) {
	var mu sync.Mutex
	var exits []int
	_, url := start(t, Options{Flavor: A1111, SlowDelay: time.Minute, Exit: func(c int) { mu.Lock(); exits = append(exits, c); mu.Unlock() }})
	req := func(model string) map[string]any {
		return map[string]any{"prompt": "p", "steps": 4, "width": 8, "height": 8, "override_settings": map[string]any{"sd_model_checkpoint": model}}
	}

	resp, body := post(t, url+"/sdapi/v1/txt2img", req("oom"))
	var e A1111Error
	strict(t, body, &e)
	if resp.StatusCode != 500 || e.Error != "OutOfMemoryError" || !strings.Contains(e.Errors, "CUDA out of memory") {
		t.Fatalf("oom: %d %s", resp.StatusCode, body)
	}

	resp, body = post(t, url+"/sdapi/v1/txt2img", req("malformed"))
	var g GenResponse
	if resp.StatusCode != 200 || json.Unmarshal(body, &g) == nil {
		t.Fatalf("malformed: %d, body parsed: %s", resp.StatusCode, body)
	}

	b, _ := json.Marshal(req("drop"))
	r, err := http.Post(url+"/sdapi/v1/txt2img", "application/json", strings.NewReader(string(b)))
	if err == nil {
		_, err = io.ReadAll(r.Body)
		r.Body.Close()
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("drop: err %v, want unexpected EOF", err)
	}

	c := http.Client{Timeout: 100 * time.Millisecond}
	b, _ = json.Marshal(req("slow"))
	start := time.Now()
	if _, err := c.Post(url+"/sdapi/v1/txt2img", "application/json", strings.NewReader(string(b))); err == nil {
		t.Fatal("slow answered within the client timeout")
	}
	if time.Since(start) > 5*time.Second {
		t.Fatal("slow client timeout took too long")
	}

	b, _ = json.Marshal(map[string]any{"prompt": "sdtest:crash", "steps": 4, "width": 8, "height": 8})
	if _, err := http.Post(url+"/sdapi/v1/txt2img", "application/json", strings.NewReader(string(b))); err == nil {
		t.Fatal("crash answered")
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(exits, []int{CrashExitCode}) {
		t.Fatalf("exits %v", exits)
	}
}
