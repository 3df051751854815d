package store

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Files keeps image files and thumbnails on disk beside the database, one
// folder per owner. Every read and write of an image file goes through it,
// so that encrypting a profile's files later changes only this file.
//
// Crash safety: a file is written to a temporary name, synced, and renamed
// into place before the record that points at it commits, so a record never
// lacks its file. A file whose record may not exist yet (or any more) is
// named in the journal first; Open removes those that no record claims, so
// a crash leaves no orphans either.
type Files struct {
	root    string
	mu      sync.Mutex // guards the journal
	journal *os.File
}

// File kinds.
const (
	kindImage     = "images"
	kindThumbnail = "thumbnails"
)

const journalName = "files.journal"

func openFiles(root string) (*Files, error) {
	for _, kind := range []string{kindImage, kindThumbnail} {
		if err := os.MkdirAll(filepath.Join(root, kind), 0o700); err != nil {
			return nil, err
		}
	}
	j, err := os.OpenFile(filepath.Join(root, journalName), os.O_CREATE|os.O_RDWR|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	return &Files{root: root, journal: j}, nil
}

func (f *Files) close() error { return f.journal.Close() }

func (f *Files) path(kind, owner, name string) string {
	return filepath.Join(f.root, kind, owner, name)
}

// intend names in the journal (synced) the files about to be written or deleted.
func (f *Files) intend(owner string, names ...string) (err error) {
	defer func() { err = diskError(f.root, err) }() // a full or read-only disk in words
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "%s/%s\n", owner, n)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, err := f.journal.WriteString(b.String()); err != nil {
		return err
	}
	return f.journal.Sync()
}

// write stores data as kind/owner/name: temporary name, sync, rename, sync folder.
func (f *Files) write(kind, owner, name string, data []byte) (err error) {
	defer func() { err = diskError(f.root, err) }() // a full or read-only disk in words
	dir := filepath.Join(f.root, kind, owner)
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
		// A new owner folder must survive a crash as surely as the file in it.
		if err := syncDir(filepath.Dir(dir)); err != nil {
			return err
		}
	}
	tmp, err := os.CreateTemp(dir, ".incoming-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(dir, name))
	}
	if err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return syncDir(dir)
}

// open opens kind/owner/name for reading.
func (f *Files) open(kind, owner, name string) (*os.File, error) {
	return os.Open(f.path(kind, owner, name))
}

// remove deletes an image and its thumbnail; a file already gone is fine.
func (f *Files) remove(owner, name string) error {
	var errs []error
	for _, kind := range []string{kindImage, kindThumbnail} {
		if err := os.Remove(f.path(kind, owner, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// recover removes the journal's files that no record claims, and temporary
// files left by a crash, then empties the journal. It runs in Open, after
// the database passed its check and before anything else can write.
// claimed reports whether a record refers to owner/name; when it cannot
// tell for any name, recover removes none of them and keeps the journal
// for a later start: a file is deleted only on a record's clear absence.
func (f *Files) recover(claimed func(owner, name string) (bool, error)) (removed int, err error) {
	if _, err := f.journal.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	type ref struct{ owner, name string }
	var unclaimed []ref
	sc := bufio.NewScanner(f.journal)
	for sc.Scan() {
		owner, name, ok := strings.Cut(sc.Text(), "/")
		if !ok || !safeName(owner) || !safeName(name) {
			continue
		}
		c, err := claimed(owner, name)
		if err != nil {
			return 0, fmt.Errorf("check %s/%s against the records: %w", owner, name, err)
		}
		if !c {
			unclaimed = append(unclaimed, ref{owner, name})
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	for _, r := range unclaimed {
		for _, kind := range []string{kindImage, kindThumbnail} {
			if os.Remove(f.path(kind, r.owner, r.name)) == nil {
				removed++
			}
		}
	}
	for _, kind := range []string{kindImage, kindThumbnail} {
		temps, _ := filepath.Glob(filepath.Join(f.root, kind, "*", ".incoming-*"))
		for _, t := range temps {
			if os.Remove(t) == nil {
				removed++
			}
		}
	}
	if err := f.journal.Truncate(0); err != nil {
		return removed, err
	}
	return removed, f.journal.Sync()
}

// safeName: one path element, so a damaged journal line cannot point
// outside the image folders.
func safeName(s string) bool {
	return s != "" && s != "." && s != ".." && !strings.ContainsAny(s, `/\`)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
