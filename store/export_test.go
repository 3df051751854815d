package store

import (
	"easel/store/blob"
	"easel/store/kv"
)

// SessionCount counts stored sessions, for tests.
func (db *DB) SessionCount() int {
	n := 0
	db.kv.View(func(tx kv.Tx) error {
		n = countKeys(tx.Bucket(bucketSessions))
		return nil
	})
	return n
}

// WriteOrphan writes an image's files the way an import does, then stops
// before the record, as a crash would.
func (db *DB) WriteOrphan(owner, name string, data []byte) error {
	ref := blob.Ref{Owner: owner, Name: name}
	if err := db.blobs.Intend(ref); err != nil {
		return err
	}
	if err := db.writeData(ref.Key(blob.Image), data); err != nil {
		return err
	}
	return db.writeData(ref.Key(blob.Thumbnail), data)
}

// ImageFilesMissing lists records whose image or thumbnail file is missing.
func (db *DB) ImageFilesMissing() ([]string, error) {
	var missing []string
	err := db.kv.View(func(tx kv.Tx) error {
		return tx.Bucket(bucketImages).ForEach(func(k, v []byte) error {
			r, err := decodeImage(v)
			if err != nil {
				return err
			}
			for _, kind := range blob.Kinds() {
				f, err := db.blobs.Open(blob.Key{Kind: kind, Owner: r.Owner, Name: r.Name})
				if err != nil {
					missing = append(missing, string(kind)+"/"+r.Name)
					continue
				}
				f.Close()
			}
			return nil
		})
	})
	return missing, err
}

// ImageCount counts image records.
func (db *DB) ImageCount() int {
	n := 0
	db.kv.View(func(tx kv.Tx) error {
		n = countKeys(tx.Bucket(bucketImages))
		return nil
	})
	return n
}

// OpenAtVersion opens a store knowing only its first n migrations, as an
// older Easel would.
func OpenAtVersion(dir string, n int) (*DB, error) {
	all := migrations
	migrations = migrations[:n]
	defer func() { migrations = all }()
	return Open(dir)
}

// BatchCount counts stored queue batches.
func (db *DB) BatchCount() int {
	n := 0
	db.kv.View(func(tx kv.Tx) error {
		n = countKeys(tx.Bucket(bucketQueueBatches))
		return nil
	})
	return n
}

// countKeys counts the keys of b.
func countKeys(b kv.Bucket) int {
	n := 0
	b.ForEach(func(_, _ []byte) error { n++; return nil })
	return n
}
