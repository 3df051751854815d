package store

import (
	"errors"
	"io"
	"os"
	"path/filepath"
)

// incoming is a file being received, such as an upload: its bytes go
// straight to a temporary file in the folder it will live in, so that no
// upload is ever held whole in memory, it can be checked where it lies, and
// renaming it into place is atomic. A crash leaves only the temporary file,
// which Files.recover removes at the next Open (it matches ".incoming-*").
type incoming struct {
	f         *os.File
	dir       string
	root      string // the data folder, for diskError's words
	size      int64  // bytes received
	committed bool
}

// receive copies r into a new temporary file in kind/owner, stopping after
// limit+1 bytes so that a file over limit is seen to be over it without
// storing the rest. An error while reading r is returned as r gave it.
func (f *Files) receive(kind, owner string, r io.Reader, limit int64) (_ *incoming, err error) {
	defer func() { err = diskError(f.root, err) }() // a full or read-only disk in words
	dir := filepath.Join(f.root, kind, owner)
	if err := ownerDir(dir); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(dir, ".incoming-*")
	if err != nil {
		return nil, err
	}
	in := &incoming{f: tmp, dir: dir, root: f.root}
	in.size, err = io.CopyN(tmp, r, limit+1)
	if err != nil && !errors.Is(err, io.EOF) {
		in.discard()
		return nil, err
	}
	return in, nil
}

// ownerDir makes an owner's folder when it is not there yet, syncing its
// parent: a new folder must survive a crash as surely as the file in it.
func ownerDir(dir string) error {
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return syncDir(filepath.Dir(dir))
}

// commit puts the file in place as name: synced, renamed, its folder
// synced, so that once commit returns the file survives a crash.
func (in *incoming) commit(name string) (err error) {
	defer func() { err = diskError(in.root, err) }()
	err = in.f.Sync()
	if cerr := in.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(in.f.Name(), filepath.Join(in.dir, name))
	}
	if err != nil {
		os.Remove(in.f.Name())
		return err
	}
	in.committed = true
	return syncDir(in.dir)
}

// discard removes the temporary file, unless commit put it in place. It
// may be called more than once.
func (in *incoming) discard() {
	if in.committed {
		return
	}
	in.f.Close() // a second close only reports that the file is closed
	os.Remove(in.f.Name())
}
