package blobstest

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"testing"

	"easel/store/blob"
)

// testDurable: what was written is there after the store is closed and
// opened again.
func testDurable(t *testing.T, h *harness) {
	k := key(blob.Image, "ann", "kept.png")
	h.write(k, content(50, 10000))
	h.reopen()
	h.want(k, content(50, 10000))
}

// testIntents: intents are listed in the order they were noted, last
// across a reopen, and Settle removes the orphans' blobs of every kind,
// keeps every other blob and forgets every intent.
func testIntents(t *testing.T, h *harness) {
	a, b, c := blob.Ref{Owner: "ann", Name: "a.png"}, blob.Ref{Owner: "bob", Name: "b.png"}, blob.Ref{Owner: "ann", Name: "c.png"}
	kept := blob.Ref{Owner: "ann", Name: "kept.png"}
	if err := h.s.Intend(a, b); err != nil {
		t.Fatal(err)
	}
	if err := h.s.Intend(c); err != nil {
		t.Fatal(err)
	}
	if err := h.s.Intend(); err != nil {
		t.Fatalf("intend nothing: %v", err)
	}
	for _, kind := range blob.Kinds() {
		h.write(a.Key(kind), content(51, 100))
		h.write(c.Key(kind), content(52, 100))
		h.write(kept.Key(kind), content(53, 100))
	}
	h.write(b.Key(blob.Image), content(54, 100)) // cut off before its thumbnail
	h.wantPending(a, b, c)
	h.reopen()
	h.wantPending(a, b, c)

	removed, err := h.s.Settle([]blob.Ref{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if removed != 3 {
		t.Errorf("settle removed %d, want 3 (a's two blobs, b's one)", removed)
	}
	for _, kind := range blob.Kinds() {
		h.wantMissing(a.Key(kind))
		h.wantMissing(b.Key(kind))
		h.want(c.Key(kind), content(52, 100)) // named, but claimed
		h.want(kept.Key(kind), content(53, 100))
	}
	h.wantPending()
	h.noLeftovers()
	h.reopen()
	h.wantPending()

	if removed, err := h.s.Settle(nil); err != nil || removed != 0 {
		t.Fatalf("settle with nothing to do: %d, %v", removed, err)
	}
}

// testPendingStops: an error from fn stops Pending and is returned.
func testPendingStops(t *testing.T, h *harness) {
	if err := h.s.Intend(blob.Ref{Owner: "ann", Name: "1.png"}, blob.Ref{Owner: "ann", Name: "2.png"}); err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stop")
	calls := 0
	err := h.s.Pending(func(blob.Ref) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Fatalf("pending: %d calls, %v; want 1 call and fn's error", calls, err)
	}
	h.wantPending(blob.Ref{Owner: "ann", Name: "1.png"}, blob.Ref{Owner: "ann", Name: "2.png"})
}

// testSettleAfterAbandonedWrite: bytes staged and never committed nor
// discarded, as when the process dies, are gone once Settle has run.
func testSettleAfterAbandonedWrite(t *testing.T, h *harness) {
	s, err := h.s.Stage(blob.Image, "ann", bytes.NewReader(content(60, 30000)), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Discard() // only to release it; Settle has removed its bytes by then
	h.reopen()
	if _, err := h.s.Settle(nil); err != nil {
		t.Fatal(err)
	}
	h.noLeftovers()
}

// testParallel: writes, reads, intents and removals from many goroutines
// at once each do what they would alone.
func testParallel(t *testing.T, h *harness) {
	const workers, each = 6, 15
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				ref := blob.Ref{Owner: fmt.Sprintf("owner%d", w%3), Name: fmt.Sprintf("%d-%d.png", w, i)}
				data := content(w*100+i, 2000+i)
				if err := h.s.Intend(ref); err != nil {
					errs <- err
					continue
				}
				for _, kind := range blob.Kinds() {
					if _, err := h.s.Write(ref.Key(kind), bytes.NewReader(data), int64(len(data))); err != nil {
						errs <- err
					}
				}
				if err := holds(h.s, ref.Key(blob.Image), data); err != nil {
					errs <- err
				}
				if i%2 == 1 {
					if err := h.s.Remove(ref); err != nil {
						errs <- err
					}
					if err := missing(h.s, ref.Key(blob.Thumbnail)); err != nil {
						errs <- err
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(h.pending()); n != workers*each {
		t.Fatalf("%d intents, want %d: some were lost or torn", n, workers*each)
	}
	h.noLeftovers()
}
