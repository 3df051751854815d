package app

import (
	"context"
	"sync"
)

// QueueSignals carry what the queue tells whoever runs its items: that work
// has arrived, and that an item was canceled while it runs.
//
// They are made first and handed to both the queue service and the worker,
// so neither needs the other to be built: the queue calls WorkArrived and
// Canceled, the worker waits on Work and runs each item under Running. The
// signals hold the state themselves (a wake-up and the running items'
// cancels) instead of calling into the worker, so nothing is wired after
// construction and a queue with no worker (the store's tests, `easel
// admin`) signals into nothing.
//
// They are not events on the Broker: the broker drops events for a slow
// subscriber and delivers them later, on the subscriber's goroutine, while
// a cancel must never be lost and must have reached the run by the time
// CancelItem returns.
type QueueSignals struct {
	work chan struct{}

	mu      sync.Mutex
	running map[uint64]context.CancelCauseFunc
	// canceled holds cancels that came between an item's claim and the
	// start of its run, so that the run begins canceled.
	canceled map[uint64]bool
}

// NewQueueSignals returns signals with no work waiting and nothing running.
func NewQueueSignals() *QueueSignals {
	return &QueueSignals{work: make(chan struct{}, 1), running: map[uint64]context.CancelCauseFunc{}, canceled: map[uint64]bool{}}
}

// WorkArrived tells the worker that items are waiting, so it need not poll.
// It never blocks: one wake-up waiting is as good as many.
func (s *QueueSignals) WorkArrived() {
	select {
	case s.work <- struct{}{}:
	default:
	}
}

// Work receives when WorkArrived was called since the last receive.
func (s *QueueSignals) Work() <-chan struct{} { return s.work }

// Canceled stops item id's run at its next step, with ErrCanceled; an item
// claimed whose run has not begun yet begins canceled.
func (s *QueueSignals) Canceled(id uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cancel, ok := s.running[id]; ok {
		cancel(ErrCanceled)
	} else {
		s.canceled[id] = true // claimed, not started yet (or not running here: harmless)
	}
}

// Running returns the context to run item id in: ctx, canceled with
// ErrCanceled when the queue cancels the item. Call done when the run ends.
func (s *QueueSignals) Running(ctx context.Context, id uint64) (run context.Context, done func()) {
	run, cancel := context.WithCancelCause(ctx)
	s.mu.Lock()
	s.running[id] = cancel
	if s.canceled[id] {
		delete(s.canceled, id)
		cancel(ErrCanceled)
	}
	s.mu.Unlock()
	return run, func() {
		s.mu.Lock()
		delete(s.running, id)
		s.mu.Unlock()
		cancel(nil)
	}
}
