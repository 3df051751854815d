package blobstest

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"easel/store/blob"
)

// testStageCommit: staged bytes can be read where they lie, under no name
// until Commit, then are a blob like any written one.
func testStageCommit(t *testing.T, h *harness) {
	data := content(40, 200<<10)
	s, err := h.s.Stage(blob.Image, "ann", bytes.NewReader(data), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Discard()
	if s.Size() != int64(len(data)) {
		t.Fatalf("size %d, want %d", s.Size(), len(data))
	}
	got, err := io.ReadAll(io.NewSectionReader(s, 0, s.Size()))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read the staged bytes: %d bytes, %v", len(got), err)
	}
	mid := make([]byte, 1000)
	if _, err := s.ReadAt(mid, 123456); err != nil || !bytes.Equal(mid, data[123456:124456]) {
		t.Fatalf("read 1000 bytes at 123456: %v", err)
	}
	k := key(blob.Image, "ann", "staged.png")
	h.wantMissing(k)

	if err := s.Commit(k.Name); err != nil {
		t.Fatal(err)
	}
	h.want(k, data)
	s.Discard() // after Commit: keeps the blob
	s.Discard()
	h.want(k, data)
	h.noLeftovers()
}

// testStageDiscard: discarded bytes leave nothing, however often Discard is called.
func testStageDiscard(t *testing.T, h *harness) {
	s, err := h.s.Stage(blob.Thumbnail, "ann", bytes.NewReader(content(41, 5000)), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	s.Discard()
	s.Discard()
	h.noLeftovers()
	h.wantPending()
}

// testStageOverLimit: Stage stops a byte past the limit with ErrTooLarge,
// keeping nothing.
func testStageOverLimit(t *testing.T, h *harness) {
	const limit = 100 << 10
	src := &counting{r: endless{}}
	if s, err := h.s.Stage(blob.Image, "ann", src, limit); !errors.Is(err, blob.ErrTooLarge) {
		if err == nil {
			s.Discard()
		}
		t.Fatalf("stage an endless stream: %v, want ErrTooLarge", err)
	}
	if src.n > limit+1 {
		t.Errorf("read %d bytes for a limit of %d", src.n, limit)
	}
	h.noLeftovers()

	s, err := h.s.Stage(blob.Image, "ann", bytes.NewReader(content(42, limit)), limit)
	if err != nil {
		t.Fatalf("stage exactly the limit: %v", err)
	}
	s.Discard()
	h.noLeftovers()
}

// testStageFailingReader: a reader that fails midway fails Stage with its
// own error, keeping nothing.
func testStageFailingReader(t *testing.T, h *harness) {
	if s, err := h.s.Stage(blob.Image, "ann", failing(70<<10), 1<<20); !errors.Is(err, errBroken) {
		if err == nil {
			s.Discard()
		}
		t.Fatalf("stage from a failing reader: %v, want the reader's error", err)
	}
	h.noLeftovers()
}
