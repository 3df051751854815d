// Package blob is the contract between Easel's store and the place that
// keeps its image files: a small interface, Store, that the store's
// services call and never see past. The disk (store/diskblobs) is its one
// implementation today; encrypting private profiles' files at rest, or
// keeping them in an object store, changes what is behind Store, not its
// callers. store/blobstest is the suite every implementation must pass.
//
// It is a package of its own, not a part of package store, so that an
// implementation can name these types while store builds it: store
// imports diskblobs, and diskblobs could not import store back.
package blob

import (
	"errors"
	"io"
)

// ErrTooLarge: the bytes given to Write or Stage went past their limit.
// Nothing was kept, and no more than limit+1 bytes were read.
var ErrTooLarge = errors.New("blob: more bytes than the limit")

// ErrInvalidKey: a kind, owner or name that Key.Valid refuses.
var ErrInvalidKey = errors.New("blob: invalid key")

// Store keeps blobs under keys. A blob is whole or absent: a write that
// fails or is cut short by a crash leaves nothing under its key, and once
// a write returns the blob survives a crash or a power cut. Blobs missing
// from Open are reported with an error that is fs.ErrNotExist (errors.Is).
//
// The intents (Intend, Pending, Settle) are how a crash leaves no orphan:
// the caller names an image before writing its blobs, and before deleting
// the record that points at them, and at the next start asks which named
// images its records no longer claim. They live inside the Store, not
// beside it, because an intent must be exactly as durable as the blobs it
// protects and kept in the same place: a synced line in a journal on the
// disk that holds the files, a marker object beside the objects in an
// object store. What claims an image is the caller's to say: only it
// knows the records.
//
// Its methods are safe for concurrent use, except Pending and Settle,
// which run at start, before anything writes.
type Store interface {
	// Write stores the bytes of r as key, replacing what key held, and
	// returns how many there were. It reads at most limit+1 bytes: more
	// than limit is ErrTooLarge. An error from r is returned as r gave it
	// (wrapped at most), and leaves key as it was.
	Write(key Key, r io.Reader, limit int64) (int64, error)

	// Stage receives the bytes of r for a blob of kind and owner whose
	// name is not chosen yet, so that they can be checked where they lie
	// before they are kept: an upload is never held whole in memory. Its
	// limit and errors are Write's. The caller must Discard the result.
	Stage(kind Kind, owner string, r io.Reader, limit int64) (Staged, error)

	// Open opens a blob for reading; the caller closes it.
	Open(key Key) (io.ReadSeekCloser, error)

	// Remove deletes the blobs of every kind that ref names. A blob
	// already gone is not an error.
	Remove(ref Ref) error

	// Intend notes, durably before it returns, that the blobs of refs are
	// about to be written or their records deleted. No refs, no write; a
	// ref that is not Valid fails the call, noting none of them.
	Intend(refs ...Ref) error

	// Pending calls fn for every ref named by Intend since the last
	// Settle, in the order they were named (a ref may come more than
	// once), until fn returns an error, which Pending returns. This is the
	// list the start-up sweep checks, never every blob kept: a store of a
	// million images still starts at once.
	Pending(fn func(Ref) error) error

	// Settle removes the blobs of orphans (refs from Pending that no
	// record claims) and whatever interrupted writes left, then forgets
	// every intent. It returns how many stored things it removed.
	Settle(orphans []Ref) (removed int, err error)

	// Close releases the store. Nothing is lost by not calling it, and
	// bytes staged but neither committed nor discarded by then are left
	// as a crash would leave them, for the next Settle.
	Close() error
}

// Staged is the bytes Stage received, not yet a blob. It can be read
// where it lies, then kept with Commit or dropped with Discard.
type Staged interface {
	io.ReaderAt
	// Size is how many bytes were received.
	Size() int64
	// Commit keeps the bytes as the blob of the staged kind and owner
	// named name, as a Write would, durably before it returns. After it,
	// the Staged is no longer to be read.
	Commit(name string) error
	// Discard drops the bytes unless Commit kept them. It may be called
	// more than once, and after Commit.
	Discard()
}
