package store

import (
	"bytes"
	"context"

	"easel/app"
	"easel/store/kv"
)

// DeleteBoard deletes a board: its owner or an admin. With includeImages the
// caller's own images on it are deleted (every image, for an admin); the
// others become their owners' uncategorized images.
func (s *BoardService) DeleteBoard(ctx context.Context, boardID string, includeImages bool) (*app.BulkResult, error) {
	res := &app.BulkResult{Done: []string{}, Skipped: []app.Skipped{}}
	var gone []fileRef
	err := s.db.write(ctx, func(tx kv.Tx, actor *userRecord) (err error) {
		gone, err = s.db.deleteBoardTx(tx, actor, boardID, includeImages, res)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.db.removeFiles(gone)
	return res, nil
}

// deleteBoardTx deletes one board in tx, noting in res the images it deleted
// and returning their files.
func (db *DB) deleteBoardTx(tx kv.Tx, actor *userRecord, boardID string, includeImages bool, res *app.BulkResult) ([]fileRef, error) {
	b, acc, err := boardAccess(tx, actor, boardID)
	if err != nil {
		return nil, err
	}
	if !acc.CanManage() {
		return nil, app.Errorf(app.EFORBIDDEN, "Only the board's owner can delete it.")
	}
	var recs []*imageRecord
	prefix := rangePrefix(b.ID)
	c := tx.Bucket(bucketImagesByBoard).Cursor()
	var keys [][]byte
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		keys = append(keys, bytes.Clone(k))
		r, err := getImage(tx, string(v))
		if err != nil {
			return nil, err
		}
		if r != nil {
			recs = append(recs, r)
		}
	}
	for _, k := range keys {
		if err := tx.Bucket(bucketImagesByBoard).Delete(k); err != nil {
			return nil, err
		}
	}
	var gone []fileRef
	for _, r := range recs {
		if includeImages && app.Allowed(app.KindImage, app.ActDeleteWithBoard, acc.OnImage(r.Owner == actor.UserID)) {
			if err := tx.Bucket(bucketImages).Delete([]byte(r.Name)); err != nil {
				return nil, err
			}
			gone = append(gone, fileRef{Owner: r.Owner, Name: r.Name})
			res.Done = append(res.Done, r.Name)
			continue
		}
		r.Board = ""
		if err := putImage(tx, r); err != nil {
			return nil, err
		}
		if err := placeImage(tx, r, nil); err != nil {
			return nil, err
		}
	}
	if err := boards.remove(tx, &b.sharedHead); err != nil {
		return nil, err
	}
	if err := db.intendRemoval(gone); err != nil {
		return nil, err
	}
	return gone, db.audit(tx, actor.UserID, app.AuditBoardDeleted, b.ID, b.Name)
}

// BulkBoards archives, unarchives or deletes many boards in one transaction,
// skipping (with the reason) those the caller may not change.
func (s *BoardService) BulkBoards(ctx context.Context, op app.BoardOp, boardIDs []string) (*app.BulkResult, error) {
	if len(boardIDs) > app.MaxBulk {
		return nil, app.Errorf(app.EINVALID, "At most %d boards at once.", app.MaxBulk)
	}
	switch op {
	case app.BoardArchive, app.BoardUnarchive, app.BoardDelete, app.BoardDeleteWithImages:
	default:
		return nil, app.Errorf(app.EINVALID, "Unknown operation %q: use archive, unarchive, delete or delete_with_images.", op)
	}
	res := &app.BulkResult{Done: []string{}, Skipped: []app.Skipped{}}
	var gone []fileRef
	err := s.db.write(ctx, func(tx kv.Tx, actor *userRecord) error {
		for _, id := range boardIDs {
			var err error
			switch op {
			case app.BoardArchive, app.BoardUnarchive:
				archived := op == app.BoardArchive
				_, _, err = s.db.updateBoardTx(tx, actor, id, app.BoardUpdate{Archived: &archived}, "")
			default:
				var files []fileRef
				files, err = s.db.deleteBoardTx(tx, actor, id, op == app.BoardDeleteWithImages, &app.BulkResult{})
				gone = append(gone, files...)
			}
			if app.ErrorCode(err) == app.EINTERNAL {
				return err
			}
			if err != nil {
				res.Skip(id, err)
			} else {
				res.Done = append(res.Done, id)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.db.removeFiles(gone)
	return res, nil
}

// returnLostImages gives back to their owners, as uncategorized images,
// the images on b of contributors who may no longer see it (after an
// unshare, or the board turning private), as deleting the board would:
// their own images must not vanish from them. Only only's images are
// looked at, or everyone's when only is "".
func returnLostImages(tx kv.Tx, b *boardRecord, only string) error {
	prefix := rangePrefix(b.ID)
	c := tx.Bucket(bucketImagesByBoard).Cursor()
	var names []string
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		names = append(names, string(v))
	}
	lost := map[string]bool{}
	for _, name := range names {
		r, err := getImage(tx, name)
		if err != nil || r == nil {
			return err
		}
		if r.Owner == b.Owner || (only != "" && r.Owner != only) {
			continue
		}
		seen, known := lost[r.Owner]
		if !known {
			u, err := getUser(tx, r.Owner)
			if err != nil {
				return err
			}
			seen = u != nil && (app.BoardAccess{Access: boards.accessOf(tx, u, &b.sharedHead)}).CanSee()
			lost[r.Owner] = seen
		}
		if !seen {
			if err := moveTx(tx, r, b, nil); err != nil {
				return err
			}
		}
	}
	return nil
}
