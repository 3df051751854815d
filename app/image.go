package app

import (
	"context"
	"encoding/json"
	"io"
	"regexp"
	"time"
)

// Image is one picture in Easel, imported or rendered.
type Image struct {
	ImageName    string          `json:"image_name"`
	UserID       string          `json:"user_id"`
	OwnerName    string          `json:"owner_name"`
	BoardID      *string         `json:"board_id"`
	Width        int             `json:"width"`
	Height       int             `json:"height"`
	CreatedAt    time.Time       `json:"created_at"`
	Starred      bool            `json:"starred"`
	OriginalName string          `json:"original_name"`
	Size         int64           `json:"size"`
	ContentType  string          `json:"content_type"`
	Metadata     json.RawMessage `json:"metadata,omitempty"`
	// QueueItemID is the queue item whose run made the image; 0 for imports.
	QueueItemID  uint64 `json:"queue_item_id,omitempty"`
	ImageURL     string `json:"image_url"`
	ThumbnailURL string `json:"thumbnail_url"`
	// What the caller may do, for the UI; the store decides anew on every call.
	CanTakeOff bool `json:"can_take_off"`
	CanDelete  bool `json:"can_delete"`
}

// NoBoard in a filter or a move means the caller's uncategorized images.
const NoBoard = "none"

// ImageFilter chooses a page of images on one board (or NoBoard), newest first.
type ImageFilter struct {
	BoardID string `json:"board_id"`
	// UserID, with BoardID NoBoard, lists that profile's uncategorized
	// images: admins only (a deleted profile's images stay theirs to see).
	UserID string `json:"user_id"`
	PageRequest
}

// ImagePage is one page of images.
type ImagePage = Page[*Image]

// ImageUpdate changes one image; nil fields stay as they are.
type ImageUpdate struct {
	Starred *bool `json:"starred"`
}

// NewImage is an image about to be stored: its file, its thumbnail, and
// what is known of it. Metadata is JSON (a rendered image's graph and seed).
type NewImage struct {
	BoardID      string // "" for uncategorized
	OriginalName string
	Data         []byte
	ContentType  string
	Width        int
	Height       int
	Thumbnail    []byte
	ThumbType    string
	Metadata     json.RawMessage
	// QueueItemID is the running queue item that made the image: the image
	// is recorded on the item in the transaction that saves it, so that a
	// run stopped before it finished can take back what it saved.
	QueueItemID uint64
}

// ImageService keeps images and decides who may see and change them. Every
// method acts as the user in ctx.
type ImageService interface {
	// Import checks that r holds an image, makes its thumbnail and stores
	// it on boardID ("" for uncategorized). It reads r to its end (or to
	// the size limit) without holding it in memory: r may be an upload as
	// it arrives, or an open file.
	Import(ctx context.Context, boardID, fileName string, r io.Reader) (*Image, error)
	// Add stores an image that is already checked (the engine's output).
	Add(ctx context.Context, img NewImage) (*Image, error)
	FindImage(ctx context.Context, name string) (*Image, error)
	ListImages(ctx context.Context, f ImageFilter) (*ImagePage, error)
	ImageNames(ctx context.Context, boardID string) ([]string, error)
	UpdateImage(ctx context.Context, name string, upd ImageUpdate) (*Image, error)
	// OpenImage opens the image's file (or its thumbnail) for reading.
	OpenImage(ctx context.Context, name string, thumbnail bool) (io.ReadSeekCloser, *Image, error)

	DeleteImages(ctx context.Context, names []string) (*BulkResult, error)
	StarImages(ctx context.Context, names []string, starred bool) (*BulkResult, error)
	AddToBoard(ctx context.Context, boardID string, names []string) (*BulkResult, error)
	RemoveFromBoard(ctx context.Context, names []string) (*BulkResult, error)
	// Downloadable lists the images of a board, or of names, that the caller
	// may read, for a zip.
	Downloadable(ctx context.Context, boardID string, names []string) ([]*Image, error)
}

// MaxBulk bounds how many items one bulk call may name.
const MaxBulk = 10000

var imageNamePattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.(png|jpg|webp)$`)

// ValidImageName reports whether name is one Easel gives images: it is also
// a file name, so nothing else may pass.
func ValidImageName(name string) bool { return imageNamePattern.MatchString(name) }

// SetURLs fills in where the page fetches an image and its thumbnail.
func (img *Image) SetURLs() {
	img.ImageURL = "/api/v1/images/i/" + img.ImageName + "/full"
	img.ThumbnailURL = "/api/v1/images/i/" + img.ImageName + "/thumbnail"
}
