package store

import (
	"encoding/binary"
	"errors"

	"easel/app"
	"easel/store/kv"
)

// The processor's side of the queue: only the worker calls these.

// RecoverInterrupted fails items a crash left in progress.
func (s *QueueService) RecoverInterrupted() (int, error) {
	n := 0
	var gone []fileRef
	err := s.db.update(func(tx kv.Tx) error {
		var ids []uint64
		tx.Bucket(bucketQueueRunning).ForEach(func(k, _ []byte) error {
			ids = append(ids, binary.BigEndian.Uint64(k))
			return nil
		})
		for _, id := range ids {
			r, err := getItem(tx, id)
			if err != nil {
				return err
			}
			if r == nil {
				tx.Bucket(bucketQueueRunning).Delete(seqKey(id))
				continue
			}
			r.ErrorType, r.ErrorMsg = "interrupted", "Easel stopped while this item was running. Retry it to run it again."
			taken, err := s.db.takeBackImages(tx, r)
			if err != nil {
				return err
			}
			gone = append(gone, taken...)
			if err := setStatus(tx, r, app.StatusFailed, s.db.now()); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err == nil {
		s.db.removeFiles(gone)
	}
	return n, err
}

// Claim takes the next pending item, serving users in turn.
func (s *QueueService) Claim(lastUser string) (*app.ClaimedItem, error) {
	var claim *app.ClaimedItem
	err := s.db.update(func(tx kv.Tx) (err error) {
		claim, err = s.claimTx(tx, lastUser)
		return err
	})
	s.publishClaim(claim)
	return claim, err
}

// Finish records how an item ended and, when claimNext, takes the next
// item in the same transaction: one commit (one disk sync) per item.
func (s *QueueService) Finish(id uint64, runErr error, claimNext bool, lastUser string) (*app.ClaimedItem, error) {
	var done *app.QueueItem
	var claim *app.ClaimedItem
	var workflowID string
	err := s.db.update(func(tx kv.Tx) (err error) {
		if done, err = s.finishTx(tx, id, runErr); err != nil {
			return err
		}
		if done != nil && done.Status == app.StatusCompleted && len(done.ImageNames) > 0 {
			workflowID = getBatch(tx, done.BatchID).WorkflowID
		}
		if claimNext {
			claim, err = s.claimTx(tx, lastUser)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if done != nil {
		s.events.Publish(done.UserID, &app.QueueEvent{Type: app.EventItemStatus, Item: done})
	}
	s.publishClaim(claim)
	if workflowID != "" {
		// The workflow's first finished run may give it its thumbnail
		// (thumbnailTarget says when); best effort, after the commit.
		s.db.thumbnailFromRun(workflowID, done.UserID, done.ImageNames[0])
	}
	return claim, nil
}

func (s *QueueService) publishClaim(claim *app.ClaimedItem) {
	if claim != nil {
		s.events.Publish(claim.Owner, &app.QueueEvent{Type: app.EventItemStatus, Item: claim.Item})
	}
}

// claimTx takes the first waiting item of the first user after lastUser
// (wrapping around), or nothing when the queue is paused or empty.
func (s *QueueService) claimTx(tx kv.Tx, lastUser string) (*app.ClaimedItem, error) {
	if queuePaused(tx) {
		return nil, nil
	}
	c := tx.Bucket(bucketQueuePending).Cursor()
	// Every key of lastUser starts with lastUser 0; lastUser 1 is past them all.
	k, _ := c.Seek(append([]byte(lastUser), 1))
	if k == nil || lastUser == "" {
		k, _ = c.First()
	}
	var r *itemRecord
	for ; k != nil; k, _ = c.First() {
		id := binary.BigEndian.Uint64(k[len(k)-8:])
		var err error
		if r, err = getItem(tx, id); err != nil {
			return nil, err
		}
		if r == nil {
			if err := c.Delete(); err != nil { // an index entry without its item
				return nil, err
			}
			continue
		}
		// Work of a profile that was disabled or deleted meanwhile fails here
		// rather than running as nobody.
		if owner, err := getUser(tx, r.Owner); err != nil {
			return nil, err
		} else if owner == nil || !owner.IsActive {
			r.ErrorType, r.ErrorMsg = "owner_unavailable", "The profile that queued this item is disabled or deleted, so it did not run."
			if err := setStatus(tx, r, app.StatusFailed, s.db.now()); err != nil {
				return nil, err
			}
			continue
		}
		break
	}
	if k == nil {
		return nil, nil
	}
	if err := setStatus(tx, r, app.StatusInProgress, s.db.now()); err != nil {
		return nil, err
	}
	set, err := settingsIn(tx)
	if err != nil {
		return nil, err
	}
	return &app.ClaimedItem{Item: r.fullView(nil, newNames(tx)), Graph: batchGraph(tx, r.BatchID), Owner: r.Owner,
		PixelBudget: set.PixelBudget()}, nil
}

// finishTx records how an item ended; an item canceled or deleted
// meanwhile stays so. Its images are on it already: each was recorded with
// its save.
func (s *QueueService) finishTx(tx kv.Tx, id uint64, runErr error) (*app.QueueItem, error) {
	r, err := getItem(tx, id)
	if err != nil || r == nil {
		return nil, err
	}
	if r.Status == app.StatusInProgress {
		status := app.StatusCompleted
		switch {
		case errors.Is(runErr, errCanceled):
			status = app.StatusCanceled
		case runErr != nil:
			status = app.StatusFailed
			// Internal errors keep their details for the log, not the owner.
			r.ErrorType, r.ErrorMsg = errorType(runErr), app.ErrorMessage(runErr)
		}
		if err := setStatus(tx, r, status, s.db.now()); err != nil {
			return nil, err
		}
	} else if err := putItem(tx, r); err != nil {
		return nil, err
	}
	return r.fullView(nil, newNames(tx)), nil
}

// errCanceled is how the worker says it stopped an item because it was canceled.
var errCanceled = app.ErrCanceled

func errorType(err error) string {
	switch app.ErrorCode(err) {
	case app.EINVALID, app.ENOTFOUND, app.EFORBIDDEN:
		return "invalid_input"
	case app.EUNAUTHORIZED:
		return "owner_unavailable"
	}
	return "internal"
}

// Requeue puts an item stopped with the app back in line, taking back the
// images its run had saved: the next run saves them again.
func (s *QueueService) Requeue(id uint64) error {
	var gone []fileRef
	err := s.db.update(func(tx kv.Tx) (err error) {
		r, err := getItem(tx, id)
		if err != nil || r == nil || r.Status != app.StatusInProgress {
			return err
		}
		if gone, err = s.db.takeBackImages(tx, r); err != nil {
			return err
		}
		return setStatus(tx, r, app.StatusPending, s.db.now())
	})
	if err == nil {
		s.db.removeFiles(gone)
	}
	return err
}
