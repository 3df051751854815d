package store

import (
	"encoding/binary"

	"easel/store/kv"
)

// The counts of a shareable kind are kept exactly, in the transaction of
// every index write, so that a listing's total is a few reads, not a walk
// over every thing the caller may see. Archived things are not counted.
const (
	countOwn           = 'o' // a user's own things
	countOwnVisible    = 'O' // … of them shared or public
	countShared        = 's' // things granted to a user by name
	countSharedVisible = 'S' // … of them shared or public anyway
	countVisible       = 'v' // everyone's shared and public things (no user)
	countAll           = 'a' // every thing (no user)
)

func countKey(kind byte, user string) []byte { return append([]byte{kind}, user...) }

func (k *sharedKind) count(tx kv.Tx, kind byte, user string) int {
	v := tx.Bucket(k.counts).Get(countKey(kind, user))
	if len(v) != 8 {
		return 0
	}
	return int(int64(binary.BigEndian.Uint64(v)))
}

func (k *sharedKind) addCount(tx kv.Tx, kind byte, user string, delta int) error {
	if delta == 0 {
		return nil
	}
	n := k.count(tx, kind, user) + delta
	return tx.Bucket(k.counts).Put(countKey(kind, user), binary.BigEndian.AppendUint64(nil, uint64(int64(n))))
}

// visibleTotal is how many things a user who is not an admin may list:
// their own, plus those granted them, plus everyone's visible ones, each
// thing once.
func (k *sharedKind) visibleTotal(tx kv.Tx, user string) int {
	return k.count(tx, countOwn, user) + k.count(tx, countShared, user) - k.count(tx, countSharedVisible, user) +
		k.count(tx, countVisible, "") - k.count(tx, countOwnVisible, user)
}

// counted reports what an index entry adds to the counts: 1 unless it is
// absent or archived, and whether the thing is visible to everyone.
func counted(v []byte) (n, visible int) {
	if v == nil || isArchived(v) {
		return 0, 0
	}
	if v[len(v)-1]&flagVisible != 0 {
		return 1, 1
	}
	return 1, 0
}

// recount moves the counts of one index entry from old to now (nil: none).
func (k *sharedKind) recount(tx kv.Tx, bucket, key, old, now []byte) error {
	n0, vis0 := counted(old)
	n1, vis1 := counted(now)
	dn, dvis := n1-n0, vis1-vis0
	if dn == 0 && dvis == 0 {
		return nil
	}
	switch string(bucket) {
	case string(k.byOwner):
		user := string(key[:len(key)-9])
		if err := k.addCount(tx, countOwn, user, dn); err != nil {
			return err
		}
		if err := k.addCount(tx, countAll, "", dn); err != nil {
			return err
		}
		return k.addCount(tx, countOwnVisible, user, dvis)
	case string(k.grantsByUser):
		user := string(key[:len(key)-9])
		if err := k.addCount(tx, countShared, user, dn); err != nil {
			return err
		}
		return k.addCount(tx, countSharedVisible, user, dvis)
	case string(k.visible):
		return k.addCount(tx, countVisible, "", dn)
	}
	return nil
}
