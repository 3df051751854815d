package store

import (
	"bytes"
	"encoding/binary"

	"easel/app"
	"easel/store/kv"
)

// A listing of a shareable kind, newest first. For someone who is not an
// admin it merges three indexes sorted by age — their own things, those
// granted them, everyone's visible ones — so it reads only the records on
// the page; an admin's walks the records themselves. Without archived
// things the total is counted already (sharing_counts.go), and the walk
// stops at the end of the page; a cursor then starts it where the last
// page ended.

// listing is what a listing asks for.
type listing struct {
	includeArchived bool
	offset, limit   int
	all             bool   // every thing, no paging
	before          uint64 // a cursor: only things older than this sequence; offset is then 0
}

// listingOf is the listing a page request asks for, with its cursor read.
func listingOf(req app.PageRequest, includeArchived, all bool) (listing, error) {
	req = req.Clamped()
	l := listing{includeArchived: includeArchived, offset: req.Offset, limit: req.Limit, all: all}
	if all {
		l.offset = 0 // every thing: no page to find
		return l, nil
	}
	if req.Cursor != "" {
		key, err := keyRange{}.decodeCursor(req.Cursor)
		if err != nil || len(key) != 8 {
			return l, app.ErrBadCursor(req.Cursor)
		}
		l.before, l.offset = binary.BigEndian.Uint64(key), 0
	}
	return l, nil
}

// cursorAfter is the cursor of the page that follows the thing seq.
func cursorAfter(seq uint64) string { return encodeCursor(seqKey(seq)) }

// counted reports whether the total is kept (sharing_counts.go) rather than
// counted by walking: it is when archived things are left out.
func (l listing) counted() bool { return !l.includeArchived }

// pager follows one walk newest first: it counts what it sees toward the
// total, skips what comes before the page, takes the page, and notes
// whether anything follows it.
type pager struct {
	l           listing
	seen, taken int
	more        bool
	skip        int
	lastSeq     uint64
}

func newPager(l listing) *pager { return &pager{l: l, skip: l.offset} }

// visit decides about the next thing of the walk (archived ones already
// left out): whether it is on the page, and whether the walk goes on.
func (p *pager) visit(seq uint64) (take, goOn bool) {
	p.seen++
	switch {
	case p.l.before != 0 && seq >= p.l.before: // before the cursor: a walk from the top, counting
		return false, true
	case p.skip > 0:
		p.skip--
		return false, true
	case !p.l.all && p.taken == p.l.limit:
		p.more = true
		return false, !p.l.counted() // a kept total needs no more walking
	}
	p.taken++
	p.lastSeq = seq
	return true, true
}

// next is the cursor of the page after this one, "" on the last page.
func (p *pager) next() string {
	if !p.more {
		return ""
	}
	return cursorAfter(p.lastSeq)
}

// seekTo is where a walk starts: at the cursor when the total is kept, so
// a deep page reads no more than its own; else from the top, to count.
func (l listing) seekTo() uint64 {
	if l.counted() {
		return l.before
	}
	return 0
}

// listed is one thing on a page: its sequence number, and the role granted
// the caller when it came from their grants (a listing reads no grants).
type listed struct {
	seq  uint64
	role app.Role
}

// visibleTo lists the things userID may see: the page, the total and the
// next page's cursor.
func (k *sharedKind) visibleTo(tx kv.Tx, userID string, l listing) (entries []listed, total int, next string) {
	from := l.seekTo()
	streams := []*seqStream{
		newSeqStream(tx.Bucket(k.byOwner), rangePrefix(userID), from),
		newSeqStream(tx.Bucket(k.grantsByUser), rangePrefix(userID), from),
		newSeqStream(tx.Bucket(k.visible), nil, from),
	}
	entries = make([]listed, 0, min(l.limit, 1024))
	p := newPager(l)
	mergeNewestFirst(streams, func(seq uint64, v, granted []byte) bool {
		if isArchived(v) && !l.includeArchived {
			return true
		}
		take, goOn := p.visit(seq)
		if take {
			e := listed{seq: seq}
			if granted != nil {
				e.role = indexRole(granted)
			}
			entries = append(entries, e)
		}
		return goOn
	})
	if l.counted() {
		return entries, k.visibleTotal(tx, userID), p.next()
	}
	return entries, p.seen, p.next()
}

// everything calls fn with the encoded records on the page of every thing
// (an admin's listing), straight from the records, which carry the
// archived flag up front; it returns the total and the next page's cursor.
func (k *sharedKind) everything(tx kv.Tx, l listing, fn func(v []byte) error) (int, string, error) {
	c := tx.Bucket(k.records).Cursor()
	key, v := c.Last()
	if from := l.seekTo(); from != 0 {
		if key, _ = c.Seek(seqKey(from)); key == nil {
			key, v = c.Last()
		} else {
			key, v = c.Prev()
		}
	}
	p := newPager(l)
	for ; key != nil; key, v = c.Prev() {
		if recordArchived(v) && !l.includeArchived {
			continue
		}
		take, goOn := p.visit(binary.BigEndian.Uint64(key))
		if take {
			if err := fn(v); err != nil {
				return 0, "", err
			}
		}
		if !goOn {
			break
		}
	}
	if l.counted() {
		return k.count(tx, countAll, ""), p.next(), nil
	}
	return p.seen, p.next(), nil
}

// eachVisible calls fn with the record of every thing of the kind the
// actor may see, archived ones too, newest first, with the role granted
// them (an admin's: every thing, RoleNone): for listings that filter and
// sort by more than age, such as the workflow library's.
func (k *sharedKind) eachVisible(tx kv.Tx, actor *userRecord, fn func(v []byte, role app.Role) error) error {
	all := listing{includeArchived: true, all: true}
	if app.Allowed(k.kind, app.ActListAll, app.RelationsOf(&actor.User, "")) {
		_, _, err := k.everything(tx, all, func(v []byte) error { return fn(v, app.RoleNone) })
		return err
	}
	entries, _, _ := k.visibleTo(tx, actor.UserID, all)
	return k.eachRecord(tx, entries, func(e listed, v []byte) error { return fn(v, e.role) })
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
	for s := newSeqStream(tx.Bucket(k.byOwner), rangePrefix(owner), 0); s.k != nil; s.next() {
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

// newSeqStream starts at the range's newest key older than before (0: at
// its newest).
func newSeqStream(b kv.Bucket, prefix []byte, before uint64) *seqStream {
	s := &seqStream{c: b.Cursor(), prefix: prefix}
	if before == 0 {
		s.k, s.v = lastInRange(s.c, prefix)
	} else {
		if k, _ := s.c.Seek(append(bytes.Clone(prefix), seqKey(before)...)); k == nil {
			s.k, s.v = s.c.Last()
		} else {
			s.k, s.v = s.c.Prev()
		}
		if s.k != nil && !bytes.HasPrefix(s.k, prefix) {
			s.k, s.v = nil, nil
		}
	}
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
