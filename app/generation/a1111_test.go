package generation

import (
	"context"
	"encoding/json"
	"errors"
	"image/color"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"easel/app"
)

const sdModel = "v1-5-pruned-emaonly"

func TestA1111ListsModelsAndSamplers(t *testing.T) {
	t.Parallel()
	srv := startServer(t, "--a1111", "--step-delay", "5ms")
	r, _ := newRuntime(t, Options{})
	r.Configure([]app.Backend{a1111Backend("studio", srv.URL)})

	// The background check after Configure finds it, without Test.
	st := waitState(t, r, "studio", app.BackendReachable)
	want := app.Model{ID: "studio/" + sdModel, Name: sdModel, Backend: "studio"}
	if !slices.Contains(st.Models, want) || !slices.Contains(st.Samplers, "Euler a") {
		t.Fatalf("models %v, samplers %v: want %v and Euler a", st.Models, st.Samplers, want)
	}
	if st.LastError != "" || st.CheckedAt.IsZero() {
		t.Fatalf("status %+v", st)
	}

	tested, err := r.Test(testCtx(t), "studio")
	if err != nil || tested.State != app.BackendReachable || tested.CheckedAt.Before(st.CheckedAt) {
		t.Fatalf("Test: %+v, %v", tested, err)
	}
	_, err = r.Test(testCtx(t), "nobody")
	wantMessage(t, err, app.ENOTFOUND, `There is no backend named "nobody".`)
}

func TestA1111MakesPictures(t *testing.T) {
	t.Parallel()
	srv := startServer(t, "--a1111", "--step-delay", "2ms")
	r, _ := newRuntime(t, Options{})
	r.Configure([]app.Backend{a1111Backend("studio", srv.URL)})
	waitState(t, r, "studio", app.BackendReachable)
	g := gen(t, r, "studio/"+sdModel)
	ctx := testCtx(t)

	job := testJob("studio/"+sdModel, "a lighthouse at dusk", 96, 64, 4)
	job.Sampler = "Euler a"
	txt, err := g.Generate(ctx, job, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantSize(t, txt.Image, 96, 64)
	if txt.Seed != 1234 || txt.Backend != "studio" || txt.Model != sdModel || txt.Sampler != "Euler a" {
		t.Fatalf("result %+v", txt)
	}

	random := job
	random.Seed = -1
	res, err := g.Generate(ctx, random, nil)
	if err != nil || res.Seed < 0 || res.Seed >= 1<<32 {
		t.Fatalf("random seed: %+v, %v", res, err)
	}

	// img2img: strength 0 gives the input back, strength 1 the txt2img
	// picture of the same prompt and seed; so the input and the strength
	// both reached the server.
	red := color.NRGBA{200, 30, 60, 255}
	keep := job
	keep.Init, keep.Strength = solid(32, 32, red), 0
	kept, err := g.Generate(ctx, keep, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantSize(t, kept.Image, 96, 64)
	if got := nrgba(kept.Image.At(10, 10)); got != red {
		t.Fatalf("img2img at strength 0 gave %v, want the input's %v", got, red)
	}
	redo := keep
	redo.Strength = 1
	redone, err := g.Generate(ctx, redo, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !samePixels(redone.Image, txt.Image) {
		t.Fatal("img2img at strength 1 is not the txt2img picture")
	}
}

func TestA1111ReportsProgressAndPreviews(t *testing.T) {
	t.Parallel()
	srv := startServer(t, "--a1111", "--step-delay", "25ms", "--preview-every", "2")
	r, _ := newRuntime(t, Options{})
	r.Configure([]app.Backend{a1111Backend("studio", srv.URL)})
	waitState(t, r, "studio", app.BackendReachable)

	var p progressLog
	res, err := gen(t, r, "studio/"+sdModel).Generate(testCtx(t), testJob("", "a fox", 64, 48, 12), p.add)
	if err != nil {
		t.Fatal(err)
	}
	wantSize(t, res.Image, 64, 48)
	p.check(t, 12, 64, 48)
}

// a1111Idle reports whether the server has no job running.
func a1111Idle(t *testing.T, url string) bool {
	resp, err := http.Get(url + "/sdapi/v1/progress?skip_current_image=true")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p struct {
		State struct {
			SamplingSteps int `json:"sampling_steps"`
		} `json:"state"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	return p.State.SamplingSteps == 0
}

func TestA1111CancelInterruptsTheServersJob(t *testing.T) {
	t.Parallel()
	srv := startServer(t, "--a1111", "--step-delay", "20ms")
	r, _ := newRuntime(t, Options{})
	r.Configure([]app.Backend{a1111Backend("studio", srv.URL)})
	waitState(t, r, "studio", app.BackendReachable)
	g := gen(t, r, "studio/"+sdModel)

	ctx, cancel := context.WithCancel(testCtx(t))
	var p progressLog
	errc := make(chan error, 1)
	go func() {
		_, err := g.Generate(ctx, testJob("", "a long one", 64, 64, 1000), p.add) // 20 s if not stopped
		errc <- err
	}()
	waitFor(t, 10*time.Second, "the job to get going", func() bool { return p.last() >= 2 })
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("canceled job: %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Generate did not return after its context was canceled")
	}
	waitFor(t, 2*time.Second, "the server's job to stop", func() bool { return a1111Idle(t, srv.URL) })

	res, err := g.Generate(testCtx(t), testJob("", "the next one", 32, 32, 3), nil)
	if err != nil {
		t.Fatal(err)
	}
	wantSize(t, res.Image, 32, 32)
}

func TestA1111FaultsAreToldClearly(t *testing.T) {
	t.Parallel()
	srv := startServer(t, "--a1111", "--step-delay", "5ms", "--slow-delay", "1m")
	r, _ := newRuntime(t, Options{JobTimeout: time.Second})
	r.Configure([]app.Backend{a1111Backend("studio", srv.URL)})
	waitState(t, r, "studio", app.BackendReachable)
	g := gen(t, r, "studio/"+sdModel)

	for _, tc := range []struct{ fault, want string }{
		{"oom", "Backend studio ran out of memory making a 64×48 picture. Try a smaller size or fewer steps."},
		{"malformed", "Backend studio sent an answer Easel could not read (it is not valid JSON). Retry the item;"},
		{"drop", "Backend studio sent an answer Easel could not read (the connection closed in the middle of it)."},
		{"slow", "Backend studio did not finish within 1 s."},
	} {
		t.Run(tc.fault, func(t *testing.T) {
			_, err := g.Generate(testCtx(t), testJob("", "a cat sdtest:"+tc.fault, 64, 48, 4), nil)
			wantMessage(t, err, app.EINVALID, tc.want)
			if msg := err.Error(); strings.Contains(msg, "CUDA") || strings.Contains(msg, "iVBOR") {
				t.Fatalf("the message quotes the server's answer: %q", msg)
			}
			res, err := g.Generate(testCtx(t), testJob("", "a cat", 32, 32, 3), nil)
			if err != nil {
				t.Fatalf("after %s: %v", tc.fault, err)
			}
			wantSize(t, res.Image, 32, 32)
		})
	}
}

func TestA1111CrashLeavesItUnreachable(t *testing.T) {
	t.Parallel()
	srv := startServer(t, "--a1111", "--step-delay", "5ms")
	r, _ := newRuntime(t, Options{})
	r.Configure([]app.Backend{a1111Backend("studio", srv.URL)})
	waitState(t, r, "studio", app.BackendReachable)

	_, err := gen(t, r, "studio/"+sdModel).Generate(testCtx(t), testJob("", "sdtest:crash", 64, 64, 8), nil)
	want := "Backend studio at " + srv.URL + " does not answer. Is the server running? Start it with --api, then retry."
	wantMessage(t, err, app.EINVALID, want)
	select {
	case <-srv.Exited:
	case <-time.After(5 * time.Second):
		t.Fatal("the server did not exit")
	}
	st, err := r.Test(testCtx(t), "studio")
	if err != nil || st.State != app.BackendUnreachable || st.LastError != want {
		t.Fatalf("after the crash: %+v, %v", st, err)
	}
}

func TestA1111UnreachableAddress(t *testing.T) {
	t.Parallel()
	url := "http://" + deadAddress(t)
	r, _ := newRuntime(t, Options{})
	r.Configure([]app.Backend{a1111Backend("attic", url)})
	want := "Backend attic at " + url + " does not answer. Is the server running? Start it with --api, then retry."
	waitFor(t, 10*time.Second, "attic unreachable", func() bool {
		st, _ := statusOf(r, "attic")
		return st.State == app.BackendUnreachable && st.LastError == want
	})
	_, err := gen(t, r, "attic/anything").Generate(testCtx(t), testJob("", "x", 32, 32, 2), nil)
	wantMessage(t, err, app.EINVALID, want)
}

func TestGeneratorRefusesModelsNobodyOffers(t *testing.T) {
	t.Parallel()
	srv := startServer(t, "--a1111", "--step-delay", "2ms")
	r, _ := newRuntime(t, Options{})
	r.Configure([]app.Backend{a1111Backend("studio", srv.URL)})
	waitState(t, r, "studio", app.BackendReachable)

	for _, id := range []string{"nobody/" + sdModel, sdModel, "studio/"} {
		_, err := r.Generator(id)
		wantMessage(t, err, app.ENOTFOUND, "No backend offers the model")
	}
	// The backend is known but does not list the model: refused before
	// anything is sent (A1111 would use whatever it has loaded).
	_, err := gen(t, r, "studio/no-such-model").Generate(testCtx(t), testJob("", "x", 32, 32, 2), nil)
	wantMessage(t, err, app.ENOTFOUND, `Backend studio does not offer the model "no-such-model".`)
}

func TestA1111AgainstSDServersSubset(t *testing.T) {
	t.Parallel()
	// sd-server's /sdapi/v1 has no /progress and an empty info: pictures
	// still come, quietly without progress.
	srv := startServer(t, "-m", "/models/dreamy.safetensors", "--step-delay", "5ms")
	r, logs := newRuntime(t, Options{})
	r.Configure([]app.Backend{a1111Backend("subset", srv.URL)})
	st := waitState(t, r, "subset", app.BackendReachable)
	if len(st.Models) != 1 || st.Models[0].ID != "subset/dreamy" {
		t.Fatalf("models %v", st.Models)
	}
	var p progressLog
	res, err := gen(t, r, "subset/dreamy").Generate(testCtx(t), testJob("", "a boat", 48, 40, 6), p.add)
	if err != nil {
		t.Fatal(err)
	}
	wantSize(t, res.Image, 48, 40)
	if res.Seed != 1234 {
		t.Fatalf("seed %d", res.Seed)
	}
	if strings.Contains(logs.String(), "level=WARN") {
		t.Fatalf("warnings for a server without /progress:\n%s", logs)
	}
}

func TestTwoJobsOnOneBackendRunOneAtATime(t *testing.T) {
	t.Parallel()
	srv := startServer(t, "--a1111", "--step-delay", "10ms")
	r, _ := newRuntime(t, Options{})
	r.Configure([]app.Backend{a1111Backend("studio", srv.URL)})
	waitState(t, r, "studio", app.BackendReachable)
	g := gen(t, r, "studio/"+sdModel)

	// A1111's /progress shows whatever job the server runs: a second job
	// polling while the first runs would see the first's steps. With the
	// lock, its first progress comes after the first job ended.
	var wg sync.WaitGroup
	var logs [2]progressLog
	var ended [2]time.Time
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := g.Generate(testCtx(t), testJob("", "turn", 32, 32, 25), logs[i].add); err != nil {
				t.Error(err)
			}
			ended[i] = time.Now()
		}()
	}
	wg.Wait()
	firstDone, second := 0, 1
	if ended[1].Before(ended[0]) {
		firstDone, second = 1, 0
	}
	if start := logs[second].firstAt(); start.IsZero() || start.Before(ended[firstDone]) {
		t.Fatalf("the second job showed progress at %v, before the first ended at %v", start, ended[firstDone])
	}
}

func TestBackendsRunInParallel(t *testing.T) {
	t.Parallel()
	one := startServer(t, "--a1111", "--step-delay", "15ms")
	two := startServer(t, "--a1111", "--step-delay", "15ms")
	r, _ := newRuntime(t, Options{})
	r.Configure([]app.Backend{a1111Backend("one", one.URL), a1111Backend("two", two.URL), a1111Backend("down", "http://"+deadAddress(t))})
	waitState(t, r, "one", app.BackendReachable)
	waitState(t, r, "two", app.BackendReachable)
	waitState(t, r, "down", app.BackendUnreachable)

	var wg sync.WaitGroup
	var logs [2]progressLog
	var ended [2]time.Time
	for i, name := range []string{"one", "two"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := gen(t, r, name+"/"+sdModel).Generate(testCtx(t), testJob("", "both", 32, 32, 30), logs[i].add); err != nil {
				t.Error(err)
			}
			ended[i] = time.Now()
		}()
	}
	wg.Wait()
	for i := range 2 {
		if start := logs[i].firstAt(); start.IsZero() || !start.Before(ended[1-i]) {
			t.Fatalf("job %d started at %v, not before the other ended at %v: they did not overlap", i, start, ended[1-i])
		}
	}
}
