package boltkv

import (
	"time"

	bolt "go.etcd.io/bbolt"
)

// These two are for tests that damage a page of the file on purpose: they
// must know which pages hold the tree, and how big a page is.

// PagesInUse lists the pages of the database file at path that hold its
// tree (leaf and branch pages, not free ones), and the file's page size.
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

// TreePages is PagesInUse for the open store.
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
