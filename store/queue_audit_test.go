package store_test

import (
	"context"
	"strconv"
	"testing"

	"easel/app"
)

// TestAdminQueueActionsAreAudited: each action an administrator takes on
// someone else's queue items, and pausing or resuming the queue, leaves
// one audit entry saying whose; acting on one's own items leaves none.
func TestAdminQueueActionsAreAudited(t *testing.T) {
	q := openQueue(t)
	admin := q.setup()
	bob, bobCtx := q.createUser(admin, "bob@t.co", false)
	ann, annCtx := q.createUser(admin, "ann@t.co", false)
	newest := func() []app.AuditEntry {
		t.Helper()
		entries, err := auditOf(q.testStore).Recent(admin, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		return entries
	}
	// only runs fn and returns the audit entries it left.
	only := func(fn func()) []app.AuditEntry {
		t.Helper()
		before := len(newest())
		fn()
		all := newest()
		return all[:len(all)-before]
	}
	wantOne := func(t *testing.T, got []app.AuditEntry, action, target, detail string) {
		t.Helper()
		if len(got) != 1 || got[0].Action != action || got[0].TargetID != target || got[0].Detail != detail {
			t.Fatalf("audit = %+v, want one %s of %q (%s)", got, action, target, detail)
		}
	}
	id := func(ctx context.Context) uint64 { return q.enqueue(ctx, 1).ItemIDs[0] }

	t.Run("OK cancel", func(t *testing.T) {
		it := id(bobCtx)
		wantOne(t, only(func() { q.queue.CancelItem(admin, it) }), app.AuditQueueCanceled, bob.UserID, "item "+itoa(it))
	})
	t.Run("OK retry", func(t *testing.T) {
		it := id(bobCtx)
		q.queue.CancelItem(bobCtx, it)
		got := only(func() {
			if _, err := q.queue.Retry(admin, []uint64{it}); err != nil {
				t.Fatal(err)
			}
		})
		if len(got) != 1 || got[0].Action != app.AuditQueueRetried || got[0].TargetID != bob.UserID {
			t.Fatalf("audit = %+v", got)
		}
	})
	t.Run("OK delete", func(t *testing.T) {
		it := id(bobCtx)
		wantOne(t, only(func() { q.queue.DeleteItem(admin, it) }), app.AuditQueueDeleted, bob.UserID, "item "+itoa(it))
	})
	t.Run("OK cancel by batch", func(t *testing.T) {
		res := q.enqueue(annCtx, 3)
		wantOne(t, only(func() { q.queue.CancelBatches(admin, []string{res.Batch.BatchID}) }), app.AuditQueueCanceled, ann.UserID, "3 items")
	})
	t.Run("OK pause and resume, once each", func(t *testing.T) {
		wantOne(t, only(func() { q.queue.SetPaused(admin, true) }), app.AuditQueuePaused, "", "")
		if got := only(func() { q.queue.SetPaused(admin, true) }); len(got) != 0 {
			t.Fatalf("pausing a paused queue: %+v", got)
		}
		wantOne(t, only(func() { q.queue.SetPaused(admin, false) }), app.AuditQueueResumed, "", "")
	})
	t.Run("OK one's own items leave no entry", func(t *testing.T) {
		it := id(bobCtx)
		got := only(func() {
			q.queue.CancelItem(bobCtx, it)
			q.queue.Retry(bobCtx, []uint64{it})
			q.queue.DeleteItem(bobCtx, it)
			q.queue.Prune(bobCtx)
			q.queue.Clear(bobCtx)
		})
		if len(got) != 0 {
			t.Fatalf("audit = %+v", got)
		}
	})
	t.Run("OK clear: one entry for everyone's items", func(t *testing.T) {
		id(bobCtx)
		id(annCtx)
		id(admin) // the admin's own are not someone else's
		got := only(func() { q.queue.Clear(admin) })
		if len(got) != 1 || got[0].Action != app.AuditQueueCleared || got[0].TargetID != "" || got[0].Detail == "" {
			t.Fatalf("audit = %+v", got)
		}
	})
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }
