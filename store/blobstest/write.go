package blobstest

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"easel/store/blob"
)

// testWriteOpen: a blob reads back as written, from the start or after a
// seek, and Write says how many bytes it kept.
func testWriteOpen(t *testing.T, h *harness) {
	k := key(blob.Image, "ann", "one.png")
	data := content(1, 300<<10)
	h.write(k, data)
	h.want(k, data)

	f, err := h.s.Open(k)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if pos, err := f.Seek(-100, io.SeekEnd); err != nil || pos != int64(len(data)-100) {
		t.Fatalf("seek to 100 before the end: %d, %v", pos, err)
	}
	tail, err := io.ReadAll(f)
	if err != nil || !bytes.Equal(tail, data[len(data)-100:]) {
		t.Fatalf("the last 100 bytes: %d bytes, %v", len(tail), err)
	}
	h.noLeftovers()
}

// testWriteEmpty: an empty blob is a blob.
func testWriteEmpty(t *testing.T, h *harness) {
	k := key(blob.Thumbnail, "ann", "empty.webp")
	h.write(k, nil)
	h.want(k, nil)
}

// testWriteReplaces: writing a key again replaces what it held.
func testWriteReplaces(t *testing.T, h *harness) {
	k := key(blob.Image, "ann", "again.png")
	h.write(k, content(1, 5000))
	h.write(k, content(2, 300))
	h.want(k, content(2, 300))
	h.noLeftovers()
}

// testWriteAtLimit: exactly limit bytes are kept.
func testWriteAtLimit(t *testing.T, h *harness) {
	k := key(blob.Image, "ann", "limit.png")
	data := content(3, 4096)
	n, err := h.s.Write(k, bytes.NewReader(data), 4096)
	if err != nil || n != 4096 {
		t.Fatalf("write at the limit: %d, %v", n, err)
	}
	h.want(k, data)
}

// testWriteOverLimit: a byte over the limit is ErrTooLarge, read no
// further than that byte, and leaves nothing: no blob, and what the key
// held before is still there.
func testWriteOverLimit(t *testing.T, h *harness) {
	const limit = 64 << 10
	k := key(blob.Image, "ann", "big.png")
	src := &counting{r: endless{}}
	if _, err := h.s.Write(k, src, limit); !errors.Is(err, blob.ErrTooLarge) {
		t.Fatalf("write of an endless stream: %v, want ErrTooLarge", err)
	}
	if src.n > limit+1 {
		t.Errorf("read %d bytes for a limit of %d", src.n, limit)
	}
	h.wantMissing(k)
	h.noLeftovers()

	old := content(4, 100)
	h.write(k, old)
	if _, err := h.s.Write(k, bytes.NewReader(content(5, limit+1)), limit); !errors.Is(err, blob.ErrTooLarge) {
		t.Fatalf("write of limit+1 bytes: %v, want ErrTooLarge", err)
	}
	h.want(k, old)
	h.noLeftovers()
}

// testWriteFailingReader: a reader that fails midway fails the write with
// its own error, and leaves the key as it was.
func testWriteFailingReader(t *testing.T, h *harness) {
	k := key(blob.Image, "ann", "cut.png")
	if _, err := h.s.Write(k, failing(100<<10), 1<<20); !errors.Is(err, errBroken) {
		t.Fatalf("write from a failing reader: %v, want the reader's error", err)
	}
	h.wantMissing(k)
	h.noLeftovers()

	old := content(6, 1000)
	h.write(k, old)
	if _, err := h.s.Write(k, failing(50<<10), 1<<20); !errors.Is(err, errBroken) {
		t.Fatalf("write over a blob from a failing reader: %v", err)
	}
	h.want(k, old)
	h.noLeftovers()
}

// testKeysApart: kind, owner and name each tell blobs apart.
func testKeysApart(t *testing.T, h *harness) {
	keys := []blob.Key{
		key(blob.Image, "ann", "same.png"),
		key(blob.Thumbnail, "ann", "same.png"),
		key(blob.Image, "bob", "same.png"),
		key(blob.Image, "ann", "other.png"),
	}
	for i, k := range keys {
		h.write(k, content(10+i, 1000+i))
	}
	for i, k := range keys {
		h.want(k, content(10+i, 1000+i))
	}
}

// testOpenMissing: a blob never written, of an owner never seen, is
// fs.ErrNotExist.
func testOpenMissing(t *testing.T, h *harness) {
	h.write(key(blob.Image, "ann", "there.png"), content(1, 10))
	h.wantMissing(key(blob.Image, "ann", "not-there.png"))
	h.wantMissing(key(blob.Thumbnail, "ann", "there.png"))
	h.wantMissing(key(blob.Image, "nobody", "there.png"))
}

// testRemove: Remove deletes an image's blobs of every kind and nothing
// else; removing what is gone is fine.
func testRemove(t *testing.T, h *harness) {
	ann, bob := blob.Ref{Owner: "ann", Name: "x.png"}, blob.Ref{Owner: "bob", Name: "x.png"}
	for _, r := range []blob.Ref{ann, bob} {
		for _, kind := range blob.Kinds() {
			h.write(r.Key(kind), content(20, 500))
		}
	}
	if err := h.s.Remove(ann); err != nil {
		t.Fatal(err)
	}
	for _, kind := range blob.Kinds() {
		h.wantMissing(ann.Key(kind))
		h.want(bob.Key(kind), content(20, 500))
	}
	if err := h.s.Remove(ann); err != nil {
		t.Fatalf("remove again: %v", err)
	}
	if err := h.s.Remove(blob.Ref{Owner: "nobody", Name: "never.png"}); err != nil {
		t.Fatalf("remove what never was: %v", err)
	}

	h.write(key(blob.Image, "cy", "half.png"), content(21, 50)) // an image without its thumbnail
	if err := h.s.Remove(blob.Ref{Owner: "cy", Name: "half.png"}); err != nil {
		t.Fatalf("remove an image without a thumbnail: %v", err)
	}
	h.wantMissing(key(blob.Image, "cy", "half.png"))
}

// testInvalidKeys: no key reaches outside its kind and owner, or into the
// implementation's own names; each method refuses such a key with
// ErrInvalidKey and keeps nothing.
func testInvalidKeys(t *testing.T, h *harness) {
	good := key(blob.Image, "ann", "good.png")
	h.write(good, content(30, 100))
	var bad []blob.Key
	for _, e := range []string{"", ".", "..", "a/b", `a\b`, "../ann", ".incoming-1", "a\nb", "a\x00b"} {
		bad = append(bad, key(blob.Image, e, "n.png"), key(blob.Image, "ann", e))
	}
	bad = append(bad, key("", "ann", "good.png"), key("other", "ann", "good.png"), key("images/..", "ann", "good.png"))
	for _, k := range bad {
		if _, err := h.s.Write(k, bytes.NewReader([]byte("x")), 10); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("write %q: %v, want ErrInvalidKey", k, err)
		}
		if f, err := h.s.Open(k); !errors.Is(err, blob.ErrInvalidKey) {
			if err == nil {
				f.Close()
			}
			t.Errorf("open %q: %v, want ErrInvalidKey", k, err)
		}
		if !k.Ref().Valid() {
			if err := h.s.Remove(k.Ref()); !errors.Is(err, blob.ErrInvalidKey) {
				t.Errorf("remove %q: %v, want ErrInvalidKey", k.Ref(), err)
			}
			if err := h.s.Intend(good.Ref(), k.Ref()); !errors.Is(err, blob.ErrInvalidKey) {
				t.Errorf("intend %q: %v, want ErrInvalidKey", k.Ref(), err)
			}
		}
		if !k.Kind.Valid() || !blob.ValidElement(k.Owner) {
			if s, err := h.s.Stage(k.Kind, k.Owner, bytes.NewReader([]byte("x")), 10); !errors.Is(err, blob.ErrInvalidKey) {
				if err == nil {
					s.Discard()
				}
				t.Errorf("stage %s/%s: %v, want ErrInvalidKey", k.Kind, k.Owner, err)
			}
		} else {
			s, err := h.s.Stage(k.Kind, k.Owner, bytes.NewReader([]byte("x")), 10)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Commit(k.Name); !errors.Is(err, blob.ErrInvalidKey) {
				t.Errorf("commit as %q: %v, want ErrInvalidKey", k.Name, err)
			}
			s.Discard()
		}
	}
	h.want(good, content(30, 100))
	h.wantPending() // an Intend with a bad ref notes none of its refs
	h.noLeftovers()
}
