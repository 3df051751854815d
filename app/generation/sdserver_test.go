package generation

import (
	"context"
	"encoding/json"
	"errors"
	"image/color"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"easel/app"
)

func livePID(t *testing.T, r *Runtime, name string) int {
	t.Helper()
	b := r.backend(name)
	if b == nil || b.sup == nil {
		t.Fatalf("no sd-server backend %s", name)
	}
	return b.sup.livePID()
}

// sdServerURL is where the sd-server Easel runs for name answers now.
func sdServerURL(t *testing.T, r *Runtime, name string) string {
	t.Helper()
	_, _, inst := r.backend(name).sup.snapshot()
	if inst == nil {
		t.Fatalf("sd-server %s is not running", name)
	}
	return inst.client.c.base
}

func TestSDServerStartsAndMakesPictures(t *testing.T) {
	t.Parallel()
	r, _ := newRuntime(t, Options{})
	r.Configure([]app.Backend{sdServerBackend(t, "local", "tiny-model")})
	// Configure does not wait for the process.
	if st, _ := statusOf(r, "local"); st.State != app.BackendStarting && st.State != app.BackendReachable {
		t.Fatalf("right after Configure: %+v", st)
	}
	st := waitState(t, r, "local", app.BackendReachable)
	if want := []app.Model{{ID: "local/tiny-model", Name: "tiny-model", Backend: "local"}}; !slices.Equal(st.Models, want) {
		t.Fatalf("models %v, want %v", st.Models, want)
	}
	if !slices.Contains(st.Samplers, "euler_a") {
		t.Fatalf("samplers %v", st.Samplers)
	}
	g := gen(t, r, "local/tiny-model")
	ctx := testCtx(t)

	var p progressLog
	job := testJob("", "a quiet harbour", 80, 64, 8)
	job.Seed = 4321
	res, err := g.Generate(ctx, job, p.add)
	if err != nil {
		t.Fatal(err)
	}
	wantSize(t, res.Image, 80, 64)
	if res.Seed != 4321 || res.Backend != "local" || res.Model != "tiny-model" {
		t.Fatalf("result %+v", res)
	}
	p.check(t, 8, 80, 64)

	blue := color.NRGBA{20, 40, 220, 255}
	keep := job
	keep.Init, keep.Strength, keep.Steps = solid(16, 16, blue), 0, 2
	kept, err := g.Generate(ctx, keep, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantSize(t, kept.Image, 80, 64)
	if got := nrgba(kept.Image.At(40, 30)); got != blue {
		t.Fatalf("img2img at strength 0 gave %v, want the input's %v", got, blue)
	}
}

var submittedJob = regexp.MustCompile(`sd-server job submitted.* job=(job_[0-9A-F]+)`)

func TestSDServerCancelStopsTheServersJob(t *testing.T) {
	t.Parallel()
	r, logs := newRuntime(t, Options{})
	r.Configure([]app.Backend{sdServerBackend(t, "local", "tiny-model")})
	waitState(t, r, "local", app.BackendReachable)
	g := gen(t, r, "local/tiny-model")

	ctx, cancel := context.WithCancel(testCtx(t))
	var p progressLog
	errc := make(chan error, 1)
	go func() {
		_, err := g.Generate(ctx, testJob("", "a long one", 64, 64, 1000), p.add) // 50 s if not stopped
		errc <- err
	}()
	waitFor(t, 10*time.Second, "the job to get going", func() bool { return p.last() >= 2 })
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled job: %v, want context.Canceled", err)
	}
	m := submittedJob.FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatal("the log does not name the submitted job")
	}
	jobURL := sdServerURL(t, r, "local") + "/sdcpp/v1/jobs/" + m[1]
	waitFor(t, 2*time.Second, "the server's job to be cancelled", func() bool {
		resp, err := http.Get(jobURL)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var j struct{ Status string }
		json.NewDecoder(resp.Body).Decode(&j)
		return j.Status == "cancelled"
	})

	res, err := g.Generate(testCtx(t), testJob("", "the next one", 32, 32, 3), nil)
	if err != nil {
		t.Fatal(err)
	}
	wantSize(t, res.Image, 32, 32)
}

func TestSDServerFaultsAreToldClearly(t *testing.T) {
	t.Parallel()
	r, _ := newRuntime(t, Options{JobTimeout: 2 * time.Second})
	r.Configure([]app.Backend{sdServerBackend(t, "local", "tiny-model")})
	waitState(t, r, "local", app.BackendReachable)
	g := gen(t, r, "local/tiny-model")
	pid := livePID(t, r, "local")

	for _, tc := range []struct{ fault, want string }{
		{"oom", "Backend local ran out of memory making a 64×48 picture. Try a smaller size or fewer steps."},
		{"malformed", "Backend local sent an answer Easel could not read (it is not valid JSON)."},
		{"drop", "Backend local sent an answer Easel could not read (the connection closed in the middle of it)."},
		{"slow", "Backend local did not finish within 2 s."},
	} {
		t.Run(tc.fault, func(t *testing.T) {
			_, err := g.Generate(testCtx(t), testJob("", "a cat sdtest:"+tc.fault, 64, 48, 4), nil)
			wantMessage(t, err, app.EINVALID, tc.want)
			res, err := g.Generate(testCtx(t), testJob("", "a cat", 32, 32, 3), nil)
			if err != nil {
				t.Fatalf("after %s: %v", tc.fault, err)
			}
			wantSize(t, res.Image, 32, 32)
		})
	}
	if now := livePID(t, r, "local"); now != pid {
		t.Fatalf("sd-server was restarted (pid %d, now %d); none of these faults stops it", pid, now)
	}
}

func TestSDServerCrashIsRestarted(t *testing.T) {
	t.Parallel()
	r, _ := newRuntime(t, Options{RestartDelay: 300 * time.Millisecond})
	r.Configure([]app.Backend{sdServerBackend(t, "local", "tiny-model")})
	waitState(t, r, "local", app.BackendReachable)
	g := gen(t, r, "local/tiny-model")
	first := livePID(t, r, "local")

	_, err := g.Generate(testCtx(t), testJob("", "sdtest:crash", 64, 64, 8), nil)
	wantMessage(t, err, app.EINVALID, "Backend local (sd-server) stopped during this picture; Easel is starting it again. Retry the item in a minute.")

	st := waitState(t, r, "local", app.BackendRestarting)
	if want := "sd-server stopped (exit status 3); starting it again in 0.3 s"; !strings.HasPrefix(st.LastError, want) {
		t.Fatalf("LastError %q, want it to start %q", st.LastError, want)
	}
	_, err = g.Generate(testCtx(t), testJob("", "too soon", 32, 32, 2), nil)
	wantMessage(t, err, app.EINVALID, "Backend local (sd-server) is not running: sd-server stopped (exit status 3)")

	waitState(t, r, "local", app.BackendReachable)
	if second := livePID(t, r, "local"); second == first || second == 0 {
		t.Fatalf("pid %d after a restart from %d", second, first)
	}
	if !processGone(t, first) {
		t.Fatalf("the crashed process %d is still there", first)
	}
	res, err := g.Generate(testCtx(t), testJob("", "again", 32, 32, 3), nil)
	if err != nil {
		t.Fatal(err)
	}
	wantSize(t, res.Image, 32, 32)
}

func TestSDServerRestartPausesGrow(t *testing.T) {
	t.Parallel()
	r, logs := newRuntime(t, Options{RestartDelay: 20 * time.Millisecond, MaxRestartDelay: 80 * time.Millisecond})
	broken := app.Backend{Name: "broken", Kind: app.BackendSDServer,
		Executable: filepath.Join(t.TempDir(), "no-sd-server-here"), ModelFile: filepath.Join(t.TempDir(), "m.gguf")}
	r.Configure([]app.Backend{broken})

	pauses := regexp.MustCompile(`trying again in ([0-9.]+ s)`)
	waitFor(t, 5*time.Second, "five tries", func() bool {
		return len(pauses.FindAllString(logs.String(), -1)) >= 5
	})
	var got []string
	for _, m := range pauses.FindAllStringSubmatch(logs.String(), 5) {
		got = append(got, m[1])
	}
	if want := []string{"0.02 s", "0.04 s", "0.08 s", "0.08 s", "0.08 s"}; !slices.Equal(got, want) {
		t.Fatalf("pauses %v, want %v", got, want)
	}
	st := waitState(t, r, "broken", app.BackendRestarting)
	if !strings.HasPrefix(st.LastError, "sd-server could not start (") {
		t.Fatalf("LastError %q", st.LastError)
	}
	_, err := gen(t, r, "broken/m").Generate(testCtx(t), testJob("", "x", 32, 32, 2), nil)
	wantMessage(t, err, app.EINVALID, "Backend broken (sd-server) is not running: sd-server could not start (")
}

func TestStopLeavesNoProcess(t *testing.T) {
	t.Parallel()
	r, _ := newRuntime(t, Options{})
	r.Configure([]app.Backend{sdServerBackend(t, "local", "tiny-model")})
	waitState(t, r, "local", app.BackendReachable)
	pid := livePID(t, r, "local")

	var p progressLog
	errc := make(chan error, 1)
	go func() {
		_, err := gen(t, r, "local/tiny-model").Generate(testCtx(t), testJob("", "long", 32, 32, 1000), p.add)
		errc <- err
	}()
	waitFor(t, 10*time.Second, "the job to get going", func() bool { return p.last() >= 1 })
	r.Stop()
	if !processGone(t, pid) {
		t.Fatalf("sd-server %d is still running after Stop", pid)
	}
	wantMessage(t, <-errc, app.EINVALID, "Easel is stopping, so backend local stopped this picture.")

	// Nothing starts again after Stop.
	r.Configure([]app.Backend{sdServerBackend(t, "later", "tiny-model")})
	if sts := r.Statuses(); len(sts) != 0 {
		t.Fatalf("statuses after Stop: %+v", sts)
	}
}

func TestSDServerThatNeverAnswersIsKilledAndRestarted(t *testing.T) {
	t.Parallel()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// The start timeout leaves the (race-built, slow to start) test binary
	// time to ignore SIGTERM and say its line before it is stopped.
	r, logs := newRuntime(t, Options{StartTimeout: time.Second, StopGrace: 200 * time.Millisecond,
		RestartDelay: time.Second, JobTimeout: 100 * time.Millisecond})
	r.Configure([]app.Backend{{Name: "stuck", Kind: app.BackendSDServer, Executable: self,
		ModelFile: filepath.Join(t.TempDir(), hangingModel)}})

	// A job arriving while it starts waits for it, within its timeout.
	_, err = gen(t, r, "stuck/m").Generate(testCtx(t), testJob("", "x", 32, 32, 2), nil)
	wantMessage(t, err, app.EINVALID, "Backend stuck (sd-server) is still starting (loading its model). Retry the item in a minute.")

	waitFor(t, 5*time.Second, "a pid", func() bool { return livePID(t, r, "stuck") != 0 })
	pid := livePID(t, r, "stuck")
	st := waitState(t, r, "stuck", app.BackendRestarting)
	want := `sd-server did not answer within 1 s of starting; starting it again in 1 s. Its last words: "loading a model that never loads"`
	if st.LastError != want {
		t.Fatalf("LastError %q, want %q", st.LastError, want)
	}
	if !strings.Contains(logs.String(), "did not stop in time; killing it") || !processGone(t, pid) {
		t.Fatalf("the process %d that ignored SIGTERM was not killed", pid)
	}
}
