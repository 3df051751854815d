package imaging

import (
	"container/list"
	"context"
	"sync"
)

// DefaultDecodeBudget bounds the memory that the decodes running at once
// may hold, in bytes, as estimated from each image's header before its
// pixels are read (see decodeCost). A decode that would go over it waits
// until enough of the others finish, in turn: many small imports run
// together, two huge ones one after the other. One image that alone needs
// more than the whole budget (a 100-megapixel progressive JPEG needs about
// 1.6 GB) runs by itself, once all others are done.
const DefaultDecodeBudget int64 = 512 << 20

// decodes is the budget every decode in the process shares: imports,
// whether over HTTP or from the window, and the renders that read them.
var decodes = newBudget(DefaultDecodeBudget)

// budget is a weighted semaphore: callers take what they need of a fixed
// amount, waiting in line while it is not there. It is first come, first
// served, so a large request is not starved by a stream of small ones
// slipping past it. (golang.org/x/sync/semaphore does the same; this is the
// few lines of it Easel needs, without a new module.)
type budget struct {
	mu      sync.Mutex
	size    int64
	used    int64
	waiting list.List // of *budgetWaiter, in arrival order
}

type budgetWaiter struct {
	n     int64
	ready chan struct{} // closed when n is granted
}

func newBudget(size int64) *budget { return &budget{size: size} }

// clamp is what a request for n takes: at least 1, at most the whole
// budget (so one that is larger than everything still runs, alone).
func (b *budget) clamp(n int64) int64 { return min(max(n, 1), b.size) }

// acquire takes n, waiting while it is not free. It gives up, taking
// nothing, when ctx ends first.
func (b *budget) acquire(ctx context.Context, n int64) error {
	n = b.clamp(n)
	b.mu.Lock()
	if b.waiting.Len() == 0 && b.size-b.used >= n {
		b.used += n
		b.mu.Unlock()
		return nil
	}
	w := &budgetWaiter{n: n, ready: make(chan struct{})}
	e := b.waiting.PushBack(w)
	b.mu.Unlock()

	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
		b.mu.Lock()
		defer b.mu.Unlock()
		select {
		case <-w.ready: // granted just as ctx ended: give it back
			b.used -= n
		default:
			b.waiting.Remove(e)
		}
		b.grant() // those behind it may fit now
		return ctx.Err()
	}
}

// release gives back n taken by acquire.
func (b *budget) release(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.used -= b.clamp(n)
	b.grant()
}

// grant hands what is free to the waiters at the front of the line, in
// order, stopping at the first that does not fit. b.mu must be held.
func (b *budget) grant() {
	for e := b.waiting.Front(); e != nil; e = b.waiting.Front() {
		w := e.Value.(*budgetWaiter)
		if b.size-b.used < w.n {
			return
		}
		b.used += w.n
		b.waiting.Remove(e)
		close(w.ready)
	}
}
