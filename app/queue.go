package app

import (
	"context"
	"encoding/json"
	"time"
)

// QueueStatus is where a queue item is in its life (InvokeAI's values).
type QueueStatus string

const (
	StatusPending    QueueStatus = "pending"
	StatusInProgress QueueStatus = "in_progress"
	StatusCompleted  QueueStatus = "completed"
	StatusFailed     QueueStatus = "failed"
	StatusCanceled   QueueStatus = "canceled"
)

// Finished reports whether s is an end state.
func (s QueueStatus) Finished() bool {
	return s == StatusCompleted || s == StatusFailed || s == StatusCanceled
}

// DefaultQueue is the one queue, named as InvokeAI's routes name it.
const DefaultQueue = "default"

// FieldValue is one value substituted into a node field for one item.
type FieldValue struct {
	NodePath  string `json:"node_path"`
	FieldName string `json:"field_name"`
	Value     any    `json:"value"`
}

// BatchDatum is InvokeAI's batch data: values for one node field, one per item.
type BatchDatum struct {
	NodePath  string `json:"node_path"`
	FieldName string `json:"field_name"`
	Items     []any  `json:"items"`
}

// Batch is a graph and the values to run it with. Data is a list of lists:
// the datums within a list are zipped (so they must be equally long), and the
// lists are multiplied. Runs repeats the whole.
type Batch struct {
	BatchID string          `json:"batch_id,omitempty"`
	Graph   json.RawMessage `json:"graph"`
	Data    [][]BatchDatum  `json:"data,omitempty"`
	Runs    int             `json:"runs"`
	Origin  string          `json:"origin,omitempty"`
	// WorkflowID is Easel's own: the library workflow this batch runs, if
	// any. Its first finished run may give the workflow its thumbnail.
	WorkflowID string `json:"workflow_id,omitempty"`
}

// MaxBatchItems bounds how many items one batch may make.
const MaxBatchItems = 10000

// ExpandBatch turns a batch's data and runs into the field values of each
// item, in order.
func ExpandBatch(b Batch) ([][]FieldValue, error) {
	runs := b.Runs
	if runs == 0 {
		runs = 1
	}
	if runs < 0 || runs > MaxBatchItems {
		return nil, Errorf(EINVALID, "runs must be between 1 and %d, not %d.", MaxBatchItems, b.Runs)
	}
	combos := [][]FieldValue{{}}
	for i, zipped := range b.Data {
		if len(zipped) == 0 {
			continue
		}
		n := len(zipped[0].Items)
		for _, d := range zipped {
			if len(d.Items) != n {
				return nil, Errorf(EINVALID, "data list %d zips fields of different lengths (%d and %d values): give each field in a list the same number of values.", i, n, len(d.Items))
			}
			if d.NodePath == "" || d.FieldName == "" {
				return nil, Errorf(EINVALID, "data list %d has a value without node_path and field_name.", i)
			}
		}
		if n == 0 || len(combos)*n*runs > MaxBatchItems {
			return nil, Errorf(EINVALID, "This batch would make %d items; at most %d at once.", len(combos)*n*runs, MaxBatchItems)
		}
		var next [][]FieldValue
		for _, c := range combos {
			for j := 0; j < n; j++ {
				row := append([]FieldValue(nil), c...)
				for _, d := range zipped {
					row = append(row, FieldValue{NodePath: d.NodePath, FieldName: d.FieldName, Value: d.Items[j]})
				}
				next = append(next, row)
			}
		}
		combos = next
	}
	var items [][]FieldValue
	for r := 0; r < runs; r++ {
		items = append(items, combos...)
	}
	return items, nil
}

// QueueItem is one run of a graph, owned by the profile that queued it.
// Anyone but the owner and admins sees it redacted: id, status, priority
// and times only.
type QueueItem struct {
	ItemID       uint64          `json:"item_id"`
	Status       QueueStatus     `json:"status"`
	Priority     int             `json:"priority"`
	CreatedAt    time.Time       `json:"created_at"`
	StartedAt    *time.Time      `json:"started_at"`
	CompletedAt  *time.Time      `json:"completed_at"`
	QueueID      string          `json:"queue_id"`
	BatchID      string          `json:"batch_id,omitempty"`
	UserID       string          `json:"user_id,omitempty"`
	OwnerName    string          `json:"owner_name,omitempty"`
	Graph        json.RawMessage `json:"graph,omitempty"`
	FieldValues  []FieldValue    `json:"field_values,omitempty"`
	ErrorType    string          `json:"error_type,omitempty"`
	ErrorMessage string          `json:"error_message,omitempty"`
	ImageNames   []string        `json:"image_names,omitempty"`
	// Mine is true for the caller's own items (and Redacted for what they may not see).
	Mine     bool `json:"mine"`
	Redacted bool `json:"redacted,omitempty"`
}

// Redact keeps only what anyone may know of someone else's item.
func (it *QueueItem) Redact() *QueueItem {
	return &QueueItem{ItemID: it.ItemID, Status: it.Status, Priority: it.Priority, CreatedAt: it.CreatedAt,
		StartedAt: it.StartedAt, CompletedAt: it.CompletedAt, QueueID: it.QueueID, Redacted: true}
}

// EnqueueResult is InvokeAI's answer to enqueue_batch.
type EnqueueResult struct {
	QueueID   string   `json:"queue_id"`
	Enqueued  int      `json:"enqueued"`
	Requested int      `json:"requested"`
	ItemIDs   []uint64 `json:"item_ids"`
	Batch     Batch    `json:"batch"`
	Priority  int      `json:"priority"`
}

// QueueCounts counts items by status.
type QueueCounts struct {
	Pending    int `json:"pending"`
	InProgress int `json:"in_progress"`
	Completed  int `json:"completed"`
	Failed     int `json:"failed"`
	Canceled   int `json:"canceled"`
	Total      int `json:"total"`
}

// Of is the count of items in status s.
func (c QueueCounts) Of(s QueueStatus) int {
	switch s {
	case StatusPending:
		return c.Pending
	case StatusInProgress:
		return c.InProgress
	case StatusCompleted:
		return c.Completed
	case StatusFailed:
		return c.Failed
	case StatusCanceled:
		return c.Canceled
	}
	return 0
}

// QueueStatusReport is InvokeAI's queue status: everyone's counts (they
// say nothing of anyone's work), the caller's own, and the processor.
type QueueStatusReport struct {
	Queue     QueueCounts `json:"queue"`
	Mine      QueueCounts `json:"mine"`
	Processor struct {
		IsStarted    bool `json:"is_started"`
		IsProcessing bool `json:"is_processing"`
		IsPaused     bool `json:"is_paused"`
	} `json:"processor"`
}

// QueueFilter chooses a page of queue items, oldest first.
type QueueFilter struct {
	PageRequest
	// Status, when set, lists only the items in that status.
	Status QueueStatus `json:"status"`
	// After is InvokeAI's cursor: the item id the previous page ended on
	// (its clients send the last item's id); a Cursor, when given, wins.
	After uint64 `json:"after"`
	// Newest asks for the last page instead of the first: the newest Limit
	// items, still oldest first (list_all's answer).
	Newest bool `json:"newest"`
}

// QueuePage is one page of queue items.
type QueuePage = Page[*QueueItem]

// MaxListed bounds the queue's whole-list answers (list_all, item_ids, the
// window's list): the newest items.
const MaxListed = MaxPageSize

// QueueService queues render work and decides who may see and change it.
// Every method acts as the user in ctx.
type QueueService interface {
	Enqueue(ctx context.Context, b Batch, priority int) (*EnqueueResult, error)
	// ListItems lists a page of items, oldest first; others' redacted.
	ListItems(ctx context.Context, f QueueFilter) (*QueuePage, error)
	FindItem(ctx context.Context, id uint64) (*QueueItem, error)
	Status(ctx context.Context) (*QueueStatusReport, error)
	CancelItem(ctx context.Context, id uint64) (*QueueItem, error)
	DeleteItem(ctx context.Context, id uint64) error
	Retry(ctx context.Context, ids []uint64) ([]uint64, error)
	CancelBatches(ctx context.Context, batchIDs []string) (int, error)
	// Clear deletes items: an admin's clears everyone's, anyone else's their own.
	Clear(ctx context.Context) (int, error)
	// Prune deletes finished items: the caller's own, everyone's for an admin.
	Prune(ctx context.Context) (int, error)
	SetPaused(ctx context.Context, paused bool) error
}

// Queue event types, pushed to the window and to easel serve's stream.
const (
	EventItemStatus   = "queue_item_status_changed"
	EventItemDeleted  = "queue_item_deleted"
	EventNodeProgress = "invocation_progress"
	EventImageSaved   = "image_saved"
	// EventProcessor says the queue was paused or resumed; it has no item.
	EventProcessor = "processor_changed"
)

// QueueEvent is one thing that happened to a queue item.
type QueueEvent struct {
	Type      string     `json:"type"`
	Item      *QueueItem `json:"item"`
	NodeID    string     `json:"node_id,omitempty"`
	NodeType  string     `json:"node_type,omitempty"`
	Percent   float64    `json:"percent,omitempty"`
	ImageName string     `json:"image_name,omitempty"`
	BoardID   string     `json:"board_id,omitempty"`
	// Message and Image are an invocation_progress's words ("Step 4 of
	// 20") and preview of the picture so far, in InvokeAI's shape: only
	// the item's owner and administrators get them.
	Message string         `json:"message,omitempty"`
	Image   *ProgressImage `json:"image,omitempty"`
}

// ProgressImage is a preview of a picture being made: a small image as a
// data: URL, with its size.
type ProgressImage struct {
	DataURL string `json:"dataURL"`
	Width   int    `json:"width"`
	Height  int    `json:"height"`
}

// RedactedFor returns the event as a viewer who is not the item's owner (nor
// an admin) may see it, or nil when they should not see it at all.
func (e *QueueEvent) RedactedFor() *QueueEvent {
	switch {
	case e.Item == nil:
		about := *e // the queue itself, not anyone's work
		return &about
	case e.Type == EventItemStatus || e.Type == EventItemDeleted:
		return &QueueEvent{Type: e.Type, Item: e.Item.Redact()}
	}
	return nil // progress and images say what someone is making
}

// ClaimedItem is a queue item the processor has taken to run, with what it
// needs to run it as its owner.
type ClaimedItem struct {
	Item  *QueueItem
	Graph json.RawMessage
	Owner string
	// PixelBudget is the studio's pixel budget for the run, as it is when
	// the item is claimed.
	PixelBudget int64
}

// QueueProcessor is the store's side of running the queue, for the worker
// alone (no adapter reaches it).
type QueueProcessor interface {
	// RecoverInterrupted fails the items a crash left in progress, as
	// "interrupted", so their owners can retry them; like Requeue, it takes
	// back the images their runs saved.
	RecoverInterrupted() (int, error)
	// Claim takes the next pending item, serving users in turn: the first
	// user after lastUser (in a fixed order) with work waiting. It returns
	// nil when nothing waits or the queue is paused.
	Claim(lastUser string) (*ClaimedItem, error)
	// Finish records how an item ended: completed (with the images its run
	// saved, recorded as each was saved), or failed with runErr; an item
	// canceled meanwhile stays canceled. With claimNext it also claims the
	// next item, as Claim does, in the same transaction.
	Finish(id uint64, runErr error, claimNext bool, lastUser string) (*ClaimedItem, error)
	// Requeue puts an item that was stopped with the app back in line, and
	// takes back the images its run saved, so they are not saved twice.
	Requeue(id uint64) error
}

// ErrCanceled is what an item's run ends with when it was canceled.
var ErrCanceled = Errorf(EINVALID, "Canceled")
