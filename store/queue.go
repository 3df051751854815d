package store

import (
	"context"
	"encoding/json"
	"slices"

	"easel/app"

	"easel/store/kv"
	"github.com/google/uuid"
)

// BatchChecker validates a batch's graph with each item's values before
// anything is queued (the engine knows what a valid graph is; the store
// does not), within the studio's pixel budget for one run, and returns the
// models the items name (the store asks whether the owner may use each).
type BatchChecker func(graph json.RawMessage, items [][]app.FieldValue, pixelBudget int64) (models []string, err error)

// QueueService keeps the render queue.
type QueueService struct {
	db    *DB
	check BatchChecker
	// events receives status changes made through the service.
	events *app.Broker
	// signals tell the worker of new work (so it need not poll) and of
	// items canceled while they run (so it stops them at their next step).
	signals *app.QueueSignals
}

// NewQueueService returns the queue of db, checking batches with check,
// publishing status changes on events and signalling new work and cancels
// on signals. The worker is built over the same events and signals, so
// neither it nor the queue needs the other to be built.
func NewQueueService(db *DB, check BatchChecker, events *app.Broker, signals *app.QueueSignals) *QueueService {
	return &QueueService{db: db, check: check, events: events, signals: signals}
}

var (
	_ app.QueueService   = (*QueueService)(nil)
	_ app.QueueProcessor = (*QueueService)(nil)
)

// MaxPriority bounds an item's priority either way.
const MaxPriority = 1000

// maxWorkflowIDBytes bounds a batch's workflow_id, which it keeps as sent:
// whether it names a workflow is asked only when a run finishes.
const maxWorkflowIDBytes = 128

// Enqueue checks a batch and queues its items for the caller, in one
// transaction.
func (s *QueueService) Enqueue(ctx context.Context, b app.Batch, priority int) (*app.EnqueueResult, error) {
	if len(b.Graph) == 0 {
		return nil, app.Errorf(app.EINVALID, "The batch has no graph.")
	}
	if priority < -MaxPriority || priority > MaxPriority {
		return nil, app.Errorf(app.EINVALID, "priority must be between %d and %d.", -MaxPriority, MaxPriority)
	}
	if len(b.WorkflowID) > maxWorkflowIDBytes {
		return nil, app.Errorf(app.EINVALID, "workflow_id is longer than a workflow's id can be.")
	}
	items, err := app.ExpandBatch(b)
	if err != nil {
		return nil, err
	}
	var set app.Settings
	if err := s.db.view(func(tx kv.Tx) (err error) { set, err = settingsIn(tx); return err }); err != nil {
		return nil, err
	}
	if err := checkBatchSize(len(items), set); err != nil {
		return nil, err
	}
	models, err := s.check(b.Graph, items, set.PixelBudget())
	if err != nil {
		return nil, err
	}
	b.BatchID = uuid.NewString()
	res := &app.EnqueueResult{QueueID: app.DefaultQueue, Requested: len(items), Batch: b, Priority: priority, ItemIDs: make([]uint64, 0, len(items))}
	var events []*app.QueueEvent
	var owner string
	err = s.db.write(ctx, func(tx kv.Tx, actor *userRecord) error {
		owner = actor.UserID
		for _, m := range models {
			if err := checkModelUse(tx, actor, m); err != nil {
				return err
			}
		}
		if err := checkPendingRoom(pendingCount(tx, owner), len(items), set); err != nil {
			return err
		}
		if err := putJSON(tx.Bucket(bucketQueueBatches), []byte(b.BatchID), batchRecord{Owner: owner, Graph: b.Graph, Origin: b.Origin, WorkflowID: b.WorkflowID, Items: len(items)}); err != nil {
			return err
		}
		now := s.db.now()
		owners := newNames(tx)
		for _, values := range items {
			id, err := tx.Bucket(bucketQueueItems).NextSequence()
			if err != nil {
				return err
			}
			r := &itemRecord{ID: id, BatchID: b.BatchID, Owner: owner, Priority: priority, Created: now, Values: values}
			if err := setStatus(tx, r, app.StatusPending, now); err != nil {
				return err
			}
			res.ItemIDs = append(res.ItemIDs, id)
			events = append(events, &app.QueueEvent{Type: app.EventItemStatus, Item: r.view(actor, nil, owners)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	res.Enqueued = len(res.ItemIDs)
	for _, ev := range events {
		s.events.Publish(owner, ev)
	}
	s.signals.WorkArrived()
	return res, nil
}

// ListItems lists a page of items, oldest first; others' redacted.
func (s *QueueService) ListItems(ctx context.Context, f app.QueueFilter) (*app.QueuePage, error) {
	if f.Status != "" && !slices.Contains(queueStatuses, f.Status) {
		return nil, app.Errorf(app.EINVALID, "There is no queue status %q.", f.Status)
	}
	req := f.PageRequest
	if req.Cursor == "" && f.After != 0 {
		req.Cursor = encodeCursor(seqKey(f.After))
	}
	page := app.NewPage[*app.QueueItem](req)
	err := s.db.read(ctx, func(tx kv.Tx, actor *userRecord) error {
		counts := queueCounts(tx, "")
		page.Total = counts.Total
		if f.Status != "" {
			page.Total = counts.Of(f.Status)
		}
		if f.Newest && req.Cursor == "" {
			req.Offset = max(page.Total-page.Limit, 0)
			page.Offset = req.Offset
		}
		w := pageWalk{req: req, total: page.Total}
		if f.Status != "" {
			w.match = func(_, v []byte) (bool, error) {
				var st struct {
					Status app.QueueStatus `json:"status"`
				}
				err := json.Unmarshal(v, &st)
				return st.Status == f.Status, err
			}
		}
		owners := newNames(tx)
		var err error
		page.NextCursor, err = w.walk(tx.Bucket(bucketQueueItems).Cursor(), func(_, v []byte) error {
			var r itemRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			page.Items = append(page.Items, r.view(actor, nil, owners))
			return nil
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// FindItem returns one item: whole to its owner and admins, redacted to others.
func (s *QueueService) FindItem(ctx context.Context, id uint64) (*app.QueueItem, error) {
	var out *app.QueueItem
	err := s.db.read(ctx, func(tx kv.Tx, actor *userRecord) error {
		r, err := findItem(tx, id)
		if err != nil {
			return err
		}
		out = r.view(actor, batchGraph(tx, r.BatchID), newNames(tx))
		if out.Redacted {
			out.Graph = nil
		}
		return nil
	})
	return out, err
}

// item finds a queue item. Everyone signed in may know it exists (the queue
// is shared); what they may see of it is the view's business.
func findItem(tx kv.Tx, id uint64) (*itemRecord, error) {
	r, err := getItem(tx, id)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, app.Errorf(app.ENOTFOUND, "Queue item %d not found", id)
	}
	return r, nil
}

// changeable is findItem for actions only the owner and admins may take.
func changeable(tx kv.Tx, actor *userRecord, id uint64) (*itemRecord, error) {
	r, err := findItem(tx, id)
	if err != nil {
		return nil, err
	}
	if err := app.Check(app.KindQueueItem, app.ActChange, app.RelationsOf(&actor.User, r.Owner)); err != nil {
		return nil, err
	}
	return r, nil
}

// Status counts everyone's items and the caller's.
func (s *QueueService) Status(ctx context.Context) (*app.QueueStatusReport, error) {
	rep := &app.QueueStatusReport{}
	err := s.db.read(ctx, func(tx kv.Tx, actor *userRecord) error {
		rep.Processor.IsStarted = true
		rep.Processor.IsPaused = queuePaused(tx)
		rep.Queue, rep.Mine = queueCounts(tx, ""), queueCounts(tx, actor.UserID)
		return nil
	})
	rep.Processor.IsProcessing = rep.Queue.InProgress > 0
	return rep, err
}

// CancelItem cancels a pending or running item: its owner or an admin. A
// running item stops at its next step.
func (s *QueueService) CancelItem(ctx context.Context, id uint64) (*app.QueueItem, error) {
	var out *app.QueueItem
	var wasRunning bool
	var owner string
	err := s.db.write(ctx, func(tx kv.Tx, actor *userRecord) error {
		r, err := changeable(tx, actor, id)
		if err != nil {
			return err
		}
		owner = r.Owner
		if !r.Status.Finished() {
			wasRunning = r.Status == app.StatusInProgress
			if err := setStatus(tx, r, app.StatusCanceled, s.db.now()); err != nil {
				return err
			}
			if err := s.db.auditOthersItems(tx, actor, app.AuditQueueCanceled, []*itemRecord{r}); err != nil {
				return err
			}
		}
		out = r.view(actor, nil, newNames(tx))
		return nil
	})
	if err != nil {
		return nil, err
	}
	if wasRunning {
		s.signals.Canceled(id)
	}
	s.events.Publish(owner, &app.QueueEvent{Type: app.EventItemStatus, Item: out})
	return out, nil
}

// DeleteItem deletes an item (canceling it first if it runs): its owner or an admin.
func (s *QueueService) DeleteItem(ctx context.Context, id uint64) error {
	var gone *itemRecord
	var view *app.QueueItem
	err := s.db.write(ctx, func(tx kv.Tx, actor *userRecord) error {
		r, err := changeable(tx, actor, id)
		if err != nil {
			return err
		}
		gone, view = r, r.fullView(nil, newNames(tx))
		if err := s.db.auditOthersItems(tx, actor, app.AuditQueueDeleted, []*itemRecord{r}); err != nil {
			return err
		}
		return deleteItem(tx, r)
	})
	if err != nil {
		return err
	}
	if gone.Status == app.StatusInProgress {
		s.signals.Canceled(id)
	}
	s.events.Publish(gone.Owner, &app.QueueEvent{Type: app.EventItemDeleted, Item: view})
	return nil
}

// Retry queues failed or canceled items again, as new items with the same
// graph and values, owned by the original owner: their owner or an admin.
func (s *QueueService) Retry(ctx context.Context, ids []uint64) ([]uint64, error) {
	if len(ids) > app.MaxBulk {
		return nil, app.Errorf(app.EINVALID, "At most %d items at once.", app.MaxBulk)
	}
	retried := []uint64{}
	type published struct {
		owner string
		ev    *app.QueueEvent
	}
	var events []published
	err := s.db.write(ctx, func(tx kv.Tx, actor *userRecord) error {
		owners := newNames(tx)
		set, err := settingsIn(tx)
		if err != nil {
			return err
		}
		waiting := map[string]int{} // per owner, counted once, then kept up to date
		var again []*itemRecord
		for _, id := range ids {
			r, err := changeable(tx, actor, id)
			if err != nil {
				return err
			}
			if r.Status != app.StatusFailed && r.Status != app.StatusCanceled {
				continue
			}
			n, counted := waiting[r.Owner]
			if !counted {
				n = pendingCount(tx, r.Owner)
			}
			if err := checkPendingRoom(n, 1, set); err != nil {
				return err
			}
			waiting[r.Owner] = n + 1
			newID, err := tx.Bucket(bucketQueueItems).NextSequence()
			if err != nil {
				return err
			}
			next := &itemRecord{ID: newID, BatchID: r.BatchID, Owner: r.Owner, Priority: r.Priority, Created: s.db.now(), Values: r.Values}
			if err := addBatchItems(tx, r.BatchID, 1); err != nil {
				return err
			}
			if err := setStatus(tx, next, app.StatusPending, s.db.now()); err != nil {
				return err
			}
			retried = append(retried, newID)
			events = append(events, published{r.Owner, &app.QueueEvent{Type: app.EventItemStatus, Item: next.view(actor, nil, owners)}})
			again = append(again, next)
		}
		return s.db.auditOthersItems(tx, actor, app.AuditQueueRetried, again)
	})
	if err != nil {
		return nil, err
	}
	for _, p := range events {
		s.events.Publish(p.owner, p.ev)
	}
	s.signals.WorkArrived()
	return retried, nil
}

// eachItem calls fn for every item the caller may change and that keep
// selects, in one write transaction, and returns how many fn changed.
// An administrator's changes to others' items leave one audit entry, as action.
func (s *QueueService) eachItem(ctx context.Context, event, action string, keep func(r *itemRecord) bool, fn func(tx kv.Tx, r *itemRecord) error) (int, error) {
	var changed []*app.QueueItem
	var running []uint64
	err := s.db.write(ctx, func(tx kv.Tx, actor *userRecord) error {
		var chosen []*itemRecord
		err := tx.Bucket(bucketQueueItems).ForEach(func(_, v []byte) error {
			var r itemRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			if app.Allowed(app.KindQueueItem, app.ActChange, app.RelationsOf(&actor.User, r.Owner)) && keep(&r) {
				chosen = append(chosen, &r)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, r := range chosen {
			if r.Status == app.StatusInProgress {
				running = append(running, r.ID)
			}
			if err := fn(tx, r); err != nil {
				return err
			}
			changed = append(changed, r.fullView(nil, newNames(tx)))
		}
		return s.db.auditOthersItems(tx, actor, action, chosen)
	})
	if err != nil {
		return 0, err
	}
	for _, id := range running {
		s.signals.Canceled(id)
	}
	for _, it := range changed {
		s.events.Publish(it.UserID, &app.QueueEvent{Type: event, Item: it})
	}
	return len(changed), nil
}

// CancelBatches cancels the waiting and running items of batches.
func (s *QueueService) CancelBatches(ctx context.Context, batchIDs []string) (int, error) {
	want := map[string]bool{}
	for _, id := range batchIDs {
		want[id] = true
	}
	now := s.db.now()
	return s.eachItem(ctx, app.EventItemStatus, app.AuditQueueCanceled, func(r *itemRecord) bool { return want[r.BatchID] && !r.Status.Finished() },
		func(tx kv.Tx, r *itemRecord) error { return setStatus(tx, r, app.StatusCanceled, now) })
}

// Clear deletes every item the caller may change: an admin's clears the queue.
func (s *QueueService) Clear(ctx context.Context) (int, error) {
	return s.eachItem(ctx, app.EventItemDeleted, app.AuditQueueCleared, func(*itemRecord) bool { return true }, deleteItem)
}

// Prune deletes the finished items the caller may change.
func (s *QueueService) Prune(ctx context.Context) (int, error) {
	return s.eachItem(ctx, app.EventItemDeleted, app.AuditQueueDeleted, func(r *itemRecord) bool { return r.Status.Finished() }, deleteItem)
}

// SetPaused pauses or resumes the processor: admins only. It stays so
// across restarts.
func (s *QueueService) SetPaused(ctx context.Context, paused bool) error {
	err := s.db.writeAs(ctx, app.KindQueue, app.ActChange, func(tx kv.Tx, admin *userRecord) error {
		if paused == queuePaused(tx) {
			return nil // as it was: nothing changed, nothing to record
		}
		if paused {
			if err := tx.Bucket(bucketMeta).Put(keyQueuePaused, []byte{1}); err != nil {
				return err
			}
			return s.db.audit(tx, admin.UserID, app.AuditQueuePaused, "", "")
		}
		if err := tx.Bucket(bucketMeta).Delete(keyQueuePaused); err != nil {
			return err
		}
		return s.db.audit(tx, admin.UserID, app.AuditQueueResumed, "", "")
	})
	if err != nil {
		return err
	}
	s.events.Publish("", &app.QueueEvent{Type: app.EventProcessor})
	if !paused {
		s.signals.WorkArrived()
	}
	return nil
}
