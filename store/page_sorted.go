package store

import (
	"bytes"
	"errors"
	"slices"

	"easel/store/kv"
)

// sortedCursor is a kv.Cursor over keys and values held in memory, for a
// listing whose order is not the order of any bucket's keys (profiles,
// oldest first, are few): the page walk is then the same as over a bucket.
type sortedCursor struct {
	keys, values [][]byte
	at           int // len(keys) or -1 off either end
}

// newSortedCursor sorts the pairs by key; the keys must be distinct.
func newSortedCursor(keys, values [][]byte) *sortedCursor {
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return bytes.Compare(keys[a], keys[b]) })
	c := &sortedCursor{keys: make([][]byte, len(keys)), values: make([][]byte, len(keys))}
	for i, j := range order {
		c.keys[i], c.values[i] = keys[j], values[j]
	}
	return c
}

var _ kv.Cursor = (*sortedCursor)(nil)

func (c *sortedCursor) land(i int) ([]byte, []byte) {
	c.at = i
	if i < 0 || i >= len(c.keys) {
		c.at = max(min(i, len(c.keys)), -1)
		return nil, nil
	}
	return c.keys[i], c.values[i]
}

func (c *sortedCursor) First() ([]byte, []byte) { return c.land(0) }
func (c *sortedCursor) Last() ([]byte, []byte)  { return c.land(len(c.keys) - 1) }
func (c *sortedCursor) Next() ([]byte, []byte)  { return c.land(c.at + 1) }
func (c *sortedCursor) Prev() ([]byte, []byte)  { return c.land(c.at - 1) }

func (c *sortedCursor) Seek(key []byte) ([]byte, []byte) {
	i, _ := slices.BinarySearchFunc(c.keys, key, bytes.Compare)
	return c.land(i)
}

var errSortedDelete = errors.New("store: a listing's sorted cursor deletes nothing")

// Delete is not for a listing's cursor.
func (c *sortedCursor) Delete() error { return errSortedDelete }
