package store

import (
	"easel/app"
	"easel/store/kv"
)

// A queue item's images are recorded on it in the transaction that saves
// each one, so the item always knows what its run has saved so far. A run
// that is stopped before it finishes (Easel closing, or a crash) takes its
// images back when its item goes back in line or is failed as interrupted:
// running it again must not save them twice, and no image stands without a
// finished item that made it.

// errItemNotRunning refuses to save an image for an item that is no longer
// running (canceled or deleted meanwhile), or is not the saver's.
var errItemNotRunning = app.Errorf(app.EINVALID, "This queue item is no longer running, so its image was not saved.")

// linkRenderedImage records on item id, which owner's run is saving r, that
// r is one of its images, and on r which item made it.
func linkRenderedImage(tx kv.Tx, id uint64, owner string, r *imageRecord) error {
	it, err := getItem(tx, id)
	if err != nil {
		return err
	}
	if it == nil || it.Owner != owner || it.Status != app.StatusInProgress {
		return errItemNotRunning
	}
	r.Item = id
	it.Images = append(it.Images, r.Name)
	return putItem(tx, it)
}

// takeBackImages deletes the images its unfinished run saved, records
// now and files once the caller's transaction has committed (named in the
// journal first, so a crash in between leaves no orphan).
func (db *DB) takeBackImages(tx kv.Tx, it *itemRecord) ([]fileRef, error) {
	var gone []fileRef
	for _, name := range it.Images {
		r, err := getImage(tx, name)
		if err != nil {
			return nil, err
		}
		if r == nil || r.Item != it.ID {
			continue // deleted by its owner meanwhile
		}
		var board *boardRecord
		if r.Board != "" {
			if board, err = getBoard(tx, r.Board); err != nil {
				return nil, err
			}
		}
		if r.Board == "" || board != nil {
			if err := unplaceImage(tx, r, board); err != nil {
				return nil, err
			}
		}
		if err := tx.Bucket(bucketImages).Delete([]byte(r.Name)); err != nil {
			return nil, err
		}
		gone = append(gone, fileRef{Owner: r.Owner, Name: r.Name})
	}
	it.Images = nil
	return gone, db.intendRemoval(gone)
}
