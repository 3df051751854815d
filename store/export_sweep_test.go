package store

import (
	"encoding/binary"

	"easel/store/kv"
)

// FailureCount counts remembered login failures (one record per email), for tests.
func (db *DB) FailureCount() int {
	n := 0
	db.kv.View(func(tx kv.Tx) error {
		n = countKeys(tx.Bucket(bucketLoginFailures))
		return nil
	})
	return n
}

// AsBeforeQueueCounts makes the store look like one written before
// migration 4: no queue counts, schema version 3.
func (db *DB) AsBeforeQueueCounts() error {
	return db.kv.Update(func(tx kv.Tx) error {
		if err := tx.DeleteBucket(bucketQueueCounts); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keySchemaVersion, binary.BigEndian.AppendUint64(nil, 3))
	})
}
