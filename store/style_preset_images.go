package store

import (
	"context"
	"errors"
	"io"
	"io/fs"

	"easel/app"
	"easel/app/imaging"
	"easel/store/blob"
	"easel/store/kv"

	"github.com/google/uuid"
)

// A preset's preview is kept as InvokeAI keeps it: a thumbnail of at most
// 256 pixels a side, the one blob of its kind (Thumbnail) under the
// preset owner's name. The file sent is received where it lies (staged,
// never whole in memory), checked and decoded by app/imaging within its
// budget, and dropped once its thumbnail is made. The blob is named in the
// journal before it is written and before the record that points at it
// goes, so a crash leaves no orphan: the start-up sweep keeps what a
// preset claims (presetClaims).

// preview is a preset's new preview, written but not yet claimed by a record.
type preview struct {
	ref         blob.Ref
	contentType string
}

// makePreview checks the image img gives and writes its thumbnail as
// owner's; nil when there is none. The caller commits a record that
// claims it, or drops it.
func (s *StylePresetService) makePreview(ctx context.Context, owner string, img app.PresetImage) (*preview, error) {
	if img.R == nil {
		return nil, nil
	}
	lim := s.limits.WithDefaults()
	if size, ok := fileSize(img.R); ok {
		if err := imaging.CheckSize(img.FileName, size, lim); err != nil {
			return nil, err
		}
	}
	in, err := s.db.blobs.Stage(blob.Thumbnail, owner, img.R, lim.MaxBytes)
	if errors.Is(err, blob.ErrTooLarge) {
		return nil, imaging.TooLarge(img.FileName, lim)
	}
	if err != nil {
		return nil, err
	}
	defer in.Discard() // the file sent is never kept: only its thumbnail is
	_, thumbImg, err := imaging.Import(ctx, img.FileName, in, in.Size(), lim)
	if err != nil {
		return nil, err
	}
	thumb, thumbType, err := imaging.EncodeThumbnail(thumbImg)
	if err != nil {
		return nil, err
	}
	p := &preview{ref: blob.Ref{Owner: owner, Name: uuid.Must(uuid.NewV7()).String() + extensions[thumbType]}, contentType: thumbType}
	if err := s.db.blobs.Intend(p.ref); err != nil {
		return nil, err
	}
	if err := s.db.writeData(p.ref.Key(blob.Thumbnail), thumb); err != nil {
		s.db.blobs.Remove(p.ref)
		return nil, err
	}
	return p, nil
}

// drop removes a preview no record came to claim.
func (p *preview) drop(db *DB) {
	if p != nil {
		db.removeFiles([]fileRef{p.ref})
	}
}

func (p *stylePresetRecord) imageRef() blob.Ref { return blob.Ref{Owner: p.Owner, Name: p.Image} }

// presetClaims reports whether a preset's record claims ref, for the
// start-up sweep of files a crash may have left.
func presetClaims(tx kv.Tx, ref blob.Ref) (bool, error) {
	id := tx.Bucket(bucketStylePresetImages).Get([]byte(ref.Name))
	if id == nil {
		return false, nil
	}
	p, err := getStylePreset(tx, string(id))
	if err != nil {
		return false, err
	}
	return p != nil && p.Image == ref.Name && p.Owner == ref.Owner, nil
}

// OpenStylePresetImage opens the preview of a preset the caller may see.
func (s *StylePresetService) OpenStylePresetImage(ctx context.Context, id string) (io.ReadSeekCloser, string, error) {
	var p *stylePresetRecord
	if err := s.db.read(ctx, func(tx kv.Tx, actor *userRecord) error {
		var err error
		p, _, err = presetAccess(tx, actor, id, app.ActSee)
		return err
	}); err != nil {
		return nil, "", err
	}
	if p.Image == "" {
		return nil, "", app.Errorf(app.ENOTFOUND, "This style preset has no preview image.")
	}
	f, err := s.db.blobs.Open(p.imageRef().Key(blob.Thumbnail))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", app.Errorf(app.ENOTFOUND, "This style preset has no preview image.") // replaced or deleted since
	}
	if err != nil {
		return nil, "", err
	}
	return f, p.ImageType, nil
}

// copyPreview writes a copy of p's preview as owner's, for a copy of the
// preset; nil when it has none, or its file is gone.
func (s *StylePresetService) copyPreview(p *stylePresetRecord, owner string) (*preview, error) {
	if p.Image == "" {
		return nil, nil
	}
	f, err := s.db.blobs.Open(p.imageRef().Key(blob.Thumbnail))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cp := &preview{ref: blob.Ref{Owner: owner, Name: uuid.Must(uuid.NewV7()).String() + extensions[p.ImageType]}, contentType: p.ImageType}
	if err := s.db.blobs.Intend(cp.ref); err != nil {
		return nil, err
	}
	// A thumbnail Easel wrote is small; the limit only guards a damaged file.
	if _, err := s.db.blobs.Write(cp.ref.Key(blob.Thumbnail), f, imaging.DefaultMaxBytes); err != nil {
		s.db.blobs.Remove(cp.ref)
		return nil, err
	}
	return cp, nil
}
