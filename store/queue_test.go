package store_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"easel/app"
	"easel/store"
)

// solidGraph is a small real graph: a solid colour saved uncategorized.
const solidGraph = `{"nodes": {
  "c": {"id": "c", "type": "solid_color", "width": 16, "height": 16, "color": "#336699"},
  "s": {"id": "s", "type": "save_image"}},
 "edges": [{"source": {"node_id": "c", "field": "image"}, "destination": {"node_id": "s", "field": "image"}}]}`

type queueStore struct {
	*testStore
	queue  *store.QueueService
	events *app.Broker
}

func openQueue(t *testing.T) *queueStore {
	ts := openTestStore(t)
	return &queueStore{testStore: ts, queue: ts.set.Queue, events: ts.set.Events}
}

func (q *queueStore) enqueue(ctx context.Context, runs int) *app.EnqueueResult {
	q.t.Helper()
	res, err := q.queue.Enqueue(ctx, app.Batch{Graph: json.RawMessage(solidGraph), Runs: runs}, 0)
	if err != nil {
		q.t.Fatal(err)
	}
	return res
}

func TestEnqueue(t *testing.T) {
	q := openQueue(t)
	admin := q.setup()
	bob, bobCtx := q.createUser(admin, "bob@t.co", false)

	t.Run("OK data zipped within a list, multiplied across lists, times runs", func(t *testing.T) {
		b := app.Batch{Graph: json.RawMessage(solidGraph), Runs: 2, Data: [][]app.BatchDatum{
			{{NodePath: "c", FieldName: "width", Items: []any{8, 16, 32}}, {NodePath: "c", FieldName: "height", Items: []any{8, 16, 32}}},
			{{NodePath: "c", FieldName: "color", Items: []any{"#ff0000", "#00ff00"}}},
		}}
		res, err := q.queue.Enqueue(bobCtx, b, 0)
		if err != nil || res.Enqueued != 12 || res.Requested != 12 || len(res.ItemIDs) != 12 || res.Batch.BatchID == "" {
			t.Fatalf("enqueue = %+v, %v", res, err)
		}
		it, _ := q.queue.FindItem(bobCtx, res.ItemIDs[1])
		if it.UserID != bob.UserID || it.Status != app.StatusPending || len(it.FieldValues) != 3 || it.FieldValues[2].Value != "#00ff00" || len(it.Graph) == 0 {
			t.Fatalf("item = %+v", it)
		}
		if res.ItemIDs[11] <= res.ItemIDs[0] {
			t.Fatal("item ids do not increase")
		}
	})
	t.Run("ErrInvalid naming the node and field", func(t *testing.T) {
		for name, tc := range map[string]struct {
			graph string
			data  [][]app.BatchDatum
			want  string
		}{
			"unknown type": {`{"nodes": {"x": {"id": "x", "type": "teleport"}}, "edges": []}`, nil, "teleport"},
			"not JSON":     {`{"nodes": `, nil, "not valid JSON"},
			"bad value":    {solidGraph, [][]app.BatchDatum{{{NodePath: "c", FieldName: "width", Items: []any{999999}}}}, `"width"`},
			"unknown node": {solidGraph, [][]app.BatchDatum{{{NodePath: "zz", FieldName: "width", Items: []any{8}}}}, "zz"},
			"uneven zip":   {solidGraph, [][]app.BatchDatum{{{NodePath: "c", FieldName: "width", Items: []any{8}}, {NodePath: "c", FieldName: "height", Items: []any{8, 9}}}}, "different lengths"},
		} {
			_, err := q.queue.Enqueue(bobCtx, app.Batch{Graph: json.RawMessage(tc.graph), Data: tc.data}, 0)
			if app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), tc.want) {
				t.Errorf("%s: %v, want EINVALID mentioning %s", name, err, tc.want)
			}
		}
	})
	t.Run("ErrUnauthorized signed out or disabled", func(t *testing.T) {
		_, err := q.queue.Enqueue(context.Background(), app.Batch{Graph: json.RawMessage(solidGraph)}, 0)
		wantCode(t, err, app.EUNAUTHORIZED)
		carol, carolCtx := q.createUser(admin, "carol@t.co", false)
		q.users.UpdateUser(admin, carol.UserID, app.UserUpdate{IsActive: ptr(false)})
		_, err = q.queue.Enqueue(carolCtx, app.Batch{Graph: json.RawMessage(solidGraph)}, 0)
		wantCode(t, err, app.EUNAUTHORIZED)
	})
}

func TestQueueOwnership(t *testing.T) {
	q := openQueue(t)
	admin := q.setup()
	bob, bobCtx := q.createUser(admin, "bob@t.co", false)
	_, annCtx := q.createUser(admin, "ann@t.co", false)
	res := q.enqueue(bobCtx, 3)
	id := res.ItemIDs[0]

	t.Run("OK others see a redacted item", func(t *testing.T) {
		it, err := q.queue.FindItem(annCtx, id)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(it)
		for _, secret := range []string{"graph", "field_values", "user_id", "owner_name", "batch_id", "solid_color", bob.UserID} {
			if strings.Contains(string(raw), secret) {
				t.Errorf("ann sees %q in bob's item: %s", secret, raw)
			}
		}
		if !it.Redacted || it.Status != app.StatusPending || it.ItemID != id {
			t.Fatalf("redacted item = %s", raw)
		}
		list, _ := itemsOf(q.queue.ListItems(annCtx, app.QueueFilter{}))
		if len(list) != 3 || !list[0].Redacted || list[0].Graph != nil {
			t.Fatalf("ann's list = %+v", list)
		}
		full, _ := q.queue.FindItem(admin, id)
		if full.Redacted || full.UserID != bob.UserID || full.OwnerName != "bob" {
			t.Fatalf("admin sees %+v", full)
		}
	})
	t.Run("ErrForbidden to change someone else's item", func(t *testing.T) {
		_, err := q.queue.CancelItem(annCtx, id)
		wantCode(t, err, app.EFORBIDDEN)
		wantCode(t, q.queue.DeleteItem(annCtx, id), app.EFORBIDDEN)
		_, err = q.queue.Retry(annCtx, []uint64{id})
		wantCode(t, err, app.EFORBIDDEN)
		_, err = q.queue.FindItem(annCtx, 999999)
		wantCode(t, err, app.ENOTFOUND)
		wantCode(t, q.queue.SetPaused(annCtx, true), app.EFORBIDDEN)
	})
	t.Run("OK an admin cancels and retries; the retry keeps the owner", func(t *testing.T) {
		if _, err := q.queue.CancelItem(admin, id); err != nil {
			t.Fatal(err)
		}
		retried, err := q.queue.Retry(admin, []uint64{id})
		if err != nil || len(retried) != 1 {
			t.Fatalf("retry = %v, %v", retried, err)
		}
		it, _ := q.queue.FindItem(admin, retried[0])
		if it.UserID != bob.UserID || it.Status != app.StatusPending || it.BatchID != res.Batch.BatchID {
			t.Fatalf("retried item = %+v", it)
		}
	})
	t.Run("OK clearing and pruning touch only one's own, unless admin", func(t *testing.T) {
		q.enqueue(annCtx, 2)
		n, err := q.queue.Clear(annCtx)
		if err != nil || n != 2 {
			t.Fatalf("ann clears %d, %v", n, err)
		}
		list, _ := itemsOf(q.queue.ListItems(bobCtx, app.QueueFilter{}))
		if len(list) != 4 {
			t.Fatalf("bob's items after ann cleared: %d", len(list))
		}
		n, _ = q.queue.Prune(bobCtx) // one canceled item
		if n != 1 {
			t.Fatalf("pruned %d", n)
		}
		n, _ = q.queue.Clear(admin)
		if n != 3 {
			t.Fatalf("admin cleared %d", n)
		}
		if b := q.BatchCount(); b != 0 {
			t.Fatalf("%d batches left after the queue was cleared", b)
		}
	})
}

func TestClaimIsFairAndPausable(t *testing.T) {
	q := openQueue(t)
	admin := q.setup()
	ann, annCtx := q.createUser(admin, "ann@t.co", false)
	bob, bobCtx := q.createUser(admin, "bob@t.co", false)
	q.enqueue(annCtx, 500)
	q.enqueue(bobCtx, 1)

	// Ann's 500 came first, yet bob's one item is among the first two taken.
	first, err := q.queue.Claim(ann.UserID)
	if err != nil || first.Owner != bob.UserID {
		t.Fatalf("after ann's turn, the claim = %+v, %v; want bob's", first, err)
	}
	second, _ := q.queue.Claim(first.Owner)
	third, _ := q.queue.Claim(second.Owner)
	if second.Owner != ann.UserID || third.Owner != ann.UserID || third.Item.ItemID != second.Item.ItemID+1 {
		t.Fatalf("then ann's items in order: %+v, %+v", second.Item, third.Item)
	}
	if c, _ := q.queue.Claim(""); c.Owner != ann.UserID {
		t.Fatal("with only ann waiting, ann's item must come")
	}
	q.queue.Requeue(first.Item.ItemID)
	if c, _ := q.queue.Claim(ann.UserID); c.Owner != bob.UserID {
		t.Fatal("a requeued item is not taken again")
	}
	if err := q.queue.SetPaused(admin, true); err != nil {
		t.Fatal(err)
	}
	if c, _ := q.queue.Claim(""); c != nil {
		t.Fatal("claimed while paused")
	}
	st, _ := q.queue.Status(bobCtx)
	if !st.Processor.IsPaused || st.Queue.InProgress != 4 || st.Queue.Pending != 497 || st.Mine.Total != 1 {
		t.Fatalf("status = %+v", st)
	}
	q.queue.SetPaused(admin, false)

	t.Run("OK a crash leaves items failed and retryable", func(t *testing.T) {
		n, err := q.queue.RecoverInterrupted()
		if err != nil || n != 4 {
			t.Fatalf("recovered %d, %v", n, err)
		}
		it, _ := q.queue.FindItem(bobCtx, first.Item.ItemID)
		if it.Status != app.StatusFailed || it.ErrorType != "interrupted" {
			t.Fatalf("interrupted item = %+v", it)
		}
		if ids, err := q.queue.Retry(bobCtx, []uint64{it.ItemID}); err != nil || len(ids) != 1 {
			t.Fatalf("retry = %v, %v", ids, err)
		}
	})
	t.Run("OK an item canceled while running stays canceled", func(t *testing.T) {
		c, _ := q.queue.Claim("")
		q.queue.CancelItem(admin, c.Item.ItemID)
		q.queue.Finish(c.Item.ItemID, nil, false, "")
		if it, _ := q.queue.FindItem(admin, c.Item.ItemID); it.Status != app.StatusCanceled {
			t.Fatalf("finished canceled item = %s", it.Status)
		}
	})
}

func TestQueueEventsAreRedacted(t *testing.T) {
	q := openQueue(t)
	admin := q.setup()
	bob, bobCtx := q.createUser(admin, "bob@t.co", false)
	ann, _ := q.createUser(admin, "ann@t.co", false)
	bobSub := q.events.Subscribe(func() (*app.User, error) { return bob, nil })
	annSub := q.events.Subscribe(func() (*app.User, error) { return ann, nil })
	adminSub := q.events.Subscribe(func() (*app.User, error) { return &app.User{UserID: "admin", IsActive: true, IsAdmin: true}, nil })
	defer bobSub.Close()
	defer annSub.Close()
	defer adminSub.Close()
	q.enqueue(bobCtx, 1)
	mine, theirs, all := nextEvent(t, bobSub), nextEvent(t, annSub), nextEvent(t, adminSub)
	if !mine.Item.Mine || mine.Item.Graph != nil && mine.Item.UserID != bob.UserID {
		t.Fatalf("bob's event = %+v", mine.Item)
	}
	if !theirs.Item.Redacted || theirs.Item.UserID != "" || theirs.Item.FieldValues != nil {
		t.Fatalf("ann's event = %+v", theirs.Item)
	}
	if all.Item.Redacted || all.Item.UserID != bob.UserID || all.Item.Mine {
		t.Fatalf("admin's event = %+v", all.Item)
	}
	q.queue.DeleteItem(bobCtx, mine.Item.ItemID)
	if ev := nextEvent(t, annSub); ev.Type != app.EventItemDeleted || !ev.Item.Redacted || ev.Item.ItemID != mine.Item.ItemID {
		t.Fatalf("ann's deletion event = %+v", ev)
	}
	nextEvent(t, bobSub)
	nextEvent(t, adminSub)
	q.queue.SetPaused(admin, true)
	for _, sub := range []*app.Subscription{bobSub, annSub, adminSub} {
		if ev := nextEvent(t, sub); ev.Type != app.EventProcessor || ev.Item != nil {
			t.Fatalf("pause event = %+v", ev)
		}
	}
}

// nextEvent is the next event sub's viewer may see, shaped for them.
func nextEvent(t *testing.T, sub *app.Subscription) *app.QueueEvent {
	t.Helper()
	for d := range sub.C {
		ev, err := sub.Shape(d)
		if err != nil {
			t.Fatal(err)
		}
		if ev != nil {
			return ev
		}
	}
	t.Fatal("the subscription closed")
	return nil
}
