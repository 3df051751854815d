package diskblobs

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"strings"

	"easel/store/blob"
)

// Intend appends a line "owner/name" a ref to the journal, in one write,
// and syncs it: one sync for a whole bulk deletion.
func (d *Disk) Intend(refs ...blob.Ref) error {
	if len(refs) == 0 {
		return nil // nothing to note: no write, no sync, and no failure on a full disk
	}
	var b strings.Builder
	for _, r := range refs {
		if !r.Valid() {
			return invalid(r.String())
		}
		b.WriteString(r.String())
		b.WriteByte('\n')
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, err := d.journal.WriteString(b.String()); err != nil {
		return err
	}
	return d.journal.Sync()
}

// Pending reads the journal from the start. A line that is not a valid
// ref (a write cut short, a damaged disk) is skipped: it cannot name a
// file of its own, so there is nothing to check or remove for it.
func (d *Disk) Pending(fn func(blob.Ref) error) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, err := d.journal.Seek(0, io.SeekStart); err != nil {
		return err
	}
	sc := bufio.NewScanner(d.journal)
	for sc.Scan() {
		owner, name, _ := strings.Cut(sc.Text(), "/")
		ref := blob.Ref{Owner: owner, Name: name}
		if !ref.Valid() {
			continue
		}
		if err := fn(ref); err != nil {
			return err
		}
	}
	return sc.Err()
}

// Settle removes the orphans' files and the temporary files that writes
// cut short by a crash left, then empties the journal. A file that will
// not go is not counted and the journal is emptied all the same: no record
// points at such a file, so it is untidy but never wrong, and a start is
// not the moment to stop for it.
func (d *Disk) Settle(orphans []blob.Ref) (removed int, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, r := range orphans {
		if !r.Valid() {
			continue
		}
		for _, kind := range blob.Kinds() {
			if os.Remove(d.path(r.Key(kind))) == nil {
				removed++
			}
		}
	}
	for _, kind := range blob.Kinds() {
		temps, _ := filepath.Glob(filepath.Join(d.dir, string(kind), "*", tempPattern))
		for _, t := range temps {
			if os.Remove(t) == nil {
				removed++
			}
		}
	}
	if removed > 0 {
		d.log.Info("removed files left by an interrupted import or deletion", "files", removed)
	}
	if err := d.journal.Truncate(0); err != nil {
		return removed, err
	}
	return removed, d.journal.Sync()
}
