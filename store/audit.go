package store

import (
	"context"
	"encoding/binary"
	"encoding/json"

	"easel/app"
	"easel/store/kv"
)

// audit appends an entry to the audit log in the caller's transaction, so
// the entry exists exactly when the change it describes does.
func (db *DB) audit(tx kv.Tx, actorID, action, targetID, detail string) error {
	b := tx.Bucket(bucketAudit)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	return putJSON(b, binary.BigEndian.AppendUint64(nil, seq), app.AuditEntry{
		Seq: seq, At: db.now(), ActorID: actorID, Action: action, TargetID: targetID, Detail: detail,
	})
}

// AuditService reads the audit log.
type AuditService struct{ db *DB }

// NewAuditService returns the audit log of db.
func NewAuditService(db *DB) *AuditService { return &AuditService{db: db} }

// List returns a page of the log, newest first. Admins only.
func (s *AuditService) List(ctx context.Context, f app.AuditFilter) (*app.AuditPage, error) {
	page := app.NewPage[app.AuditEntry](f.PageRequest)
	page.Total = -1 // the log is swept from its oldest end; nothing counts it
	req := f.PageRequest
	if req.Cursor == "" && f.Before != 0 {
		req.Cursor = encodeCursor(seqKey(f.Before))
	}
	err := s.db.readAs(ctx, app.KindAuditLog, app.ActSee, func(tx kv.Tx, _ *userRecord) error {
		w := pageWalk{r: keyRange{backward: true}, req: req, total: -1}
		var err error
		page.NextCursor, err = w.walk(tx.Bucket(bucketAudit).Cursor(), func(_, v []byte) error {
			var e app.AuditEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			page.Items = append(page.Items, e)
			return nil
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// Recent returns up to limit entries, newest first, older than before (0:
// from the newest): List's first page, as tests and tools read the log.
func (s *AuditService) Recent(ctx context.Context, before uint64, limit int) ([]app.AuditEntry, error) {
	page, err := s.List(ctx, app.AuditFilter{PageRequest: app.PageRequest{Limit: limit}, Before: before})
	if err != nil {
		return nil, err
	}
	return page.Items, nil
}

var _ app.AuditService = (*AuditService)(nil)
