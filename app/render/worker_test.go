package render_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"easel/app"
	"easel/app/accesstest"
	"easel/app/engine"
	"easel/app/render"
	"easel/internal/studiotest"
	"easel/store"
)

// studio is a real store with its services and worker (studiotest's),
// and the steps these tests take.
type studio struct {
	t      testing.TB
	db     *store.DB
	auth   *store.AuthService
	users  *store.UserService
	boards *store.BoardService
	images *store.ImageService
	queue  *store.QueueService
	events *app.Broker
	worker *render.Worker
	admin  context.Context
	set    *studiotest.Studio
}

// openStudio opens the store in dir, with the worker running when start.
func openStudio(t testing.TB, dir string, start bool, opts ...studiotest.Option) *studio {
	t.Helper()
	if start {
		opts = append(opts, studiotest.Started())
	}
	set := studiotest.NewIn(t, dir, opts...)
	return &studio{t: t, db: set.DB, auth: set.Auth, users: set.Users, boards: set.Boards, images: set.Images,
		queue: set.Queue, events: set.Events, worker: set.Worker, set: set}
}

func (s *studio) setup() {
	s.t.Helper()
	s.admin = s.set.Setup(app.NewUser{Email: "admin@t.co", Password: "admin-password"})
}

func (s *studio) login(email, password string) context.Context {
	s.t.Helper()
	return s.set.Login(email, password)
}

func (s *studio) user(email string) (*app.User, context.Context) {
	s.t.Helper()
	return s.set.CreateUser(s.admin, app.NewUser{Email: email, Password: "password-" + email})
}

func (s *studio) enqueue(ctx context.Context, graph string, runs int) *app.EnqueueResult {
	s.t.Helper()
	res, err := s.queue.Enqueue(ctx, app.Batch{Graph: json.RawMessage(graph), Runs: runs}, 0)
	if err != nil {
		s.t.Fatal(err)
	}
	return res
}

// wait polls an item until it is finished.
func (s *studio) wait(ctx context.Context, id uint64, within time.Duration) *app.QueueItem {
	s.t.Helper()
	deadline := time.Now().Add(within)
	for {
		it, err := s.queue.FindItem(ctx, id)
		if err != nil {
			s.t.Fatal(err)
		}
		if it.Status.Finished() {
			return it
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("item %d still %s after %v", id, it.Status, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func artGraph(prompt string, size int, save string) string {
	return fmt.Sprintf(`{"nodes": {
  "art": {"id": "art", "type": "prompt_art", "prompt": %q, "seed": 7, "width": %d, "height": %d},
  "save": {"id": "save", "type": "save_image"%s}},
 "edges": [{"source": {"node_id": "art", "field": "image"}, "destination": {"node_id": "save", "field": "image"}}]}`, prompt, size, size, save)
}

func TestRenderIntoANewBoard(t *testing.T) {
	s := openStudio(t, t.TempDir(), true)
	s.setup()
	bob, bobCtx := s.user("bob@t.co")
	res := s.enqueue(bobCtx, artGraph("a quiet harbour at dawn", 64, `, "board_name": "Harbours"`), 2)
	for _, id := range res.ItemIDs {
		it := s.wait(bobCtx, id, 30*time.Second)
		if it.Status != app.StatusCompleted || len(it.ImageNames) != 1 {
			t.Fatalf("item = %+v", it)
		}
	}
	boards, _ := s.boards.ListBoards(bobCtx, app.BoardFilter{All: true})
	if len(boards.Items) != 1 || boards.Items[0].BoardName != "Harbours" || boards.Items[0].UserID != bob.UserID || boards.Items[0].ImageCount != 2 {
		t.Fatalf("boards = %+v", boards.Items)
	}
	page, _ := s.images.ListImages(bobCtx, app.ImageFilter{BoardID: boards.Items[0].BoardID})
	img := page.Items[0]
	if img.UserID != bob.UserID || img.Width != 64 || !strings.Contains(string(img.Metadata), "a quiet harbour at dawn") || !strings.Contains(string(img.Metadata), "prompt_art") {
		t.Fatalf("image = %+v metadata %s", img, img.Metadata)
	}
}

func TestRenderActsAsTheOwner(t *testing.T) {
	s := openStudio(t, t.TempDir(), true)
	s.setup()
	_, annCtx := s.user("ann@t.co")
	_, bobCtx := s.user("bob@t.co")
	private, err := s.images.Import(annCtx, "", "secret.png", bytes.NewReader(accesstest.PNG(1)))
	if err != nil {
		t.Fatal(err)
	}
	annBoard, _ := s.boards.CreateBoard(annCtx, "Ann's")

	t.Run("ErrNotFound loading someone else's private image; nothing saved", func(t *testing.T) {
		graph := fmt.Sprintf(`{"nodes": {
  "load": {"id": "load", "type": "load_image", "image": {"image_name": %q}},
  "save": {"id": "save", "type": "save_image"}},
 "edges": [{"source": {"node_id": "load", "field": "image"}, "destination": {"node_id": "save", "field": "image"}}]}`, private.ImageName)
		it := s.wait(bobCtx, s.enqueue(bobCtx, graph, 1).ItemIDs[0], 20*time.Second)
		if it.Status != app.StatusFailed || !strings.Contains(it.ErrorMessage, "load") || len(it.ImageNames) != 0 {
			t.Fatalf("item = %+v", it)
		}
		page, _ := s.images.ListImages(bobCtx, app.ImageFilter{BoardID: app.NoBoard})
		if page.Total != 0 {
			t.Fatal("something was saved")
		}
	})
	t.Run("ErrNotFound saving into a board the owner may not add to", func(t *testing.T) {
		graph := artGraph("x", 16, fmt.Sprintf(`, "board": {"board_id": %q}`, annBoard.BoardID))
		it := s.wait(bobCtx, s.enqueue(bobCtx, graph, 1).ItemIDs[0], 20*time.Second)
		if it.Status != app.StatusFailed || len(it.ImageNames) != 0 {
			t.Fatalf("item = %+v", it)
		}
		b, _ := s.boards.FindBoard(annCtx, annBoard.BoardID)
		if b.ImageCount != 0 {
			t.Fatal("bob's render landed on ann's board")
		}
	})
	t.Run("OK the owner's own image loads", func(t *testing.T) {
		graph := fmt.Sprintf(`{"nodes": {
  "load": {"id": "load", "type": "load_image", "image": {"image_name": %q}},
  "inv": {"id": "inv", "type": "invert"},
  "save": {"id": "save", "type": "save_image"}},
 "edges": [{"source": {"node_id": "load", "field": "image"}, "destination": {"node_id": "inv", "field": "image"}},
           {"source": {"node_id": "inv", "field": "image"}, "destination": {"node_id": "save", "field": "image"}}]}`, private.ImageName)
		it := s.wait(annCtx, s.enqueue(annCtx, graph, 1).ItemIDs[0], 20*time.Second)
		if it.Status != app.StatusCompleted {
			t.Fatalf("item = %+v", it)
		}
	})
}

func TestFairness(t *testing.T) {
	s := openStudio(t, t.TempDir(), false)
	s.setup()
	_, annCtx := s.user("ann@t.co")
	bob, bobCtx := s.user("bob@t.co")
	ann := s.enqueue(annCtx, artGraph("many", 16, ""), 500)
	single := s.enqueue(bobCtx, artGraph("one", 16, ""), 1).ItemIDs[0]
	var order []uint64
	sub := s.events.Subscribe(func() (*app.User, error) { return &app.User{IsActive: true, IsAdmin: true}, nil })
	defer sub.Close()
	if err := s.worker.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.worker.Stop()
	for len(order) < 3 {
		ev, _ := sub.Shape(<-sub.C)
		if ev != nil && ev.Type == app.EventItemStatus && ev.Item.Status == app.StatusCompleted {
			order = append(order, ev.Item.ItemID)
		}
	}
	if order[0] != single && order[1] != single {
		t.Fatalf("completion order %v: bob's single item %d (owner %s) must be among the first two, not behind 500 of ann's (%d…)", order, single, bob.UserID, ann.ItemIDs[0])
	}
	s.queue.Clear(s.admin)
}

func TestCancelMidRun(t *testing.T) {
	s := openStudio(t, t.TempDir(), true)
	s.setup()
	_, bobCtx := s.user("bob@t.co")
	id := s.enqueue(bobCtx, artGraph("slow", 4096, ""), 1).ItemIDs[0]
	for {
		it, _ := s.queue.FindItem(bobCtx, id)
		if it.Status == app.StatusInProgress {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	start := time.Now()
	if _, err := s.queue.CancelItem(bobCtx, id); err != nil {
		t.Fatal(err)
	}
	it := s.wait(bobCtx, id, 10*time.Second)
	if it.Status != app.StatusCanceled || len(it.ImageNames) != 0 {
		t.Fatalf("item = %+v", it)
	}
	// The worker must be free again soon: a quick item runs right after.
	next := s.wait(bobCtx, s.enqueue(bobCtx, artGraph("quick", 16, ""), 1).ItemIDs[0], 10*time.Second)
	if next.Status != app.StatusCompleted {
		t.Fatalf("next = %+v", next)
	}
	t.Logf("canceled and ran the next item in %v", time.Since(start))
}

func TestEventsFollowTheRun(t *testing.T) {
	s := openStudio(t, t.TempDir(), false)
	s.setup()
	bob, bobCtx := s.user("bob@t.co")
	ann, _ := s.user("ann@t.co")
	mine := s.events.Subscribe(func() (*app.User, error) { return bob, nil })
	theirs := s.events.Subscribe(func() (*app.User, error) { return ann, nil })
	defer mine.Close()
	defer theirs.Close()
	s.worker.Start(context.Background())
	defer s.worker.Stop()
	id := s.enqueue(bobCtx, artGraph("events", 128, ""), 1).ItemIDs[0]
	s.wait(bobCtx, id, 20*time.Second)
	time.Sleep(50 * time.Millisecond)
	kinds := func(sub *app.Subscription) map[string]int {
		seen := map[string]int{}
		for {
			select {
			case d := <-sub.C:
				ev, err := sub.Shape(d)
				if err != nil || ev == nil {
					continue
				}
				seen[ev.Type]++
				if ev.Item.Redacted && (ev.Item.Graph != nil || ev.ImageName != "" || ev.NodeID != "") {
					t.Fatalf("a redacted event says too much: %+v", ev)
				}
			default:
				return seen
			}
		}
	}
	own, other := kinds(mine), kinds(theirs)
	if own[app.EventItemStatus] < 3 || own[app.EventNodeProgress] < 2 || own[app.EventImageSaved] != 1 {
		t.Fatalf("the owner's events: %v", own)
	}
	if other[app.EventItemStatus] < 3 || other[app.EventNodeProgress] != 0 || other[app.EventImageSaved] != 0 {
		t.Fatalf("another user's events: %v", other)
	}
}

// TestCrashRecovery kills a process that is running an item; on restart
// the item is failed as "interrupted", and a retry runs it to the end.
func TestCrashRecovery(t *testing.T) {
	if dir := os.Getenv("EASEL_RENDER_CHILD"); dir != "" {
		s := openStudio(t, dir, true)
		ctx := s.login("bob@t.co", "password-bob@t.co")
		id := s.enqueue(ctx, artGraph("interrupted", 4096, ""), 1).ItemIDs[0]
		for {
			if it, _ := s.queue.FindItem(ctx, id); it.Status == app.StatusInProgress {
				fmt.Println("running", id)
				time.Sleep(time.Hour)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	dir := t.TempDir()
	func() {
		s := openStudio(t, dir, false)
		s.setup()
		s.user("bob@t.co")
		s.db.Close()
	}()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashRecovery$")
	cmd.Env = append(os.Environ(), "EASEL_RENDER_CHILD="+dir)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	n, _ := out.Read(buf)
	if !strings.HasPrefix(string(buf[:n]), "running") {
		t.Fatalf("child said %q", buf[:n])
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()

	s := openStudio(t, dir, true)
	ctx := s.login("bob@t.co", "password-bob@t.co")
	page, err := s.queue.ListItems(ctx, app.QueueFilter{})
	if err != nil {
		t.Fatal(err)
	}
	items := page.Items
	if len(items) != 1 || items[0].Status != app.StatusFailed || items[0].ErrorType != "interrupted" {
		t.Fatalf("after the crash: %+v", items[0])
	}
	retried, err := s.queue.Retry(ctx, []uint64{items[0].ItemID})
	if err != nil {
		t.Fatal(err)
	}
	// Retry the same graph at a size that finishes quickly is not possible
	// (retry keeps the values), so cancel it once it runs: it must run.
	for {
		it, _ := s.queue.FindItem(ctx, retried[0])
		if it.Status == app.StatusInProgress {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	s.queue.CancelItem(ctx, retried[0])
}

// TestEditAnImageWorkflow: batch data may fill a workflow's required image.
func TestEditAnImageWorkflow(t *testing.T) {
	s := openStudio(t, t.TempDir(), true)
	s.setup()
	_, bobCtx := s.user("bob@t.co")
	photo, err := s.images.Import(bobCtx, "", "photo.png", bytes.NewReader(accesstest.PNG(3)))
	if err != nil {
		t.Fatal(err)
	}
	var edit *engine.Workflow
	for _, w := range engine.Workflows() {
		if w.ID == "edit-image" {
			edit = &w
		}
	}
	graph, _ := json.Marshal(edit.Graph)
	_, err = s.queue.Enqueue(bobCtx, app.Batch{Graph: graph}, 0)
	if app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("without an image: %v", err)
	}
	res, err := s.queue.Enqueue(bobCtx, app.Batch{Graph: graph, Data: [][]app.BatchDatum{{{NodePath: "load", FieldName: "image", Items: []any{map[string]any{"image_name": photo.ImageName}}}}}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if it := s.wait(bobCtx, res.ItemIDs[0], 20*time.Second); it.Status != app.StatusCompleted {
		t.Fatalf("item = %+v", it)
	}
}

// TestStopPutsTheRunningItemBack: stopping Easel stops the running item at
// its next step and puts it back in line, to run again at the next start.
func TestStopPutsTheRunningItemBack(t *testing.T) {
	dir := t.TempDir()
	s := openStudio(t, dir, false)
	s.setup()
	_, bobCtx := s.user("bob@t.co")
	id := s.enqueue(bobCtx, artGraph("stopped", 4096, ""), 1).ItemIDs[0]
	if err := s.worker.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	for {
		if it, _ := s.queue.FindItem(bobCtx, id); it.Status == app.StatusInProgress {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	start := time.Now()
	s.worker.Stop()
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("stopping took %v", took)
	}
	if it, _ := s.queue.FindItem(bobCtx, id); it.Status != app.StatusPending || len(it.ImageNames) != 0 {
		t.Fatalf("after stopping: %+v", it)
	}
}

// TestSlots: with two slots, two items run at once.
func TestSlots(t *testing.T) {
	s := openStudio(t, t.TempDir(), false, studiotest.Slots(2))
	s.setup()
	_, bobCtx := s.user("bob@t.co")
	ids := s.enqueue(bobCtx, artGraph("two at once", 4096, ""), 2).ItemIDs
	if err := s.worker.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.worker.Stop()
	deadline := time.Now().Add(10 * time.Second)
	for {
		st, _ := s.queue.Status(bobCtx)
		if st.Queue.InProgress == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("two slots never ran two items at once: %+v", st.Queue)
		}
		time.Sleep(5 * time.Millisecond)
	}
	for _, id := range ids {
		s.queue.CancelItem(bobCtx, id)
	}
}
