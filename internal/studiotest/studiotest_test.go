package studiotest_test

import (
	"encoding/json"
	"testing"
	"time"

	"easel/app"
	"easel/internal/studiotest"
)

const solidGraph = `{"nodes": {
  "c": {"id": "c", "type": "solid_color", "width": 16, "height": 16, "color": "#336699"},
  "s": {"id": "s", "type": "save_image"}},
 "edges": [{"source": {"node_id": "c", "field": "image"}, "destination": {"node_id": "s", "field": "image"}}]}`

// TestStudio: the set is joined as main joins it. Work queued reaches the
// idle worker through the queue's signals (the worker would not look again
// on its own for an hour), runs as its owner, and the owner's events come.
func TestStudio(t *testing.T) {
	s := studiotest.New(t, studiotest.Started(), studiotest.IdleWait(time.Hour))
	admin := s.Setup(app.NewUser{Email: "admin@t.co", Password: "admin-password"})
	bob, bobCtx := s.CreateUser(admin, app.NewUser{Email: "bob@t.co", Password: "password-bob"})
	sub := s.Events.Subscribe(func() (*app.User, error) { return bob, nil })
	defer sub.Close()
	time.Sleep(100 * time.Millisecond) // the worker has found nothing and waits

	start := time.Now()
	res, err := s.Queue.Enqueue(bobCtx, app.Batch{Graph: json.RawMessage(solidGraph)}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var it *app.QueueItem
	for {
		if it, err = s.Queue.FindItem(bobCtx, res.ItemIDs[0]); err != nil {
			t.Fatal(err)
		}
		if it.Status.Finished() {
			break
		}
		if time.Since(start) > 30*time.Second {
			t.Fatalf("item still %s after %v: the worker was not woken", it.Status, time.Since(start))
		}
		time.Sleep(10 * time.Millisecond)
	}
	if it.Status != app.StatusCompleted || len(it.ImageNames) != 1 {
		t.Fatalf("item = %+v", it)
	}
	if img, err := s.Images.FindImage(bobCtx, it.ImageNames[0]); err != nil || img.UserID != bob.UserID {
		t.Fatalf("image = %+v, %v; want bob's", img, err)
	}
	select {
	case d := <-sub.C:
		if ev, err := sub.Shape(d); err != nil || ev == nil || ev.Item == nil || !ev.Item.Mine {
			t.Fatalf("bob's event = %+v, %v", ev, err)
		}
	default:
		t.Fatal("no event for bob")
	}
}
