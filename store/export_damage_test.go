package store

import (
	"easel/store/kv"
	"easel/store/kv/boltkv"
)

// PagesInUse lists the tree's pages of the database file at path, and its
// page size, for tests that damage one on purpose.
var PagesInUse = boltkv.PagesInUse

// TreePages is PagesInUse for the open store.
func (db *DB) TreePages() (pages []int, pageSize int, err error) {
	return db.kv.(*boltkv.DB).TreePages()
}

// PutRawImageRecord stores value as the record of image name, bypassing
// the encoder: a record whose bytes are damaged.
func (db *DB) PutRawImageRecord(name string, value []byte) error {
	return db.kv.Update(func(tx kv.Tx) error {
		return tx.Bucket(bucketImages).Put([]byte(name), value)
	})
}
