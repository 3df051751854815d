package store

import (
	"encoding/binary"
	"errors"

	"easel/app"

	bolt "go.etcd.io/bbolt"
)

// The processor's side of the queue: only the worker calls these.

// RecoverInterrupted fails items a crash left in progress.
func (s *QueueService) RecoverInterrupted() (int, error) {
	n := 0
	err := s.db.bolt.Update(func(tx *bolt.Tx) error {
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
			if err := setStatus(tx, r, app.StatusFailed, s.db.now()); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// Claim takes the next pending item, serving users in turn.
func (s *QueueService) Claim(lastUser string) (*app.ClaimedItem, error) {
	var out *app.ClaimedItem
	var owner string
	err := s.db.bolt.Update(func(tx *bolt.Tx) error {
		if queuePaused(tx) {
			return nil
		}
		c := tx.Bucket(bucketQueuePending).Cursor()
		// Every key of lastUser starts with lastUser 0; lastUser 1 is past them all.
		k, _ := c.Seek(append([]byte(lastUser), 1))
		if k == nil || lastUser == "" {
			k, _ = c.First()
		}
		if k == nil {
			return nil
		}
		id := binary.BigEndian.Uint64(k[len(k)-8:])
		r, err := getItem(tx, id)
		if err != nil {
			return err
		}
		if r == nil {
			return c.Delete() // an index entry without its item
		}
		if err := setStatus(tx, r, app.StatusInProgress, s.db.now()); err != nil {
			return err
		}
		owner = r.Owner
		out = &app.ClaimedItem{Item: r.fullView(nil, newNames(tx)), Graph: batchGraph(tx, r.BatchID), Owner: r.Owner}
		return nil
	})
	if out != nil {
		s.Events.Publish(owner, &app.QueueEvent{Type: app.EventItemStatus, Item: out.Item})
	}
	return out, err
}

// Finish records how an item ended.
func (s *QueueService) Finish(id uint64, images []string, runErr error) (*app.QueueItem, error) {
	var out *app.QueueItem
	var owner string
	err := s.db.bolt.Update(func(tx *bolt.Tx) error {
		r, err := getItem(tx, id)
		if err != nil || r == nil {
			return err // deleted meanwhile: nothing to record
		}
		owner = r.Owner
		r.Images = append(r.Images, images...)
		if r.Status == app.StatusInProgress {
			status := app.StatusCompleted
			switch {
			case errors.Is(runErr, errCanceled):
				status = app.StatusCanceled
			case runErr != nil:
				status = app.StatusFailed
				r.ErrorType, r.ErrorMsg = errorType(runErr), app.ErrorMessageOrText(runErr)
			}
			if err := setStatus(tx, r, status, s.db.now()); err != nil {
				return err
			}
		} else if err := putItem(tx, r); err != nil {
			return err
		}
		out = r.fullView(nil, newNames(tx))
		return nil
	})
	if out != nil {
		s.Events.Publish(owner, &app.QueueEvent{Type: app.EventItemStatus, Item: out})
	}
	return out, err
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

// Requeue puts an item stopped with the app back in line.
func (s *QueueService) Requeue(id uint64) error {
	return s.db.bolt.Update(func(tx *bolt.Tx) error {
		r, err := getItem(tx, id)
		if err != nil || r == nil || r.Status != app.StatusInProgress {
			return err
		}
		return setStatus(tx, r, app.StatusPending, s.db.now())
	})
}
