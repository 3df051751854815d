package store

import (
	"time"

	"easel/app"
	"easel/store/kv"
)

var (
	bucketBoards        = []byte("boards")          // board_id → seq
	bucketBoardsBySeq   = []byte("boards_by_seq")   // seq → boardRecord: the records, oldest first
	bucketBoardsByOwner = []byte("boards_by_owner") // owner 0 seq → board index value
	bucketBoardsVisible = []byte("boards_visible")  // seq → board index value, for shared and public boards
	bucketShares        = []byte("shares")          // board_id 0 user_id → grant
	bucketSharesByUser  = []byte("shares_by_user")  // user_id 0 board seq → board index value
	bucketBoardCounts   = []byte("board_counts")    // kind, user_id → count
)

// boards are a shareable kind (sharing.go).
var boards = &sharedKind{
	kind: app.KindBoard, ids: bucketBoards, records: bucketBoardsBySeq,
	byOwner: bucketBoardsByOwner, visible: bucketBoardsVisible,
	grants: bucketShares, grantsByUser: bucketSharesByUser, counts: bucketBoardCounts,
}

// boardRecord is a board as stored. Count and Cover are kept up to date with
// every image that comes or goes, so a listing reads no images.
type boardRecord struct {
	sharedHead
	Name             string
	Created, Updated time.Time
	Cover            string
	Count            int
}

const boardFormat = 1

// A record starts with its format and its flags byte (sharing.go), so that
// an admin's listing can skip archived boards without decoding them.
func (b *boardRecord) encode() []byte {
	e := encoder{b: make([]byte, 0, 128)}
	e.uint(boardFormat)
	e.b = append(e.b, b.flags(app.RoleNone))
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
	b := &boardRecord{}
	b.ID, b.Name, b.Owner = d.str(), d.str(), d.str()
	b.Created, b.Updated, b.Archived = d.time(), d.time(), d.bool()
	b.Visibility, b.Cover, b.Count, b.Seq = app.Visibility(d.str()), d.str(), int(d.uint()), d.uint()
	if b.Owner == "" {
		b.Owner = app.SystemUserID // data from before profiles
	}
	if d.err != nil {
		return nil, d.err
	}
	return b, nil
}

// getBoard finds a board by id, or nil.
func getBoard(tx kv.Tx, id string) (*boardRecord, error) {
	data := boards.record(tx, id)
	if data == nil {
		return nil, nil
	}
	return decodeBoard(data)
}

// putBoard stores the record of a board whose index entries do not change
// (its count, cover, updated time); boards.change moves them too.
func putBoard(tx kv.Tx, b *boardRecord) error {
	return boards.putRecord(tx, &b.sharedHead, b.encode())
}
