// Package diskblobs keeps Easel's image files on the disk, beside the
// database: the one implementation of blob.Store today, and the only code
// in the store that touches image files.
//
// The layout, which existing data folders have and README describes:
//
//	<dir>/images/<owner>/<name>       an image (a kind's folder is its name)
//	<dir>/thumbnails/<owner>/<name>   its thumbnail
//	<dir>/<kind>/<owner>/.incoming-*  a write under way, or cut short by a crash
//	<dir>/files.journal               the intents, one "owner/name" a line
//
// Folders are 0700 and files 0600: the data is private.
package diskblobs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"easel/store/blob"
)

// JournalName is the journal of intents, in the data folder.
const JournalName = "files.journal"

// tempPattern names a file being written; Settle removes any left over.
const tempPattern = ".incoming-*"

// Disk keeps blobs as files under one folder. Errors are the operating
// system's, wrapped, so that the caller can tell a full or read-only disk
// (syscall.ENOSPC, EROFS) and say so in its own words.
type Disk struct {
	dir string
	log *slog.Logger

	mu      sync.Mutex // guards the journal
	journal *os.File
}

var _ blob.Store = (*Disk)(nil)

// Open opens (making its folders if needed) the blobs kept under dir. log
// is told what the store does on its own: files it removes while settling,
// a temporary it could not remove.
func Open(dir string, log *slog.Logger) (*Disk, error) {
	for _, kind := range blob.Kinds() {
		if err := os.MkdirAll(filepath.Join(dir, string(kind)), 0o700); err != nil {
			return nil, err
		}
	}
	j, err := os.OpenFile(filepath.Join(dir, JournalName), os.O_CREATE|os.O_RDWR|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	return &Disk{dir: dir, log: log, journal: j}, nil
}

// Close closes the journal.
func (d *Disk) Close() error { return d.journal.Close() }

func (d *Disk) path(k blob.Key) string {
	return filepath.Join(d.dir, string(k.Kind), k.Owner, k.Name)
}

// Open opens a blob's file. The *os.File goes out as an io.ReadSeekCloser
// only, which keeps what the kernel can do with it (sendfile, when an
// HTTP response copies from it) without letting callers depend on files.
func (d *Disk) Open(key blob.Key) (io.ReadSeekCloser, error) {
	if !key.Valid() {
		return nil, invalid(key.String())
	}
	f, err := os.Open(d.path(key))
	if err != nil {
		return nil, err // a missing file is fs.ErrNotExist
	}
	return f, nil
}

// Remove deletes an image's files of every kind; one already gone is fine.
func (d *Disk) Remove(ref blob.Ref) error {
	if !ref.Valid() {
		return invalid(ref.String())
	}
	var errs []error
	for _, kind := range blob.Kinds() {
		if err := os.Remove(d.path(ref.Key(kind))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func invalid(what string) error { return fmt.Errorf("%w: %q", blob.ErrInvalidKey, what) }

// syncDir makes a folder's entries (a rename into it, a new folder in it)
// survive a crash as surely as the files' contents.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
