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

// AuditService reads the audit log (admins only).
type AuditService interface {
	Recent(ctx context.Context, before uint64, limit int) ([]AuditEntry, error)
}

// DefaultPageSize and MaxPageSize bound every list that pages.
const (
	DefaultPageSize = 100
	MaxPageSize     = 1000
)

// ClampLimit turns a requested page size into one the store serves.
func ClampLimit(limit int) int {
	switch {
	case limit <= 0:
		return DefaultPageSize
	case limit > MaxPageSize:
		return MaxPageSize
	}
	return limit
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
