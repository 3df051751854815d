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

// Recent returns up to limit entries, newest first, older than before (0: from the newest). Admins only.
func (s *AuditService) Recent(ctx context.Context, before uint64, limit int) ([]app.AuditEntry, error) {
	limit = app.ClampLimit(limit)
	entries := []app.AuditEntry{}
	err := s.db.readAs(ctx, app.KindAuditLog, app.ActSee, func(tx kv.Tx, _ *userRecord) error {
		c := tx.Bucket(bucketAudit).Cursor()
		var k, v []byte
		if before == 0 {
			k, v = c.Last()
		} else {
			c.Seek(binary.BigEndian.AppendUint64(nil, before))
			k, v = c.Prev()
		}
		for ; k != nil && len(entries) < limit; k, v = c.Prev() {
			var e app.AuditEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			entries = append(entries, e)
		}
		return nil
	})
	return entries, err
}

var _ app.AuditService = (*AuditService)(nil)
