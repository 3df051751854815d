package store

import (
	"bytes"
	"encoding/binary"
	"time"

	"easel/app"
	"easel/store/kv"
)

var (
	bucketImages        = []byte("images")          // image_name → imageRecord
	bucketImagesByBoard = []byte("images_by_board") // board_id 0 seq → image_name
	bucketImagesLoose   = []byte("images_loose")    // owner 0 seq → image_name: uncategorized
	bucketLooseCounts   = []byte("loose_counts")    // owner → count of uncategorized images
)

// imageRecord is an image as stored.
type imageRecord struct {
	Name, Owner, Board string // Board is "" for uncategorized
	Width, Height      int
	Created            time.Time
	Starred            bool
	Size               int64
	ContentType        string
	ThumbType          string
	OriginalName       string
	Seq                uint64
	Metadata           []byte
	// Item is the queue item whose run saved this image; 0 for imports.
	Item uint64
}

// imageFormat 2 added Item; records of format 1 are read as imports.
const imageFormat = 2

func (r *imageRecord) encode() []byte {
	e := encoder{b: make([]byte, 0, 160+len(r.Metadata))}
	e.uint(imageFormat)
	e.str(r.Name)
	e.str(r.Owner)
	e.str(r.Board)
	e.uint(uint64(r.Width))
	e.uint(uint64(r.Height))
	e.time(r.Created)
	e.bool(r.Starred)
	e.int(r.Size)
	e.str(r.ContentType)
	e.str(r.ThumbType)
	e.str(r.OriginalName)
	e.uint(r.Seq)
	e.bytes(r.Metadata)
	e.uint(r.Item)
	return e.b
}

func decodeImage(data []byte) (*imageRecord, error) {
	d := newDecoder(data)
	format := d.uint()
	if format != 1 && format != imageFormat {
		return nil, errCorrupt
	}
	r := &imageRecord{
		Name: d.str(), Owner: d.str(), Board: d.str(),
		Width: int(d.uint()), Height: int(d.uint()), Created: d.time(), Starred: d.bool(),
		Size: d.int(), ContentType: d.str(), ThumbType: d.str(), OriginalName: d.str(), Seq: d.uint(),
	}
	if m := d.str(); m != "" {
		r.Metadata = []byte(m)
	}
	if format >= 2 {
		r.Item = d.uint()
	}
	if r.Owner == "" {
		r.Owner = app.SystemUserID // data from before profiles
	}
	return r, d.err
}

func getImage(tx kv.Tx, name string) (*imageRecord, error) {
	return getImageIn(tx.Bucket(bucketImages), name)
}

// getImageIn reads from the images bucket already open, for loops.
func getImageIn(b kv.Bucket, name string) (*imageRecord, error) {
	data := b.Get([]byte(name))
	if data == nil {
		return nil, nil
	}
	return decodeImage(data)
}

func putImage(tx kv.Tx, r *imageRecord) error {
	return tx.Bucket(bucketImages).Put([]byte(r.Name), r.encode())
}

// placeImage files r under its board (counting it and updating the cover)
// or among its owner's uncategorized images.
func placeImage(tx kv.Tx, r *imageRecord, board *boardRecord) error {
	if err := bumpImagesGeneration(tx); err != nil {
		return err
	}
	if board == nil {
		if err := tx.Bucket(bucketImagesLoose).Put(prefixed(r.Owner, r.Seq), []byte(r.Name)); err != nil {
			return err
		}
		return addLooseCount(tx, r.Owner, 1)
	}
	if err := tx.Bucket(bucketImagesByBoard).Put(prefixed(board.ID, r.Seq), []byte(r.Name)); err != nil {
		return err
	}
	board.Count++
	board.Cover = newestOnBoard(tx, board.ID)
	return putBoard(tx, board)
}

// unplaceImage takes r out of its board's (or its owner's uncategorized) index.
func unplaceImage(tx kv.Tx, r *imageRecord, board *boardRecord) error {
	if err := bumpImagesGeneration(tx); err != nil {
		return err
	}
	if board == nil {
		if err := tx.Bucket(bucketImagesLoose).Delete(prefixed(r.Owner, r.Seq)); err != nil {
			return err
		}
		return addLooseCount(tx, r.Owner, -1)
	}
	if err := tx.Bucket(bucketImagesByBoard).Delete(prefixed(board.ID, r.Seq)); err != nil {
		return err
	}
	board.Count--
	board.Cover = newestOnBoard(tx, board.ID)
	return putBoard(tx, board)
}

// newestOnBoard is the board's newest image, its cover; "" when it has none.
func newestOnBoard(tx kv.Tx, boardID string) string {
	_, v := lastInRange(tx.Bucket(bucketImagesByBoard).Cursor(), rangePrefix(boardID))
	return string(v)
}

func looseCount(tx kv.Tx, owner string) int {
	v := tx.Bucket(bucketLooseCounts).Get([]byte(owner))
	if len(v) != 8 {
		return 0
	}
	return int(binary.BigEndian.Uint64(v))
}

func addLooseCount(tx kv.Tx, owner string, delta int) error {
	n := max(looseCount(tx, owner)+delta, 0)
	return tx.Bucket(bucketLooseCounts).Put([]byte(owner), binary.BigEndian.AppendUint64(nil, uint64(n)))
}

// lastInRange positions c on the last key starting with prefix.
func lastInRange(c kv.Cursor, prefix []byte) (k, v []byte) {
	end := append(bytes.Clone(prefix), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)
	if k, _ = c.Seek(end); k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	if k == nil || !bytes.HasPrefix(k, prefix) {
		return nil, nil
	}
	return k, v
}

// prevInRange steps c back one key, staying within prefix.
func prevInRange(c kv.Cursor, prefix []byte) (k, v []byte) {
	if k, v = c.Prev(); k == nil || !bytes.HasPrefix(k, prefix) {
		return nil, nil
	}
	return k, v
}

// seekBefore positions c on the newest key of the range older than seq: one
// seek, however deep the page.
func seekBefore(c kv.Cursor, prefix []byte, seq uint64) (k, v []byte) {
	target := binary.BigEndian.AppendUint64(bytes.Clone(prefix), seq)
	if k, _ = c.Seek(target); k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	if k == nil || !bytes.HasPrefix(k, prefix) {
		return nil, nil
	}
	return k, v
}

var keyImagesGeneration = []byte("images_generation")

// imagesGeneration changes whenever any image comes onto or leaves a list,
// so that remembered positions in the lists are dropped.
func imagesGeneration(tx kv.Tx) uint64 { return generation(tx, keyImagesGeneration) }

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

func bumpImagesGeneration(tx kv.Tx) error { return bumpGeneration(tx, keyImagesGeneration) }
