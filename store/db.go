// Package store is Easel's services over an ordered key-value store (package
// kv; bbolt, in package boltkv, is the engine): every bucket, key and
// transaction lives here, and every read and write checks the access rules
// of package app inside its transaction.
package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"easel/app"
	"easel/store/blob"
	"easel/store/diskerr"
	"easel/store/kv"
	"easel/store/kv/boltkv"
)

// FileName is the database file inside the data folder.
const FileName = "easel.db"

// DB is an open Easel store.
type DB struct {
	kv    kv.Store
	dir   string
	blobs blob.Store // the image files
	log   *slog.Logger

	// Now is the clock; tests replace it.
	Now func() time.Time
}

// Open opens (creating if needed) the store in dir and brings its schema up
// to date. A second Easel on the same folder gets an EUNAVAILABLE error at
// once instead of waiting forever. Open refuses, with words that say what
// to do, a folder it cannot write to (EREADONLY), a full disk when the
// schema needs writing (ENOSPACE), a database file that is damaged, and a
// missing or empty one beside images (EDAMAGED): none of them is touched.
func Open(dir string, opts ...Option) (*DB, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, diskerr.Words(dir, fmt.Errorf("create data folder: %w", err))
	}
	// MkdirAll leaves an existing folder's mode alone; the data is private.
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, diskerr.Words(dir, fmt.Errorf("secure data folder: %w", err))
	}
	if err := refuseLostDatabase(dir); err != nil {
		return nil, err
	}
	db := &DB{dir: dir, log: slog.Default(), Now: time.Now}
	for _, o := range opts {
		o(db)
	}
	engine, err := boltkv.Open(filepath.Join(dir, FileName), db.log)
	if err != nil {
		return nil, err
	}
	db.kv = engine
	if err := db.start(); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// start brings the schema up to date and repairs what a crash may have left.
// It runs only on a file that passed boltkv's check, so the sweep of unclaimed
// files trusts what the records say.
func (db *DB) start() error {
	// A store already at this schema opens without writing a byte, so Easel
	// still starts on a full disk and shows people their work.
	if current, err := db.schemaIsCurrent(); err != nil || !current {
		if err := db.migrate(); err != nil {
			return err
		}
	}
	// Dropping what has expired writes only when something has, and can
	// wait for a disk with room.
	if _, err := db.Sweep(); err != nil && app.ErrorCode(err) != app.ENOSPACE && app.ErrorCode(err) != app.EREADONLY {
		return err
	}
	blobs, err := db.openBlobs()
	if err != nil {
		return diskerr.Words(db.dir, fmt.Errorf("open the image folders: %w", err))
	}
	db.blobs = blobs
	db.recoverFiles()
	return nil
}

// Option sets how Open opens a store.
type Option func(*DB)

// WithLogger gives the store the log for what it does on its own, such as
// removing files a crash left; without it, the store logs to slog.Default().
func WithLogger(log *slog.Logger) Option { return func(db *DB) { db.log = log } }

// schemaIsCurrent reports whether the store is at this Easel's schema.
func (db *DB) schemaIsCurrent() (bool, error) {
	current := false
	err := db.kv.View(func(tx kv.Tx) error {
		if meta := tx.Bucket(bucketMeta); meta != nil {
			v := meta.Get(keySchemaVersion)
			current = len(v) == 8 && binary.BigEndian.Uint64(v) == uint64(len(migrations))
		}
		return nil
	})
	return current, err
}

// Close releases the file for the next Easel.
func (db *DB) Close() error {
	if db.blobs != nil {
		db.blobs.Close()
	}
	return db.kv.Close()
}

// Dir is the data folder.
func (db *DB) Dir() string { return db.dir }

func (db *DB) now() time.Time { return db.Now().UTC() }

// errCommitThen asks update to commit the transaction and then return err:
// for failures that must leave a trace, such as a wrong password.
type errCommitThen struct{ err error }

func (e errCommitThen) Error() string { return e.err.Error() }

// update runs fn in a write transaction. It commits when fn succeeds or
// returns errCommitThen, and rolls back on any other error.
func (db *DB) update(fn func(tx kv.Tx) error) error {
	var after error
	err := recordError(db.log, "write", db.kv.Update(func(tx kv.Tx) error {
		err := fn(tx)
		var c errCommitThen
		if errors.As(err, &c) {
			after = c.err
			return nil
		}
		return err
	}))
	if err != nil {
		return err
	}
	return after
}

// view runs fn in a read transaction with no acting user: for signing in,
// the worker and the start-up steps, which act for nobody yet. Services
// that act for someone use read and write (authz.go).
func (db *DB) view(fn func(tx kv.Tx) error) error {
	return recordError(db.log, "read", db.kv.View(fn))
}

// errRecordUnreadable is what the caller is told when a record's bytes do
// not decode: the pages fit together (the engine checked them at start),
// but something inside one of them changed.
var errRecordUnreadable = app.Errorf(app.EINTERNAL, "Easel could not read part of its database: a record in it is damaged. "+
	"Try again; if it keeps happening, close Easel and put easel.db back from your latest backup.")

// recordError turns a record that did not decode into errRecordUnreadable,
// logged; any other error it returns as it is. Records are decoded only
// inside transactions; what people send is decoded before, by the adapters.
func recordError(log *slog.Logger, kind string, err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	if errors.Is(err, errCorrupt) || errors.As(err, &syntax) || errors.As(err, &typ) {
		log.Error("a record does not decode", "kind", kind, "err", err)
		return errRecordUnreadable
	}
	return err
}
