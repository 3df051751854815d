// Package boltkv is the kv interface on bbolt: one file, memory-mapped,
// with one writer at a time and readers that never wait. It is the only
// package that imports bbolt. Opening checks the whole file first (open.go);
// every transaction is guarded against bbolt's panics on damaged pages and
// puts a full or read-only disk in words (guard.go).
package boltkv

import (
	"easel/store/kv"

	bolt "go.etcd.io/bbolt"
)

// The adapters below are single pointers, so handing one out as a kv
// interface allocates nothing: the store's hot paths (a listing reads some
// hundreds of records) cost what bbolt's own calls cost.

type tx struct{ t *bolt.Tx }

func (t tx) Bucket(name []byte) kv.Bucket {
	if b := t.t.Bucket(name); b != nil {
		return bucket{b}
	}
	return nil // a nil interface, not an adapter around a nil bucket
}

func (t tx) CreateBucketIfNotExists(name []byte) (kv.Bucket, error) {
	b, err := t.t.CreateBucketIfNotExists(name)
	if err != nil {
		return nil, err
	}
	return bucket{b}, nil
}

func (t tx) DeleteBucket(name []byte) error { return t.t.DeleteBucket(name) }

type bucket struct{ b *bolt.Bucket }

func (b bucket) Get(key []byte) []byte                    { return b.b.Get(key) }
func (b bucket) Put(key, value []byte) error              { return b.b.Put(key, value) }
func (b bucket) Delete(key []byte) error                  { return b.b.Delete(key) }
func (b bucket) NextSequence() (uint64, error)            { return b.b.NextSequence() }
func (b bucket) ForEach(fn func(k, v []byte) error) error { return b.b.ForEach(fn) }
func (b bucket) Cursor() kv.Cursor                        { return cursor{b.b.Cursor()} }

type cursor struct{ c *bolt.Cursor }

func (c cursor) First() ([]byte, []byte)        { return c.c.First() }
func (c cursor) Last() ([]byte, []byte)         { return c.c.Last() }
func (c cursor) Seek(k []byte) ([]byte, []byte) { return c.c.Seek(k) }
func (c cursor) Next() ([]byte, []byte)         { return c.c.Next() }
func (c cursor) Prev() ([]byte, []byte)         { return c.c.Prev() }
func (c cursor) Delete() error                  { return c.c.Delete() }
