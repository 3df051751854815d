package app

import (
	"context"
	"time"
)

// AuditEntry records who did what to whom. Detail never holds a secret.
type AuditEntry struct {
	Seq      uint64    `json:"seq"`
	At       time.Time `json:"at"`
	ActorID  string    `json:"actor_id"`
	Action   string    `json:"action"`
	TargetID string    `json:"target_id,omitempty"`
	Detail   string    `json:"detail,omitempty"`
}

// Audit actions.
const (
	AuditSetup          = "setup"
	AuditLogin          = "login"
	AuditLoginFailed    = "login_failed"
	AuditLogout         = "logout"
	AuditUserCreated    = "user_created"
	AuditUserUpdated    = "user_updated"
	AuditUserDeleted    = "user_deleted"
	AuditPasswordChange = "password_changed"
	AuditPasswordReset  = "password_reset"
)

// AuditFilter chooses a page of the audit log, newest first. Before, the
// seq of an entry, starts the page at the entry older than it (the audit
// route's "before"); a cursor, when given, wins.
type AuditFilter struct {
	PageRequest
	Before uint64 `json:"before"`
}

// AuditPage is one page of the audit log.
type AuditPage = Page[AuditEntry]

// AuditService reads the audit log (admins only).
type AuditService interface {
	List(ctx context.Context, f AuditFilter) (*AuditPage, error)
}

// Audit actions on boards and images.
const (
	AuditBoardVisibility = "board_visibility"
	AuditBoardUpdated    = "board_updated"
	AuditBoardShared     = "board_shared"
	AuditBoardUnshared   = "board_unshared"
	AuditBoardDeleted    = "board_deleted"
	AuditImagesDeleted   = "images_deleted"
)

// Audit actions on the queue: an administrator acting on others' items,
// and pausing or resuming everyone's queue.
const (
	AuditQueueCanceled = "queue_items_canceled"
	AuditQueueDeleted  = "queue_items_deleted"
	AuditQueueRetried  = "queue_items_retried"
	AuditQueueCleared  = "queue_cleared"
	AuditQueuePaused   = "queue_paused"
	AuditQueueResumed  = "queue_resumed"
)
