package render

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"io"

	"easel/app"
	"easel/app/engine"
	"easel/app/imaging"
)

// invocation is what the engine's nodes use while an item runs. It acts as
// the item's owner: it reads only images the owner may read and saves only
// to boards the owner may add to, because every call goes through the
// services with the owner as the acting user.
type invocation struct {
	context.Context
	w      *Worker
	item   *app.QueueItem
	owner  string
	graph  json.RawMessage
	limits engine.Limits
	saved  int // images saved so far, for their file names
}

var _ engine.Context = (*invocation)(nil)

// asOwner is the context the services see: the item's owner acting.
func (in *invocation) asOwner() context.Context {
	return app.NewContextWithActor(in.Context, &app.Actor{UserID: in.owner})
}

func (in *invocation) runGraph() error {
	g, err := parseGraph(in.graph)
	if err == nil {
		err = applyValues(g, in.item.FieldValues)
	}
	if err != nil {
		return err
	}
	last := -1
	_, err = engine.RunWithin(in, g, in.limits, func(p engine.Progress) {
		pct := int(p.Fraction * 100)
		if pct == last && p.Preview == nil {
			return // one event per percent is plenty, but a preview is news
		}
		last = pct
		in.w.events.Publish(in.owner, &app.QueueEvent{Type: app.EventNodeProgress, Item: in.item,
			NodeID: p.NodeID, NodeType: p.NodeType, Percent: float64(pct), Message: p.Message, Image: previewOf(p.Preview)})
	})
	return ownerError(err)
}

// previewOf is a backend's picture so far as an event carries it: a
// thumbnail, small enough to send to every window several times a second.
func previewOf(img image.Image) *app.ProgressImage {
	if img == nil || img.Bounds().Empty() {
		return nil
	}
	thumb := imaging.Thumbnail(img, imaging.ThumbnailSize)
	data, contentType, err := imaging.EncodeThumbnail(thumb)
	if err != nil {
		return nil // a preview is a nicety; the picture itself is what counts
	}
	b := thumb.Bounds()
	return &app.ProgressImage{DataURL: "data:" + contentType + ";base64," + base64.StdEncoding.EncodeToString(data), Width: b.Dx(), Height: b.Dy()}
}

var _ engine.Generators = (*invocation)(nil)

// Generator is the backend for a model the owner may use, asked as the
// owner now, not as they were when the item was queued.
func (in *invocation) Generator(modelID string) (app.Generator, error) {
	if in.w.generation == nil {
		return nil, app.Errorf(app.EINVALID, "No image-generation server is set up. An administrator can add one in Settings.")
	}
	return in.w.generation.Generator(in.asOwner(), modelID)
}

// ownerError explains a refusal that comes from the owner's profile having
// gone (disabled or deleted) rather than from the graph.
func ownerError(err error) error {
	if app.ErrorCode(err) == app.EUNAUTHORIZED {
		return app.Errorf(app.EUNAUTHORIZED, "The profile that queued this item is disabled or deleted, so it cannot run.")
	}
	return err
}

// ImageSize is the size of an image the owner may see, from its record, so
// that the run can refuse one too big for its budget before decoding it.
func (in *invocation) ImageSize(name string) (width, height int, err error) {
	img, err := in.w.images.FindImage(in.asOwner(), name)
	if err != nil {
		return 0, 0, err
	}
	return img.Width, img.Height, nil
}

var _ engine.ImageSizer = (*invocation)(nil)

// LoadImage reads an image the owner may see.
func (in *invocation) LoadImage(name string) (image.Image, error) {
	f, _, err := in.w.images.OpenImage(in.asOwner(), name, false)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, err
	}
	_, img, err := imaging.Inspect(in, name, data, imaging.Limits{})
	return img, err
}

// SaveImage saves a rendered image for the owner, on a board they may add
// to (a named board is found or made among their own).
func (in *invocation) SaveImage(img image.Image, board engine.BoardRef, meta engine.Metadata) (string, error) {
	boardID := board.BoardID
	if board.BoardName != "" {
		b, err := in.w.boards.FindOrCreateBoard(in.asOwner(), board.BoardName)
		if err != nil {
			return "", err
		}
		boardID = b.BoardID
	}
	data, err := imaging.EncodePNG(img)
	if err != nil {
		return "", err
	}
	thumb, thumbType, err := imaging.EncodeThumbnail(imaging.Thumbnail(img, imaging.ThumbnailSize))
	if err != nil {
		return "", err
	}
	metaJSON, err := json.Marshal(meta)
	if err != nil {
		return "", err
	}
	b := img.Bounds()
	saved, err := in.w.images.Add(in.asOwner(), app.NewImage{
		BoardID: boardID, OriginalName: fmt.Sprintf("easel-%d-%d.png", in.item.ItemID, in.saved+1),
		Data: data, ContentType: "image/png", Width: b.Dx(), Height: b.Dy(),
		Thumbnail: thumb, ThumbType: thumbType, Metadata: metaJSON, QueueItemID: in.item.ItemID,
	})
	if err != nil {
		return "", err
	}
	in.saved++
	in.w.events.Publish(in.owner, &app.QueueEvent{Type: app.EventImageSaved, Item: in.item, ImageName: saved.ImageName, BoardID: boardID})
	return saved.ImageName, nil
}
