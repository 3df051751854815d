package store

import bolt "go.etcd.io/bbolt"

// SessionCount counts stored sessions, for tests.
func (db *DB) SessionCount() int {
	n := 0
	db.bolt.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketSessions).Stats().KeyN
		return nil
	})
	return n
}
