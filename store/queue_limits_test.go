package store_test

import (
	"encoding/json"
	"testing"

	"easel/app"
	"easel/store"
)

// TestQueueLimits: one request queues at most max_items_per_batch items,
// and one profile has at most max_pending_per_user waiting; beyond them a
// clear error with the numbers, and nothing queued.
func TestQueueLimits(t *testing.T) {
	q := openQueue(t)
	admin := q.setup()
	_, bob := q.createUser(admin, "bob@t.co", false)
	_, ann := q.createUser(admin, "ann@t.co", false)
	settings := store.NewSettingsService(q.DB)
	if _, err := settings.UpdateSettings(admin, app.SettingsUpdate{MaxPendingPerUser: ptr(10), MaxItemsPerBatch: ptr(6)}); err != nil {
		t.Fatal(err)
	}
	enqueue := func(runs int) error {
		_, err := q.queue.Enqueue(bob, app.Batch{Graph: json.RawMessage(solidGraph), Runs: runs}, 0)
		return err
	}
	waiting := func() int {
		st, err := q.queue.Status(bob)
		if err != nil {
			t.Fatal(err)
		}
		return st.Queue.Pending
	}

	t.Run("ErrInvalid a request over the per-request limit", func(t *testing.T) {
		err := enqueue(7)
		wantCode(t, err, app.EINVALID)
		wantMessage(t, err, "This batch would make 7 items; at most 6 can be queued at once. Ask for fewer (an administrator sets this limit in Settings).")
	})
	t.Run("ErrTooMany past the per-user limit, counting what waits", func(t *testing.T) {
		if err := enqueue(6); err != nil {
			t.Fatal(err)
		}
		err := enqueue(5)
		wantCode(t, err, app.ETOOMANY)
		wantMessage(t, err, "You have 6 items waiting and asked for 5 more; at most 10 may wait at once. Wait for some to finish or cancel some, then try again.")
		if n := waiting(); n != 6 {
			t.Fatalf("%d waiting, want 6: a refused batch queues nothing", n)
		}
		if err := enqueue(4); err != nil {
			t.Fatalf("up to the limit: %v", err)
		}
	})
	t.Run("OK the limit is per profile", func(t *testing.T) {
		if _, err := q.queue.Enqueue(ann, app.Batch{Graph: json.RawMessage(solidGraph), Runs: 6}, 0); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrTooMany retrying counts too", func(t *testing.T) {
		list, _ := itemsOf(q.queue.ListItems(bob, app.QueueFilter{}))
		var ids []uint64
		for _, it := range list[:2] {
			if _, err := q.queue.CancelItem(bob, it.ItemID); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, it.ItemID)
		}
		if err := enqueue(2); err != nil { // back to 10 waiting
			t.Fatal(err)
		}
		_, err := q.queue.Retry(bob, ids)
		wantCode(t, err, app.ETOOMANY)
	})
}
