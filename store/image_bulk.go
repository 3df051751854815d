package store

import (
	"context"

	"easel/app"
	"easel/store/kv"
)

// eachImage runs fn on each named image, in one write transaction. An image
// the caller may not see, or may not change this way, is skipped with the
// reason; any other error undoes the whole call.
func (s *ImageService) eachImage(ctx context.Context, names []string, fn func(tx kv.Tx, actor *userRecord, r *imageRecord, board *boardRecord, p imagePerms) error) (*app.BulkResult, error) {
	return s.eachImageThen(ctx, names, fn, nil)
}

// eachImageThen is eachImage with a last step before the commit.
func (s *ImageService) eachImageThen(ctx context.Context, names []string, fn func(tx kv.Tx, actor *userRecord, r *imageRecord, board *boardRecord, p imagePerms) error, then func() error) (*app.BulkResult, error) {
	if len(names) > app.MaxBulk {
		return nil, app.Errorf(app.EINVALID, "At most %d images at once.", app.MaxBulk)
	}
	res := &app.BulkResult{Done: []string{}, Skipped: []app.Skipped{}}
	err := s.db.write(ctx, func(tx kv.Tx, actor *userRecord) error {
		seen := map[string]bool{}
		for _, name := range names {
			if seen[name] {
				continue
			}
			seen[name] = true
			r, board, perms, err := imageAccess(tx, actor, name)
			if err == nil {
				err = fn(tx, actor, r, board, perms)
			}
			switch app.ErrorCode(err) {
			case "":
				res.Done = append(res.Done, name)
			case app.EINTERNAL:
				return err
			default:
				res.Skip(name, err)
			}
		}
		if then != nil {
			return then()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// DeleteImages deletes images, files and all.
func (s *ImageService) DeleteImages(ctx context.Context, names []string) (*app.BulkResult, error) {
	var gone []fileRef
	res, err := s.eachImageThen(ctx, names, func(tx kv.Tx, actor *userRecord, r *imageRecord, board *boardRecord, p imagePerms) error {
		if !p.delete {
			return app.Errorf(app.EFORBIDDEN, "You cannot delete this image: it is not yours, and the board is not yours.")
		}
		if err := unplaceImage(tx, r, board); err != nil {
			return err
		}
		if err := tx.Bucket(bucketImages).Delete([]byte(r.Name)); err != nil {
			return err
		}
		gone = append(gone, fileRef{Owner: r.Owner, Name: r.Name})
		if r.Owner != actor.UserID { // someone else's image: leave a trace
			if err := s.db.audit(tx, actor.UserID, app.AuditImagesDeleted, r.Owner, r.Name); err != nil {
				return err
			}
		}
		return nil
	}, func() error {
		// One journal write (and sync) for all of them, before the commit.
		return s.db.intendRemoval(gone)
	})
	if err != nil {
		return nil, err
	}
	s.db.removeFiles(gone)
	return res, nil
}

// StarImages stars or unstars images.
func (s *ImageService) StarImages(ctx context.Context, names []string, starred bool) (*app.BulkResult, error) {
	return s.eachImage(ctx, names, func(tx kv.Tx, _ *userRecord, r *imageRecord, _ *boardRecord, p imagePerms) error {
		return starTx(tx, r, p, starred)
	})
}

func starTx(tx kv.Tx, r *imageRecord, p imagePerms, starred bool) error {
	if !p.change {
		return app.Errorf(app.EFORBIDDEN, "You can look at this image but not change it.")
	}
	r.Starred = starred
	return putImage(tx, r)
}

// AddToBoard moves the caller's images onto a board they may add to.
func (s *ImageService) AddToBoard(ctx context.Context, boardID string, names []string) (*app.BulkResult, error) {
	if err := s.checkCanAdd(ctx, boardID); err != nil {
		return nil, err
	}
	return s.eachImage(ctx, names, func(tx kv.Tx, actor *userRecord, r *imageRecord, from *boardRecord, p imagePerms) error {
		to, err := addableBoard(tx, actor, boardID)
		if err != nil {
			return err
		}
		if err := app.Check(app.KindImage, app.ActMove, p.moveRelations(actor)); err != nil {
			return err
		}
		if from != nil && !p.takeOff {
			return app.Errorf(app.EFORBIDDEN, "You cannot take this image off its board.")
		}
		if to != nil && from != nil && to.ID == from.ID {
			return nil
		}
		return moveTx(tx, r, from, to)
	})
}

// RemoveFromBoard takes images off their boards; they become their owners'
// uncategorized images.
func (s *ImageService) RemoveFromBoard(ctx context.Context, names []string) (*app.BulkResult, error) {
	return s.eachImage(ctx, names, func(tx kv.Tx, _ *userRecord, r *imageRecord, from *boardRecord, p imagePerms) error {
		if from == nil {
			return nil
		}
		if !p.takeOff {
			return app.Errorf(app.EFORBIDDEN, "You cannot take this image off the board.")
		}
		return moveTx(tx, r, from, nil)
	})
}

// moveTx files r under board to (nil: its owner's uncategorized).
func moveTx(tx kv.Tx, r *imageRecord, from, to *boardRecord) error {
	if err := unplaceImage(tx, r, from); err != nil {
		return err
	}
	r.Board = ""
	if to != nil {
		r.Board = to.ID
	}
	if err := putImage(tx, r); err != nil {
		return err
	}
	return placeImage(tx, r, to)
}

// Downloadable lists the images of a board, or the named ones, that the
// caller may see.
func (s *ImageService) Downloadable(ctx context.Context, boardID string, names []string) ([]*app.Image, error) {
	if len(names) > app.MaxBulk {
		return nil, app.Errorf(app.EINVALID, "At most %d images at once; download the board instead.", app.MaxBulk)
	}
	if boardID != "" {
		var err error
		if names, err = s.ImageNames(ctx, boardID); err != nil {
			return nil, err
		}
	}
	out := []*app.Image{}
	err := s.db.read(ctx, func(tx kv.Tx, actor *userRecord) error {
		owners := newNames(tx)
		for _, name := range names {
			r, _, perms, err := imageAccess(tx, actor, name)
			if app.ErrorCode(err) == app.ENOTFOUND {
				continue
			}
			if err != nil {
				return err
			}
			out = append(out, r.view(perms, owners))
		}
		return nil
	})
	return out, err
}
