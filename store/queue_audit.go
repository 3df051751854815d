package store

import (
	"fmt"
	"slices"

	"easel/store/kv"
)

// auditOthersItems leaves one audit entry for one action of actor's on
// queue items, when some of them are someone else's (an administrator
// stepping in): whose, and how many. Acting on one's own items leaves none,
// as on one's own boards.
func (db *DB) auditOthersItems(tx kv.Tx, actor *userRecord, action string, items []*itemRecord) error {
	var owners []string
	var ids []uint64
	for _, r := range items {
		if r.Owner == actor.UserID {
			continue
		}
		ids = append(ids, r.ID)
		if !slices.Contains(owners, r.Owner) {
			owners = append(owners, r.Owner)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	target, detail := "", fmt.Sprintf("%d items of %d people", len(ids), len(owners))
	if len(owners) == 1 {
		target = owners[0]
		detail = fmt.Sprintf("%d items", len(ids))
	}
	if len(ids) == 1 {
		detail = fmt.Sprintf("item %d", ids[0])
	}
	return db.audit(tx, actor.UserID, action, target, detail)
}
