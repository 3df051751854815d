package imaging

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// granted reports whether acquire returns within a moment.
func granted(t *testing.T, done <-chan error) bool {
	t.Helper()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("acquire: %v", err)
		}
		return true
	case <-time.After(50 * time.Millisecond):
		return false
	}
}

func acquireAsync(b *budget, ctx context.Context, n int64) <-chan error {
	done := make(chan error, 1)
	go func() { done <- b.acquire(ctx, n) }()
	return done
}

// TestBudgetWeighs: many small requests fit at once; a large one waits for
// room, and those after it wait their turn behind it, so it is not starved.
func TestBudgetWeighs(t *testing.T) {
	ctx := context.Background()
	b := newBudget(100)
	for range 10 {
		if !granted(t, acquireAsync(b, ctx, 10)) {
			t.Fatal("ten requests of 10 do not fit in 100")
		}
	}
	for range 10 {
		b.release(10)
	}
	if !granted(t, acquireAsync(b, ctx, 60)) {
		t.Fatal("60 of 100 not granted")
	}
	big := acquireAsync(b, ctx, 60)
	if granted(t, big) {
		t.Fatal("60 more granted with 40 left")
	}
	time.Sleep(10 * time.Millisecond) // big is in line first
	small := acquireAsync(b, ctx, 10)
	if granted(t, small) {
		t.Fatal("a small request slipped past the large one waiting")
	}
	b.release(60)
	if !granted(t, big) || !granted(t, small) {
		t.Fatal("the waiting requests were not granted once there was room")
	}
}

// TestBudgetLargerThanAll: a request for more than the whole budget runs,
// alone.
func TestBudgetLargerThanAll(t *testing.T) {
	ctx := context.Background()
	b := newBudget(100)
	if !granted(t, acquireAsync(b, ctx, 1)) {
		t.Fatal("1 not granted")
	}
	huge := acquireAsync(b, ctx, 1000)
	if granted(t, huge) {
		t.Fatal("a huge request ran beside another")
	}
	b.release(1)
	if !granted(t, huge) {
		t.Fatal("a huge request never ran")
	}
	if granted(t, acquireAsync(b, ctx, 1)) {
		t.Fatal("a request ran beside the huge one")
	}
}

// TestBudgetCancel: a request whose context ends stops waiting, takes
// nothing, and lets those behind it through.
func TestBudgetCancel(t *testing.T) {
	b := newBudget(100)
	b.acquire(context.Background(), 50)
	ctx, cancel := context.WithCancel(context.Background())
	big := acquireAsync(b, ctx, 80)
	time.Sleep(10 * time.Millisecond)
	small := acquireAsync(b, context.Background(), 40)
	if granted(t, small) {
		t.Fatal("a small request slipped past the large one waiting")
	}
	cancel()
	if err := <-big; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled acquire = %v", err)
	}
	if !granted(t, small) {
		t.Fatal("the request behind a cancelled one was not granted")
	}
	b.release(50)
	b.release(40)
	if !granted(t, acquireAsync(b, context.Background(), 100)) {
		t.Fatal("the cancelled request kept part of the budget")
	}
}

// TestBudgetNeverOverspends: under racing requests of random weights, what
// is held never exceeds the budget, and everyone is served.
func TestBudgetNeverOverspends(t *testing.T) {
	b := newBudget(100)
	var held, most atomic.Int64
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), 0))
			for range 50 {
				n := int64(1 + rng.IntN(70))
				ctx, cancel := context.WithTimeout(context.Background(), time.Duration(rng.IntN(3))*time.Millisecond)
				if rng.IntN(2) == 0 {
					cancel()
					ctx, cancel = context.WithCancel(context.Background())
				}
				if b.acquire(ctx, n) == nil {
					h := held.Add(n)
					for m := most.Load(); h > m && !most.CompareAndSwap(m, h); m = most.Load() {
					}
					time.Sleep(time.Duration(rng.IntN(100)) * time.Microsecond)
					held.Add(-n)
					b.release(n)
				}
				cancel()
			}
		})
	}
	wg.Wait()
	if most.Load() > 100 {
		t.Fatalf("%d held at once, over the budget of 100", most.Load())
	}
	if b.used != 0 || b.waiting.Len() != 0 {
		t.Fatalf("after all: %d used, %d waiting", b.used, b.waiting.Len())
	}
}

// TestImportWaitsForTheBudget: an import whose estimate does not fit in what
// is left of the decode budget waits for it, and stops waiting when its
// context ends.
func TestImportWaitsForTheBudget(t *testing.T) {
	data := (pngSpec{300, 200, pngRGB, 16, false, false, 1}).encode()
	h, err := readHeader("a.png", bytes.NewReader(data), int64(len(data)), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	hold := DefaultDecodeBudget - h.cost(true) + 1 // leaves one byte too few
	if err := decodes.acquire(context.Background(), hold); err != nil {
		t.Fatal(err)
	}
	imported := func(ctx context.Context) <-chan error {
		done := make(chan error, 1)
		go func() {
			_, _, err := Import(ctx, "a.png", bytes.NewReader(data), int64(len(data)), Limits{})
			done <- err
		}()
		return done
	}
	ctx, cancel := context.WithCancel(context.Background())
	waiting := imported(ctx)
	if granted(t, waiting) {
		t.Fatal("the import ran with too little of the budget left")
	}
	cancel()
	if err := <-waiting; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled import = %v", err)
	}
	later := imported(context.Background())
	if granted(t, later) {
		t.Fatal("the import ran with too little of the budget left")
	}
	decodes.release(hold)
	if err := <-later; err != nil {
		t.Fatalf("import once the budget was free: %v", err)
	}
}
