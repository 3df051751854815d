package store_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"easel/app"
	"easel/app/accesstest"
	"easel/internal/testdisk"
	"easel/store"
)

// TestDiskFull fills the small disk that holds a store: imports and new
// boards fail with words (ENOSPACE, 507), reads keep working, no temporary
// file is left behind, the store opens again on the full disk, and once
// space is free writes work again and everything committed before is still
// there after a restart (whose check of the file passes).
func TestDiskFull(t *testing.T) {
	testdisk.NeedMounts(t)
	root := t.TempDir()
	testdisk.MountTmpfs(t, root, "8m")
	dir := filepath.Join(root, "data")
	ts := openTestStoreIn(t, dir)
	ts.clock = time.Now() // the session must still be valid when the store opens again, on the real clock
	admin := ts.setup()
	boards, images := store.NewBoardService(ts.DB), store.NewImageService(ts.DB)

	var boardIDs, imageNames []string
	pngs := map[string][]byte{}
	for i := 0; i < 3; i++ {
		b, err := boards.CreateBoard(admin, fmt.Sprintf("Before %d", i))
		if err != nil {
			t.Fatal(err)
		}
		boardIDs = append(boardIDs, b.BoardID)
		for j := 0; j < 3; j++ {
			data := accesstest.PNG(10*i + j)
			img, err := images.Import(admin, b.BoardID, "before.png", bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			imageNames = append(imageNames, img.ImageName)
			pngs[img.ImageName] = data
		}
	}

	filler := testdisk.FillDisk(t, root)

	_, err := images.Import(admin, boardIDs[0], "full.png", bytes.NewReader(accesstest.PNG(99)))
	wantWords(t, err, app.ENOSPACE, "is full", dir, "Free some space")
	if got := app.HTTPStatus(app.ErrorCode(err)); got != 507 {
		t.Fatalf("status of a full disk = %d, want 507", got)
	}

	// bbolt first reuses pages it freed, which are on the disk already, so
	// a few boards may still fit; the tree soon needs a new page.
	var boardErr error
	for i := 0; i < 5000 && boardErr == nil; i++ {
		var b *app.Board
		if b, boardErr = boards.CreateBoard(admin, fmt.Sprintf("While full %d", i)); boardErr == nil {
			boardIDs = append(boardIDs, b.BoardID)
		}
	}
	wantWords(t, boardErr, app.ENOSPACE, "is full", dir)
	t.Logf("%d boards fitted in pages bbolt had freed before the disk was full", len(boardIDs)-3)
	// A failed commit leaves the store as it was: the next write fails the same way.
	_, err = boards.CreateBoard(admin, "Still full")
	wantCode(t, err, app.ENOSPACE)

	// Reads keep working: listings, records and the files themselves.
	checkSaved(t, ts.DB, admin, boardIDs, imageNames, pngs)
	if n, want := countFiles(t, dir), 2*ts.ImageCount(); n != want {
		t.Fatalf("%d files for %d records: a failed import left files behind", n, want/2)
	}

	// Easel starts on the full disk: opening a store at this schema writes
	// nothing it needs, and people can see their work.
	ts.Close()
	full, err := store.Open(dir)
	if err != nil {
		t.Fatalf("open on the full disk: %v", err)
	}
	defer full.Close()
	checkSaved(t, full, admin, boardIDs, imageNames, pngs)
	boards, images = store.NewBoardService(full), store.NewImageService(full)

	// Space again: writes work.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	b, err := boards.CreateBoard(admin, "After")
	if err != nil {
		t.Fatalf("create a board once space is free: %v", err)
	}
	boardIDs = append(boardIDs, b.BoardID)
	img, err := images.Import(admin, b.BoardID, "after.png", bytes.NewReader(accesstest.PNG(7)))
	if err != nil {
		t.Fatalf("import once space is free: %v", err)
	}
	imageNames = append(imageNames, img.ImageName)
	pngs[img.ImageName] = accesstest.PNG(7)

	// And after a restart, which checks the whole file, nothing is lost.
	full.Close()
	db, err := store.Open(dir)
	if err != nil {
		t.Fatalf("reopen after the disk was full: %v", err)
	}
	defer db.Close()
	ctx := (&testStore{DB: db, t: t, auth: store.NewAuthService(db)}).login(adminEmail, adminPassword)
	checkSaved(t, db, ctx, boardIDs, imageNames, pngs)
	if missing, err := db.ImageFilesMissing(); err != nil || len(missing) > 0 {
		t.Fatalf("records without files: %v %v", missing, err)
	}
}

// checkSaved reads back every board and image, and the image files' bytes.
func checkSaved(t *testing.T, db *store.DB, ctx context.Context, boardIDs, imageNames []string, pngs map[string][]byte) {
	t.Helper()
	boards, images := store.NewBoardService(db), store.NewImageService(db)
	page, err := boards.ListBoards(ctx, app.BoardFilter{All: true})
	if err != nil {
		t.Fatalf("list boards: %v", err)
	}
	listed := map[string]bool{}
	for _, b := range page.Items {
		listed[b.BoardID] = true
	}
	for _, id := range boardIDs {
		if !listed[id] {
			t.Fatalf("board %s is missing (%d listed, %d saved)", id, len(page.Items), len(boardIDs))
		}
	}
	for _, name := range imageNames {
		f, _, err := images.OpenImage(ctx, name, false)
		if err != nil {
			t.Fatalf("open image %s: %v", name, err)
		}
		got, err := io.ReadAll(f)
		f.Close()
		if err != nil || !bytes.Equal(got, pngs[name]) {
			t.Fatalf("image %s reads back %d bytes (%v), want its %d", name, len(got), err, len(pngs[name]))
		}
	}
}
