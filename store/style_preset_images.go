package store

import (
	"context"
	"io"

	"easel/app"
	"easel/store/blob"
	"easel/store/kv"
)

// A preset's preview is a library image (library_images.go): a thumbnail
// of at most 256 pixels a side, the owner's, named Image in its record and
// in bucketStylePresetImages for the start-up sweep.

func (p *stylePresetRecord) imageRef() blob.Ref { return blob.Ref{Owner: p.Owner, Name: p.Image} }

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
	f, err := s.db.openLibraryImage(p.imageRef(), app.Errorf(app.ENOTFOUND, "This style preset has no preview image."))
	if err != nil {
		return nil, "", err
	}
	return f, p.ImageType, nil
}
