package store

import (
	"log/slog"

	bolt "go.etcd.io/bbolt"
)

// recoverFiles removes image files that no record claims, after a crash
// between writing a file and committing its record (or between deleting a
// record and its file). A record that cannot be read keeps every file:
// the sweep is skipped, logged, and tried again at the next start.
func (db *DB) recoverFiles() error {
	err := db.bolt.View(func(tx *bolt.Tx) error {
		removed, err := db.files.recover(func(owner, name string) (bool, error) {
			r, err := getImage(tx, name)
			return r != nil && r.Owner == owner, err
		})
		if removed > 0 {
			slog.Info("removed files left by an interrupted import or deletion", "files", removed)
		}
		return err
	})
	if err != nil {
		slog.Warn("skipped the sweep of files left by an interrupted import; they are kept", "err", err)
	}
	return nil
}

// intendRemoval names files in the journal before the transaction that
// deletes their records commits.
func (db *DB) intendRemoval(refs []fileRef) error {
	byOwner := map[string][]string{}
	for _, r := range refs {
		byOwner[r.owner] = append(byOwner[r.owner], r.name)
	}
	for owner, names := range byOwner {
		if err := db.files.intend(owner, names...); err != nil {
			return err
		}
	}
	return nil
}

// removeFiles deletes the files of records that are gone. A failure leaves
// an orphan that the journal names, so the next start removes it.
func (db *DB) removeFiles(refs []fileRef) {
	for _, r := range refs {
		if err := db.files.remove(r.owner, r.name); err != nil {
			slog.Warn("could not remove an image file; it will be removed at the next start", "err", err)
		}
	}
}
