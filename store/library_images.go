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

// Library images are the pictures of things in a library: a style
// preset's preview, a workflow's thumbnail. Each is kept as InvokeAI keeps
// it: a thumbnail of at most 256 pixels a side, the one blob of its kind
// (Thumbnail) under the thing owner's name. A file sent is received where
// it lies (staged, never whole in memory), checked and decoded by
// app/imaging within its budget, and dropped once its thumbnail is made; a
// picture taken from an image is a copy of the image's own thumbnail. The
// blob is named in the journal before it is written and before the record
// that points at it goes, so a crash leaves no orphan: the start-up sweep
// keeps what a record claims (libraryClaimers).

// libraryImage is a new picture, written but not yet claimed by a record.
type libraryImage struct {
	ref         blob.Ref
	contentType string
}

// makeLibraryImage checks the image img gives, within lim, and writes its
// thumbnail as owner's; nil when there is none. The caller commits a
// record that claims it, or drops it.
func (db *DB) makeLibraryImage(ctx context.Context, owner string, img app.ImageUpload, lim imaging.Limits) (*libraryImage, error) {
	if img.R == nil {
		return nil, nil
	}
	lim = lim.WithDefaults()
	if size, ok := fileSize(img.R); ok {
		if err := imaging.CheckSize(img.FileName, size, lim); err != nil {
			return nil, err
		}
	}
	in, err := db.blobs.Stage(blob.Thumbnail, owner, img.R, lim.MaxBytes)
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
	return db.writeLibraryImage(owner, thumbType, func(key blob.Key) error { return db.writeData(key, thumb) })
}

// copyLibraryImage writes a copy of the thumbnail blob from (of
// contentType) as owner's: a copied thing's picture, or an image's own
// thumbnail becoming a workflow's. Nil when from names none, or its file
// is gone.
func (db *DB) copyLibraryImage(from blob.Ref, contentType, owner string) (*libraryImage, error) {
	if from.Name == "" {
		return nil, nil
	}
	f, err := db.blobs.Open(from.Key(blob.Thumbnail))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return db.writeLibraryImage(owner, contentType, func(key blob.Key) error {
		// A thumbnail Easel wrote is small; the limit only guards a damaged file.
		_, err := db.blobs.Write(key, f, imaging.DefaultMaxBytes)
		return err
	})
}

// writeLibraryImage names a new picture of owner's, notes it in the
// journal and writes it with write.
func (db *DB) writeLibraryImage(owner, contentType string, write func(blob.Key) error) (*libraryImage, error) {
	p := &libraryImage{ref: blob.Ref{Owner: owner, Name: uuid.Must(uuid.NewV7()).String() + extensions[contentType]}, contentType: contentType}
	if err := db.blobs.Intend(p.ref); err != nil {
		return nil, err
	}
	if err := write(p.ref.Key(blob.Thumbnail)); err != nil {
		db.blobs.Remove(p.ref)
		return nil, err
	}
	return p, nil
}

// drop removes a picture no record came to claim.
func (p *libraryImage) drop(db *DB) {
	if p != nil {
		db.removeFiles([]fileRef{p.ref})
	}
}

// openLibraryImage opens the picture ref names; missing is the error when
// it has none, or its file went meanwhile (replaced or deleted).
func (db *DB) openLibraryImage(ref blob.Ref, missing error) (io.ReadSeekCloser, error) {
	if ref.Name == "" {
		return nil, missing
	}
	f, err := db.blobs.Open(ref.Key(blob.Thumbnail))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, missing
	}
	return f, err
}

// A libraryClaimer is a kind whose records point at library images: the
// bucket that names each picture's record (blob name → id), and the
// picture the record of an id points at now (a zero Ref for none).
type libraryClaimer struct {
	names   []byte
	picture func(tx kv.Tx, id string) (blob.Ref, error)
}

// libraryClaimers are every kind with pictures, for the start-up sweep.
var libraryClaimers = []libraryClaimer{
	{bucketStylePresetImages, func(tx kv.Tx, id string) (blob.Ref, error) {
		p, err := getStylePreset(tx, id)
		if p == nil {
			return blob.Ref{}, err
		}
		return p.imageRef(), nil
	}},
	{bucketWorkflowThumbnails, func(tx kv.Tx, id string) (blob.Ref, error) {
		w, err := getWorkflow(tx, id)
		if w == nil {
			return blob.Ref{}, err
		}
		return w.thumbnailRef(), nil
	}},
}

// libraryImageClaimed reports whether a record claims ref as its picture,
// for the start-up sweep of files a crash may have left.
func libraryImageClaimed(tx kv.Tx, ref blob.Ref) (bool, error) {
	for _, c := range libraryClaimers {
		id := tx.Bucket(c.names).Get([]byte(ref.Name))
		if id == nil {
			continue
		}
		got, err := c.picture(tx, string(id))
		if err != nil || got == ref {
			return err == nil, err
		}
	}
	return false, nil
}
