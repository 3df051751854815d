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

// decoder reads a record from one string copy of its bytes: every string
// field is a substring of it, so a record costs one allocation, not one per
// field.
type decoder struct {
	s   string
	err error
}

func newDecoder(data []byte) decoder { return decoder{s: string(data)} }

func (d *decoder) uint() uint64 {
	var v uint64
	for i := 0; i < len(d.s) && i < binary.MaxVarintLen64; i++ {
		c := d.s[i]
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			d.s = d.s[i+1:]
			return v
		}
	}
	d.err = errCorrupt
	return 0
}

func (d *decoder) int() int64 {
	u := d.uint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v
}

func (d *decoder) time() time.Time { return time.Unix(0, d.int()).UTC() }

func (d *decoder) str() string {
	n := d.uint()
	if d.err != nil || uint64(len(d.s)) < n {
		d.err = errCorrupt
		return ""
	}
	v := d.s[:n]
	d.s = d.s[n:]
	return v
}

func (d *decoder) bool() bool {
	if d.err != nil || len(d.s) == 0 {
		d.err = errCorrupt
		return false
	}
	v := d.s[0] == 1
	d.s = d.s[1:]
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
