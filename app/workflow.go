package app

import (
	"context"
	"encoding/json"
	"io"
	"time"
)

// A workflow is a saved graph with the fields of it a form shows, kept in
// its owner's library and shared as boards are (DESIGN.md). Its document —
// the graph, the fields, name, author, tags, notes — is the engine's
// (engine.Workflow, Easel's workflow file); the store keeps it as bytes
// that the WorkflowFormat it is given has checked, and reads from it only
// the WorkflowSummary.

// MaxWorkflowNameRunes bounds a workflow's name.
const MaxWorkflowNameRunes = 200

// Workflow categories, as InvokeAI's: the built-in ones are "default".
const (
	WorkflowCategoryUser    = "user"
	WorkflowCategoryDefault = "default"
)

// Workflow is one workflow with its whole document, as InvokeAI's
// WorkflowRecordDTO, plus who owns it and what the caller may do.
type Workflow struct {
	WorkflowID string          `json:"workflow_id"`
	Name       string          `json:"name"`
	CreatedAt  time.Time       `json:"created_at"`
	UpdatedAt  time.Time       `json:"updated_at"`
	OpenedAt   *time.Time      `json:"opened_at"` // when the caller last opened it
	UserID     string          `json:"user_id"`
	IsPublic   bool            `json:"is_public"`
	Workflow   json.RawMessage `json:"workflow"`
	// ThumbnailURL is where its thumbnail is (InvokeAI's
	// WorkflowRecordWithThumbnailDTO), with a version that changes with
	// it; nil for none.
	ThumbnailURL *string `json:"thumbnail_url"`
	LibraryAccess
}

// WorkflowListItem is a workflow in a listing, as InvokeAI's
// WorkflowRecordListItemWithThumbnailDTO: no document.
type WorkflowListItem struct {
	WorkflowID   string     `json:"workflow_id"`
	Name         string     `json:"name"`
	Description  string     `json:"description"`
	Category     string     `json:"category"`
	Tags         string     `json:"tags"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	OpenedAt     *time.Time `json:"opened_at"`
	UserID       string     `json:"user_id"`
	IsPublic     bool       `json:"is_public"`
	ThumbnailURL *string    `json:"thumbnail_url"`
	LibraryAccess
}

// WorkflowPage is one page of a workflow listing.
type WorkflowPage = Page[*WorkflowListItem]

// WorkflowSummary is what the store reads of a workflow's document: what
// listings show, search and filter by.
type WorkflowSummary struct {
	Name, Description, Tags, Category string
}

// WorkflowFix is what the store decides about a document whatever it says:
// its id, its category ("default" only for the built-in ones) and, when
// Name is not "", its name (a copy's).
type WorkflowFix struct{ ID, Name, Category string }

// WorkflowFormat is the workflow document's format, which the store is
// given (the engine's) and never looks inside. Check reads a document,
// applies fix and returns it as it is to be kept, with its summary; an
// EINVALID error names what is wrong. Present is a kept document as the
// UI reads it (each field with its spec, from its node type); File is one
// as a workflow file, to save.
type WorkflowFormat interface {
	Check(doc []byte, fix WorkflowFix) (kept []byte, sum WorkflowSummary, err error)
	Present(kept []byte) ([]byte, error)
	File(kept []byte) ([]byte, error)
}

// BuiltinWorkflow is one of the workflows Easel comes with: its id and
// document. They are added to the library once, as the system profile's.
type BuiltinWorkflow struct {
	ID  string
	Doc []byte
}

// The orders a workflow listing may take (InvokeAI's).
const (
	WorkflowOrderName      = "name"
	WorkflowOrderCreatedAt = "created_at"
	WorkflowOrderUpdatedAt = "updated_at"
	WorkflowOrderOpenedAt  = "opened_at"
	WorkflowOrderIsPublic  = "is_public"
)

// Which part of what the caller may see a workflow listing shows.
const (
	// WorkflowScopeDefault is InvokeAI's listing: the caller's own, those
	// shared with them by name and the built-in ones (with IsPublic true:
	// everyone's that everyone may see); an admin's, every workflow.
	WorkflowScopeDefault = ""
	WorkflowScopeMine    = "mine"           // the caller's own
	WorkflowScopeShared  = "shared_with_me" // shared with the caller by name
	WorkflowScopeAll     = "all"            // everything the caller may see
)

// WorkflowFilter chooses a page of workflows. Categories and Tags match any
// of theirs; Query matches name, description or tags, ignoring case.
type WorkflowFilter struct {
	PageRequest
	OrderBy       string   `json:"order_by"`
	Descending    bool     `json:"descending"`
	Categories    []string `json:"categories"`
	Tags          []string `json:"tags"`
	Query         string   `json:"query"`
	IsPublic      *bool    `json:"is_public"`
	HasBeenOpened *bool    `json:"has_been_opened"`
	Scope         string   `json:"scope"`
}

// TagCount is how many listed workflows carry a tag (or are of a category).
type TagCount struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// WorkflowService keeps each profile's workflows. Every method acts as the
// user in ctx; a workflow they may not see does not exist.
type WorkflowService interface {
	CreateWorkflow(ctx context.Context, doc []byte) (*Workflow, error)
	FindWorkflow(ctx context.Context, id string) (*Workflow, error)
	ListWorkflows(ctx context.Context, f WorkflowFilter) (*WorkflowPage, error)
	UpdateWorkflow(ctx context.Context, id string, doc []byte) (*Workflow, error)
	SetWorkflowPublic(ctx context.Context, id string, public bool) (*Workflow, error)
	DeleteWorkflow(ctx context.Context, id string) error
	// CopyWorkflow saves a copy of a workflow the caller may see as theirs:
	// private, category "user".
	CopyWorkflow(ctx context.Context, id string) (*Workflow, error)
	// MarkWorkflowOpened records that the caller opened it, for their
	// "recently opened"; each profile has its own.
	MarkWorkflowOpened(ctx context.Context, id string) (*Workflow, error)
	// SetWorkflowThumbnail makes img's image (PNG, JPEG or WebP) its
	// thumbnail, at most 256 pixels a side, replacing any: its owner, an
	// editor or an admin. Without one, a workflow's first finished run
	// (Batch.WorkflowID) gives it one.
	SetWorkflowThumbnail(ctx context.Context, id string, img ImageUpload) (*Workflow, error)
	DeleteWorkflowThumbnail(ctx context.Context, id string) (*Workflow, error)
	// OpenWorkflowThumbnail opens the thumbnail of a workflow the caller
	// may see, with its content type; the caller closes it.
	OpenWorkflowThumbnail(ctx context.Context, id string) (io.ReadSeekCloser, string, error)
	WorkflowTags(ctx context.Context, f WorkflowFilter) ([]string, error)
	WorkflowCountsByTag(ctx context.Context, f WorkflowFilter, tags []string) (map[string]int, error)
	WorkflowCountsByCategory(ctx context.Context, f WorkflowFilter, categories []string) (map[string]int, error)

	// ExportWorkflow is a workflow the caller may see as a file to save,
	// with its name.
	ExportWorkflow(ctx context.Context, id string) (name string, file []byte, err error)

	SharingService
}

// Audit actions on someone else's workflow, by an administrator, and on
// who may see one.
const (
	AuditWorkflowUpdated    = "workflow_updated"
	AuditWorkflowDeleted    = "workflow_deleted"
	AuditWorkflowVisibility = "workflow_visibility"
	AuditWorkflowShared     = "workflow_shared"
	AuditWorkflowUnshared   = "workflow_unshared"
)
