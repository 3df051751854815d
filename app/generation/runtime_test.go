package generation

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"easel/app"
)

func TestConfigureAddsRemovesAndReplaces(t *testing.T) {
	t.Parallel()
	one := startServer(t, "--a1111", "--step-delay", "2ms")
	two := startServer(t, "--a1111", "--step-delay", "2ms")
	r, _ := newRuntime(t, Options{})

	r.Configure([]app.Backend{a1111Backend("studio", one.URL)})
	waitState(t, r, "studio", app.BackendReachable)

	// Replace studio's address, add an sd-server.
	local := sdServerBackend(t, "local", "tiny-model")
	r.Configure([]app.Backend{local, a1111Backend("studio", two.URL)})
	if st, _ := statusOf(r, "studio"); st.URL != two.URL {
		t.Fatalf("studio's address is %q, want %q", st.URL, two.URL)
	}
	waitState(t, r, "studio", app.BackendReachable)
	waitState(t, r, "local", app.BackendReachable)
	pid := livePID(t, r, "local")
	if names := statusNames(r); names != "local,studio" {
		t.Fatalf("backends %s", names)
	}

	// The same configuration again changes nothing: the process stays.
	r.Configure([]app.Backend{a1111Backend("studio", two.URL), local})
	if now := livePID(t, r, "local"); now != pid {
		t.Fatalf("an unchanged sd-server was restarted (%d, now %d)", pid, now)
	}

	// A changed model file is a new process, started once the old one
	// has stopped.
	local.ModelFile = strings.Replace(local.ModelFile, "tiny-model", "other-model", 1)
	r.Configure([]app.Backend{a1111Backend("studio", two.URL), local})
	waitFor(t, 15*time.Second, "the new model", func() bool {
		st, _ := statusOf(r, "local")
		return st.State == app.BackendReachable && len(st.Models) == 1 && st.Models[0].ID == "local/other-model"
	})
	if !processGone(t, pid) {
		t.Fatalf("the replaced sd-server %d is still running", pid)
	}
	pid = livePID(t, r, "local")

	// Remove studio, then everything.
	r.Configure([]app.Backend{local})
	if names := statusNames(r); names != "local" {
		t.Fatalf("backends %s", names)
	}
	if _, err := r.Generator("studio/" + sdModel); app.ErrorCode(err) != app.ENOTFOUND {
		t.Fatalf("a removed backend's generator: %v", err)
	}
	r.Configure(nil)
	if names := statusNames(r); names != "" {
		t.Fatalf("backends %s", names)
	}
	waitFor(t, 10*time.Second, "the removed sd-server to stop", func() bool { return processGone(t, pid) })
}

func statusNames(r *Runtime) string {
	var names []string
	for _, st := range r.Statuses() {
		names = append(names, st.Name)
	}
	return strings.Join(names, ",")
}

func TestRemovingABackendEndsItsJob(t *testing.T) {
	t.Parallel()
	srv := startServer(t, "--a1111", "--step-delay", "20ms")
	r, _ := newRuntime(t, Options{})
	r.Configure([]app.Backend{a1111Backend("studio", srv.URL)})
	waitState(t, r, "studio", app.BackendReachable)

	var p progressLog
	errc := make(chan error, 1)
	go func() {
		_, err := gen(t, r, "studio/"+sdModel).Generate(testCtx(t), testJob("", "long", 32, 32, 1000), p.add)
		errc <- err
	}()
	waitFor(t, 10*time.Second, "the job to get going", func() bool { return p.last() >= 2 })
	r.Configure(nil)
	wantMessage(t, <-errc, app.EINVALID, "Backend studio was changed or removed in Settings during this picture. Retry the item.")
	waitFor(t, 2*time.Second, "the server's job to stop", func() bool { return a1111Idle(t, srv.URL) })
}

func TestInvalidBackendIsShownNotRun(t *testing.T) {
	t.Parallel()
	r, _ := newRuntime(t, Options{})
	r.Configure([]app.Backend{{Name: "odd", Kind: "comfy", URL: "http://127.0.0.1:8188"}})
	st, _ := statusOf(r, "odd")
	if st.State != app.BackendUnreachable || !strings.Contains(st.LastError, `the kind must be "a1111" or "sd_server"`) {
		t.Fatalf("status %+v", st)
	}
	_, err := gen(t, r, "odd/x").Generate(testCtx(t), testJob("", "x", 32, 32, 2), nil)
	wantMessage(t, err, app.EINVALID, "Backend odd: the kind must be")
}

func TestBadJobIsRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	r, _ := newRuntime(t, Options{})
	r.Configure([]app.Backend{a1111Backend("attic", "http://"+deadAddress(t))})
	_, err := gen(t, r, "attic/m").Generate(testCtx(t), testJob("", "x", 0, 32, 2), nil)
	wantMessage(t, err, app.EINVALID, "Backend attic: a picture needs a width, a height and a number of steps above 0 (not 0×32, 2 steps).")
}

func TestWaitingForTheLockRespectsContext(t *testing.T) {
	t.Parallel()
	srv := startServer(t, "--a1111", "--step-delay", "20ms")
	r, _ := newRuntime(t, Options{})
	r.Configure([]app.Backend{a1111Backend("studio", srv.URL)})
	waitState(t, r, "studio", app.BackendReachable)
	g := gen(t, r, "studio/"+sdModel)

	var p progressLog
	long, stopLong := context.WithCancel(testCtx(t))
	defer stopLong()
	go g.Generate(long, testJob("", "long", 32, 32, 1000), p.add)
	waitFor(t, 10*time.Second, "the first job to get going", func() bool { return p.last() >= 1 })

	ctx, cancel := context.WithTimeout(testCtx(t), 100*time.Millisecond)
	defer cancel()
	_, err := g.Generate(ctx, testJob("", "waits", 32, 32, 2), nil)
	if ctx.Err() == nil || err == nil || !strings.Contains(err.Error(), "deadline exceeded") {
		t.Fatalf("a job waiting its turn past its deadline: %v", err)
	}
}

func TestQuoteMakesServerTextSafe(t *testing.T) {
	in := "boom\n\t\x00 at line 3: " + strings.Repeat("iVBORw0KGgo", 20) + " end " + strings.Repeat("word ", 60)
	got := quote(in)
	if strings.ContainsAny(got, "\n\t\x00") || strings.Contains(got, "iVBORw0KGgoiVBOR") {
		t.Fatalf("quote kept control characters or the blob: %q", got)
	}
	if !strings.HasPrefix(got, "boom at line 3: … end word word") || !strings.HasSuffix(got, "…") || len([]rune(got)) > 162 {
		t.Fatalf("quote(%q…) = %q", in[:20], got)
	}
}

func TestSpell(t *testing.T) {
	for d, want := range map[time.Duration]string{
		10 * time.Minute: "10 min", time.Minute: "1 min", 90 * time.Second: "90 s",
		4 * time.Second: "4 s", 1500 * time.Millisecond: "1.5 s", 50 * time.Millisecond: "0.05 s",
	} {
		if got := spell(d); got != want {
			t.Errorf("spell(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestOutputLogSplitsLines(t *testing.T) {
	logs := &logBuffer{}
	o := newOutputLog(slog.New(slog.NewJSONHandler(logs, nil)), "stdout")
	o.Write([]byte("loading model\nstep 1/3\rstep 2/3\r"))
	o.Write([]byte("half a "))
	o.Write([]byte("line\n" + strings.Repeat("y", maxOutputLine+10)))
	o.flush()
	var lines []string
	for _, rec := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var r struct{ Line, Stream string }
		if err := json.Unmarshal([]byte(rec), &r); err != nil || r.Stream != "stdout" {
			t.Fatalf("record %q: %v", rec, err)
		}
		lines = append(lines, r.Line)
	}
	want := []string{"loading model", "step 1/3", "step 2/3", "half a line", strings.Repeat("y", maxOutputLine), strings.Repeat("y", 10)}
	if !slices.Equal(lines, want) || o.lastLine() != want[5] {
		t.Fatalf("lines %q", lines)
	}
}
