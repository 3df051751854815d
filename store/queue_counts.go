package store

import (
	"encoding/binary"

	"easel/app"
	"easel/store/kv"
)

// bucketQueueCounts keeps how many items are in each status, everyone's
// and each owner's, exact in the transaction of every status change: the
// queue's status is read from a dozen keys, not by decoding every item.
var bucketQueueCounts = []byte("queue_counts") // owner 0 status → count; owner "" for everyone's

var queueStatuses = []app.QueueStatus{app.StatusPending, app.StatusInProgress, app.StatusCompleted, app.StatusFailed, app.StatusCanceled}

func queueCountKey(owner string, status app.QueueStatus) []byte {
	return append(rangePrefix(owner), status...)
}

// countItem moves one of owner's items out of status from (none: "") and
// into status to (none: "").
func countItem(tx kv.Tx, owner string, from, to app.QueueStatus) error {
	b := tx.Bucket(bucketQueueCounts)
	for _, who := range []string{"", owner} {
		for _, step := range []struct {
			status app.QueueStatus
			delta  int64
		}{{from, -1}, {to, 1}} {
			if step.status == "" {
				continue
			}
			k := queueCountKey(who, step.status)
			n := int64(0)
			if v := b.Get(k); len(v) == 8 {
				n = int64(binary.BigEndian.Uint64(v))
			}
			if n += step.delta; n <= 0 {
				if err := b.Delete(k); err != nil {
					return err
				}
				continue
			}
			if err := b.Put(k, binary.BigEndian.AppendUint64(nil, uint64(n))); err != nil {
				return err
			}
		}
	}
	return nil
}

// queueCounts reads owner's counts ("" for everyone's).
func queueCounts(tx kv.Tx, owner string) app.QueueCounts {
	b := tx.Bucket(bucketQueueCounts)
	var c app.QueueCounts
	for _, st := range queueStatuses {
		n := 0
		if v := b.Get(queueCountKey(owner, st)); len(v) == 8 {
			n = int(binary.BigEndian.Uint64(v))
		}
		switch st {
		case app.StatusPending:
			c.Pending = n
		case app.StatusInProgress:
			c.InProgress = n
		case app.StatusCompleted:
			c.Completed = n
		case app.StatusFailed:
			c.Failed = n
		case app.StatusCanceled:
			c.Canceled = n
		}
		c.Total += n
	}
	return c
}
