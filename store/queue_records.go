package store

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"time"

	"easel/app"
	"easel/store/kv"
)

var (
	bucketQueueItems   = []byte("queue_items")   // item_id → itemRecord
	bucketQueueBatches = []byte("queue_batches") // batch_id → batchRecord
	bucketQueuePending = []byte("queue_pending") // owner 0 inverted priority(4) item_id(8) → nil
	bucketQueueRunning = []byte("queue_running") // item_id → nil
)

var keyQueuePaused = []byte("queue_paused")

// itemRecord is a queue item as stored; the graph is its batch's.
type itemRecord struct {
	ID        uint64           `json:"id"`
	BatchID   string           `json:"batch_id"`
	Owner     string           `json:"owner"`
	Status    app.QueueStatus  `json:"status"`
	Priority  int              `json:"priority"`
	Created   time.Time        `json:"created"`
	Started   *time.Time       `json:"started,omitempty"`
	Completed *time.Time       `json:"completed,omitempty"`
	Values    []app.FieldValue `json:"values,omitempty"`
	ErrorType string           `json:"error_type,omitempty"`
	ErrorMsg  string           `json:"error_message,omitempty"`
	Images    []string         `json:"images,omitempty"`
}

type batchRecord struct {
	Owner  string          `json:"owner"`
	Graph  json.RawMessage `json:"graph"`
	Origin string          `json:"origin,omitempty"`
	// WorkflowID is the library workflow the batch runs, if it says.
	WorkflowID string `json:"workflow_id,omitempty"`
	// Items counts the items that use this graph; at 0 the batch goes.
	Items int `json:"items"`
}

// addBatchItems changes how many items use a batch's graph, deleting the
// batch when none is left.
func addBatchItems(tx kv.Tx, batchID string, delta int) error {
	b := tx.Bucket(bucketQueueBatches)
	var rec batchRecord
	ok, err := getJSON(b, []byte(batchID), &rec)
	if err != nil || !ok {
		return err
	}
	if rec.Items += delta; rec.Items <= 0 {
		return b.Delete([]byte(batchID))
	}
	return putJSON(b, []byte(batchID), rec)
}

func getItem(tx kv.Tx, id uint64) (*itemRecord, error) {
	var r itemRecord
	ok, err := getJSON(tx.Bucket(bucketQueueItems), seqKey(id), &r)
	if err != nil || !ok {
		return nil, err
	}
	return &r, nil
}

func putItem(tx kv.Tx, r *itemRecord) error {
	return putJSON(tx.Bucket(bucketQueueItems), seqKey(r.ID), r)
}

// pendingKey orders a user's waiting items by priority (highest first),
// then by age.
func pendingKey(r *itemRecord) []byte {
	k := append([]byte(r.Owner), 0)
	k = binary.BigEndian.AppendUint32(k, uint32(math.MaxInt32-int64(r.Priority)))
	return binary.BigEndian.AppendUint64(k, r.ID)
}

// setStatus moves r to status, keeping the pending and running indexes true.
func setStatus(tx kv.Tx, r *itemRecord, status app.QueueStatus, now time.Time) error {
	if err := countItem(tx, r.Owner, r.Status, status); err != nil {
		return err
	}
	if r.Status == app.StatusPending {
		if err := tx.Bucket(bucketQueuePending).Delete(pendingKey(r)); err != nil {
			return err
		}
	}
	if r.Status == app.StatusInProgress {
		if err := tx.Bucket(bucketQueueRunning).Delete(seqKey(r.ID)); err != nil {
			return err
		}
	}
	r.Status = status
	switch status {
	case app.StatusPending:
		r.Started = nil
		if err := tx.Bucket(bucketQueuePending).Put(pendingKey(r), nil); err != nil {
			return err
		}
	case app.StatusInProgress:
		r.Started = &now
		if err := tx.Bucket(bucketQueueRunning).Put(seqKey(r.ID), nil); err != nil {
			return err
		}
	default:
		r.Completed = &now
	}
	return putItem(tx, r)
}

// deleteItem removes r and its index entries.
func deleteItem(tx kv.Tx, r *itemRecord) error {
	if err := countItem(tx, r.Owner, r.Status, ""); err != nil {
		return err
	}
	if err := tx.Bucket(bucketQueuePending).Delete(pendingKey(r)); err != nil {
		return err
	}
	if err := tx.Bucket(bucketQueueRunning).Delete(seqKey(r.ID)); err != nil {
		return err
	}
	if err := addBatchItems(tx, r.BatchID, -1); err != nil {
		return err
	}
	return tx.Bucket(bucketQueueItems).Delete(seqKey(r.ID))
}

// view is the item as viewer sees it: whole for its owner and admins,
// redacted for everyone else.
func (r *itemRecord) view(viewer *userRecord, graph json.RawMessage, owners *names) *app.QueueItem {
	it := r.fullView(graph, owners)
	it.Mine = r.Owner == viewer.UserID
	if !app.Allowed(app.KindQueueItem, app.ActSeeWhole, app.RelationsOf(&viewer.User, r.Owner)) {
		return it.Redact()
	}
	return it
}

// fullView is the whole item, for its owner's and admins' eyes (the event
// broker redacts it for everyone else).
func (r *itemRecord) fullView(graph json.RawMessage, owners *names) *app.QueueItem {
	return &app.QueueItem{
		ItemID: r.ID, Status: r.Status, Priority: r.Priority, CreatedAt: r.Created, StartedAt: r.Started,
		CompletedAt: r.Completed, QueueID: app.DefaultQueue, BatchID: r.BatchID, UserID: r.Owner,
		OwnerName: owners.of(r.Owner), Graph: graph, FieldValues: r.Values, ErrorType: r.ErrorType,
		ErrorMessage: r.ErrorMsg, ImageNames: r.Images,
	}
}

func batchGraph(tx kv.Tx, batchID string) json.RawMessage { return getBatch(tx, batchID).Graph }

// getBatch is a batch as stored; empty when it is gone or unreadable.
func getBatch(tx kv.Tx, batchID string) batchRecord {
	var b batchRecord
	if ok, err := getJSON(tx.Bucket(bucketQueueBatches), []byte(batchID), &b); err != nil || !ok {
		return batchRecord{}
	}
	return b
}

func queuePaused(tx kv.Tx) bool { return len(tx.Bucket(bucketMeta).Get(keyQueuePaused)) > 0 }
