package store

import (
	"bytes"
	"encoding/binary"
	"time"

	"easel/app"
	"easel/store/kv"
)

var (
	bucketBoards        = []byte("boards")          // board_id → seq
	bucketBoardsBySeq   = []byte("boards_by_seq")   // seq → boardRecord: the records, oldest first
	bucketBoardsByOwner = []byte("boards_by_owner") // owner 0 seq → board index value
	bucketBoardsVisible = []byte("boards_visible")  // seq → board index value, for shared and public boards
	bucketShares        = []byte("shares")          // board_id 0 user_id → shareRecord
	bucketSharesByUser  = []byte("shares_by_user")  // user_id 0 board seq → board index value
)

// boardRecord is a board as stored. Count and Cover are kept up to date with
// every image that comes or goes, so a listing reads no images.
type boardRecord struct {
	ID, Name, Owner  string
	Created, Updated time.Time
	Archived         bool
	Visibility       app.Visibility
	Cover            string
	Count            int
	Seq              uint64
}

const boardFormat = 1

// A record starts with its format and a flags byte (flagArchived), so that
// an admin's listing can skip archived boards without decoding them.
func (b *boardRecord) encode() []byte {
	e := encoder{b: make([]byte, 0, 128)}
	e.uint(boardFormat)
	e.b = append(e.b, indexValue(b)[len(b.ID)])
	e.str(b.ID)
	e.str(b.Name)
	e.str(b.Owner)
	e.time(b.Created)
	e.time(b.Updated)
	e.bool(b.Archived)
	e.str(string(b.Visibility))
	e.str(b.Cover)
	e.uint(uint64(b.Count))
	e.uint(b.Seq)
	return e.b
}

func decodeBoard(data []byte) (*boardRecord, error) {
	d := newDecoder(data)
	if d.uint() != boardFormat || len(d.s) == 0 {
		return nil, errCorrupt
	}
	d.s = d.s[1:] // flags: the fields below say it all
	b := &boardRecord{
		ID: d.str(), Name: d.str(), Owner: d.str(),
		Created: d.time(), Updated: d.time(), Archived: d.bool(),
		Visibility: app.Visibility(d.str()), Cover: d.str(), Count: int(d.uint()), Seq: d.uint(),
	}
	if b.Owner == "" {
		b.Owner = app.SystemUserID // data from before profiles
	}
	if d.err != nil {
		return nil, d.err
	}
	return b, nil
}

// getBoard finds a board by id: its sequence number, then its record.
func getBoard(tx kv.Tx, id string) (*boardRecord, error) {
	seq := tx.Bucket(bucketBoards).Get([]byte(id))
	if len(seq) != 8 {
		return nil, nil
	}
	return getBoardBySeq(tx.Bucket(bucketBoardsBySeq), seq)
}

// getBoardBySeq reads a record by its 8-byte key, as listings find them.
func getBoardBySeq(bySeq kv.Bucket, seq []byte) (*boardRecord, error) {
	data := bySeq.Get(seq)
	if data == nil {
		return nil, nil
	}
	return decodeBoard(data)
}

func putBoard(tx kv.Tx, b *boardRecord) error {
	if err := tx.Bucket(bucketBoards).Put([]byte(b.ID), seqKey(b.Seq)); err != nil {
		return err
	}
	return tx.Bucket(bucketBoardsBySeq).Put(seqKey(b.Seq), b.encode())
}

func deleteBoardRecord(tx kv.Tx, b *boardRecord) error {
	if err := tx.Bucket(bucketBoards).Delete([]byte(b.ID)); err != nil {
		return err
	}
	return tx.Bucket(bucketBoardsBySeq).Delete(seqKey(b.Seq))
}

// recordArchived reads the flags byte of an encoded record.
func recordArchived(v []byte) bool { return len(v) > 1 && v[1]&flagArchived != 0 }

// The index entries of a board carry its id and whether it is archived, so
// a listing can skip archived boards and count the rest without reading
// them; a share's entry carries the role too, so a listing reads no shares.
const (
	flagArchived = 1 << iota
	flagViewer
	flagEditor
	flagVisible // shared or public: in everyone's list
)

func indexValue(b *boardRecord) []byte { return shareIndexValue(b, app.RoleNone) }

func shareIndexValue(b *boardRecord, role app.Role) []byte {
	var flags byte
	if b.Archived {
		flags |= flagArchived
	}
	if b.Visibility != app.VisibilityPrivate {
		flags |= flagVisible
	}
	switch role {
	case app.RoleViewer:
		flags |= flagViewer
	case app.RoleEditor:
		flags |= flagEditor
	}
	return append([]byte(b.ID), flags)
}

// indexRole is the role a share's index entry carries.
func indexRole(v []byte) app.Role {
	switch flags := v[len(v)-1]; {
	case flags&flagEditor != 0:
		return app.RoleEditor
	case flags&flagViewer != 0:
		return app.RoleViewer
	}
	return app.RoleNone
}

func parseIndexValue(v []byte) (id string, archived bool) {
	return string(v[:len(v)-1]), isArchived(v)
}

func isArchived(v []byte) bool { return v[len(v)-1]&flagArchived != 0 }

// indexBoard writes (or with remove, deletes) every index entry of b.
func indexBoard(tx kv.Tx, b *boardRecord, remove bool) error {
	put := func(bucket []byte, key []byte) error {
		return putIndex(tx, bucket, key, indexValue(b), remove)
	}
	if err := put(bucketBoardsByOwner, prefixed(b.Owner, b.Seq)); err != nil {
		return err
	}
	if b.Visibility != app.VisibilityPrivate {
		if err := put(bucketBoardsVisible, seqKey(b.Seq)); err != nil {
			return err
		}
	}
	return eachShare(tx, b.ID, func(userID string, sh shareRecord) error {
		return putIndex(tx, bucketSharesByUser, prefixed(userID, b.Seq), shareIndexValue(b, sh.Role), remove)
	})
}

// putIndex writes or deletes one board index entry, keeping the board
// counts in step.
func putIndex(tx kv.Tx, bucket, key, value []byte, remove bool) error {
	b := tx.Bucket(bucket)
	old := bytes.Clone(b.Get(key))
	var err error
	if remove {
		value = nil
		err = b.Delete(key)
	} else {
		err = b.Put(key, value)
	}
	if err != nil {
		return err
	}
	return recount(tx, bucket, key, old, value)
}

// generation reads a change counter kept in the meta bucket.
func generation(tx kv.Tx, key []byte) uint64 {
	v := tx.Bucket(bucketMeta).Get(key)
	if len(v) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(v)
}

func bumpGeneration(tx kv.Tx, key []byte) error {
	return tx.Bucket(bucketMeta).Put(key, seqKey(generation(tx, key)+1))
}

// reindexBoard moves b's index entries from how it was to how it is.
func reindexBoard(tx kv.Tx, before, after *boardRecord) error {
	if err := indexBoard(tx, before, true); err != nil {
		return err
	}
	return indexBoard(tx, after, false)
}

// shareRecord is one named user's role on a board.
type shareRecord struct {
	Role app.Role
	At   time.Time
}

func shareKey(boardID, userID string) []byte {
	return append(append([]byte(boardID), 0), userID...)
}

func encodeShare(s shareRecord) []byte {
	return append(binary.BigEndian.AppendUint64(nil, uint64(s.At.UnixNano())), s.Role...)
}

func decodeShare(v []byte) shareRecord {
	if len(v) < 8 {
		return shareRecord{}
	}
	return shareRecord{At: time.Unix(0, int64(binary.BigEndian.Uint64(v))).UTC(), Role: app.Role(v[8:])}
}

// roleOf is the role boardID was shared with userID, RoleNone if it was not.
func roleOf(tx kv.Tx, boardID, userID string) app.Role {
	return roleIn(tx.Bucket(bucketShares), boardID, userID)
}

// roleIn reads from the shares bucket already open, for loops.
func roleIn(shares kv.Bucket, boardID, userID string) app.Role {
	v := shares.Get(shareKey(boardID, userID))
	if v == nil {
		return app.RoleNone
	}
	return decodeShare(v).Role
}

func eachShare(tx kv.Tx, boardID string, fn func(userID string, s shareRecord) error) error {
	prefix := rangePrefix(boardID)
	c := tx.Bucket(bucketShares).Cursor()
	var users []string
	var shares []shareRecord
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		users = append(users, string(k[len(prefix):]))
		shares = append(shares, decodeShare(v))
	}
	// fn may write to other buckets; the cursor is done before it runs.
	for i := range users {
		if err := fn(users[i], shares[i]); err != nil {
			return err
		}
	}
	return nil
}
