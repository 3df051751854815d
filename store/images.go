package store

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"slices"
	"sync"

	"easel/app"
	"easel/app/imaging"
	"easel/store/blob"

	"easel/store/kv"
	"github.com/google/uuid"
)

// ImageService keeps images, their files and who may see them.
type ImageService struct {
	db *DB
	// limits bound what an import may be.
	limits imaging.Limits
	marks  marks
}

// ImageOption sets how an ImageService is built. Options, not a required
// argument, because every caller but a test of the limits wants the
// defaults.
type ImageOption func(*ImageService)

// ImportLimits bounds what an import may be; imaging's defaults stand for
// the fields left zero.
func ImportLimits(l imaging.Limits) ImageOption {
	return func(s *ImageService) { s.limits = l }
}

// NewImageService returns the image service of db.
func NewImageService(db *DB, opts ...ImageOption) *ImageService {
	s := &ImageService{db: db, marks: marks{m: map[string]markList{}}}
	for _, o := range opts {
		o(s)
	}
	return s
}

// marks remember, for clients that page by offset, the key at every
// markEvery-th position of a list, as of one images generation: a deep
// offset then seeks to the nearest mark instead of stepping from the top.
type marks struct {
	mu sync.Mutex
	m  map[string]markList
}

type markList struct {
	generation uint64
	keys       [][]byte // keys[i] stands at position i*markEvery
}

const markEvery = 1000

func (m *marks) get(list string, generation uint64) [][]byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	if l, ok := m.m[list]; ok && l.generation == generation {
		return slices.Clip(l.keys) // callers append: never into the shared array
	}
	return nil
}

func (m *marks) put(list string, generation uint64, keys [][]byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.m[list] = markList{generation, keys}
}

// skip steps c from the newest key of prefix to position offset, starting
// from the nearest remembered mark and remembering the marks it passes.
func (m *marks) skip(tx kv.Tx, c kv.Cursor, prefix []byte, offset int) (k, v []byte) {
	list, generation := string(prefix), imagesGeneration(tx)
	keys := m.get(list, generation)
	if len(keys) == 0 {
		top, _ := lastInRange(c, prefix)
		if top == nil {
			return nil, nil // an empty list
		}
		keys = [][]byte{bytes.Clone(top)}
	}
	n := min(offset/markEvery, len(keys)-1)
	k, v = c.Seek(keys[n]) // the generation is the same: the key is there
	for pos := n * markEvery; pos < offset && k != nil; pos++ {
		k, v = prevInRange(c, prefix)
		if k != nil && (pos+1)%markEvery == 0 && (pos+1)/markEvery == len(keys) {
			keys = append(keys, bytes.Clone(k))
		}
	}
	m.put(list, generation, keys)
	return k, v
}

var _ app.ImageService = (*ImageService)(nil)

// imageAccess finds an image and the actor's access to the board it is on.
// To an actor who may not see it, it does not exist.
func imageAccess(tx kv.Tx, actor *userRecord, name string) (*imageRecord, *boardRecord, imagePerms, error) {
	if !app.ValidImageName(name) {
		return nil, nil, imagePerms{}, app.ErrImageNotFound
	}
	r, err := getImage(tx, name)
	if err != nil {
		return nil, nil, imagePerms{}, err
	}
	if r == nil {
		return nil, nil, imagePerms{}, app.ErrImageNotFound
	}
	if r.Board == "" {
		if !app.CanSeeLooseImage(&actor.User, r.Owner) {
			return nil, nil, imagePerms{}, app.ErrImageNotFound
		}
		return r, nil, permsOn(actor, r, nil), nil
	}
	b, acc, err := boardAccess(tx, actor, r.Board)
	if app.ErrorCode(err) == app.ENOTFOUND {
		return nil, nil, imagePerms{}, app.ErrImageNotFound
	}
	if err != nil {
		return nil, nil, imagePerms{}, err
	}
	return r, b, permsOn(actor, r, &acc), nil
}

// permsOn works out what actor may do with r, on a board with access acc
// (nil for an uncategorized image, which only its owner and admins see).
func permsOn(actor *userRecord, r *imageRecord, acc *app.BoardAccess) imagePerms {
	own := r.Owner == actor.UserID
	if acc == nil {
		rel := app.RelationsOf(&actor.User, r.Owner)
		return imagePerms{own: own, change: app.Allowed(app.KindLooseImage, app.ActChange, rel), delete: app.Allowed(app.KindLooseImage, app.ActDelete, rel)}
	}
	return imagePerms{own: own, onBoard: true, acc: *acc,
		change: app.Allowed(app.KindImage, app.ActChange, acc.OnImage(own)), takeOff: acc.CanTakeOff(own), delete: acc.CanDeleteImage(own)}
}

// moveRelations is how actor stands to the image for moving it to a board:
// signed in (or an admin), and its owner or not.
func (p imagePerms) moveRelations(actor *userRecord) app.Relation {
	rel := app.RelationsOf(&actor.User, "")
	if p.own {
		rel |= app.RelOwnItem
	}
	return rel
}

// imagePerms is what the actor may do with one image they can see.
type imagePerms struct {
	own, onBoard            bool
	acc                     app.BoardAccess
	change, takeOff, delete bool
}

func (r *imageRecord) view(p imagePerms, owners *names) *app.Image {
	img := &app.Image{
		ImageName: r.Name, UserID: r.Owner, OwnerName: owners.of(r.Owner), Width: r.Width, Height: r.Height,
		CreatedAt: r.Created, Starred: r.Starred, OriginalName: r.OriginalName, Size: r.Size,
		ContentType: r.ContentType, Metadata: r.Metadata, QueueItemID: r.Item, CanTakeOff: p.takeOff, CanDelete: p.delete,
	}
	if r.Board != "" {
		board := r.Board
		img.BoardID = &board
	}
	img.SetURLs()
	return img
}

// Import checks that r holds a PNG, JPEG or WebP image, makes its thumbnail
// and stores it on boardID ("" for uncategorized). The bytes go straight to
// a temporary file beside the image's final place, and are checked and
// thumbnailed from there: an upload is never held whole in memory, and the
// decode waits for its share of the decode budget (see app/imaging). When r
// is an open file (it has Stat), one over the size limit is refused before
// a byte of it is copied.
func (s *ImageService) Import(ctx context.Context, boardID, fileName string, r io.Reader) (*app.Image, error) {
	// Check access before the work of receiving and decoding.
	owner, err := s.adder(ctx, boardID)
	if err != nil {
		return nil, err
	}
	lim := s.limits.WithDefaults()
	if size, ok := fileSize(r); ok {
		if err := imaging.CheckSize(fileName, size, lim); err != nil {
			return nil, err
		}
	}
	in, err := s.db.blobs.Stage(blob.Image, owner, r, lim.MaxBytes)
	if errors.Is(err, blob.ErrTooLarge) {
		return nil, imaging.TooLarge(fileName, lim)
	}
	if err != nil {
		return nil, err
	}
	defer in.Discard()
	info, thumbImg, err := imaging.Import(ctx, fileName, in, in.Size(), lim)
	if err != nil {
		return nil, err
	}
	thumb, thumbType, err := imaging.EncodeThumbnail(thumbImg)
	if err != nil {
		return nil, err
	}
	ni := app.NewImage{
		BoardID: boardID, OriginalName: imaging.CleanName(fileName), ContentType: info.ContentType,
		Width: info.Width, Height: info.Height, Thumbnail: thumb, ThumbType: thumbType,
	}
	return s.add(ctx, ni, in.Size(), func(o, name string) error {
		if o != owner {
			return app.ErrNotSignedIn // the file was received for someone else
		}
		return in.Commit(name)
	})
}

// fileSize is the size of r when it is an open regular file.
func fileSize(r io.Reader) (int64, bool) {
	f, ok := r.(interface{ Stat() (fs.FileInfo, error) })
	if !ok {
		return 0, false
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return 0, false
	}
	return fi.Size(), true
}

func (s *ImageService) checkCanAdd(ctx context.Context, boardID string) error {
	_, err := s.adder(ctx, boardID)
	return err
}

// adder checks that the actor may add images to boardID, and returns who
// they are: the owner of what they add.
func (s *ImageService) adder(ctx context.Context, boardID string) (owner string, err error) {
	err = s.db.read(ctx, func(tx kv.Tx, actor *userRecord) error {
		owner = actor.UserID
		_, err = addableBoard(tx, actor, boardID)
		return err
	})
	return owner, err
}

// addableBoard finds the board the actor wants to add to; nil for uncategorized.
func addableBoard(tx kv.Tx, actor *userRecord, boardID string) (*boardRecord, error) {
	if boardID == "" || boardID == app.NoBoard {
		return nil, nil
	}
	b, acc, err := boardAccess(tx, actor, boardID)
	if err != nil {
		return nil, err
	}
	if err := app.Check(app.KindBoard, app.ActAdd, acc.Relations()); err != nil {
		return nil, err
	}
	return b, nil
}

var extensions = map[string]string{"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp"}

// Add stores a checked image: the files first (named in the journal,
// synced, renamed into place), then the record, so that a record never
// points at a missing file.
func (s *ImageService) Add(ctx context.Context, ni app.NewImage) (*app.Image, error) {
	return s.add(ctx, ni, int64(len(ni.Data)), func(owner, name string) error {
		return s.db.writeData(blob.Key{Kind: blob.Image, Owner: owner, Name: name}, ni.Data)
	})
}

// add stores an image of size bytes whose file writeImage puts in place as
// the owner's name (ni.Data is not used): as Add says, the file first.
func (s *ImageService) add(ctx context.Context, ni app.NewImage, size int64, writeImage func(owner, name string) error) (*app.Image, error) {
	ext, ok := extensions[ni.ContentType]
	if !ok {
		return nil, app.Errorf(app.EINVALID, "Easel keeps PNG, JPEG and WebP images, not %s.", ni.ContentType)
	}
	var owner string
	err := s.db.read(ctx, func(tx kv.Tx, actor *userRecord) error {
		owner = actor.UserID
		_, err := addableBoard(tx, actor, ni.BoardID)
		return err
	})
	if err != nil {
		return nil, err
	}
	// Time-ordered names keep new records at the end of the bucket.
	name := uuid.Must(uuid.NewV7()).String() + ext
	ref := blob.Ref{Owner: owner, Name: name}
	if err := s.db.blobs.Intend(ref); err != nil {
		return nil, err
	}
	if err := writeImage(owner, name); err != nil {
		return nil, err
	}
	if err := s.db.writeData(ref.Key(blob.Thumbnail), ni.Thumbnail); err != nil {
		s.db.blobs.Remove(ref)
		return nil, err
	}
	var out *app.Image
	err = s.db.write(ctx, func(tx kv.Tx, actor *userRecord) error {
		if actor.UserID != owner {
			return app.ErrNotSignedIn
		}
		board, err := addableBoard(tx, actor, ni.BoardID)
		if err != nil {
			return err
		}
		seq, err := tx.Bucket(bucketImages).NextSequence()
		if err != nil {
			return err
		}
		r := &imageRecord{
			Name: name, Owner: owner, Width: ni.Width, Height: ni.Height, Created: s.db.now(),
			Size: size, ContentType: ni.ContentType, ThumbType: ni.ThumbType,
			OriginalName: ni.OriginalName, Seq: seq, Metadata: ni.Metadata,
		}
		if board != nil {
			r.Board = board.ID
		}
		if ni.QueueItemID != 0 {
			if err := linkRenderedImage(tx, ni.QueueItemID, owner, r); err != nil {
				return err
			}
		}
		if err := putImage(tx, r); err != nil {
			return err
		}
		if err := placeImage(tx, r, board); err != nil {
			return err
		}
		_, _, perms, err := imageAccess(tx, actor, name)
		out = r.view(perms, newNames(tx))
		return err
	})
	if err != nil {
		s.db.blobs.Remove(ref)
		return nil, err
	}
	return out, nil
}

// FindImage returns one image the caller may see.
func (s *ImageService) FindImage(ctx context.Context, name string) (*app.Image, error) {
	img, _, err := s.find(ctx, name)
	return img, err
}

// find reads one image the caller may see, with its thumbnail's type.
func (s *ImageService) find(ctx context.Context, name string) (img *app.Image, thumbType string, err error) {
	err = s.db.read(ctx, func(tx kv.Tx, actor *userRecord) error {
		r, _, perms, err := imageAccess(tx, actor, name)
		if err != nil {
			return err
		}
		img, thumbType = r.view(perms, newNames(tx)), r.ThumbType
		return nil
	})
	return img, thumbType, err
}

// OpenImage opens an image's file, or its thumbnail, for a caller who may see it.
func (s *ImageService) OpenImage(ctx context.Context, name string, thumbnail bool) (io.ReadSeekCloser, *app.Image, error) {
	img, thumbType, err := s.find(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	if thumbnail {
		img.ContentType = thumbType
	}
	kind := blob.Image
	if thumbnail {
		kind = blob.Thumbnail
	}
	f, err := s.db.blobs.Open(blob.Key{Kind: kind, Owner: img.UserID, Name: img.ImageName})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, app.ErrImageNotFound // deleted since
	}
	if err != nil {
		return nil, nil, err
	}
	return f, img, nil
}

// ListImages lists a page of the images on a board the caller may see, or
// of the caller's uncategorized images, newest first.
func (s *ImageService) ListImages(ctx context.Context, f app.ImageFilter) (*app.ImagePage, error) {
	page := app.NewPage[*app.Image](f.PageRequest)
	err := s.db.read(ctx, func(tx kv.Tx, actor *userRecord) error {
		bucket, prefix, acc, err := s.imageRange(tx, actor, f.BoardID, f.UserID, &page.Total)
		if err != nil {
			return err
		}
		c := tx.Bucket(bucket).Cursor()
		owners := newNames(tx)
		records := tx.Bucket(bucketImages)
		w := pageWalk{r: keyRange{prefix: prefix, backward: true}, req: f.PageRequest, total: page.Total,
			skip: func(offset int) ([]byte, []byte) { return s.marks.skip(tx, c, prefix, offset) }}
		page.NextCursor, err = w.walk(c, func(_, v []byte) error {
			r, err := getImageIn(records, string(v))
			if err != nil {
				return err
			}
			if r == nil {
				return errCorrupt // an index entry without its record
			}
			page.Items = append(page.Items, r.view(permsOn(actor, r, acc), owners))
			return nil
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// imageRange is the index range that lists a board's images, or the
// actor's uncategorized ones (acc nil), and how many there are.
func (s *ImageService) imageRange(tx kv.Tx, actor *userRecord, boardID, userID string, total *int) (bucket, prefix []byte, acc *app.BoardAccess, err error) {
	if boardID == "" || boardID == app.NoBoard {
		owner := actor.UserID
		if userID != "" && userID != owner {
			if err := app.Check(app.KindLooseImage, app.ActListAll, app.RelationsOf(&actor.User, userID)); err != nil {
				return nil, nil, nil, err
			}
			owner = userID
		}
		*total = looseCount(tx, owner)
		return bucketImagesLoose, rangePrefix(owner), nil, nil
	}
	b, access, err := boardAccess(tx, actor, boardID)
	if err != nil {
		return nil, nil, nil, err
	}
	*total = b.Count
	return bucketImagesByBoard, rangePrefix(b.ID), &access, nil
}

// ImageNames lists every image name on a board the caller may see (or their
// uncategorized images), newest first.
func (s *ImageService) ImageNames(ctx context.Context, boardID string) ([]string, error) {
	out := []string{}
	err := s.db.read(ctx, func(tx kv.Tx, actor *userRecord) error {
		var total int
		bucket, prefix, _, err := s.imageRange(tx, actor, boardID, "", &total)
		if err != nil {
			return err
		}
		c := tx.Bucket(bucket).Cursor()
		for k, v := lastInRange(c, prefix); k != nil; k, v = prevInRange(c, prefix) {
			out = append(out, string(v))
		}
		return nil
	})
	return out, err
}

// UpdateImage stars or unstars one image.
func (s *ImageService) UpdateImage(ctx context.Context, name string, upd app.ImageUpdate) (*app.Image, error) {
	var out *app.Image
	err := s.db.write(ctx, func(tx kv.Tx, actor *userRecord) error {
		r, _, perms, err := imageAccess(tx, actor, name)
		if err != nil {
			return err
		}
		if upd.Starred != nil {
			if err := starTx(tx, r, perms, *upd.Starred); err != nil {
				return err
			}
		}
		out = r.view(perms, newNames(tx))
		return nil
	})
	return out, err
}
