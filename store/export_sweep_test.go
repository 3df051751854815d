package store

import bolt "go.etcd.io/bbolt"

// FailureCount counts remembered login failures (one record per email), for tests.
func (db *DB) FailureCount() int {
	n := 0
	db.bolt.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketLoginFailures).Stats().KeyN
		return nil
	})
	return n
}
