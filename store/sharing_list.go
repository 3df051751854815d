package store

import (
	"encoding/binary"

	"easel/app"
	"easel/store/kv"
)

// A listing of a shareable kind, newest first. For someone who is not an
// admin it merges three indexes sorted by age — their own things, those
// granted them, everyone's visible ones — so it reads only the records on
// the page; an admin's walks the records themselves. Without archived
// things the total is counted already (sharing_counts.go), and the walk
// stops at the end of the page.

// listing is what a listing asks for.
type listing struct {
	includeArchived bool
	offset, limit   int
	all             bool // every thing, no paging
}

// stopAt is where a walk may stop: the end of the page when the total is
// known without walking, else nowhere (-1).
func (l listing) stopAt() int {
	if !l.includeArchived && !l.all {
		return l.offset + l.limit
	}
	return -1
}

func (l listing) onPage(n int) bool { return l.all || (n >= l.offset && n < l.offset+l.limit) }

// listed is one thing on a page: its sequence number, and the role granted
// the caller when it came from their grants (a listing reads no grants).
type listed struct {
	seq  uint64
	role app.Role
}

// visibleTo lists the things userID may see, and their total.
func (k *sharedKind) visibleTo(tx kv.Tx, userID string, l listing) (entries []listed, total int) {
	streams := []*seqStream{
		newSeqStream(tx.Bucket(k.byOwner), rangePrefix(userID)),
		newSeqStream(tx.Bucket(k.grantsByUser), rangePrefix(userID)),
		newSeqStream(tx.Bucket(k.visible), nil),
	}
	entries = make([]listed, 0, min(l.limit, 1024))
	stopAt, n := l.stopAt(), 0
	mergeNewestFirst(streams, func(seq uint64, v, granted []byte) bool {
		if isArchived(v) && !l.includeArchived {
			return true
		}
		if l.onPage(n) {
			e := listed{seq: seq}
			if granted != nil {
				e.role = indexRole(granted)
			}
			entries = append(entries, e)
		}
		n++
		return n != stopAt
	})
	if stopAt >= 0 {
		return entries, k.visibleTotal(tx, userID)
	}
	return entries, n
}

// everything calls fn with the encoded records on the page of every thing
// (an admin's listing), straight from the records, which carry the
// archived flag up front; it returns the total.
func (k *sharedKind) everything(tx kv.Tx, l listing, fn func(v []byte) error) (int, error) {
	c := tx.Bucket(k.records).Cursor()
	stopAt, n := l.stopAt(), 0
	for key, v := c.Last(); key != nil && n != stopAt; key, v = c.Prev() {
		if recordArchived(v) && !l.includeArchived {
			continue
		}
		if l.onPage(n) {
			if err := fn(v); err != nil {
				return n, err
			}
		}
		n++
	}
	if stopAt >= 0 {
		return k.count(tx, countAll, ""), nil
	}
	return n, nil
}

// eachRecord calls fn with the records of entries (newest first) through
// one cursor: a record near the last one by stepping back, a far one by
// seeking, since a page's things are mostly close together. A record gone
// missing is skipped.
func (k *sharedKind) eachRecord(tx kv.Tx, entries []listed, fn func(e listed, v []byte) error) error {
	const nearby = 48 // steps back cost less than a seek up to about here
	c := tx.Bucket(k.records).Cursor()
	var key, v []byte
	for _, e := range entries {
		if key == nil || binary.BigEndian.Uint64(key) < e.seq || binary.BigEndian.Uint64(key)-e.seq > nearby {
			key, v = c.Seek(seqKey(e.seq))
		}
		for key != nil && binary.BigEndian.Uint64(key) > e.seq {
			key, v = c.Prev()
		}
		if key == nil || binary.BigEndian.Uint64(key) != e.seq {
			continue // gone; a nil key seeks afresh for the next one
		}
		if err := fn(e, v); err != nil {
			return err
		}
	}
	return nil
}

// ownedBy walks owner's things, newest first, until fn returns false or an
// error; archived ones are skipped unless withArchived.
func (k *sharedKind) ownedBy(tx kv.Tx, owner string, withArchived bool, fn func(v []byte) (bool, error)) error {
	records := tx.Bucket(k.records)
	for s := newSeqStream(tx.Bucket(k.byOwner), rangePrefix(owner)); s.k != nil; s.next() {
		if isArchived(s.v) && !withArchived {
			continue
		}
		v := records.Get(seqKey(s.seq))
		if v == nil {
			continue
		}
		if more, err := fn(v); err != nil || !more {
			return err
		}
	}
	return nil
}

// seqStream walks one index range from its newest key to its oldest. Keys
// end in a big-endian sequence number, kept decoded for the merge.
type seqStream struct {
	c      kv.Cursor
	prefix []byte
	k, v   []byte
	seq    uint64
}

func newSeqStream(b kv.Bucket, prefix []byte) *seqStream {
	s := &seqStream{c: b.Cursor(), prefix: prefix}
	s.k, s.v = lastInRange(s.c, prefix)
	s.decode()
	return s
}

func (s *seqStream) next() {
	s.k, s.v = prevInRange(s.c, s.prefix)
	s.decode()
}

func (s *seqStream) decode() {
	if s.k != nil {
		s.seq = binary.BigEndian.Uint64(s.k[len(s.k)-8:])
	}
}

// mergeNewestFirst calls fn with each distinct entry of the streams, newest
// first, until fn returns false; a thing found in several streams comes
// once, with the entry of the grants stream (streams[1]) when it is among
// them. It allocates nothing: a listing may walk every visible thing to
// count them.
func mergeNewestFirst(streams []*seqStream, fn func(seq uint64, v, granted []byte) bool) {
	for {
		var top *seqStream
		for _, s := range streams {
			if s.k != nil && (top == nil || s.seq > top.seq) {
				top = s
			}
		}
		if top == nil {
			return
		}
		seq := top.seq
		var granted []byte
		if len(streams) > 1 && streams[1].k != nil && streams[1].seq == seq {
			granted = streams[1].v
		}
		if !fn(seq, top.v, granted) {
			return
		}
		for _, s := range streams {
			if s.k != nil && s.seq == seq {
				s.next()
			}
		}
	}
}
