package store

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"

	"easel/app"
	"easel/store/kv"
)

// keyRange is the keys of one bucket that start with prefix (every key, for
// an empty prefix), walked forward in key order or backward. Index keys end
// in a sequence, so forward is oldest first and backward newest first.
type keyRange struct {
	prefix   []byte
	backward bool
}

// in reports whether k is a key of the range (nil when it is not), with its value.
func (r keyRange) in(k, v []byte) ([]byte, []byte) {
	if k == nil || !bytes.HasPrefix(k, r.prefix) {
		return nil, nil
	}
	return k, v
}

// first lands c on the range's first key in its direction.
func (r keyRange) first(c kv.Cursor) ([]byte, []byte) {
	switch {
	case len(r.prefix) == 0 && r.backward:
		return c.Last()
	case len(r.prefix) == 0:
		return c.First()
	case r.backward:
		return lastInRange(c, r.prefix)
	}
	return r.in(c.Seek(r.prefix))
}

// last lands c on the range's last key in its direction.
func (r keyRange) last(c kv.Cursor) ([]byte, []byte) {
	return keyRange{r.prefix, !r.backward}.first(c)
}

// next steps c one key on in the range's direction.
func (r keyRange) next(c kv.Cursor) ([]byte, []byte) {
	if r.backward {
		return r.in(c.Prev())
	}
	return r.in(c.Next())
}

// prev steps c one key back against the range's direction.
func (r keyRange) prev(c kv.Cursor) ([]byte, []byte) {
	return keyRange{r.prefix, !r.backward}.next(c)
}

// after lands c on the first key of the range that comes after key in its
// direction, whether key is still there or was deleted meanwhile.
func (r keyRange) after(c kv.Cursor, key []byte) ([]byte, []byte) {
	k, v := c.Seek(key)
	switch {
	case !r.backward && bytes.Equal(k, key):
		k, v = c.Next()
	case r.backward && k == nil:
		k, v = c.Last()
	case r.backward:
		k, v = c.Prev() // k is key or the first key after it
	}
	return r.in(k, v)
}

// pageWalk is one page's walk over a key range.
type pageWalk struct {
	r   keyRange
	req app.PageRequest
	// total, when it is not -1, is how many entries the range holds (that
	// match keeps): a deep offset then steps from the nearer end.
	total int
	// match, when set, says which entries are the listing's: the rest are
	// stepped over and count toward neither offset nor limit.
	match func(k, v []byte) (bool, error)
	// skip, when set, lands on the entry at offset itself (the image
	// lists' remembered marks); it is not used with match.
	skip func(offset int) (k, v []byte)
}

// encodeCursor is the cursor a page gives out: the key it ended on and a
// checksum of it, so that a cursor made up or mistyped is refused rather
// than read as a place in the list. Opaque to clients.
func encodeCursor(key []byte) string {
	return base64.RawURLEncoding.EncodeToString(binary.BigEndian.AppendUint32(bytes.Clone(key), crc32.ChecksumIEEE(key)))
}

// decodeCursor reads a cursor of the range back into its key.
func (r keyRange) decodeCursor(cursor string) ([]byte, error) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || len(raw) <= 4 {
		return nil, app.ErrBadCursor(cursor)
	}
	key, sum := raw[:len(raw)-4], binary.BigEndian.Uint32(raw[len(raw)-4:])
	if crc32.ChecksumIEEE(key) != sum || !bytes.HasPrefix(key, r.prefix) {
		return nil, app.ErrBadCursor(cursor)
	}
	return key, nil
}

// walk calls take for each entry of the page, in the range's direction, and
// returns the cursor of the page after it: "" when no entry of the range
// (that match keeps) follows. A cursor wins over an offset; a cursor whose
// key was deleted meanwhile goes on from where that key stood.
func (w pageWalk) walk(c kv.Cursor, take func(k, v []byte) error) (next string, err error) {
	req := w.req.Clamped()
	matches := func(k, v []byte) (bool, error) {
		if w.match == nil {
			return true, nil
		}
		return w.match(k, v)
	}
	// seek steps from k (given) on with step to the first entry that matches.
	seek := func(k, v []byte, step func(kv.Cursor) ([]byte, []byte)) ([]byte, []byte, error) {
		for ; k != nil; k, v = step(c) {
			if ok, err := matches(k, v); err != nil || ok {
				return k, v, err
			}
		}
		return nil, nil, nil
	}
	var k, v []byte
	switch {
	case req.Cursor != "":
		key, err := w.r.decodeCursor(req.Cursor)
		if err != nil {
			return "", err
		}
		k, v = w.r.after(c, key)
		if k, v, err = seek(k, v, w.r.next); err != nil {
			return "", err
		}
	case w.skip != nil && w.match == nil:
		k, v = w.skip(req.Offset)
	case w.total >= 0 && req.Offset >= w.total:
		return "", nil // past the end
	case w.total >= 0 && req.Offset > w.total/2:
		// Nearer the far end: step back from there.
		k, v = w.r.last(c)
		if k, v, err = seek(k, v, w.r.prev); err != nil {
			return "", err
		}
		for n := w.total - 1; n > req.Offset && k != nil; n-- {
			k, v = w.r.prev(c)
			if k, v, err = seek(k, v, w.r.prev); err != nil {
				return "", err
			}
		}
	default:
		k, v = w.r.first(c)
		if k, v, err = seek(k, v, w.r.next); err != nil {
			return "", err
		}
		for n := 0; n < req.Offset && k != nil; n++ {
			k, v = w.r.next(c)
			if k, v, err = seek(k, v, w.r.next); err != nil {
				return "", err
			}
		}
	}
	for taken := 0; k != nil; {
		if err := take(k, v); err != nil {
			return "", err
		}
		if taken++; taken == req.Limit {
			last := bytes.Clone(k)
			nk, nv := w.r.next(c)
			if nk, _, err = seek(nk, nv, w.r.next); err != nil || nk == nil {
				return "", err
			}
			return encodeCursor(last), nil
		}
		k, v = w.r.next(c)
		if k, v, err = seek(k, v, w.r.next); err != nil {
			return "", err
		}
	}
	return "", nil
}
