package store

import (
	"encoding/binary"

	bolt "go.etcd.io/bbolt"
)

// FailureCount counts remembered login failures (one record per email), for tests.
func (db *DB) FailureCount() int {
	n := 0
	db.bolt.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketLoginFailures).Stats().KeyN
		return nil
	})
	return n
}

// AsBeforeQueueCounts makes the store look like one written before
// migration 4: no queue counts, schema version 3.
func (db *DB) AsBeforeQueueCounts() error {
	return db.bolt.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bucketQueueCounts); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keySchemaVersion, binary.BigEndian.AppendUint64(nil, 3))
	})
}
