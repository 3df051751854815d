// Package kvtest is the conformance suite of package kv: every engine runs
// it (boltkv's tests do), so the store can rely on the contract written in
// kv's package comment whichever engine is under it.
package kvtest

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"easel/store/kv"
)

// Open opens (creating if needed) the store kept in dir.
type Open func(dir string) (kv.Store, error)

// Run runs every test of the suite against stores that open makes, each in
// a folder of its own.
func Run(t *testing.T, open Open) {
	for _, c := range []struct {
		name string
		test func(*testing.T, kv.Store)
	}{
		{"Buckets", testBuckets},
		{"GetPutDelete", testGetPutDelete},
		{"KeysInByteOrder", testKeysInByteOrder},
		{"CursorMoves", testCursorMoves},
		{"CursorDelete", testCursorDelete},
		{"ForEachStopsAtError", testForEachStopsAtError},
		{"NextSequence", testNextSequence},
		{"UpdateCommitsOrRollsBack", testUpdateCommitsOrRollsBack},
		{"ViewCannotWrite", testViewCannotWrite},
		{"BadKeys", testBadKeys},
		{"LargeValues", testLargeValues},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := mustOpen(t, open, t.TempDir())
			defer s.Close()
			c.test(t, s)
		})
	}
	t.Run("Durable", func(t *testing.T) { testDurable(t, open) })
}

func mustOpen(t *testing.T, open Open, dir string) kv.Store {
	t.Helper()
	s, err := open(dir)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return s
}

var testBucket = []byte("things")

// update runs fn on testBucket in a write transaction, creating it.
func update(t *testing.T, s kv.Store, fn func(kv.Bucket) error) {
	t.Helper()
	err := s.Update(func(tx kv.Tx) error {
		b, err := tx.CreateBucketIfNotExists(testBucket)
		if err != nil {
			return err
		}
		return fn(b)
	})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
}

// view runs fn on testBucket in a read transaction; the bucket must exist.
func view(t *testing.T, s kv.Store, fn func(kv.Bucket)) {
	t.Helper()
	err := s.View(func(tx kv.Tx) error {
		b := tx.Bucket(testBucket)
		if b == nil {
			return errors.New("the bucket is missing")
		}
		fn(b)
		return nil
	})
	if err != nil {
		t.Fatalf("view: %v", err)
	}
}

func put(pairs ...string) func(kv.Bucket) error {
	return func(b kv.Bucket) error {
		for i := 0; i < len(pairs); i += 2 {
			if err := b.Put([]byte(pairs[i]), []byte(pairs[i+1])); err != nil {
				return err
			}
		}
		return nil
	}
}

func testBuckets(t *testing.T, s kv.Store) {
	err := s.View(func(tx kv.Tx) error {
		if b := tx.Bucket(testBucket); b != nil {
			return fmt.Errorf("a bucket never made is %v, want nil", b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	update(t, s, put("a", "1"))
	update(t, s, func(b kv.Bucket) error { // again: the same bucket, kept
		if got := b.Get([]byte("a")); string(got) != "1" {
			return fmt.Errorf("the bucket made again holds %q, want its 1", got)
		}
		return nil
	})
	if err := s.Update(func(tx kv.Tx) error { return tx.DeleteBucket(testBucket) }); err != nil {
		t.Fatal(err)
	}
	update(t, s, func(b kv.Bucket) error {
		if got := b.Get([]byte("a")); got != nil {
			return fmt.Errorf("a deleted bucket made anew holds %q, want nothing", got)
		}
		return nil
	})
}

func testGetPutDelete(t *testing.T, s kv.Store) {
	update(t, s, put("a", "1", "b", "2", "b", "3", "empty", ""))
	update(t, s, func(b kv.Bucket) error {
		if err := b.Delete([]byte("a")); err != nil {
			return err
		}
		return b.Delete([]byte("never there"))
	})
	view(t, s, func(b kv.Bucket) {
		for key, want := range map[string]string{"b": "3", "empty": ""} {
			if got := b.Get([]byte(key)); got == nil || string(got) != want {
				t.Errorf("Get(%q) = %q, want %q", key, got, want)
			}
		}
		for _, key := range []string{"a", "c", "never there"} {
			if got := b.Get([]byte(key)); got != nil {
				t.Errorf("Get(%q) = %q, want nil", key, got)
			}
		}
	})
}

// Keys are put out of order. Byte order puts a prefix before its
// extensions and compares byte by byte, unsigned: "ab" before "a\xff".
var unordered = []string{"b", "a\xff", "a", "\x00", "ab", "a\x00", "\xff\xff", "ba"}
var ordered = []string{"\x00", "a", "a\x00", "ab", "a\xff", "b", "ba", "\xff\xff"}

func testKeysInByteOrder(t *testing.T, s kv.Store) {
	update(t, s, func(b kv.Bucket) error {
		for _, k := range unordered {
			if err := b.Put([]byte(k), []byte("v"+k)); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(b kv.Bucket) {
		var got []string
		b.ForEach(func(k, v []byte) error {
			if string(v) != "v"+string(k) {
				t.Errorf("ForEach: %q holds %q", k, v)
			}
			got = append(got, string(k))
			return nil
		})
		if fmt.Sprint(got) != fmt.Sprint(ordered) {
			t.Errorf("ForEach order %q, want %q", got, ordered)
		}
		got = got[:0]
		c := b.Cursor()
		for k, _ := c.Last(); k != nil; k, _ = c.Prev() {
			got = append([]string{string(k)}, got...)
		}
		if fmt.Sprint(got) != fmt.Sprint(ordered) {
			t.Errorf("Last…Prev order %q reversed, want %q", got, ordered)
		}
	})
}

func testCursorMoves(t *testing.T, s kv.Store) {
	update(t, s, put("b", "2", "d", "4", "f", "6"))
	view(t, s, func(b kv.Bucket) {
		c := b.Cursor()
		steps := []struct {
			name string
			move func() ([]byte, []byte)
			want string // "" for past the end
		}{
			{"First", c.First, "b"},
			{"Prev before the first", c.Prev, ""},
			{"Last", c.Last, "f"},
			{"Next past the last", c.Next, ""},
			{"Seek to a key", func() ([]byte, []byte) { return c.Seek([]byte("d")) }, "d"},
			{"Next", c.Next, "f"},
			{"Seek between keys", func() ([]byte, []byte) { return c.Seek([]byte("c")) }, "d"},
			{"Prev", c.Prev, "b"},
			{"Seek before all", func() ([]byte, []byte) { return c.Seek([]byte("a")) }, "b"},
			{"Seek past all", func() ([]byte, []byte) { return c.Seek([]byte("g")) }, ""},
		}
		for _, st := range steps {
			k, v := st.move()
			switch {
			case st.want == "" && k != nil:
				t.Errorf("%s: landed on %q, want past the end (nil)", st.name, k)
			case st.want != "" && string(k) != st.want:
				t.Errorf("%s: landed on %q, want %q", st.name, k, st.want)
			case st.want != "" && !bytes.Equal(v, b.Get(k)):
				t.Errorf("%s: value %q, want %q", st.name, v, b.Get(k))
			}
		}
	})
	err := s.Update(func(tx kv.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte("empty"))
		if err != nil {
			return err
		}
		c := b.Cursor()
		for name, move := range map[string]func() ([]byte, []byte){"First": c.First, "Last": c.Last} {
			if k, _ := move(); k != nil {
				t.Errorf("%s of an empty bucket landed on %q", name, k)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func testCursorDelete(t *testing.T, s kv.Store) {
	update(t, s, put("a", "1", "b", "2", "c", "3", "d", "4"))
	update(t, s, func(b kv.Bucket) error { // drain from the front, as the sweeps do
		c := b.Cursor()
		for k, _ := c.First(); k != nil && string(k) < "c"; k, _ = c.First() {
			if err := c.Delete(); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(b kv.Bucket) {
		var got []string
		b.ForEach(func(k, _ []byte) error { got = append(got, string(k)); return nil })
		if fmt.Sprint(got) != "[c d]" {
			t.Errorf("left after deleting a and b with the cursor: %q, want [c d]", got)
		}
	})
}

func testForEachStopsAtError(t *testing.T, s kv.Store) {
	update(t, s, put("a", "1", "b", "2", "c", "3"))
	stop := errors.New("stop")
	seen := 0
	err := s.View(func(tx kv.Tx) error {
		return tx.Bucket(testBucket).ForEach(func(k, _ []byte) error {
			seen++
			if string(k) == "b" {
				return stop
			}
			return nil
		})
	})
	if !errors.Is(err, stop) || seen != 2 {
		t.Errorf("ForEach returned %v after %d keys, want stop after 2", err, seen)
	}
}

func testNextSequence(t *testing.T, s kv.Store) {
	var got []uint64
	for range 3 {
		update(t, s, func(b kv.Bucket) error {
			n, err := b.NextSequence()
			got = append(got, n)
			return err
		})
	}
	if fmt.Sprint(got) != "[1 2 3]" {
		t.Errorf("NextSequence over three transactions gave %v, want [1 2 3]", got)
	}
}

func testUpdateCommitsOrRollsBack(t *testing.T, s kv.Store) {
	update(t, s, put("kept", "1"))
	failure := errors.New("changed my mind")
	err := s.Update(func(tx kv.Tx) error {
		b := tx.Bucket(testBucket)
		if err := b.Put([]byte("kept"), []byte("2")); err != nil {
			return err
		}
		if err := b.Put([]byte("new"), []byte("x")); err != nil {
			return err
		}
		if _, err := tx.CreateBucketIfNotExists([]byte("other")); err != nil {
			return err
		}
		return failure
	})
	if err != failure {
		t.Fatalf("Update returned %v, want fn's own error", err)
	}
	view(t, s, func(b kv.Bucket) {
		if got := b.Get([]byte("kept")); string(got) != "1" {
			t.Errorf("after a rolled-back change, kept = %q, want 1", got)
		}
		if got := b.Get([]byte("new")); got != nil {
			t.Errorf("a rolled-back Put left %q", got)
		}
	})
	s.View(func(tx kv.Tx) error {
		if tx.Bucket([]byte("other")) != nil {
			t.Error("a rolled-back CreateBucketIfNotExists left the bucket")
		}
		return nil
	})
}

func testViewCannotWrite(t *testing.T, s kv.Store) {
	update(t, s, put("a", "1"))
	err := s.View(func(tx kv.Tx) error {
		b := tx.Bucket(testBucket)
		if err := b.Put([]byte("a"), []byte("2")); err == nil {
			t.Error("Put in a read transaction succeeded")
		}
		if err := b.Delete([]byte("a")); err == nil {
			t.Error("Delete in a read transaction succeeded")
		}
		if _, err := tx.CreateBucketIfNotExists([]byte("new")); err == nil {
			t.Error("CreateBucketIfNotExists in a read transaction succeeded")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	view(t, s, func(b kv.Bucket) {
		if got := b.Get([]byte("a")); string(got) != "1" {
			t.Errorf("after refused writes a = %q, want 1", got)
		}
	})
}

func testBadKeys(t *testing.T, s kv.Store) {
	err := s.Update(func(tx kv.Tx) error {
		b, err := tx.CreateBucketIfNotExists(testBucket)
		if err != nil {
			return err
		}
		if err := b.Put(nil, []byte("x")); err == nil {
			t.Error("Put with no key succeeded")
		}
		if err := b.Put([]byte{}, []byte("x")); err == nil {
			t.Error("Put with an empty key succeeded")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func testLargeValues(t *testing.T, s kv.Store) {
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	update(t, s, func(b kv.Bucket) error { return b.Put([]byte("big"), big) })
	view(t, s, func(b kv.Bucket) {
		if !bytes.Equal(b.Get([]byte("big")), big) {
			t.Error("a 1 MiB value did not come back as it was")
		}
	})
}

func testDurable(t *testing.T, open Open) {
	dir := t.TempDir()
	s := mustOpen(t, open, dir)
	update(t, s, put("a", "1", "b", "2"))
	update(t, s, func(b kv.Bucket) error { _, err := b.NextSequence(); return err })
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = mustOpen(t, open, dir)
	defer s.Close()
	view(t, s, func(b kv.Bucket) {
		if string(b.Get([]byte("a"))) != "1" || string(b.Get([]byte("b"))) != "2" {
			t.Errorf("after reopening: a = %q, b = %q, want 1 and 2", b.Get([]byte("a")), b.Get([]byte("b")))
		}
	})
	update(t, s, func(b kv.Bucket) error {
		if n, err := b.NextSequence(); err != nil || n != 2 {
			t.Errorf("NextSequence after reopening = %d, %v, want 2", n, err)
		}
		return nil
	})
}
