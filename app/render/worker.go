// Package render runs the render queue: a worker takes items in turn from
// each user with work waiting and runs their graphs with the engine, acting
// as each item's owner.
package render

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"time"

	"easel/app"
	"easel/app/engine"
)

// errStopping cancels items when the app stops; they go back in line.
var errStopping = errors.New("Easel is stopping")

// idleWait is how long a slot with nothing to do waits before looking
// again; the queue's signals cut it short when work arrives.
const idleWait = 2 * time.Second

// Config is what a worker needs: the queue it runs, the services its nodes
// call as each item's owner, where it tells of progress, and the signals the
// queue gives of new work and cancels. The queue and the worker share the
// signals and the broker, made before either, so neither needs the other
// to be built (see app.QueueSignals).
type Config struct {
	Queue   app.QueueProcessor
	Images  app.ImageService
	Boards  app.BoardService
	Events  *app.Broker
	Signals *app.QueueSignals
	// Generation finds the backend for a txt2img or img2img node's model,
	// as the item's owner; nil when the studio has none.
	Generation app.GenerationService
	// Log gets what the owner of a failed item must not see; slog's
	// default logger when nil.
	Log *slog.Logger
	// Slots is how many items run at once (at least 1).
	Slots int
	// IdleWait is how long a slot with nothing to do waits before it looks
	// again on its own, in case a signal was missed (idleWait when 0).
	IdleWait time.Duration
}

// Worker runs queue items in the background.
type Worker struct {
	queue   app.QueueProcessor
	images  app.ImageService
	boards  app.BoardService
	events  *app.Broker
	signals *app.QueueSignals
	// generation reaches the image-generation backends (nil: none).
	generation app.GenerationService
	log        *slog.Logger
	slots      int
	idle       time.Duration

	mu       sync.Mutex
	lastUser string
	// running holds each running item's stop, for Stop; the queue's
	// cancels reach the run through the signals.
	running map[uint64]context.CancelCauseFunc
	stop    context.CancelFunc
	wg      sync.WaitGroup
}

// NewWorker returns a worker over c, not started.
func NewWorker(c Config) *Worker {
	if c.Log == nil {
		c.Log = slog.Default()
	}
	if c.IdleWait <= 0 {
		c.IdleWait = idleWait
	}
	return &Worker{queue: c.Queue, images: c.Images, boards: c.Boards, events: c.Events, signals: c.Signals,
		generation: c.Generation, log: c.Log, slots: max(c.Slots, 1), idle: c.IdleWait, running: map[uint64]context.CancelCauseFunc{}}
}

// Start fails what a crash left in progress, then runs items until Stop.
func (w *Worker) Start(parent context.Context) error {
	if n, err := w.queue.RecoverInterrupted(); err != nil {
		return err
	} else if n > 0 {
		w.log.Info("queue items interrupted by the last stop are marked failed", "items", n)
	}
	ctx, stop := context.WithCancel(parent)
	w.stop = stop
	for range w.slots {
		w.wg.Add(1)
		go w.loop(ctx)
	}
	return nil
}

// Stop stops the running items at their next step, puts them back in line
// and returns when the slots are done.
func (w *Worker) Stop() {
	w.mu.Lock()
	for _, cancel := range w.running {
		cancel(errStopping)
	}
	w.mu.Unlock()
	w.stop()
	w.wg.Wait()
}

func (w *Worker) loop(ctx context.Context) {
	defer w.wg.Done()
	var claim *app.ClaimedItem
	for ctx.Err() == nil {
		if claim == nil {
			claim = w.claim(func(last string) (*app.ClaimedItem, error) { return w.queue.Claim(last) })
		}
		if claim == nil {
			select {
			case <-ctx.Done():
			case <-w.signals.Work():
			case <-time.After(w.idle):
			}
			continue
		}
		claim = w.run(ctx, claim)
	}
	if claim != nil { // claimed as the worker was told to stop
		if err := w.queue.Requeue(claim.Item.ItemID); err != nil {
			w.log.Error("queue: putting an item back failed", "item", claim.Item.ItemID, "err", err)
		}
	}
}

// claim takes the next item with take, serving users round-robin.
func (w *Worker) claim(take func(lastUser string) (*app.ClaimedItem, error)) *app.ClaimedItem {
	w.mu.Lock()
	defer w.mu.Unlock()
	claim, err := take(w.lastUser)
	if err != nil {
		w.log.Error("queue: recording or claiming an item failed", "err", err)
	}
	if claim != nil {
		w.lastUser = claim.Owner
	}
	return claim
}

// run runs one item to its end, records it and returns the next item to
// run, claimed in the same transaction (nil when none waits, or when
// stopping).
func (w *Worker) run(parent context.Context, claim *app.ClaimedItem) *app.ClaimedItem {
	id := claim.Item.ItemID
	// The run outlives parent so that stopping can say why (errStopping);
	// the queue's cancel (app.ErrCanceled) comes through the signals. The
	// first of the two is the run's cause.
	stopping, stop := context.WithCancelCause(context.WithoutCancel(parent))
	w.mu.Lock()
	w.running[id] = stop
	w.mu.Unlock()
	ctx, done := w.signals.Running(stopping, id)
	defer func() {
		done()
		w.mu.Lock()
		delete(w.running, id)
		w.mu.Unlock()
		stop(nil)
	}()
	if parent.Err() != nil {
		stop(errStopping)
	}

	inv := &invocation{Context: ctx, w: w, item: claim.Item, owner: claim.Owner, graph: claim.Graph,
		limits: engine.Limits{PixelBudget: claim.PixelBudget}}
	err := inv.runGraph()
	if app.ErrorCode(err) == app.EINTERNAL && context.Cause(ctx) == nil {
		// The owner sees a plain message; the details are for the log.
		w.log.Error("queue item failed", "item", id, "err", err)
	}
	switch cause := context.Cause(ctx); {
	case errors.Is(cause, errStopping) && err != nil:
		// Stopped part way: back in line, and what the run saved is taken
		// back (a run that got to its end is simply finished below).
		if err := w.queue.Requeue(id); err != nil {
			w.log.Error("queue: putting a stopped item back failed", "item", id, "err", err)
		}
		return nil
	case errors.Is(cause, app.ErrCanceled):
		err = app.ErrCanceled
	}
	claimNext := parent.Err() == nil
	return w.claim(func(last string) (*app.ClaimedItem, error) {
		return w.queue.Finish(id, err, claimNext, last)
	})
}

// maxCheckBytes bounds the graph JSON a batch check may parse in all.
const maxCheckBytes = 256 << 20

// CheckBatch validates a graph with each item's values, for the store to
// refuse a bad batch before queuing any of it: also one whose run can be
// seen to hold more than pixelBudget pixels of images at once. It returns
// the models the items name, for the store to ask whether the owner may
// use each.
func CheckBatch(graph json.RawMessage, items [][]app.FieldValue, pixelBudget int64) (models []string, err error) {
	// Runs repeat the same values: check each distinct set once.
	distinct := map[string][]app.FieldValue{}
	for _, values := range items {
		key, err := json.Marshal(values)
		if err != nil {
			return nil, app.Errorf(app.EINVALID, "The batch data could not be read: %v", err)
		}
		distinct[string(key)] = values
	}
	if work := len(graph) * len(distinct); work > maxCheckBytes {
		return nil, app.Errorf(app.EINVALID, "This batch is too big to check (%d different value sets of a %d-byte graph). Queue it in smaller batches.", len(distinct), len(graph))
	}
	for _, values := range distinct {
		// Values may fill required fields (an "Edit an image" workflow's
		// image), so each set is applied to a fresh graph before checking.
		g, err := parseGraph(graph)
		if err != nil {
			return nil, err
		}
		if err := applyValues(g, values); err != nil {
			return nil, err
		}
		if err := engine.ValidateWithin(g, engine.Limits{PixelBudget: pixelBudget}); err != nil {
			return nil, err
		}
		for _, m := range engine.ModelsOf(g) {
			if !slices.Contains(models, m) {
				models = append(models, m)
			}
		}
	}
	slices.Sort(models)
	return models, nil
}

func parseGraph(raw json.RawMessage) (*engine.Graph, error) {
	var g engine.Graph
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, app.Errorf(app.EINVALID, "The graph is not valid JSON in InvokeAI's shape ({\"nodes\": {…}, \"edges\": […]}): %v", err)
	}
	return &g, nil
}

func applyValues(g *engine.Graph, values []app.FieldValue) error {
	for _, v := range values {
		if err := engine.SetField(g, v.NodePath, v.FieldName, v.Value); err != nil {
			return err
		}
	}
	return nil
}
