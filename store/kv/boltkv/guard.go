package boltkv

import (
	"errors"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"

	"easel/app"
	"easel/store/diskerr"
	"easel/store/kv"

	bolt "go.etcd.io/bbolt"
)

// DB is bbolt behind the kv interface, with Easel's guards around every
// transaction, so no caller can forget:
//   - a panic inside (bbolt panics on damaged pages found after start; or a
//     bug) fails that one call with an internal error, logged, instead of
//     ending the process; bbolt has already rolled the transaction back;
//   - a commit the disk cannot take (full, read-only) says so in words
//     (diskerr). bbolt rolls a failed commit back, and the file keeps its
//     last committed state: pages are written, synced, and only then the
//     meta page that makes them current.
type DB struct {
	bolt *bolt.DB
	file *os.File // bbolt's own, to let go of it when bbolt cannot (Close)
	dir  string   // the data folder, named in the words
	log  *slog.Logger

	// writing serializes write transactions, as bbolt does, but with a lock
	// of ours: if bbolt panics again while rolling back (it rereads the free
	// list from a page that may be the damaged one), it never releases its
	// own writer lock, and every later write would wait forever. Then
	// stopped is set, and writes fail at once instead; reads go on.
	writing sync.Mutex
	stopped atomic.Bool
}

// Update runs fn in a write transaction, guarded.
func (b *DB) Update(fn func(kv.Tx) error) error {
	b.writing.Lock()
	defer b.writing.Unlock()
	if b.stopped.Load() {
		return errWritesStopped
	}
	var started *bolt.Tx
	err := b.guard("write", func() error {
		return b.bolt.Update(func(t *bolt.Tx) error {
			started = t
			return fn(tx{t})
		})
	})
	if started != nil && started.DB() != nil { // bbolt closes every transaction it ends; this one it could not
		b.stopped.Store(true)
		b.log.Error("bbolt could not end a write transaction on a damaged file; no more writes until Easel restarts")
		return errWritesStopped
	}
	return err
}

// View runs fn in a read transaction, guarded.
func (b *DB) View(fn func(kv.Tx) error) error {
	return b.guard("read", func() error {
		return b.bolt.View(func(t *bolt.Tx) error { return fn(tx{t}) })
	})
}

// errTransactionPanicked is what the caller of a transaction that panicked
// is told. A restart runs the full check of the file (Open), which
// says plainly whether the file is damaged.
var errTransactionPanicked = app.Errorf(app.EINTERNAL, "Something went wrong inside Easel while reading or saving data; "+
	"the database file may be damaged. Try again; if it keeps happening, restart Easel: it checks the file when it starts.")

// Close releases the file for the next Easel. Once writes have stopped,
// bbolt's Close would wait forever for the writer lock it lost, so only the
// file is let go of (its lock, then the file); the memory map stays until
// this process ends.
func (b *DB) Close() error {
	b.writing.Lock()
	defer b.writing.Unlock()
	if b.stopped.Load() {
		return releaseFile(b.file)
	}
	return b.bolt.Close()
}

// errWritesStopped is what every write is told once bbolt's writer lock is lost.
var errWritesStopped = app.Errorf(app.EINTERNAL, "Easel has stopped saving: part of its database file turned out to be damaged "+
	"while it ran. Restart Easel: it checks the file when it starts, and says what to do.")

func (b *DB) guard(kind string, run func() error) error {
	err := catchPanics(run)
	var p *panicked
	if errors.As(err, &p) {
		b.log.Error("a transaction panicked and was rolled back", "kind", kind, "panic", p.value, "at", p.at)
		return errTransactionPanicked
	}
	return diskerr.Words(b.dir, err)
}
