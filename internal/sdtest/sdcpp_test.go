package sdtest

import (
	"encoding/json"
	"errors"
	"image/color"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

type submitted struct {
	ID      string `json:"id"`
	Kind    string `json:"kind"`
	Status  string `json:"status"`
	Created int64  `json:"created"`
	PollURL string `json:"poll_url"`
}

func submit(t *testing.T, url string, req map[string]any) submitted {
	t.Helper()
	resp, body := post(t, url+"/sdcpp/v1/img_gen", req)
	if resp.StatusCode != 202 {
		t.Fatalf("img_gen: %d %s", resp.StatusCode, body)
	}
	var s submitted
	strict(t, body, &s)
	if s.Kind != "img_gen" || s.Status != "queued" || s.PollURL != "/sdcpp/v1/jobs/"+s.ID || !strings.HasPrefix(s.ID, "job_") {
		t.Fatalf("submitted %+v", s)
	}
	return s
}

func jobOf(t *testing.T, url, id string) Job {
	t.Helper()
	var j Job
	if code := get(t, url+"/sdcpp/v1/jobs/"+id, &j); code != 200 {
		t.Fatalf("job %s: %d", id, code)
	}
	return j
}

func waitJob(t *testing.T, url, id string) Job {
	t.Helper()
	var j Job
	waitFor(t, "job "+id+" to end", func() bool {
		j = jobOf(t, url, id)
		return j.Status != "queued" && j.Status != "generating"
	})
	return j
}

func TestSDCppJobLifecycle(t *testing.T) {
	_, url := start(t, Options{Model: "/models/dream.gguf", StepDelay: 10 * time.Millisecond})
	s := submit(t, url, map[string]any{"prompt": "owl", "seed": 9, "width": 24, "height": 16, "batch_count": 2, "sample_params": map[string]any{"sample_steps": 6}})
	var steps []int
	sawPreview := false
	var j Job
	waitFor(t, "completion", func() bool {
		j = jobOf(t, url, s.ID)
		if j.Status == "generating" {
			if j.Started == nil || j.Progress == nil || j.Progress.Steps != 6 {
				t.Fatalf("generating job %+v", j)
			}
			if len(steps) == 0 || steps[len(steps)-1] != j.Progress.Step {
				steps = append(steps, j.Progress.Step)
			}
			if j.Progress.Preview != nil {
				pngOf(t, *j.Progress.Preview)
				sawPreview = true
			}
		}
		return j.Status == "completed"
	})
	if len(steps) < 3 || !sawPreview {
		t.Fatalf("steps %v preview %v", steps, sawPreview)
	}
	if j.Result == nil || j.Result.OutputFormat != "png" || len(j.Result.Images) != 2 || j.Error != nil || j.Completed == nil || j.QueuePosition != 0 {
		t.Fatalf("completed job %+v", j)
	}
	if b := pngOf(t, j.Result.Images[1].B64JSON).Bounds(); b.Dx() != 24 || b.Dy() != 16 || j.Result.Images[1].Index != 1 {
		t.Fatalf("image 1 %v", b)
	}
	// deterministic: same request, same images; and the sdapi route agrees
	again := waitJob(t, url, submit(t, url, map[string]any{"prompt": "owl", "seed": 9, "width": 24, "height": 16, "sample_params": map[string]any{"sample_steps": 1}}).ID)
	if again.Result.Images[0].B64JSON != j.Result.Images[0].B64JSON {
		t.Fatal("same prompt/seed/size gave a different image")
	}
	resp, body := post(t, url+"/sdapi/v1/txt2img", map[string]any{"prompt": "owl", "seed": 9, "width": 24, "height": 16, "steps": 1})
	var g GenResponse
	strict(t, body, &g)
	if resp.StatusCode != 200 || g.Info != "" || len(g.Images) != 1 || g.Images[0] != j.Result.Images[0].B64JSON {
		t.Fatalf("sdapi txt2img: %d info %q", resp.StatusCode, g.Info)
	}
	var ms []Model
	get(t, url+"/sdapi/v1/sd-models", &ms)
	if len(ms) != 1 || ms[0].Title != "dream" || ms[0].Filename != "dream.gguf" {
		t.Fatalf("sd-models %+v", ms)
	}
	if code := get(t, url+"/sdapi/v1/progress", nil); code != 404 {
		t.Fatalf("sd-server has no /progress, got %d", code)
	}
	var caps map[string]any
	get(t, url+"/sdcpp/v1/capabilities", &caps)
	if m, _ := caps["model"].(map[string]any); m["stem"] != "dream" || caps["current_mode"] != "img_gen" {
		t.Fatalf("capabilities %v", caps)
	}
}

func TestSDCppQueueAndCancel(t *testing.T) {
	_, url := start(t, Options{StepDelay: 5 * time.Millisecond})
	long := map[string]any{"prompt": "long", "width": 8, "height": 8, "sample_params": map[string]any{"sample_steps": 10000}}
	a := submit(t, url, long)
	b := submit(t, url, long)
	c := submit(t, url, long)
	waitFor(t, "a generating", func() bool { return jobOf(t, url, a.ID).Status == "generating" })
	if jb, jc := jobOf(t, url, b.ID), jobOf(t, url, c.ID); jb.Status != "queued" || jb.QueuePosition != 1 || jc.QueuePosition != 2 || jb.Started != nil {
		t.Fatalf("queue: b %+v c %+v", jb, jc)
	}
	// cancel queued b at once
	resp, body := post(t, url+"/sdcpp/v1/jobs/"+b.ID+"/cancel", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("cancel b: %d %s", resp.StatusCode, body)
	}
	if jb := jobOf(t, url, b.ID); jb.Status != "cancelled" || jb.Started != nil || jb.Error == nil || jb.Error.Code != "cancelled" {
		t.Fatalf("b after cancel %+v", jb)
	}
	if jc := jobOf(t, url, c.ID); jc.QueuePosition != 1 {
		t.Fatalf("c moved up? %+v", jc)
	}
	// cancel generating a
	if resp, _ := post(t, url+"/sdcpp/v1/jobs/"+a.ID+"/cancel", nil); resp.StatusCode != 200 {
		t.Fatalf("cancel a: %d", resp.StatusCode)
	}
	if ja := waitJob(t, url, a.ID); ja.Status != "cancelled" || ja.Result != nil || ja.Error.Code != "cancelled" {
		t.Fatalf("a after cancel %+v", ja)
	}
	waitFor(t, "c generating", func() bool { return jobOf(t, url, c.ID).Status == "generating" })
	post(t, url+"/sdcpp/v1/jobs/"+c.ID+"/cancel", nil)
	waitJob(t, url, c.ID)
	if resp, _ := post(t, url+"/sdcpp/v1/jobs/"+a.ID+"/cancel", nil); resp.StatusCode != 409 {
		t.Fatalf("cancel finished: %d, want 409", resp.StatusCode)
	}
	resp, body = post(t, url+"/sdcpp/v1/jobs/job_nope/cancel", nil)
	var e struct{ Error JobError }
	strict(t, body, &e)
	if resp.StatusCode != 404 || e.Error.Code != "not_found" {
		t.Fatalf("unknown: %d %s", resp.StatusCode, body)
	}
	if code := get(t, url+"/sdcpp/v1/jobs/job_nope", nil); code != 404 {
		t.Fatalf("status unknown: %d", code)
	}
	r, err := http.Post(url+"/sdcpp/v1/img_gen", "application/json", strings.NewReader("{broken"))
	if err != nil || r.StatusCode != 400 {
		t.Fatalf("bad json: %v %v", err, r.StatusCode)
	}
	r.Body.Close()
}

func TestSDCppInitImage(t *testing.T) {
	_, url := start(t, Options{})
	red := solid(4, 4, color.NRGBA{220, 0, 0, 255})
	j := waitJob(t, url, submit(t, url, map[string]any{"prompt": "p", "seed": 1, "width": 8, "height": 8, "strength": 0,
		"init_image": "data:image/png;base64," + red, "sample_params": map[string]any{"sample_steps": 2}}).ID)
	if c := at(pngOf(t, j.Result.Images[0].B64JSON), 7, 7); c != (color.NRGBA{220, 0, 0, 255}) {
		t.Fatalf("strength 0 pixel %v", c)
	}
	if resp, _ := post(t, url+"/sdcpp/v1/img_gen", map[string]any{"prompt": "p", "init_image": "garbage"}); resp.StatusCode != 400 {
		t.Fatalf("bad init: %d", resp.StatusCode)
	}
}

func TestSDCppFaults(t *testing.T) {
	exited := make(chan int, 1)
	_, url := start(t, Options{SlowDelay: time.Minute, Exit: func(c int) { exited <- c }})
	req := func(f string) map[string]any {
		return map[string]any{"prompt": "x sdtest:" + f, "width": 8, "height": 8, "sample_params": map[string]any{"sample_steps": 4}}
	}
	if j := waitJob(t, url, submit(t, url, req("oom")).ID); j.Status != "failed" || j.Error == nil || j.Error.Code != "generation_failed" || j.Result != nil {
		t.Fatalf("oom job %+v", j)
	}

	m := submit(t, url, req("malformed"))
	var body []byte
	waitFor(t, "malformed", func() bool {
		r, err := http.Get(url + "/sdcpp/v1/jobs/" + m.ID)
		if err != nil {
			t.Fatal(err)
		}
		body, _ = io.ReadAll(r.Body)
		r.Body.Close()
		return !json.Valid(body) || !strings.Contains(string(body), `"generating"`)
	})
	if json.Valid(body) {
		t.Fatalf("malformed job status is valid JSON: %s", body)
	}

	d := submit(t, url, req("drop"))
	waitFor(t, "drop", func() bool {
		r, err := http.Get(url + "/sdcpp/v1/jobs/" + d.ID)
		if err == nil {
			_, err = io.ReadAll(r.Body)
			r.Body.Close()
		}
		return errors.Is(err, io.ErrUnexpectedEOF)
	})

	sl := submit(t, url, req("slow"))
	c := http.Client{Timeout: 100 * time.Millisecond}
	waitFor(t, "slow", func() bool {
		r, err := c.Get(url + "/sdcpp/v1/jobs/" + sl.ID)
		if err == nil {
			r.Body.Close()
		}
		return err != nil
	})

	cr := submit(t, url, req("crash"))
	select {
	case code := <-exited:
		if code != CrashExitCode {
			t.Fatalf("exit code %d", code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("crash did not exit")
	}
	if j := waitJob(t, url, cr.ID); j.Status != "failed" {
		t.Fatalf("crashed job %+v", j)
	}
}
