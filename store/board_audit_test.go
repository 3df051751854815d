package store_test

import (
	"testing"

	"easel/app"
	"easel/store"
)

// TestArchiveInBulkIsAnUpdate: archiving boards in bulk goes through the
// same path as changing one board, so an administrator archiving someone's
// board leaves the same audit entry either way.
func TestArchiveInBulkIsAnUpdate(t *testing.T) {
	ts := openTestStore(t)
	admin := ts.setup()
	_, bob := ts.createUser(admin, "bob@test.com", false)
	boards := store.NewBoardService(ts.DB)
	one, _ := boards.CreateBoard(bob, "One")
	two, _ := boards.CreateBoard(bob, "Two")
	entriesFor := func(boardID string) []app.AuditEntry {
		all, _ := auditOf(ts).Recent(admin, 0, 1000)
		var out []app.AuditEntry
		for _, e := range all {
			if e.TargetID == boardID && e.Action == app.AuditBoardUpdated {
				out = append(out, e)
			}
		}
		return out
	}
	archived := true
	if _, err := boards.UpdateBoard(admin, one.BoardID, app.BoardUpdate{Archived: &archived}); err != nil {
		t.Fatal(err)
	}
	res, err := boards.BulkBoards(admin, app.BoardArchive, []string{two.BoardID})
	if err != nil || len(res.Done) != 1 {
		t.Fatalf("bulk archive = %+v, %v", res, err)
	}
	single, bulk := entriesFor(one.BoardID), entriesFor(two.BoardID)
	if len(single) != 1 || len(bulk) != 1 || single[0].Detail != "One" || bulk[0].Detail != "Two" {
		t.Fatalf("audit: single %+v, bulk %+v", single, bulk)
	}
	res, _ = boards.BulkBoards(bob, app.BoardUnarchive, []string{two.BoardID})
	if len(res.Done) != 1 || len(entriesFor(two.BoardID)) != 1 {
		t.Fatalf("the owner unarchiving their own board: %+v, audit %+v", res, entriesFor(two.BoardID))
	}
}
