package render_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"easel/app"
	"easel/app/engine"
	"easel/internal/sdtest"
)

// Pictures made by a real backend client against the test generation
// server, run as its own process: no diffusion model can run here, and
// this server speaks A1111's documented API.

var (
	sdtestOnce sync.Once
	sdtestExe  string
	sdtestErr  error
)

// sdtestServer starts the test generation server in A1111's flavour.
func sdtestServer(t *testing.T, args ...string) *sdtest.Process {
	t.Helper()
	sdtestOnce.Do(func() {
		dir, err := os.MkdirTemp("", "easel-render-sdtest-")
		if err != nil {
			sdtestErr = err
			return
		}
		sdtestExe, sdtestErr = sdtest.Build(dir)
	})
	if sdtestErr != nil {
		t.Fatal(sdtestErr)
	}
	return sdtest.Start(t, sdtestExe, append([]string{"--a1111"}, args...)...)
}

const testModel = "studio/v1-5-pruned-emaonly"

// withBackend sets up backend "studio" at url and lets email use the
// test model; it waits until the backend answers.
func (s *studio) withBackend(url string, users ...string) {
	s.t.Helper()
	if _, err := s.set.Generation.SetBackends(s.admin, []app.Backend{{Name: "studio", Kind: app.BackendA1111, URL: url}}); err != nil {
		s.t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		st, err := s.set.Generation.TestBackend(s.admin, "studio")
		if err == nil && st.State == app.BackendReachable {
			break
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the backend never answered: %+v %v", st, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if _, err := s.set.Generation.SetModelAccess(s.admin, app.ModelAccess{Model: testModel, UserIDs: users}); err != nil {
		s.t.Fatal(err)
	}
}

func txt2img(prompt string, steps, size int) string {
	return fmt.Sprintf(`{"nodes": {
  "gen": {"id": "gen", "type": "txt2img", "prompt": %q, "negative_prompt": "fog", "model": %q, "steps": %d, "width": %d, "height": %d, "seed": 11},
  "save": {"id": "save", "type": "save_image", "board_name": "Real"}},
 "edges": [{"source": {"node_id": "gen", "field": "image"}, "destination": {"node_id": "save", "field": "image"}}]}`, prompt, testModel, steps, size, size)
}

// drain returns what sub may see of the events so far.
func drain(t *testing.T, sub *app.Subscription) []*app.QueueEvent {
	var out []*app.QueueEvent
	for {
		select {
		case d := <-sub.C:
			if ev, err := sub.Shape(d); err == nil && ev != nil {
				out = append(out, ev)
			}
		default:
			return out
		}
	}
}

func TestTxt2imgOnABackendSavesTheOwnersPicturePrivately(t *testing.T) {
	srv := sdtestServer(t, "--step-delay", "40ms", "--preview-every", "2")
	s := openStudio(t, t.TempDir(), false)
	s.setup()
	bob, bobCtx := s.user("bob@t.co")
	ann, _ := s.user("ann@t.co")
	s.withBackend(srv.URL, bob.UserID)
	mine := s.events.Subscribe(func() (*app.User, error) { return bob, nil })
	theirs := s.events.Subscribe(func() (*app.User, error) { return ann, nil })
	defer mine.Close()
	defer theirs.Close()
	s.worker.Start(context.Background())
	defer s.worker.Stop()

	it := s.wait(bobCtx, s.enqueue(bobCtx, txt2img("a lighthouse at dusk", 30, 128), 1).ItemIDs[0], 30*time.Second)
	if it.Status != app.StatusCompleted || len(it.ImageNames) != 1 {
		t.Fatalf("item = %+v", it)
	}
	img, err := s.images.FindImage(bobCtx, it.ImageNames[0])
	if err != nil {
		t.Fatal(err)
	}
	var meta engine.Metadata
	if err := json.Unmarshal(img.Metadata, &meta); err != nil {
		t.Fatal(err)
	}
	if img.UserID != bob.UserID || img.Width != 128 || img.Height != 128 || meta.Prompt != "a lighthouse at dusk" ||
		meta.NegativePrompt != "fog" || meta.Model != testModel || meta.Backend != "studio" || meta.Steps != 30 ||
		meta.Sampler == "" || meta.Seed == nil || *meta.Seed != 11 || meta.CFGScale != 7 {
		t.Fatalf("image %+v, metadata %+v", img, meta)
	}

	time.Sleep(50 * time.Millisecond)
	var steps, previews int
	for _, ev := range drain(t, mine) {
		if ev.Type != app.EventNodeProgress {
			continue
		}
		if strings.HasPrefix(ev.Message, "Step ") {
			steps++
		}
		if ev.Image != nil && strings.HasPrefix(ev.Image.DataURL, "data:image/") && ev.Image.Width > 0 {
			previews++
		}
	}
	if steps == 0 || previews == 0 {
		t.Errorf("the owner saw %d step messages and %d previews", steps, previews)
	}
	for _, ev := range drain(t, theirs) {
		if ev.Type != app.EventItemStatus || ev.Message != "" || ev.Image != nil || ev.Item.Graph != nil {
			t.Fatalf("another profile saw %+v", ev)
		}
	}
}

func TestCancelInterruptsTheBackendsJob(t *testing.T) {
	srv := sdtestServer(t, "--step-delay", "40ms")
	s := openStudio(t, t.TempDir(), true)
	s.setup()
	bob, bobCtx := s.user("bob@t.co")
	s.withBackend(srv.URL, bob.UserID)
	id := s.enqueue(bobCtx, txt2img("a long night", 150, 64), 1).ItemIDs[0]
	busy := func() bool {
		resp, err := http.Get(srv.URL + "/sdapi/v1/progress?skip_current_image=true")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var p struct {
			State struct {
				SamplingStep int `json:"sampling_step"`
				JobCount     int `json:"job_count"`
			} `json:"state"`
		}
		json.NewDecoder(resp.Body).Decode(&p)
		return p.State.JobCount > 0 && p.State.SamplingStep > 0
	}
	deadline := time.Now().Add(15 * time.Second)
	for !busy() {
		if time.Now().After(deadline) {
			t.Fatal("the backend never started the job")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := s.queue.CancelItem(bobCtx, id); err != nil {
		t.Fatal(err)
	}
	if it := s.wait(bobCtx, id, 10*time.Second); it.Status != app.StatusCanceled {
		t.Fatalf("item = %+v", it)
	}
	// 150 steps take 6 s; an interrupted job frees the server at once.
	deadline = time.Now().Add(2 * time.Second)
	for busy() {
		if time.Now().After(deadline) {
			t.Fatal("the backend is still making the canceled picture")
		}
		time.Sleep(20 * time.Millisecond)
	}
	next := s.wait(bobCtx, s.enqueue(bobCtx, txt2img("a short day", 2, 64), 1).ItemIDs[0], 15*time.Second)
	if next.Status != app.StatusCompleted {
		t.Fatalf("next = %+v", next)
	}
}

// A backend's failure fails the item with the backend named and what to
// do; the next item runs; a dead backend says it does not answer.
func TestBackendFailuresAreClearAndTheQueueGoesOn(t *testing.T) {
	srv := sdtestServer(t, "--step-delay", "5ms")
	s := openStudio(t, t.TempDir(), true)
	s.setup()
	bob, bobCtx := s.user("bob@t.co")
	s.withBackend(srv.URL, bob.UserID)
	oom := s.wait(bobCtx, s.enqueue(bobCtx, txt2img("sdtest:oom a whale", 4, 64), 1).ItemIDs[0], 15*time.Second)
	if oom.Status != app.StatusFailed || !strings.Contains(oom.ErrorMessage, "studio") || !strings.Contains(oom.ErrorMessage, "memory") {
		t.Fatalf("out of memory: %+v", oom)
	}
	if ok := s.wait(bobCtx, s.enqueue(bobCtx, txt2img("a whale", 2, 64), 1).ItemIDs[0], 15*time.Second); ok.Status != app.StatusCompleted {
		t.Fatalf("after the failure: %+v", ok)
	}
	srv.Cmd.Process.Kill()
	<-srv.Exited
	down := s.wait(bobCtx, s.enqueue(bobCtx, txt2img("a whale", 2, 64), 1).ItemIDs[0], 15*time.Second)
	if down.Status != app.StatusFailed || !strings.Contains(down.ErrorMessage, "studio") || !strings.Contains(down.ErrorMessage, "answer") {
		t.Fatalf("backend down: %+v", down)
	}
}
