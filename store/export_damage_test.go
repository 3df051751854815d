package store

import (
	"time"

	bolt "go.etcd.io/bbolt"
)

// PagesInUse lists the pages of the database file at path that hold its
// tree (leaf and branch pages, not free ones), for tests that damage one on
// purpose, and the file's page size.
func PagesInUse(path string) (pages []int, pageSize int, err error) {
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, PreLoadFreelist: true, Timeout: time.Second})
	if err != nil {
		return nil, 0, err
	}
	defer b.Close()
	err = b.View(func(tx *bolt.Tx) error {
		pages, err = treePages(tx)
		return err
	})
	return pages, b.Info().PageSize, err
}

// PutRawImageRecord stores value as the record of image name, bypassing
// the encoder: a record whose bytes are damaged.
func (db *DB) PutRawImageRecord(name string, value []byte) error {
	return db.bolt.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketImages).Put([]byte(name), value)
	})
}

// TreePages lists the leaf and branch pages of the open store, and its page size.
func (db *DB) TreePages() (pages []int, pageSize int, err error) {
	err = db.bolt.View(func(tx *bolt.Tx) error {
		pages, err = treePages(tx)
		return err
	})
	return pages, db.bolt.Info().PageSize, err
}

// treePages lists the leaf and branch pages that tx sees, from page 2 (the
// two meta pages come first) to the end of the file.
func treePages(tx *bolt.Tx) (pages []int, err error) {
	for id := 2; ; id++ {
		info, err := tx.Page(id)
		if info == nil || err != nil {
			return pages, err
		}
		if info.Type == "leaf" || info.Type == "branch" {
			pages = append(pages, id)
		}
	}
}
