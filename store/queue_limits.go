package store

import (
	"bytes"

	"easel/app"
	"easel/store/kv"
)

// checkBatchSize refuses a request that would queue more items than the
// studio's settings allow at once.
func checkBatchSize(n int, set app.Settings) error {
	if n > set.MaxItemsPerBatch {
		return app.Errorf(app.EINVALID, "This batch would make %d items; at most %d can be queued at once. Ask for fewer (an administrator sets this limit in Settings).", n, set.MaxItemsPerBatch)
	}
	return nil
}

// pendingCount counts owner's waiting items: their range of the pending
// index, at well under a microsecond a key, never longer than the limit
// once was.
func pendingCount(tx kv.Tx, owner string) int {
	prefix := rangePrefix(owner)
	n := 0
	c := tx.Bucket(bucketQueuePending).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		n++
	}
	return n
}

// checkPendingRoom refuses adding items for a profile that has waiting
// items already when they would have more than the settings allow.
func checkPendingRoom(waiting, adding int, set app.Settings) error {
	if limit := set.MaxPendingPerUser; waiting+adding > limit {
		return app.Errorf(app.ETOOMANY, "You have %d items waiting and asked for %d more; at most %d may wait at once. Wait for some to finish or cancel some, then try again.", waiting, adding, limit)
	}
	return nil
}
