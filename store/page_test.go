package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"testing"

	"easel/app"
	"easel/store/kv"
)

var bucketPageTest = []byte("page_test")

// pageFixture is a real store with one bucket: the range "b" 0 seq for seq
// 1..n between neighbours ("a" and "c" ranges) that no page may reach.
func pageFixture(t *testing.T, n int) *DB {
	t.Helper()
	db, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	err = db.kv.Update(func(tx kv.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketPageTest)
		if err != nil {
			return err
		}
		for _, id := range []string{"a", "c"} {
			for seq := uint64(1); seq <= 3; seq++ {
				if err := b.Put(prefixed(id, seq), []byte(id)); err != nil {
					return err
				}
			}
		}
		for seq := 1; seq <= n; seq++ {
			if err := b.Put(prefixed("b", uint64(seq)), fmt.Appendf(nil, "%d", seq)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// walkOne walks one page of w over the fixture's bucket: its values and the next cursor.
func walkOne(t *testing.T, db *DB, w pageWalk) ([]string, string, error) {
	t.Helper()
	var got []string
	var next string
	err := db.kv.View(func(tx kv.Tx) (err error) {
		next, err = w.walk(tx.Bucket(bucketPageTest).Cursor(), func(_, v []byte) error {
			got = append(got, string(v))
			return nil
		})
		return err
	})
	return got, next, err
}

// seqs are the values 1..n as the fixture stores them, in the range's order.
func seqs(n int, backward bool, keep func(int) bool) []string {
	var out []string
	for i := 1; i <= n; i++ {
		if keep == nil || keep(i) {
			out = append(out, fmt.Sprint(i))
		}
	}
	if backward {
		slices.Reverse(out)
	}
	return out
}

func TestPageWalk(t *testing.T) {
	const n = 23
	db := pageFixture(t, n)
	rangeB := func(backward bool) keyRange { return keyRange{prefix: rangePrefix("b"), backward: backward} }

	t.Run("OK a cursor walks the range forward and back, every entry once", func(t *testing.T) {
		for _, backward := range []bool{false, true} {
			for _, limit := range []int{1, 3, 7, n, n + 5} {
				var got []string
				req := app.PageRequest{Limit: limit}
				for pages := 0; ; pages++ {
					if pages > n+1 {
						t.Fatalf("backward %v, limit %d: the walk does not end", backward, limit)
					}
					items, next, err := walkOne(t, db, pageWalk{r: rangeB(backward), req: req, total: -1})
					if err != nil {
						t.Fatal(err)
					}
					if len(items) > limit || (next != "" && len(items) != limit) {
						t.Fatalf("limit %d: a page of %d, next %q", limit, len(items), next)
					}
					got = append(got, items...)
					if next == "" {
						break
					}
					req.Cursor = next
				}
				if want := seqs(n, backward, nil); !slices.Equal(got, want) {
					t.Fatalf("backward %v, limit %d: %v, want %v", backward, limit, got, want)
				}
			}
		}
	})
	t.Run("OK an offset lands where stepping would, from either end", func(t *testing.T) {
		for _, backward := range []bool{false, true} {
			all := seqs(n, backward, nil)
			for _, total := range []int{-1, n} {
				for offset := 0; offset <= n+2; offset++ {
					got, next, err := walkOne(t, db, pageWalk{r: rangeB(backward), req: app.PageRequest{Offset: offset, Limit: 4}, total: total})
					want := all[min(offset, n):min(offset+4, n)]
					if err != nil || !slices.Equal(got, want) || (next != "") != (offset+4 < n) {
						t.Fatalf("backward %v, total %d, offset %d: %v next %q (%v), want %v", backward, total, offset, got, next, err, want)
					}
				}
			}
		}
	})
	t.Run("OK a filter counts only what it keeps", func(t *testing.T) {
		even := func(_, v []byte) (bool, error) {
			var i int
			fmt.Sscan(string(v), &i)
			return i%2 == 0, nil
		}
		want := seqs(n, true, func(i int) bool { return i%2 == 0 })
		for _, total := range []int{-1, len(want)} {
			for offset := 0; offset <= len(want); offset++ {
				got, _, err := walkOne(t, db, pageWalk{r: rangeB(true), req: app.PageRequest{Offset: offset, Limit: 2}, total: total, match: even})
				if err != nil || !slices.Equal(got, want[offset:min(offset+2, len(want))]) {
					t.Fatalf("total %d, offset %d: %v (%v)", total, offset, got, err)
				}
			}
		}
		var got []string
		req := app.PageRequest{Limit: 3}
		for {
			items, next, err := walkOne(t, db, pageWalk{r: rangeB(true), req: req, total: -1, match: even})
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, items...)
			if next == "" {
				break
			}
			req.Cursor = next
		}
		if !slices.Equal(got, want) {
			t.Fatalf("paged %v, want %v", got, want)
		}
	})
	t.Run("OK the limit is clamped", func(t *testing.T) {
		big := pageFixture(t, app.MaxPageSize+10)
		for limit, want := range map[int]int{0: app.DefaultPageSize, -3: app.DefaultPageSize, 5000: app.MaxPageSize, 7: 7} {
			got, next, err := walkOne(t, big, pageWalk{r: rangeB(false), req: app.PageRequest{Limit: limit}, total: -1})
			if err != nil || len(got) != want || next == "" {
				t.Fatalf("limit %d: %d items, next %q (%v); want %d", limit, len(got), next, err, want)
			}
		}
		if p := app.NewPage[int](app.PageRequest{Limit: 5000, Offset: -2}); p.Limit != app.MaxPageSize || p.Offset != 0 || p.Items == nil {
			t.Fatalf("NewPage = %+v", p)
		}
	})
	t.Run("EINVALID for a cursor this range did not give out", func(t *testing.T) {
		for _, cursor := range []string{"x", "!!!!", "AAAA=", "nope", "bm9wZXMgYW5kIG1vcmU", encodeCursor(prefixed("a", 2)), encodeCursor(prefixed("c", 1)), encodeCursor([]byte("b"))} {
			_, _, err := walkOne(t, db, pageWalk{r: rangeB(true), req: app.PageRequest{Cursor: cursor}, total: -1})
			if app.ErrorCode(err) != app.EINVALID {
				t.Fatalf("cursor %q: %v, want EINVALID", cursor, err)
			}
		}
	})
	t.Run("OK a cursor whose key was deleted goes on from where it stood", func(t *testing.T) {
		for _, backward := range []bool{false, true} {
			db := pageFixture(t, 10)
			first, next, err := walkOne(t, db, pageWalk{r: rangeB(backward), req: app.PageRequest{Limit: 3}, total: -1})
			if err != nil || next == "" {
				t.Fatal(first, next, err)
			}
			// The page's last entry and the one after it go.
			key, _ := keyRange{prefix: rangePrefix("b")}.decodeCursor(next)
			seq := binary.BigEndian.Uint64(key[len(key)-8:])
			after := seq + 1
			if backward {
				after = seq - 1
			}
			err = db.kv.Update(func(tx kv.Tx) error {
				b := tx.Bucket(bucketPageTest)
				return errors.Join(b.Delete(key), b.Delete(prefixed("b", after)))
			})
			if err != nil {
				t.Fatal(err)
			}
			got, _, err := walkOne(t, db, pageWalk{r: rangeB(backward), req: app.PageRequest{Cursor: next, Limit: 100}, total: -1})
			want := seqs(10, backward, nil)[4:]
			if err != nil || !slices.Equal(got, want) {
				t.Fatalf("backward %v: after the deletes %v (%v), want %v", backward, got, err, want)
			}
		}
	})
	t.Run("OK an empty range has one empty page", func(t *testing.T) {
		for _, backward := range []bool{false, true} {
			for _, req := range []app.PageRequest{{}, {Offset: 5}} {
				empty := keyRange{prefix: rangePrefix("bb"), backward: backward}
				got, next, err := walkOne(t, db, pageWalk{r: empty, req: req, total: -1})
				if err != nil || len(got) != 0 || next != "" {
					t.Fatalf("empty range: %v %q %v", got, next, err)
				}
			}
		}
		empty := pageFixture(t, 0)
		err := empty.kv.Update(func(tx kv.Tx) error { return tx.DeleteBucket(bucketPageTest) })
		if err == nil {
			err = empty.kv.Update(func(tx kv.Tx) error { _, err := tx.CreateBucketIfNotExists(bucketPageTest); return err })
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, backward := range []bool{false, true} {
			got, next, err := walkOne(t, empty, pageWalk{r: keyRange{backward: backward}, total: 0})
			if err != nil || len(got) != 0 || next != "" {
				t.Fatalf("empty bucket: %v %q %v", got, next, err)
			}
		}
	})
	t.Run("OK a sorted cursor pages as the bucket does", func(t *testing.T) {
		var keys, values [][]byte
		for _, i := range []int{5, 1, 4, 2, 3} {
			keys, values = append(keys, seqKey(uint64(i))), append(values, fmt.Append(nil, i))
		}
		for _, backward := range []bool{false, true} {
			var got []string
			req := app.PageRequest{Limit: 2}
			for {
				var next string
				var err error
				next, err = pageWalk{r: keyRange{backward: backward}, req: req, total: 5}.walk(newSortedCursor(keys, values), func(_, v []byte) error {
					got = append(got, string(v))
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				if next == "" {
					break
				}
				req.Cursor = next
			}
			if want := seqs(5, backward, nil); !slices.Equal(got, want) {
				t.Fatalf("backward %v: %v, want %v", backward, got, want)
			}
		}
		c := newSortedCursor(keys, values)
		if k, _ := c.Seek(append(seqKey(2), 0)); !bytes.Equal(k, seqKey(3)) {
			t.Fatalf("Seek between keys landed on %x", k)
		}
		if k, _ := c.Seek(seqKey(9)); k != nil {
			t.Fatalf("Seek past the end landed on %x", k)
		}
		if k, _ := c.Prev(); !bytes.Equal(k, seqKey(5)) {
			t.Fatalf("Prev from past the end landed on %x", k)
		}
	})
}
