package app

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Visibility says who besides the owner and those it is shared with may
// see a board: nobody (private), everyone (shared), or everyone, who may
// also add their own images (public).
type Visibility string

const (
	VisibilityPrivate Visibility = "private"
	VisibilityShared  Visibility = "shared"
	VisibilityPublic  Visibility = "public"
)

// Valid reports whether v is one of the three visibilities.
func (v Visibility) Valid() bool {
	return v == VisibilityPrivate || v == VisibilityShared || v == VisibilityPublic
}

// Role is what a board's owner gave a named user.
type Role string

const (
	RoleNone   Role = ""
	RoleViewer Role = "viewer"
	RoleEditor Role = "editor"
)

// Board is a collection of images owned by one profile.
type Board struct {
	BoardID        string     `json:"board_id"`
	BoardName      string     `json:"board_name"`
	UserID         string     `json:"user_id"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	Archived       bool       `json:"archived"`
	Visibility     Visibility `json:"board_visibility"`
	CoverImageName *string    `json:"cover_image_name"`
	ImageCount     int        `json:"image_count"`
	OwnerName      string     `json:"owner_name"`
	// What the caller may do, for the UI to offer; the store decides anew on
	// every call. MyRole is "owner", "admin", "editor", "viewer", "shared" or
	// "public" (a board everyone may see, or see and add to).
	MyRole    string `json:"my_role"`
	CanAdd    bool   `json:"can_add"`
	CanManage bool   `json:"can_manage"`
}

// BoardUpdate changes a board; nil fields stay as they are.
type BoardUpdate struct {
	BoardName  *string     `json:"board_name"`
	Archived   *bool       `json:"archived"`
	Visibility *Visibility `json:"board_visibility"`
}

// BoardFilter chooses which boards a listing returns, newest first: a
// page of them (a cursor from the last page's NextCursor, or an offset),
// or with All every one.
type BoardFilter struct {
	PageRequest
	IncludeArchived bool `json:"include_archived"`
	All             bool `json:"all"` // the whole list, no paging
}

// BoardPage is one page of a board listing.
type BoardPage = Page[*Board]

// Share is one named user's access to a board.
type Share struct {
	UserID      string    `json:"user_id"`
	DisplayName string    `json:"display_name"`
	Role        Role      `json:"role"`
	SharedAt    time.Time `json:"shared_at"`
}

// BoardService manages boards and who may see them. Every method acts as
// the user in ctx.
type BoardService interface {
	CreateBoard(ctx context.Context, name string) (*Board, error)
	// FindOrCreateBoard returns the caller's board with this name, making it if needed.
	FindOrCreateBoard(ctx context.Context, name string) (*Board, error)
	FindBoard(ctx context.Context, boardID string) (*Board, error)
	ListBoards(ctx context.Context, f BoardFilter) (*BoardPage, error)
	UpdateBoard(ctx context.Context, boardID string, upd BoardUpdate) (*Board, error)
	// DeleteBoard deletes a board. With includeImages, the caller's images on
	// it are deleted too (all of them for an admin); the rest become their
	// owners' uncategorized images.
	DeleteBoard(ctx context.Context, boardID string, includeImages bool) (*BulkResult, error)
	// BulkBoards archives, unarchives or deletes many boards in one transaction.
	BulkBoards(ctx context.Context, op BoardOp, boardIDs []string) (*BulkResult, error)

	ListShares(ctx context.Context, boardID string) ([]Share, error)
	ShareBoard(ctx context.Context, boardID, userID string, role Role) (*Share, error)
	UnshareBoard(ctx context.Context, boardID, userID string) error
	// ShareCandidates lists the profiles a board can be shared with.
	ShareCandidates(ctx context.Context, boardID string) ([]ProfileTile, error)
}

// BoardOp is a bulk operation on boards.
type BoardOp string

const (
	BoardArchive          BoardOp = "archive"
	BoardUnarchive        BoardOp = "unarchive"
	BoardDelete           BoardOp = "delete"
	BoardDeleteWithImages BoardOp = "delete_with_images"
)

// BulkResult reports what a bulk action did and what it skipped and why.
type BulkResult struct {
	Done    []string  `json:"done"`
	Skipped []Skipped `json:"skipped"`
}

// Skipped is one item a bulk action left alone: Code (an error code, such
// as "forbidden" or "not_found") is for programs to decide on, Reason for
// the person.
type Skipped struct {
	ID     string `json:"id"`
	Code   string `json:"code"`
	Reason string `json:"reason"`
}

// Skip records that id was left alone because of err.
func (r *BulkResult) Skip(id string, err error) {
	r.Skipped = append(r.Skipped, Skipped{ID: id, Code: ErrorCode(err), Reason: ErrorMessage(err)})
}

// MaxBoardNameLen is the longest board name, in characters.
const MaxBoardNameLen = 300

// CleanBoardName trims a board name and checks it: 1 to 300 characters of
// any script, no control characters.
func CleanBoardName(name string) (string, error) {
	name = strings.TrimSpace(name)
	switch n := utf8.RuneCountInString(name); {
	case !utf8.ValidString(name):
		return "", Errorf(EINVALID, "Board names must be valid text.")
	case n == 0:
		return "", Errorf(EINVALID, "Give the board a name.")
	case n > MaxBoardNameLen:
		return "", Errorf(EINVALID, "Board names are at most %d characters (this one has %d).", MaxBoardNameLen, n)
	}
	if strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return "", Errorf(EINVALID, "Board names cannot contain control characters such as tabs or line breaks.")
	}
	return name, nil
}

// UpdateVisibility is a BoardUpdate that sets only the visibility.
func UpdateVisibility(v Visibility) BoardUpdate { return BoardUpdate{Visibility: &v} }

// BoardSharing is b's sharing under SharingService's names, for the faces
// that serve every shareable kind one way.
func BoardSharing(b BoardService) SharingService { return boardSharing{b} }

type boardSharing struct{ BoardService }

func (b boardSharing) Share(ctx context.Context, id, userID string, role Role) (*Share, error) {
	return b.ShareBoard(ctx, id, userID, role)
}

func (b boardSharing) Unshare(ctx context.Context, id, userID string) error {
	return b.UnshareBoard(ctx, id, userID)
}
