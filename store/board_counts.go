package store

import (
	"encoding/binary"

	"easel/store/kv"
)

// Board counts are kept exactly, in the transaction of every index write,
// so that a listing's total is a few reads, not a walk over every board
// the caller may see. Archived boards are not counted.
var bucketBoardCounts = []byte("board_counts") // kind, user_id → count

const (
	countOwn           = 'o' // a user's own boards
	countOwnVisible    = 'O' // … of them shared or public
	countShared        = 's' // boards shared with a user by name
	countSharedVisible = 'S' // … of them shared or public anyway
	countVisible       = 'v' // everyone's shared and public boards (no user)
	countAll           = 'a' // every board (no user)
)

func countKey(kind byte, user string) []byte { return append([]byte{kind}, user...) }

func boardCount(tx kv.Tx, kind byte, user string) int {
	v := tx.Bucket(bucketBoardCounts).Get(countKey(kind, user))
	if len(v) != 8 {
		return 0
	}
	return int(int64(binary.BigEndian.Uint64(v)))
}

func addBoardCount(tx kv.Tx, kind byte, user string, delta int) error {
	if delta == 0 {
		return nil
	}
	n := boardCount(tx, kind, user) + delta
	return tx.Bucket(bucketBoardCounts).Put(countKey(kind, user), binary.BigEndian.AppendUint64(nil, uint64(int64(n))))
}

// visibleTotal is how many boards a user who is not an admin may list:
// their own, plus those shared with them, plus everyone's visible ones,
// each board once.
func visibleTotal(tx kv.Tx, user string) int {
	return boardCount(tx, countOwn, user) + boardCount(tx, countShared, user) - boardCount(tx, countSharedVisible, user) +
		boardCount(tx, countVisible, "") - boardCount(tx, countOwnVisible, user)
}

// counted reports what an index entry adds to the counts: 1 unless it is
// absent or archived, and whether the board is visible to everyone.
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
func recount(tx kv.Tx, bucket, key, old, now []byte) error {
	n0, vis0 := counted(old)
	n1, vis1 := counted(now)
	dn, dvis := n1-n0, vis1-vis0
	if dn == 0 && dvis == 0 {
		return nil
	}
	switch string(bucket) {
	case string(bucketBoardsByOwner):
		user := string(key[:len(key)-9])
		if err := addBoardCount(tx, countOwn, user, dn); err != nil {
			return err
		}
		if err := addBoardCount(tx, countAll, "", dn); err != nil {
			return err
		}
		return addBoardCount(tx, countOwnVisible, user, dvis)
	case string(bucketSharesByUser):
		user := string(key[:len(key)-9])
		if err := addBoardCount(tx, countShared, user, dn); err != nil {
			return err
		}
		return addBoardCount(tx, countSharedVisible, user, dvis)
	case string(bucketBoardsVisible):
		return addBoardCount(tx, countVisible, "", dn)
	}
	return nil
}
