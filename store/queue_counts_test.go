package store_test

import (
	"testing"

	"easel/app"
)

// TestQueueCountsStayExact: the queue's status, read from counts kept in
// each writing transaction, matches the items themselves after every kind
// of change: enqueue, claim, finish, fail, cancel, retry, delete, prune,
// clear, recovery after a crash, and a profile's items failing when it is
// disabled.
func TestQueueCountsStayExact(t *testing.T) {
	q := openQueue(t)
	admin := q.setup()
	bob, bobCtx := q.createUser(admin, "bob@t.co", false)
	annUser, annCtx := q.createUser(admin, "ann@t.co", false)
	viewer, viewerID := bobCtx, bob.UserID
	check := func(when string) {
		t.Helper()
		items, err := itemsOf(q.queue.ListItems(admin, app.QueueFilter{}))
		if err != nil {
			t.Fatal(err)
		}
		var all, bobs app.QueueCounts
		for _, it := range items {
			tally(&all, it.Status)
			if it.UserID == viewerID {
				tally(&bobs, it.Status)
			}
		}
		st, err := q.queue.Status(viewer)
		if err != nil {
			t.Fatal(err)
		}
		if st.Queue != all || st.Mine != bobs {
			t.Fatalf("%s: status says everyone %+v, bob %+v; the items say %+v, %+v", when, st.Queue, st.Mine, all, bobs)
		}
	}
	check("empty")
	q.enqueue(bobCtx, 5)
	ann := q.enqueue(annCtx, 4)
	check("enqueued")
	c, _ := q.queue.Claim("")
	check("claimed")
	q.queue.Finish(c.Item.ItemID, nil, true, c.Owner)
	check("finished, next claimed")
	c, _ = q.queue.Claim(c.Owner)
	q.queue.Finish(c.Item.ItemID, app.Errorf(app.EINVALID, "bad"), false, "")
	check("failed")
	q.queue.CancelItem(bobCtx, q.enqueue(bobCtx, 1).ItemIDs[0])
	check("canceled")
	q.queue.Retry(admin, []uint64{c.Item.ItemID})
	check("retried")
	q.queue.CancelBatches(annCtx, []string{ann.Batch.BatchID})
	check("batch canceled")
	q.queue.DeleteItem(annCtx, ann.ItemIDs[0])
	check("deleted")
	q.queue.Prune(annCtx)
	check("pruned")
	q.queue.Claim("")
	q.queue.RecoverInterrupted()
	check("recovered")
	q.users.UpdateUser(admin, bob.UserID, app.UserUpdate{IsActive: ptr(false)})
	viewer, viewerID = annCtx, annUser.UserID
	for c, _ := q.queue.Claim(""); c != nil; c, _ = q.queue.Claim("") {
		q.queue.Finish(c.Item.ItemID, nil, false, "")
	}
	check("a disabled profile's items failed at claim")
	q.queue.Clear(admin)
	check("cleared")
}

func tally(c *app.QueueCounts, s app.QueueStatus) {
	c.Total++
	switch s {
	case app.StatusPending:
		c.Pending++
	case app.StatusInProgress:
		c.InProgress++
	case app.StatusCompleted:
		c.Completed++
	case app.StatusFailed:
		c.Failed++
	case app.StatusCanceled:
		c.Canceled++
	}
}

// TestQueueCountsMigration: a store from before the counts gets them from
// its items when it is opened.
func TestQueueCountsMigration(t *testing.T) {
	q := openQueue(t)
	admin := q.setup()
	q.enqueue(admin, 3)
	c, _ := q.queue.Claim("")
	q.queue.Finish(c.Item.ItemID, nil, false, "")
	dir := q.Dir()
	if err := q.AsBeforeQueueCounts(); err != nil {
		t.Fatal(err)
	}
	q.Close()

	again := openTestStoreIn(t, dir)
	st, err := again.set.Queue.Status(again.login(adminEmail, adminPassword))
	if err != nil || st.Queue.Total != 3 || st.Queue.Pending != 2 || st.Queue.Completed != 1 || st.Mine != st.Queue {
		t.Fatalf("status after the migration = %+v, %v", st, err)
	}
}
