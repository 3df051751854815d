package diskblobs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"easel/store/blob"
)

// Write stores r's bytes as key the way every file here is written: to a
// temporary name in the folder it will live in, synced, renamed into
// place, the folder synced. A crash at any step leaves either the old
// file or the new one under the name, never part of one; a temporary file
// left behind is removed by Settle.
func (d *Disk) Write(key blob.Key, r io.Reader, limit int64) (int64, error) {
	if !key.Valid() {
		return 0, invalid(key.String())
	}
	s, err := d.stage(key.Kind, key.Owner, r, limit)
	if err != nil {
		return 0, err
	}
	defer s.Discard()
	return s.size, s.Commit(key.Name)
}

// Stage copies r to a new temporary file in kind/owner. Receiving into the
// folder the file will live in is what makes Commit a rename, atomic,
// rather than a copy.
func (d *Disk) Stage(kind blob.Kind, owner string, r io.Reader, limit int64) (blob.Staged, error) {
	if !kind.Valid() || !blob.ValidElement(owner) {
		return nil, invalid(string(kind) + "/" + owner)
	}
	s, err := d.stage(kind, owner, r, limit)
	if err != nil {
		return nil, err
	}
	return s, nil
}

func (d *Disk) stage(kind blob.Kind, owner string, r io.Reader, limit int64) (*staged, error) {
	dir := filepath.Join(d.dir, string(kind), owner)
	if err := ownerDir(dir); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, tempPattern)
	if err != nil {
		return nil, err
	}
	s := &staged{f: f, dir: dir, log: d.log}
	// One byte past the limit tells a file over it from one just at it,
	// without storing (or reading) the rest.
	s.size, err = io.CopyN(f, r, limit+1)
	switch {
	case err != nil && !errors.Is(err, io.EOF):
		s.Discard()
		return nil, err
	case s.size > limit:
		s.Discard()
		return nil, fmt.Errorf("%w: more than %d bytes for %s/%s", blob.ErrTooLarge, limit, kind, owner)
	}
	return s, nil
}

// ownerDir makes an owner's folder when it is not there yet, syncing its
// parent: a new folder must survive a crash as surely as the file in it.
func ownerDir(dir string) error {
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return syncDir(filepath.Dir(dir))
}

// staged is a temporary file holding received bytes. Its *os.File stays
// inside: callers read it through ReadAt.
type staged struct {
	f         *os.File
	dir       string
	size      int64
	log       *slog.Logger
	committed bool
}

func (s *staged) ReadAt(p []byte, off int64) (int, error) { return s.f.ReadAt(p, off) }

func (s *staged) Size() int64 { return s.size }

// Commit syncs the file, renames it to name and syncs the folder, so that
// once it returns the file survives a crash.
func (s *staged) Commit(name string) error {
	if !blob.ValidElement(name) {
		return invalid(name)
	}
	err := s.f.Sync()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(s.f.Name(), filepath.Join(s.dir, name))
	}
	if err != nil {
		s.remove()
		return err
	}
	s.committed = true
	return syncDir(s.dir)
}

// Discard removes the temporary file, unless Commit put it in place.
func (s *staged) Discard() {
	if s.committed {
		return
	}
	s.f.Close() // a second close only reports that the file is closed
	s.remove()
}

// remove deletes the temporary file. One that cannot be removed is only
// untidy: nothing names it, and Settle removes it at the next start.
func (s *staged) remove() {
	if err := os.Remove(s.f.Name()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		s.log.Warn("could not remove a temporary file; it will be removed at the next start", "err", err)
	}
}
