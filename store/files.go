package store

import (
	"bytes"
	"io"

	"easel/store/blob"
	"easel/store/diskblobs"
	"easel/store/diskerr"
)

// Image files are blobs (package blob): every read and write of one goes
// through DB.blobs, a blob.Store, so that encrypting a profile's files
// or moving them to an object store changes what is behind it, not this
// package. The disk (store/diskblobs) is behind it today.
//
// Crash safety: a file is written to a temporary name, synced, and renamed
// into place before the record that points at it commits, so a record never
// lacks its file. A file whose record may not exist yet (or any more) is
// named by Intend first; Open removes those that no record claims
// (recoverFiles), so a crash leaves no orphans either.

// fileRef names an image's files, to remove once the records are gone.
type fileRef = blob.Ref

// openBlobs opens the image files kept in the data folder.
func (db *DB) openBlobs() (blob.Store, error) {
	disk, err := diskblobs.Open(db.dir, db.log)
	if err != nil {
		return nil, err
	}
	return wordedBlobs{Store: disk, dir: db.dir}, nil
}

// writeData stores data, all of it, as key.
func (db *DB) writeData(key blob.Key, data []byte) error {
	_, err := db.blobs.Write(key, bytes.NewReader(data), int64(len(data)))
	return err
}

// wordedBlobs passes the errors of writes through diskerr.Words, so that a full
// or read-only disk reaches the person in words that name the data folder;
// reads and removals keep their errors as they are. It wraps the store,
// not each call, so that no caller can forget; a method that writes, added
// to blob.Store, needs its line here.
type wordedBlobs struct {
	blob.Store
	dir string // the data folder
}

func (w wordedBlobs) Write(key blob.Key, r io.Reader, limit int64) (int64, error) {
	n, err := w.Store.Write(key, r, limit)
	return n, diskerr.Words(w.dir, err)
}

func (w wordedBlobs) Stage(kind blob.Kind, owner string, r io.Reader, limit int64) (blob.Staged, error) {
	s, err := w.Store.Stage(kind, owner, r, limit)
	if err != nil {
		return nil, diskerr.Words(w.dir, err)
	}
	return wordedStaged{Staged: s, dir: w.dir}, nil
}

func (w wordedBlobs) Intend(refs ...blob.Ref) error {
	return diskerr.Words(w.dir, w.Store.Intend(refs...))
}

type wordedStaged struct {
	blob.Staged
	dir string
}

func (s wordedStaged) Commit(name string) error {
	return diskerr.Words(s.dir, s.Staged.Commit(name))
}
