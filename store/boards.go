package store

import (
	"context"
	"encoding/binary"

	"easel/app"

	"easel/store/kv"
	"github.com/google/uuid"
)

// BoardService keeps boards and their shares.
type BoardService struct{ db *DB }

// NewBoardService returns the board service of db.
func NewBoardService(db *DB) *BoardService { return &BoardService{db: db} }

var _ app.BoardService = (*BoardService)(nil)

// boardAccess finds a board and the actor's access to it. To an actor who
// may not see it, it does not exist.
func boardAccess(tx kv.Tx, actor *userRecord, boardID string) (*boardRecord, app.BoardAccess, error) {
	b, err := getBoard(tx, boardID)
	if err != nil {
		return nil, app.BoardAccess{}, err
	}
	if b == nil {
		return nil, app.BoardAccess{}, app.ErrBoardNotFound
	}
	acc := app.AccessTo(&actor.User, &app.Board{UserID: b.Owner, Visibility: b.Visibility}, roleOf(tx, b.ID, actor.UserID))
	if !acc.CanSee() {
		return nil, acc, app.ErrBoardNotFound
	}
	return b, acc, nil
}

// names looks up display names, once each per transaction.
type names struct {
	bucket kv.Bucket
	cache  map[string]string
}

func newNames(tx kv.Tx) *names {
	return &names{bucket: tx.Bucket(bucketUserNames), cache: map[string]string{}}
}

func (n *names) of(userID string) string {
	if name, ok := n.cache[userID]; ok {
		return name
	}
	name := "Deleted profile"
	if v := n.bucket.Get([]byte(userID)); v != nil {
		name = string(v)
	}
	n.cache[userID] = name
	return name
}

// view is the board as the actor sees it.
func (b *boardRecord) view(acc app.BoardAccess, owners *names) *app.Board {
	out := &app.Board{
		BoardID: b.ID, BoardName: b.Name, UserID: b.Owner, CreatedAt: b.Created, UpdatedAt: b.Updated,
		Archived: b.Archived, Visibility: b.Visibility, ImageCount: b.Count, OwnerName: owners.of(b.Owner),
		MyRole: acc.Label(), CanAdd: acc.CanAdd(), CanManage: acc.CanManage(),
	}
	if b.Cover != "" {
		out.CoverImageName = &b.Cover
	}
	return out
}

// CreateBoard makes a private board owned by the caller.
func (s *BoardService) CreateBoard(ctx context.Context, name string) (*app.Board, error) {
	name, err := app.CleanBoardName(name)
	if err != nil {
		return nil, err
	}
	var out *app.Board
	err = s.db.write(ctx, func(tx kv.Tx, actor *userRecord) error {
		out, err = s.db.createBoardTx(tx, actor, name)
		return err
	})
	return out, err
}

// createBoardTx makes a private board of actor's named name (cleaned).
func (db *DB) createBoardTx(tx kv.Tx, actor *userRecord, name string) (*app.Board, error) {
	seq, err := tx.Bucket(bucketBoardsBySeq).NextSequence()
	if err != nil {
		return nil, err
	}
	now := db.now()
	b := &boardRecord{ID: uuid.NewString(), Name: name, Owner: actor.UserID, Created: now, Updated: now, Visibility: app.VisibilityPrivate, Seq: seq}
	if err := putBoard(tx, b); err != nil {
		return nil, err
	}
	if err := indexBoard(tx, b, false); err != nil {
		return nil, err
	}
	return b.view(app.AccessTo(&actor.User, &app.Board{UserID: b.Owner, Visibility: b.Visibility}, app.RoleNone), newNames(tx)), nil
}

// FindBoard returns one board the caller may see.
func (s *BoardService) FindBoard(ctx context.Context, boardID string) (*app.Board, error) {
	var out *app.Board
	err := s.db.read(ctx, func(tx kv.Tx, actor *userRecord) error {
		b, acc, err := boardAccess(tx, actor, boardID)
		if err != nil {
			return err
		}
		out = b.view(acc, newNames(tx))
		return nil
	})
	return out, err
}

// ListBoards lists the boards the caller may see, newest first: their own,
// those shared with them, and everyone's shared and public boards (admins:
// every board). Each source is an index sorted by age; the listing merges
// them, so it reads only the boards on the page.
func (s *BoardService) ListBoards(ctx context.Context, f app.BoardFilter) (*app.BoardPage, error) {
	limit := app.ClampLimit(f.Limit)
	offset := max(f.Offset, 0)
	page := &app.BoardPage{Items: []*app.Board{}, Offset: offset, Limit: limit}
	if f.All {
		page.Offset, page.Limit = 0, 0
	}
	err := s.db.read(ctx, func(tx kv.Tx, actor *userRecord) error {
		admin := app.Allowed(app.KindBoard, app.ActListAll, app.RelationsOf(&actor.User, ""))
		owners := newNames(tx)
		bySeq := tx.Bucket(bucketBoardsBySeq)
		// Without archived boards the total is counted already: walk only
		// to the end of the page.
		known, total := !f.IncludeArchived, 0
		switch {
		case known && admin:
			total = boardCount(tx, countAll, "")
		case known:
			total = visibleTotal(tx, actor.UserID)
		}
		stopAt := -1 // walk to the end, counting
		if known && !f.All {
			stopAt = offset + limit
		}
		if admin {
			err := s.listAll(bySeq, actor.UserID, f, page, owners, stopAt)
			if known && !f.All {
				page.Total = total
			}
			return err
		}
		streams := []*seqStream{
			newSeqStream(tx.Bucket(bucketBoardsByOwner), rangePrefix(actor.UserID)),
			newSeqStream(tx.Bucket(bucketSharesByUser), rangePrefix(actor.UserID)),
			newSeqStream(tx.Bucket(bucketBoardsVisible), nil),
		}
		type entry struct {
			seq  uint64
			role app.Role
		}
		entries := make([]entry, 0, min(limit, 1024))
		mergeNewestFirst(streams, func(seq uint64, v, shared []byte) bool {
			if isArchived(v) && !f.IncludeArchived {
				return true
			}
			if f.All || (page.Total >= offset && page.Total < offset+limit) {
				e := entry{seq: seq}
				if shared != nil {
					e.role = indexRole(shared)
				}
				entries = append(entries, e)
			}
			page.Total++
			return page.Total != stopAt
		})
		if known && !f.All {
			page.Total = total
		}
		page.Items = make([]*app.Board, 0, len(entries))
		seqs := make([]uint64, len(entries))
		for i, e := range entries {
			seqs[i] = e.seq
		}
		i := 0
		return eachRecordDescending(bySeq, seqs, func(seq uint64, v []byte) error {
			for entries[i].seq != seq {
				i++ // a record gone missing is skipped
			}
			b, err := decodeBoard(v)
			if err != nil {
				return err
			}
			// The role came with the merge: a listing reads no shares.
			acc := app.BoardAccess{Owner: b.Owner == actor.UserID, Role: entries[i].role, Visibility: b.Visibility}
			page.Items = append(page.Items, b.view(acc, owners))
			return nil
		})
	})
	return page, err
}

// eachRecordDescending calls fn with the records of seqs (newest first)
// through one cursor: a record near the last one by stepping back, a far
// one by seeking, since a page's boards are mostly close together.
func eachRecordDescending(bySeq kv.Bucket, seqs []uint64, fn func(seq uint64, v []byte) error) error {
	const nearby = 48 // steps back cost less than a seek up to about here
	c := bySeq.Cursor()
	var k, v []byte
	for _, seq := range seqs {
		if k == nil || binary.BigEndian.Uint64(k) < seq || binary.BigEndian.Uint64(k)-seq > nearby {
			k, v = c.Seek(seqKey(seq))
		}
		for k != nil && binary.BigEndian.Uint64(k) > seq {
			k, v = c.Prev()
		}
		if k == nil || binary.BigEndian.Uint64(k) != seq {
			continue // gone; a nil k seeks afresh for the next one
		}
		if err := fn(seq, v); err != nil {
			return err
		}
	}
	return nil
}

// listAll is an admin's listing: every board, newest first, straight from
// the records (which carry the archived flag up front).
func (s *BoardService) listAll(bySeq kv.Bucket, adminID string, f app.BoardFilter, page *app.BoardPage, owners *names, stopAt int) error {
	c := bySeq.Cursor()
	for k, v := c.Last(); k != nil && page.Total != stopAt; k, v = c.Prev() {
		if recordArchived(v) && !f.IncludeArchived {
			continue
		}
		if f.All || (page.Total >= page.Offset && page.Total < page.Offset+page.Limit) {
			b, err := decodeBoard(v)
			if err != nil {
				return err
			}
			page.Items = append(page.Items, b.view(app.BoardAccess{Admin: true, Owner: b.Owner == adminID, Visibility: b.Visibility}, owners))
		}
		page.Total++
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
// first, until fn returns false; a board found in several streams comes
// once, with the entry of the shares stream (streams[1]) when it is among
// them. It allocates nothing: a listing may walk every visible board to
// count them.
func mergeNewestFirst(streams []*seqStream, fn func(seq uint64, v, shared []byte) bool) {
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
		var shared []byte
		if len(streams) > 1 && streams[1].k != nil && streams[1].seq == seq {
			shared = streams[1].v
		}
		if !fn(seq, top.v, shared) {
			return
		}
		for _, s := range streams {
			if s.k != nil && s.seq == seq {
				s.next()
			}
		}
	}
}

// UpdateBoard renames, archives or changes the visibility of a board: its
// owner or an admin.
func (s *BoardService) UpdateBoard(ctx context.Context, boardID string, upd app.BoardUpdate) (*app.Board, error) {
	var name string
	if upd.BoardName != nil {
		var err error
		if name, err = app.CleanBoardName(*upd.BoardName); err != nil {
			return nil, err
		}
	}
	if upd.Visibility != nil && !upd.Visibility.Valid() {
		return nil, app.Errorf(app.EINVALID, "Visibility must be private, shared or public, not %q.", *upd.Visibility)
	}
	var out *app.Board
	err := s.db.write(ctx, func(tx kv.Tx, actor *userRecord) error {
		after, acc, err := s.db.updateBoardTx(tx, actor, boardID, upd, name)
		if err != nil {
			return err
		}
		out = after.view(acc, newNames(tx))
		return nil
	})
	return out, err
}

// updateBoardTx applies upd (with its name already cleaned) to a board the
// actor may manage, in the caller's transaction: the one path for every
// change to a board's record, single or in bulk, with its audit entries.
func (db *DB) updateBoardTx(tx kv.Tx, actor *userRecord, boardID string, upd app.BoardUpdate, name string) (*boardRecord, app.BoardAccess, error) {
	before, acc, err := boardAccess(tx, actor, boardID)
	if err != nil {
		return nil, acc, err
	}
	if !acc.CanManage() {
		return nil, acc, app.Errorf(app.EFORBIDDEN, "Only the board's owner can change it.")
	}
	after := *before
	if upd.BoardName != nil {
		after.Name = name
	}
	if upd.Archived != nil {
		after.Archived = *upd.Archived
	}
	if upd.Visibility != nil {
		after.Visibility = *upd.Visibility
	}
	after.Updated = db.now()
	if err := putBoard(tx, &after); err != nil {
		return nil, acc, err
	}
	if err := reindexBoard(tx, before, &after); err != nil {
		return nil, acc, err
	}
	if before.Owner != actor.UserID { // an admin changing someone's board
		if err := db.audit(tx, actor.UserID, app.AuditBoardUpdated, after.ID, before.Name); err != nil {
			return nil, acc, err
		}
	}
	if after.Visibility != before.Visibility {
		if after.Visibility == app.VisibilityPrivate {
			if err := returnLostImages(tx, &after, ""); err != nil {
				return nil, acc, err
			}
			// Moving images changed its count and cover.
			refreshed, err := getBoard(tx, after.ID)
			if err != nil {
				return nil, acc, err
			}
			after = *refreshed
		}
		if err := db.audit(tx, actor.UserID, app.AuditBoardVisibility, after.ID, string(after.Visibility)); err != nil {
			return nil, acc, err
		}
	}
	acc.Visibility = after.Visibility
	return &after, acc, nil
}

// FindOrCreateBoard returns the caller's own board with this name (not
// archived), creating it if there is none: the engine saves into boards
// named in a workflow this way.
func (s *BoardService) FindOrCreateBoard(ctx context.Context, name string) (*app.Board, error) {
	name, err := app.CleanBoardName(name)
	if err != nil {
		return nil, err
	}
	var out *app.Board
	// One write transaction: two items running at once, saving to the same
	// new board name, must not make two boards of it.
	err = s.db.write(ctx, func(tx kv.Tx, actor *userRecord) error {
		bySeq := tx.Bucket(bucketBoardsBySeq)
		stream := newSeqStream(tx.Bucket(bucketBoardsByOwner), rangePrefix(actor.UserID))
		for ; stream.k != nil; stream.next() {
			if isArchived(stream.v) {
				continue
			}
			b, err := getBoardBySeq(bySeq, seqKey(stream.seq))
			if err != nil {
				return err
			}
			if b != nil && b.Name == name {
				out = b.view(app.AccessTo(&actor.User, &app.Board{UserID: b.Owner, Visibility: b.Visibility}, app.RoleNone), newNames(tx))
				return nil
			}
		}
		out, err = s.db.createBoardTx(tx, actor, name)
		return err
	})
	return out, err
}
