package store

import (
	"bytes"
	"context"

	"easel/app"
	"easel/app/imaging"
)

// ThumbnailWithoutRecord makes a workflow thumbnail of owner's from data
// as SetWorkflowThumbnail does, then stops before the record, as a crash
// would; it returns the file's name.
func (s *WorkflowService) ThumbnailWithoutRecord(ctx context.Context, owner string, data []byte) (string, error) {
	t, err := s.db.makeLibraryImage(ctx, owner, app.ImageUpload{R: bytes.NewReader(data), FileName: "crash.png"}, imaging.Limits{})
	if err != nil {
		return "", err
	}
	return t.ref.Name, nil
}
