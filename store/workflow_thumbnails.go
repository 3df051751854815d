package store

import (
	"context"
	"io"

	"easel/app"
	"easel/app/imaging"
	"easel/store/blob"
	"easel/store/kv"
)

// A workflow's thumbnail is a library image (library_images.go), its
// owner's (the system profile's for a built-in one), named in its record
// and in bucketWorkflowThumbnails for the start-up sweep. It comes from an
// image sent (SetWorkflowThumbnail) or from the workflow's first finished
// run (thumbnailFromRun). Setting or removing it changes neither the
// document nor updated_at: the picture is not the workflow.

func (w *workflowRecord) thumbnailRef() blob.Ref { return blob.Ref{Owner: w.Owner, Name: w.Thumbnail} }

var errNoThumbnail = app.Errorf(app.ENOTFOUND, "This workflow has no thumbnail.")

// noteThumbnail keeps the sweep's note of the thumbnails true as a
// workflow goes from before to after (nil for none: created, deleted).
func noteThumbnail(tx kv.Tx, before, after *workflowRecord) error {
	b := tx.Bucket(bucketWorkflowThumbnails)
	if before != nil && before.Thumbnail != "" && (after == nil || after.Thumbnail != before.Thumbnail) {
		if err := b.Delete([]byte(before.Thumbnail)); err != nil {
			return err
		}
	}
	if after != nil && after.Thumbnail != "" {
		return b.Put([]byte(after.Thumbnail), []byte(after.ID))
	}
	return nil
}

// changeThumbnail stores before as after, whose thumbnail differs, and
// returns the file of the one replaced, named in the journal, to remove
// once the transaction commits.
func (db *DB) changeThumbnail(tx kv.Tx, before, after *workflowRecord) ([]fileRef, error) {
	var gone []fileRef
	if before.Thumbnail != "" && before.Thumbnail != after.Thumbnail {
		gone = []fileRef{before.thumbnailRef()}
		if err := db.intendRemoval(gone); err != nil {
			return nil, err
		}
	}
	if err := noteThumbnail(tx, before, after); err != nil {
		return nil, err
	}
	return gone, workflows.change(tx, &before.sharedHead, &after.sharedHead, after.encode())
}

// setThumbnail makes thumb (nil: none) the thumbnail of workflow id, as
// the actor, who must be allowed to change it; an admin's or an editor's
// change is audited as UpdateWorkflow's is.
func (s *WorkflowService) setThumbnail(ctx context.Context, id string, thumb *libraryImage) (*app.Workflow, error) {
	var out *app.Workflow
	var gone []fileRef
	err := s.db.write(ctx, func(tx kv.Tx, actor *userRecord) error {
		before, acc, err := workflowAccess(tx, actor, id, app.ActChange)
		if err != nil {
			return err
		}
		if thumb != nil && thumb.ref.Owner != before.Owner {
			return app.ErrWorkflowNotFound // cannot be: a workflow keeps its owner
		}
		after := *before
		after.Thumbnail, after.ThumbType = "", ""
		if thumb != nil {
			after.Thumbnail, after.ThumbType = thumb.ref.Name, thumb.contentType
		}
		if gone, err = s.db.changeThumbnail(tx, before, &after); err != nil {
			return err
		}
		if err := s.db.auditChange(tx, actor, before); err != nil {
			return err
		}
		out = s.view(tx, actor, &after, acc, newNames(tx))
		return nil
	})
	if err != nil {
		thumb.drop(s.db)
		return nil, err
	}
	s.db.removeFiles(gone)
	return out, nil
}

// SetWorkflowThumbnail makes the image img gives the workflow's thumbnail,
// replacing any: its owner, an editor or an admin. An image that is not
// one changes nothing.
func (s *WorkflowService) SetWorkflowThumbnail(ctx context.Context, id string, img app.ImageUpload) (*app.Workflow, error) {
	if img.R == nil {
		return nil, app.Errorf(app.EINVALID, "Send the thumbnail as an image file: PNG, JPEG or WebP.")
	}
	var owner string
	if err := s.db.read(ctx, func(tx kv.Tx, actor *userRecord) error {
		w, _, err := workflowAccess(tx, actor, id, app.ActChange)
		if err == nil {
			owner = w.Owner
		}
		return err
	}); err != nil {
		return nil, err // before the image: a caller who may not change it sends nothing to disk
	}
	thumb, err := s.db.makeLibraryImage(ctx, owner, img, imaging.Limits{})
	if err != nil {
		return nil, err
	}
	return s.setThumbnail(ctx, id, thumb)
}

// DeleteWorkflowThumbnail removes the workflow's thumbnail: its owner, an
// editor or an admin. One without a thumbnail stays so.
func (s *WorkflowService) DeleteWorkflowThumbnail(ctx context.Context, id string) (*app.Workflow, error) {
	return s.setThumbnail(ctx, id, nil)
}

// OpenWorkflowThumbnail opens the thumbnail of a workflow the caller may see.
func (s *WorkflowService) OpenWorkflowThumbnail(ctx context.Context, id string) (io.ReadSeekCloser, string, error) {
	var w *workflowRecord
	if err := s.db.read(ctx, func(tx kv.Tx, actor *userRecord) error {
		var err error
		w, _, err = workflowAccess(tx, actor, id, app.ActSee)
		return err
	}); err != nil {
		return nil, "", err
	}
	f, err := s.db.openLibraryImage(w.thumbnailRef(), errNoThumbnail)
	if err != nil {
		return nil, "", err
	}
	return f, w.ThumbType, nil
}

// thumbnailTarget is the workflow a finished run of runOwner's may give a
// thumbnail to, or nil. A run gives one only when
//   - its batch names the workflow (the caller's to know: Batch.WorkflowID),
//   - the workflow has no thumbnail yet (the first finished run gives it;
//     later runs, and an image sent, do not replace it by themselves), and
//   - the run's owner may change the workflow (its owner, an editor, an
//     admin): never a viewer's run, nor a stranger's who names a workflow
//     they cannot see, because the thumbnail is shown to everyone who sees
//     the workflow, and their picture is theirs to show.
func thumbnailTarget(tx kv.Tx, workflowID, runOwner string) (*workflowRecord, error) {
	w, err := getWorkflow(tx, workflowID)
	if err != nil || w == nil || w.Thumbnail != "" {
		return nil, err
	}
	u, err := getUser(tx, runOwner)
	if err != nil || u == nil || !u.IsActive {
		return nil, err
	}
	if !app.Allowed(app.KindWorkflow, app.ActChange, workflows.accessOf(tx, u, &w.sharedHead).Relations()) {
		return nil, nil
	}
	return w, nil
}

// thumbnailFromRun gives workflow workflowID the thumbnail of imageName,
// the first image a finished run of runOwner's saved, when
// thumbnailTarget says it may. It is the worker's, after the item's
// transaction committed, and best effort: a failure is logged and the item
// stays as it finished.
func (db *DB) thumbnailFromRun(workflowID, runOwner, imageName string) {
	var img *imageRecord
	var owner string // the copy is the workflow owner's
	err := db.view(func(tx kv.Tx) error {
		w, err := thumbnailTarget(tx, workflowID, runOwner)
		if err != nil || w == nil {
			return err
		}
		owner = w.Owner
		img, err = getImage(tx, imageName)
		if img != nil && img.Owner != runOwner {
			img = nil // cannot be: a run saves its owner's images
		}
		return err
	})
	if err != nil || img == nil {
		db.logThumbnailFailure(workflowID, err)
		return
	}
	thumb, err := db.copyLibraryImage(blob.Ref{Owner: img.Owner, Name: img.Name}, img.ThumbType, owner)
	if err != nil || thumb == nil { // nil: the image was deleted meanwhile
		db.logThumbnailFailure(workflowID, err)
		return
	}
	given := false
	err = db.update(func(tx kv.Tx) error {
		// Again: another run, or a person, may have given it one meanwhile.
		before, err := thumbnailTarget(tx, workflowID, runOwner)
		if err != nil || before == nil || before.Owner != owner {
			return err
		}
		after := *before
		after.Thumbnail, after.ThumbType = thumb.ref.Name, thumb.contentType
		given = true
		_, err = db.changeThumbnail(tx, before, &after) // it had none: no file to remove
		return err
	})
	if err != nil || !given {
		thumb.drop(db)
	}
	db.logThumbnailFailure(workflowID, err)
}

func (db *DB) logThumbnailFailure(workflowID string, err error) {
	if err != nil {
		db.log.Warn("could not give a workflow the thumbnail of its first run; it has none yet", "workflow", workflowID, "err", err)
	}
}
