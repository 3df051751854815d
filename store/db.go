// Package store keeps Easel's data in one bbolt file. It is the only package
// that imports bbolt: every bucket, key and transaction lives here, and every
// read and write checks the access rules of package app inside its transaction.
package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"easel/app"

	bolt "go.etcd.io/bbolt"
)

// FileName is the database file inside the data folder.
const FileName = "easel.db"

// lockTimeout is how long Open waits for another Easel to let go of the file.
const lockTimeout = 500 * time.Millisecond

// DB is an open Easel store.
type DB struct {
	bolt  *bolt.DB
	dir   string
	files *Files

	// Now is the clock; tests replace it.
	Now func() time.Time
}

// Open opens (creating if needed) the store in dir and brings its schema up
// to date. A second Easel on the same folder gets an EUNAVAILABLE error at
// once instead of waiting forever.
func Open(dir string) (*DB, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	// MkdirAll leaves an existing folder's mode alone; the data is private.
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, fmt.Errorf("secure data folder: %w", err)
	}
	path := filepath.Join(dir, FileName)
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, app.Errorf(app.EUNAVAILABLE, "Easel is already running with the data in %s. Use the window that is open, or close it first.", dir)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db := &DB{bolt: b, dir: dir, Now: time.Now}
	if err := db.start(); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// start brings the schema up to date and repairs what a crash may have left.
func (db *DB) start() error {
	if err := db.migrate(); err != nil {
		return err
	}
	if err := db.sweepExpiredSessions(); err != nil {
		return err
	}
	files, err := openFiles(db.dir)
	if err != nil {
		return fmt.Errorf("open the image folders: %w", err)
	}
	db.files = files
	return db.recoverFiles()
}

// Close releases the file for the next Easel.
func (db *DB) Close() error {
	if db.files != nil {
		db.files.close()
	}
	return db.bolt.Close()
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
func (db *DB) update(fn func(tx *bolt.Tx) error) error {
	var after error
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		err := fn(tx)
		var c errCommitThen
		if errors.As(err, &c) {
			after = c.err
			return nil
		}
		return err
	})
	if err != nil {
		return err
	}
	return after
}
