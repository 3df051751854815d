// Package kv is the small ordered key-value interface that Easel's store is
// written over: transactions, buckets of sorted keys, and cursors. The
// services and the key layout (package store) name only these types, so a
// second storage engine is a package that implements them (and passes
// kvtest), not a rewrite. bbolt, in package boltkv, is the one today.
//
// The contract every implementation keeps, checked by package kvtest:
//   - A transaction sees one consistent state of the whole store; a write
//     transaction's changes become visible together when it commits, or
//     not at all. Update commits when fn returns nil and rolls back
//     otherwise, returning fn's error as it is.
//   - Keys in a bucket are kept in byte order; cursors walk them in it.
//   - Bytes returned by Get and by cursors are valid only until the
//     transaction ends, and must not be changed: copy what must outlive it.
//     Bytes given to Put must not change until the transaction ends.
//   - Reads do not return errors. An engine whose reads can fail (over a
//     network) remembers the first failure, answers nil, and ends the
//     transaction with that failure: View and Update return it and nothing
//     commits. The caller's fn always returns through View or Update, so a
//     decision made on a failed read never reaches anyone.
package kv

// Store is an open key-value store.
type Store interface {
	// View runs fn in a read-only transaction.
	View(fn func(Tx) error) error
	// Update runs fn in a read-write transaction, one at a time.
	Update(fn func(Tx) error) error
	// Close releases the store; transactions must have ended.
	Close() error
}

// Tx is a transaction: a view of the store's buckets.
type Tx interface {
	// Bucket is the bucket of that name, or nil when there is none.
	Bucket(name []byte) Bucket
	// CreateBucketIfNotExists makes the bucket in a write transaction.
	CreateBucketIfNotExists(name []byte) (Bucket, error)
	// DeleteBucket removes a bucket and all it holds.
	DeleteBucket(name []byte) error
}

// Bucket is a set of keys and values, sorted by key.
type Bucket interface {
	// Get is the value of key, or nil when there is none.
	Get(key []byte) []byte
	// Put sets the value of key; neither may be empty-keyed.
	Put(key, value []byte) error
	// Delete removes key; removing a key that is not there is no error.
	Delete(key []byte) error
	// NextSequence returns the bucket's next number, from 1, in a write
	// transaction: kept with the bucket, so it survives restarts.
	NextSequence() (uint64, error)
	// ForEach calls fn for every key in order, stopping at its first error.
	// fn must not change the bucket.
	ForEach(fn func(key, value []byte) error) error
	// Cursor walks the bucket's keys.
	Cursor() Cursor
}

// Cursor walks a bucket's keys in order. Each move returns the key and
// value it lands on, or a nil key past either end.
type Cursor interface {
	First() (key, value []byte)
	Last() (key, value []byte)
	// Seek lands on key, or on the first key after it.
	Seek(key []byte) (key2, value []byte)
	Next() (key, value []byte)
	Prev() (key, value []byte)
	// Delete removes the key the cursor is on; the next Next lands on the
	// key after it.
	Delete() error
}
