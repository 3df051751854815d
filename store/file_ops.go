package store

import (
	"fmt"

	"easel/store/blob"
	"easel/store/kv"
)

// recoverFiles removes image files that no record claims, after a crash
// between writing a file and committing its record (or between deleting a
// record and its file). A record that cannot be read keeps every file:
// the sweep is skipped, logged, and tried again at the next start. It runs
// in Open, after the database passed its check and before anything else
// can write.
func (db *DB) recoverFiles() {
	var orphans []blob.Ref
	err := db.view(func(tx kv.Tx) error {
		return db.blobs.Pending(func(ref blob.Ref) error {
			r, err := getImage(tx, ref.Name)
			if err != nil {
				return fmt.Errorf("check %s against the records: %w", ref, err)
			}
			if r != nil && r.Owner == ref.Owner {
				return nil
			}
			if claimed, err := libraryImageClaimed(tx, ref); err != nil || claimed { // a preset's preview, a workflow's thumbnail
				return err
			}
			orphans = append(orphans, ref) // removed only on a record's clear absence
			return nil
		})
	})
	if err == nil {
		_, err = db.blobs.Settle(orphans)
	}
	if err != nil {
		db.log.Warn("skipped the sweep of files left by an interrupted import; they are kept", "err", err)
	}
}

// intendRemoval names files, in one synced write, before the transaction
// that deletes their records commits.
func (db *DB) intendRemoval(refs []fileRef) error {
	return db.blobs.Intend(refs...)
}

// removeFiles deletes the files of records that are gone. A failure leaves
// an orphan that intendRemoval named, so the next start removes it.
func (db *DB) removeFiles(refs []fileRef) {
	for _, r := range refs {
		if err := db.blobs.Remove(r); err != nil {
			db.log.Warn("could not remove an image file; it will be removed at the next start", "err", err)
		}
	}
}
