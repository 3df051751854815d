package boltkv

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"easel/app"
	"easel/store/diskerr"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// lockTimeout is how long Open waits for another Easel to let go of the file.
const lockTimeout = 500 * time.Millisecond

// Open opens (creating if needed) the database file at path and checks its
// whole structure before anything writes to it, so a damaged file is
// refused at start, with words, and left exactly as it was (opening an
// existing file writes nothing; only the store's migrations, after the
// check, do).
//
// The check is bbolt's own (Tx.Check): every page reachable from the root
// is read and must name itself and have a valid type, no page is used twice
// or both used and free, every page below the high-water mark is used or
// free, keys are in order on and across pages, and the free list holds no
// page twice. The file must also be as long as its meta page says. What it
// does not check is what bbolt cannot know: that each record's bytes decode.
// A record damaged that way fails the request that reads it (an internal
// error, logged), not the start.
//
// Its cost, measured as the whole of Open on the benchmark store of `make
// bench` (a 730 MB file: 1 000 000 images, 10 000 boards; BenchmarkOpenCheck
// times the check alone): about 0.5 s with the file in the page cache, and
// about 1 s cold thanks to the sequential read below (the walk alone, cold,
// took 8.5 s of scattered page faults). A household's store of some
// thousands of images checks in milliseconds. That is cheap enough to check
// everything at every start, rather than only the meta pages and buckets.
//
// A second Easel on the same file gets an EUNAVAILABLE error at once
// instead of waiting forever; a damaged file, EDAMAGED with what to do.
// log gets what the guards catch (guard.go).
func Open(path string, log *slog.Logger) (*DB, error) {
	dir := filepath.Dir(path)
	if err := checkLength(dir, path); err != nil {
		return nil, err
	}
	b, file, err := openBolt(path, &bolt.Options{Timeout: lockTimeout})
	if err != nil {
		return nil, openError(dir, path, err)
	}
	if err := checkStructure(b, path); err != nil {
		catchPanics(b.Close)
		return nil, err
	}
	return &DB{bolt: b, file: file, dir: dir, log: log}, nil
}

// CheckStructure runs again the check that Open runs, on the open file.
func (db *DB) CheckStructure() error {
	return checkStructure(db.bolt, db.file.Name())
}

// checkLength refuses a file shorter than its meta page says it is: cut
// short by an interrupted copy or a full disk. It opens the file read-only
// first because a writable open reads the free list, often from the part
// that is missing, and would only panic. A new or empty file has nothing
// to check.
func checkLength(dir, path string) error {
	info, err := os.Stat(path)
	if err != nil || info.Size() == 0 {
		return nil
	}
	b, _, err := openBolt(path, &bolt.Options{ReadOnly: true, Timeout: lockTimeout})
	if err != nil {
		return openError(dir, path, err)
	}
	var want int64
	err = catchPanics(func() error {
		return b.View(func(tx *bolt.Tx) error {
			want = tx.Size()
			return nil
		})
	})
	catchPanics(b.Close)
	switch {
	case err != nil:
		return openError(dir, path, err)
	case info.Size() < want:
		return damaged(path, fmt.Errorf("the file is %d bytes long but its pages reach to byte %d: it was cut short", info.Size(), want))
	}
	return nil
}

// openBolt is bolt.Open with panics caught. It keeps bbolt's file, to let
// go of it when bbolt cannot: if bbolt panics before it returns (then the
// memory map stays until Easel exits), or at DB.Close.
func openBolt(path string, opts *bolt.Options) (b *bolt.DB, file *os.File, err error) {
	opts.OpenFile = func(name string, flag int, mode os.FileMode) (*os.File, error) {
		f, err := os.OpenFile(name, flag, mode)
		file = f
		return f, err
	}
	err = catchPanics(func() error {
		b, err = bolt.Open(path, 0o600, opts)
		return err
	})
	var p *panicked
	if errors.As(err, &p) && file != nil {
		releaseFile(file)
	}
	return b, file, err
}

// openError puts what bolt.Open returned in words.
func openError(dir, path string, err error) error {
	if errors.Is(err, berrors.ErrTimeout) {
		return app.Errorf(app.EUNAVAILABLE, "Easel is already running with the data in %s. Use the window that is open, or close it first.", dir)
	}
	if words := diskerr.Words(dir, err); words != err {
		return words
	}
	var pathErr *fs.PathError
	var errno syscall.Errno
	if errors.As(err, &pathErr) || errors.As(err, &errno) {
		return fmt.Errorf("open %s: %w", path, err) // the system's trouble, not the file's
	}
	// Anything else is bbolt finding the file's bytes wrong: no valid meta
	// page, a checksum that does not match, a file too small, or a panic.
	return damaged(path, err)
}

// checkStructure runs the check described at Open.
func checkStructure(b *bolt.DB, path string) error {
	// A sequential read puts the file in the page cache at disk speed; the
	// walk below would otherwise fault its pages in one at a time.
	if err := readAhead(path); err != nil {
		return fmt.Errorf("check %s: %w", path, err)
	}
	err := catchPanics(func() error {
		return b.View(func(tx *bolt.Tx) error {
			// The walk reads, in this goroutine where a fault is caught, every
			// byte that Check reads in a goroutine of its own where it is not.
			if err := touchEveryRecord(tx); err != nil {
				return err
			}
			var problems []string
			for err := range tx.Check() { // drained to the end, or its goroutine waits forever
				if len(problems) < 3 { // a panic it caught reads "panic: …": a finding, not a crash
					problems = append(problems, strings.TrimPrefix(err.Error(), "panic: "))
				}
			}
			if len(problems) > 0 {
				return fmt.Errorf("bbolt's check found: %s", strings.Join(problems, "; "))
			}
			return nil
		})
	})
	if err != nil {
		return damaged(path, err)
	}
	return nil
}

// touchEveryRecord walks every bucket and reads the last byte of every key
// and value: if a damaged page number or length points outside the file,
// this is where it faults (inside catchPanics).
func touchEveryRecord(tx *bolt.Tx) error {
	var sink byte
	var walk func(b *bolt.Bucket)
	walk = func(b *bolt.Bucket) {
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			sink ^= k[len(k)-1]
			if v == nil {
				if child := b.Bucket(k); child != nil {
					walk(child)
				}
			} else if len(v) > 0 {
				sink ^= v[len(v)-1]
			}
		}
	}
	err := tx.ForEach(func(name []byte, b *bolt.Bucket) error {
		walk(b)
		return nil
	})
	_ = sink
	return err
}

func readAhead(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.CopyBuffer(io.Discard, struct{ io.Reader }{f}, make([]byte, 1<<20))
	return err
}

// damaged is the refusal of a damaged database file: what is wrong, that
// Easel left it alone, and what to do.
func damaged(path string, cause error) error {
	return fmt.Errorf("%w (%w)", app.Errorf(app.EDAMAGED,
		"Easel's database %s is damaged (%s), so Easel will not start with it; it has not changed the file. "+
			"Close Easel, keep the damaged file (rename it, for example to easel.db.damaged), "+
			"put easel.db back from your latest backup, then start Easel again.",
		path, whatIsWrong(path, cause)), cause)
}

// whatIsWrong says in a few words what the check found.
func whatIsWrong(path string, cause error) string {
	if info, err := os.Stat(path); err == nil && info.Size()%int64(os.Getpagesize()) != 0 {
		return "it ends part-way through a page, so it was probably cut short"
	}
	var p *panicked
	switch {
	case errors.Is(cause, berrors.ErrInvalid):
		return "it does not start like an Easel database: both copies of its header are unreadable"
	case errors.Is(cause, berrors.ErrChecksum):
		return "the checksums of its header do not match"
	case errors.Is(cause, berrors.ErrVersionMismatch):
		return "its header has an unknown version"
	case errors.As(cause, &p):
		return fmt.Sprintf("its pages do not fit together: %v", p.value)
	}
	return cause.Error()
}
