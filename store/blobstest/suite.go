// Package blobstest is the conformance suite for implementations of
// blob.Store: what every place that keeps Easel's image files must do,
// checked through the interface alone. Run it from the implementation's
// own tests:
//
//	func TestDisk(t *testing.T) { blobstest.Run(t, blobstest.Impl{...}) }
//
// It includes a crash: the suite runs the test binary again as a child
// that writes until it is killed, then checks what the place holds.
package blobstest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"testing"

	"easel/store/blob"
)

// Impl is the implementation under test.
type Impl struct {
	// Place makes a new, empty place to keep blobs in, for one test, named
	// so that another process can open it too: a folder, a bucket prefix.
	Place func(t *testing.T) string

	// Open opens a store on place. The suite opens a place again after
	// closing it, to see what lasts, and from a child process it kills.
	Open func(place string) (blob.Store, error)

	// Leftovers lists what the implementation keeps in place that is
	// neither a blob nor an intent (temporaries, half-written uploads).
	// The suite wants none after a write that failed or was refused, and
	// none after Settle. Nil skips those checks, which only the
	// implementation can look behind the interface to make.
	Leftovers func(t *testing.T, place string) []string
}

// Run runs every test of the suite against impl, each on a new place.
func Run(t *testing.T, impl Impl) {
	if place := os.Getenv(crashEnv); place != "" {
		crashChild(impl, place) // in the child the suite runs: write until killed
		return
	}
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, *harness)
	}{
		{"WriteOpen", testWriteOpen},
		{"WriteEmpty", testWriteEmpty},
		{"WriteReplaces", testWriteReplaces},
		{"WriteAtLimit", testWriteAtLimit},
		{"WriteOverLimit", testWriteOverLimit},
		{"WriteFailingReader", testWriteFailingReader},
		{"KeysApart", testKeysApart},
		{"OpenMissing", testOpenMissing},
		{"Remove", testRemove},
		{"InvalidKeys", testInvalidKeys},
		{"StageCommit", testStageCommit},
		{"StageDiscard", testStageDiscard},
		{"StageOverLimit", testStageOverLimit},
		{"StageFailingReader", testStageFailingReader},
		{"Durable", testDurable},
		{"Intents", testIntents},
		{"PendingStops", testPendingStops},
		{"SettleAfterAbandonedWrite", testSettleAfterAbandonedWrite},
		{"Parallel", testParallel},
		{"Crash", testCrash},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := &harness{t: t, impl: impl, place: impl.Place(t)}
			h.open()
			t.Cleanup(h.close)
			tc.fn(t, h)
		})
	}
}

// harness is one test's place and the store open on it.
type harness struct {
	t     *testing.T
	impl  Impl
	place string
	s     blob.Store
}

func (h *harness) open() {
	h.t.Helper()
	s, err := h.impl.Open(h.place)
	if err != nil {
		h.t.Fatalf("open %s: %v", h.place, err)
	}
	h.s = s
}

func (h *harness) close() {
	if h.s != nil {
		if err := h.s.Close(); err != nil {
			h.t.Errorf("close: %v", err)
		}
		h.s = nil
	}
}

// reopen closes the store and opens the place again.
func (h *harness) reopen() {
	h.t.Helper()
	h.close()
	h.open()
}

// write stores data as key, all of it.
func (h *harness) write(key blob.Key, data []byte) {
	h.t.Helper()
	n, err := h.s.Write(key, bytes.NewReader(data), int64(len(data)))
	if err != nil {
		h.t.Fatalf("write %s: %v", key, err)
	}
	if n != int64(len(data)) {
		h.t.Fatalf("write %s: %d bytes, want %d", key, n, len(data))
	}
}

// want checks that key holds data.
func (h *harness) want(key blob.Key, data []byte) {
	h.t.Helper()
	if err := holds(h.s, key, data); err != nil {
		h.t.Fatal(err)
	}
}

// holds reports how key does not hold data, if it does not.
func holds(s blob.Store, key blob.Key, data []byte) error {
	f, err := s.Open(key)
	if err != nil {
		return fmt.Errorf("open %s: %w", key, err)
	}
	defer f.Close()
	got, err := io.ReadAll(f)
	if err != nil {
		return fmt.Errorf("read %s: %w", key, err)
	}
	if !bytes.Equal(got, data) {
		return fmt.Errorf("%s holds %d bytes, not the %d written", key, len(got), len(data))
	}
	return nil
}

// wantMissing checks that key holds nothing.
func (h *harness) wantMissing(key blob.Key) {
	h.t.Helper()
	if err := missing(h.s, key); err != nil {
		h.t.Fatal(err)
	}
}

func missing(s blob.Store, key blob.Key) error {
	f, err := s.Open(key)
	if err == nil {
		f.Close()
		return fmt.Errorf("%s is there, want it missing", key)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("open %s: %v, want an error that is fs.ErrNotExist", key, err)
	}
	return nil
}

// noLeftovers checks that the implementation keeps nothing besides blobs
// and intents.
func (h *harness) noLeftovers() {
	h.t.Helper()
	if h.impl.Leftovers == nil {
		return
	}
	if left := h.impl.Leftovers(h.t, h.place); len(left) > 0 {
		h.t.Fatalf("left behind: %v", left)
	}
}

// pending lists the store's intents.
func (h *harness) pending() []blob.Ref {
	h.t.Helper()
	var refs []blob.Ref
	if err := h.s.Pending(func(r blob.Ref) error {
		refs = append(refs, r)
		return nil
	}); err != nil {
		h.t.Fatalf("pending: %v", err)
	}
	return refs
}

func (h *harness) wantPending(want ...blob.Ref) {
	h.t.Helper()
	if got := h.pending(); !slices.Equal(got, want) {
		h.t.Fatalf("pending %v, want %v", got, want)
	}
}

// content is n bytes that differ with seed, so that one blob read in place
// of another is seen.
func content(seed, n int) []byte {
	b := make([]byte, n)
	x := uint32(seed)*2654435761 + 1
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

// errBroken is what a failing reader fails with.
var errBroken = errors.New("blobstest: connection reset")

// failing gives n bytes of content, then fails.
func failing(n int) io.Reader {
	return io.MultiReader(bytes.NewReader(content(7, n)), errReader{errBroken})
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// counting counts the bytes read from r.
type counting struct {
	r io.Reader
	n int64
}

func (c *counting) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// endless is an endless stream of bytes.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

func key(kind blob.Kind, owner, name string) blob.Key {
	return blob.Key{Kind: kind, Owner: owner, Name: name}
}
