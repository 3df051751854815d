package store

import (
	"context"

	"easel/app"
	"easel/store/kv"

	"github.com/google/uuid"
)

// BoardService keeps boards and their shares.
type BoardService struct {
	db      *DB
	sharing sharingService
}

// NewBoardService returns the board service of db.
func NewBoardService(db *DB) *BoardService { return &BoardService{db: db, sharing: boardSharing(db)} }

var _ app.BoardService = (*BoardService)(nil)

// boardAccess finds a board and the actor's access to it. To an actor who
// may not see it, it does not exist.
func boardAccess(tx kv.Tx, actor *userRecord, boardID string) (*boardRecord, app.BoardAccess, error) {
	b, acc, err := find(tx, actor, boards, getBoard, boardID, app.ActSee)
	return b, app.BoardAccess{Access: acc}, err
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
	head, err := boards.newHead(tx, uuid.NewString(), actor.UserID)
	if err != nil {
		return nil, err
	}
	now := db.now()
	b := &boardRecord{sharedHead: head, Name: name, Created: now, Updated: now}
	if err := boards.create(tx, &b.sharedHead, b.encode()); err != nil {
		return nil, err
	}
	return b.view(app.BoardAccess{Access: b.access(actor, app.RoleNone)}, newNames(tx)), nil
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
// every board), as sharing lists every shareable kind (sharing_list.go).
func (s *BoardService) ListBoards(ctx context.Context, f app.BoardFilter) (*app.BoardPage, error) {
	l, err := listingOf(f.PageRequest, f.IncludeArchived, f.All)
	if err != nil {
		return nil, err
	}
	page := app.NewPage[*app.Board](f.PageRequest)
	page.Offset = l.offset
	if f.All {
		page.Offset, page.Limit = 0, 0
	}
	err = s.db.read(ctx, func(tx kv.Tx, actor *userRecord) error {
		owners := newNames(tx)
		add := func(v []byte, role app.Role) error {
			b, err := decodeBoard(v)
			if err != nil {
				return err
			}
			page.Items = append(page.Items, b.view(app.BoardAccess{Access: b.access(actor, role)}, owners))
			return nil
		}
		if app.Allowed(app.KindBoard, app.ActListAll, app.RelationsOf(&actor.User, "")) {
			var err error
			page.Total, page.NextCursor, err = boards.everything(tx, l, func(v []byte) error { return add(v, app.RoleNone) })
			return err
		}
		entries, total, next := boards.visibleTo(tx, actor.UserID, l)
		page.Total, page.NextCursor = total, next
		page.Items = make([]*app.Board, 0, len(entries))
		// The role came with the merge: a listing reads no grants.
		return boards.eachRecord(tx, entries, func(e listed, v []byte) error { return add(v, e.role) })
	})
	return page, err
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
	if err := boards.change(tx, &before.sharedHead, &after.sharedHead, after.encode()); err != nil {
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
		err := boards.ownedBy(tx, actor.UserID, false, func(v []byte) (bool, error) {
			b, err := decodeBoard(v)
			if err != nil || b.Name != name {
				return true, err
			}
			out = b.view(app.BoardAccess{Access: b.access(actor, app.RoleNone)}, newNames(tx))
			return false, nil
		})
		if err != nil || out != nil {
			return err
		}
		out, err = s.db.createBoardTx(tx, actor, name)
		return err
	})
	return out, err
}
