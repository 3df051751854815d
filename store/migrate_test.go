package store_test

import (
	"context"
	"testing"

	"easel/app"
	"easel/store"
)

// TestUpgradeFromProfilesOnly: a store made by the first version (profiles,
// no boards) opens and upgrades in place, keeping its profiles.
func TestUpgradeFromProfilesOnly(t *testing.T) {
	dir := t.TempDir()
	old, err := store.OpenAtVersion(dir, 1)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := old.SchemaVersion(); v != 1 {
		t.Fatalf("old store at version %d", v)
	}
	if _, err := store.NewUserService(old).Setup(context.Background(), app.NewUser{Email: "old@t.co", Password: "old-password"}); err != nil {
		t.Fatal(err)
	}
	old.Close()

	ts := openTestStoreIn(t, dir)
	if v, _ := ts.SchemaVersion(); v != store.SchemaVersion || v < 2 {
		t.Fatalf("upgraded to version %d, want %d", v, store.SchemaVersion)
	}
	ctx := ts.login("old@t.co", "old-password")
	if _, err := store.NewBoardService(ts.DB).CreateBoard(ctx, "after the upgrade"); err != nil {
		t.Fatalf("boards after upgrading: %v", err)
	}
}

func TestNewerStoreIsRefused(t *testing.T) {
	dir := t.TempDir()
	db, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = store.OpenAtVersion(dir, 1)
	wantCode(t, err, app.EINVALID)
}
