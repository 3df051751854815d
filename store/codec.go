package store

import (
	"encoding/binary"
	"errors"
	"time"
)

// Boards and images are read by the hundred per listing, so they are kept
// in a compact binary form: decoding one is a fraction of a microsecond,
// where JSON (with its time parsing) costs several. Each record starts with
// a format version so that a later field can be added.

var errCorrupt = errors.New("store: corrupt record")

type encoder struct{ b []byte }

func (e *encoder) uint(v uint64)    { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) int(v int64)      { e.b = binary.AppendVarint(e.b, v) }
func (e *encoder) time(t time.Time) { e.int(t.UnixNano()) }
func (e *encoder) bytes(s []byte)   { e.uint(uint64(len(s))); e.b = append(e.b, s...) }
func (e *encoder) str(s string)     { e.uint(uint64(len(s))); e.b = append(e.b, s...) }
func (e *encoder) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errCorrupt
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) int() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errCorrupt
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) time() time.Time { return time.Unix(0, d.int()).UTC() }

func (d *decoder) bytes() []byte {
	n := d.uint()
	if d.err != nil || uint64(len(d.b)) < n {
		d.err = errCorrupt
		return nil
	}
	s := d.b[:n:n]
	d.b = d.b[n:]
	return s
}

func (d *decoder) str() string { return string(d.bytes()) }

func (d *decoder) bool() bool {
	if d.err != nil || len(d.b) == 0 {
		d.err = errCorrupt
		return false
	}
	v := d.b[0] == 1
	d.b = d.b[1:]
	return v
}

// seqKey is a big-endian sequence number: keys that sort in creation order.
func seqKey(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

// prefixed joins an id, a 0 byte and a big-endian sequence number: one
// range per id, sorted by age within it.
func prefixed(id string, seq uint64) []byte {
	k := make([]byte, 0, len(id)+9)
	k = append(k, id...)
	k = append(k, 0)
	return binary.BigEndian.AppendUint64(k, seq)
}

// rangePrefix is the common prefix of every prefixed(id, …) key.
func rangePrefix(id string) []byte { return append([]byte(id), 0) }
