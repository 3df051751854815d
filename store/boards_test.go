package store_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"easel/app"
	"easel/app/accesstest"
	"easel/store"
)

type galleryStore struct {
	*testStore
	boards *store.BoardService
	images *store.ImageService
	seed   int
}

func openGallery(t *testing.T) *galleryStore {
	ts := openTestStore(t)
	return &galleryStore{testStore: ts, boards: ts.set.Boards, images: ts.set.Images}
}

func (g *galleryStore) board(ctx context.Context, name string) *app.Board {
	g.t.Helper()
	b, err := g.boards.CreateBoard(ctx, name)
	if err != nil {
		g.t.Fatal(err)
	}
	return b
}

func (g *galleryStore) img(ctx context.Context, boardID string) *app.Image {
	g.t.Helper()
	g.seed++
	img, err := g.images.Import(ctx, boardID, "pic.png", bytes.NewReader(accesstest.PNG(g.seed)))
	if err != nil {
		g.t.Fatal(err)
	}
	return img
}

func boardNames(page *app.BoardPage) string {
	var names []string
	for _, b := range page.Items {
		names = append(names, b.BoardName)
	}
	return strings.Join(names, ",")
}

func TestBoardList(t *testing.T) {
	g := openGallery(t)
	admin := g.setup()
	ann, annCtx := g.createUser(admin, "ann@t.co", false)
	_, bobCtx := g.createUser(admin, "bob@t.co", false)
	_ = ann

	a1 := g.board(annCtx, "a1 private")
	a2 := g.board(annCtx, "a2 shared with bob")
	a3 := g.board(annCtx, "a3 public and shared")
	a4 := g.board(annCtx, "a4 archived public")
	b1 := g.board(bobCtx, "b1 bob's")
	_ = a1
	g.boards.ShareBoard(annCtx, a2.BoardID, mustMe(t, g, bobCtx), app.RoleViewer)
	g.boards.ShareBoard(annCtx, a3.BoardID, mustMe(t, g, bobCtx), app.RoleEditor)
	pub := app.VisibilityPublic
	g.boards.UpdateBoard(annCtx, a3.BoardID, app.BoardUpdate{Visibility: &pub})
	g.boards.UpdateBoard(annCtx, a4.BoardID, app.BoardUpdate{Visibility: &pub, Archived: ptr(true)})
	g.img(annCtx, a3.BoardID)
	last := g.img(annCtx, a3.BoardID)

	t.Run("OK own, shared with me and everyone's, newest first, each once", func(t *testing.T) {
		page, err := g.boards.ListBoards(bobCtx, app.BoardFilter{All: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := boardNames(page); got != "b1 bob's,a3 public and shared,a2 shared with bob" || page.Total != 3 {
			t.Fatalf("bob's boards = %s (total %d)", got, page.Total)
		}
		a3view := page.Items[1]
		if a3view.OwnerName != "ann" || a3view.ImageCount != 2 || *a3view.CoverImageName != last.ImageName || a3view.MyRole != "editor" || !a3view.CanAdd || a3view.CanManage {
			t.Fatalf("a3 as bob sees it = %+v", a3view)
		}
		if page.Items[0].MyRole != "owner" || !page.Items[0].CanManage {
			t.Fatalf("b1 = %+v", page.Items[0])
		}
	})
	t.Run("OK archived boards only when asked", func(t *testing.T) {
		page, _ := g.boards.ListBoards(bobCtx, app.BoardFilter{All: true, IncludeArchived: true})
		if !strings.Contains(boardNames(page), "a4") {
			t.Fatalf("archived missing: %s", boardNames(page))
		}
	})
	t.Run("OK pages with offset, limit and total", func(t *testing.T) {
		page, _ := g.boards.ListBoards(annCtx, app.BoardFilter{PageRequest: app.PageRequest{Offset: 1, Limit: 2}})
		if got := boardNames(page); got != "a2 shared with bob,a1 private" || page.Total != 3 || page.Limit != 2 || page.Offset != 1 {
			t.Fatalf("page = %s total %d", got, page.Total)
		}
	})
	t.Run("OK admins see every board, labelled with its owner", func(t *testing.T) {
		page, _ := g.boards.ListBoards(admin, app.BoardFilter{All: true})
		if page.Total != 4 || page.Items[3].OwnerName != "ann" || page.Items[3].MyRole != "admin" {
			t.Fatalf("admin sees %s, last %+v", boardNames(page), page.Items[3])
		}
	})
	t.Run("OK a board made private and unshared disappears", func(t *testing.T) {
		priv := app.VisibilityPrivate
		g.boards.UpdateBoard(annCtx, a3.BoardID, app.BoardUpdate{Visibility: &priv})
		if err := g.boards.UnshareBoard(annCtx, a3.BoardID, mustMe(t, g, bobCtx)); err != nil {
			t.Fatal(err)
		}
		page, _ := g.boards.ListBoards(bobCtx, app.BoardFilter{All: true})
		if got := boardNames(page); got != "b1 bob's,a2 shared with bob" {
			t.Fatalf("after unsharing: %s", got)
		}
		_, err := g.boards.FindBoard(bobCtx, a3.BoardID)
		wantCode(t, err, app.ENOTFOUND)
		_, err = g.images.FindImage(bobCtx, last.ImageName)
		wantCode(t, err, app.ENOTFOUND)
	})
	_ = b1
}

func mustMe(t *testing.T, g *galleryStore, ctx context.Context) string {
	t.Helper()
	u, err := g.users.Me(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return u.UserID
}

func TestBoardNames(t *testing.T) {
	g := openGallery(t)
	ctx := g.setup()
	for name, code := range map[string]string{
		"Holiday 2026":           "",
		"  trimmed  ":            "",
		"日本の写真 🎨":                "",
		strings.Repeat("é", 300): "",
		strings.Repeat("x", 301): app.EINVALID,
		"":                       app.EINVALID,
		"   ":                    app.EINVALID,
		"tab\there":              app.EINVALID,
		"line\nbreak":            app.EINVALID,
		"../../etc":              "",
	} {
		_, err := g.boards.CreateBoard(ctx, name)
		if app.ErrorCode(err) != code {
			t.Errorf("CreateBoard(%q) = %v, want %q", name, err, code)
		}
	}
	b := g.board(ctx, "x")
	_, err := g.boards.UpdateBoard(ctx, b.BoardID, app.BoardUpdate{BoardName: ptr(strings.Repeat("x", 301))})
	wantCode(t, err, app.EINVALID)
	bad := app.Visibility("secret")
	_, err = g.boards.UpdateBoard(ctx, b.BoardID, app.BoardUpdate{Visibility: &bad})
	wantCode(t, err, app.EINVALID)
	for _, id := range []string{"", "nope", "../" + b.BoardID} {
		_, err = g.boards.FindBoard(ctx, id)
		wantCode(t, err, app.ENOTFOUND)
	}
}

func TestSharing(t *testing.T) {
	g := openGallery(t)
	admin := g.setup()
	ann, annCtx := g.createUser(admin, "ann@t.co", false)
	bob, bobCtx := g.createUser(admin, "bob@t.co", false)
	b := g.board(annCtx, "Ann's")

	t.Run("ErrInvalid sharing with oneself, system, an unknown user, or a bad role", func(t *testing.T) {
		for _, tc := range []struct{ user, role string }{{ann.UserID, "viewer"}, {app.SystemUserID, "viewer"}, {"nobody", "viewer"}, {bob.UserID, "owner"}, {bob.UserID, ""}} {
			_, err := g.boards.ShareBoard(annCtx, b.BoardID, tc.user, app.Role(tc.role))
			if app.ErrorCode(err) != app.EINVALID {
				t.Errorf("share with %s as %q: %v", tc.user, tc.role, err)
			}
		}
	})
	t.Run("OK share, change the role, list, unshare", func(t *testing.T) {
		if _, err := g.boards.ShareBoard(annCtx, b.BoardID, bob.UserID, app.RoleViewer); err != nil {
			t.Fatal(err)
		}
		g.seed++
		_, err := g.images.Import(bobCtx, b.BoardID, "x.png", bytes.NewReader(accesstest.PNG(g.seed)))
		wantCode(t, err, app.EFORBIDDEN)
		if _, err := g.boards.ShareBoard(annCtx, b.BoardID, bob.UserID, app.RoleEditor); err != nil {
			t.Fatal(err)
		}
		g.img(bobCtx, b.BoardID)
		shares, err := g.boards.ListShares(annCtx, b.BoardID)
		if err != nil || len(shares) != 1 || shares[0].Role != app.RoleEditor || shares[0].DisplayName != "bob" {
			t.Fatalf("shares = %+v, %v", shares, err)
		}
		cands, _ := g.boards.ShareCandidates(annCtx, b.BoardID)
		if len(cands) != 2 { // the admin and bob; never the owner or system
			t.Fatalf("candidates = %+v", cands)
		}
		if err := g.boards.UnshareBoard(annCtx, b.BoardID, bob.UserID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, g.boards.UnshareBoard(annCtx, b.BoardID, bob.UserID), app.ENOTFOUND)
	})
	t.Run("OK deleting a user removes their shares, keeps their images", func(t *testing.T) {
		carol, carolCtx := g.createUser(admin, "carol@t.co", false)
		g.boards.ShareBoard(annCtx, b.BoardID, carol.UserID, app.RoleEditor)
		mine := g.img(carolCtx, b.BoardID)
		if err := g.users.DeleteUser(admin, carol.UserID); err != nil {
			t.Fatal(err)
		}
		shares, _ := g.boards.ListShares(annCtx, b.BoardID)
		for _, s := range shares {
			if s.UserID == carol.UserID {
				t.Fatal("the deleted user's share is still there")
			}
		}
		img, err := g.images.FindImage(admin, mine.ImageName)
		if err != nil || img.OwnerName != "Deleted profile" || img.UserID != carol.UserID {
			t.Fatalf("the deleted user's image = %+v, %v", img, err)
		}
		g.images.RemoveFromBoard(admin, []string{mine.ImageName})
		page, err := g.images.ListImages(admin, app.ImageFilter{BoardID: app.NoBoard, UserID: carol.UserID})
		if err != nil || page.Total != 1 {
			t.Fatalf("an admin listing the deleted profile's uncategorized images: %+v, %v", page, err)
		}
		_, err = g.images.ListImages(annCtx, app.ImageFilter{BoardID: app.NoBoard, UserID: carol.UserID})
		wantCode(t, err, app.EFORBIDDEN)
	})
}

func TestDeleteBoard(t *testing.T) {
	g := openGallery(t)
	admin := g.setup()
	_, annCtx := g.createUser(admin, "ann@t.co", false)
	bob, bobCtx := g.createUser(admin, "bob@t.co", false)

	t.Run("OK keeping the images makes them uncategorized", func(t *testing.T) {
		b := g.board(annCtx, "keep")
		img := g.img(annCtx, b.BoardID)
		if _, err := g.boards.DeleteBoard(annCtx, b.BoardID, false); err != nil {
			t.Fatal(err)
		}
		got, err := g.images.FindImage(annCtx, img.ImageName)
		if err != nil || got.BoardID != nil {
			t.Fatalf("image after board deletion = %+v, %v", got, err)
		}
		page, _ := g.images.ListImages(annCtx, app.ImageFilter{BoardID: app.NoBoard})
		if page.Total != 1 || page.Items[0].ImageName != img.ImageName {
			t.Fatalf("uncategorized = %+v", page)
		}
	})
	t.Run("OK with images: the owner's go, contributors' become theirs uncategorized", func(t *testing.T) {
		b := g.board(annCtx, "contributed")
		g.boards.ShareBoard(annCtx, b.BoardID, bob.UserID, app.RoleEditor)
		annImg := g.img(annCtx, b.BoardID)
		bobImg := g.img(bobCtx, b.BoardID)
		res, err := g.boards.DeleteBoard(annCtx, b.BoardID, true)
		if err != nil || len(res.Done) != 1 || res.Done[0] != annImg.ImageName {
			t.Fatalf("delete = %+v, %v", res, err)
		}
		_, err = g.images.FindImage(annCtx, annImg.ImageName)
		wantCode(t, err, app.ENOTFOUND)
		got, err := g.images.FindImage(bobCtx, bobImg.ImageName)
		if err != nil || got.BoardID != nil {
			t.Fatalf("bob's image = %+v, %v", got, err)
		}
		_, err = g.images.FindImage(annCtx, bobImg.ImageName)
		wantCode(t, err, app.ENOTFOUND) // bob's uncategorized now
	})
	t.Run("OK an admin deleting with images deletes them all", func(t *testing.T) {
		b := g.board(annCtx, "all")
		g.boards.ShareBoard(annCtx, b.BoardID, bob.UserID, app.RoleEditor)
		g.img(annCtx, b.BoardID)
		g.img(bobCtx, b.BoardID)
		res, err := g.boards.DeleteBoard(admin, b.BoardID, true)
		if err != nil || len(res.Done) != 2 {
			t.Fatalf("admin delete = %+v, %v", res, err)
		}
	})
	t.Run("OK bulk archive skips what the caller may not change", func(t *testing.T) {
		mine := g.board(annCtx, "mine")
		theirs := g.board(bobCtx, "theirs")
		res, err := g.boards.BulkBoards(annCtx, app.BoardArchive, []string{mine.BoardID, theirs.BoardID, "nope"})
		if err != nil || len(res.Done) != 1 || len(res.Skipped) != 2 || res.Skipped[0].Reason != "Board not found" {
			t.Fatalf("bulk = %+v, %v", res, err)
		}
		page, _ := g.boards.ListBoards(annCtx, app.BoardFilter{All: true})
		if strings.Contains(boardNames(page), "mine") {
			t.Fatal("the archived board is still listed")
		}
		res, err = g.boards.BulkBoards(annCtx, app.BoardDeleteWithImages, []string{mine.BoardID})
		if err != nil || len(res.Done) != 1 {
			t.Fatalf("bulk delete = %+v, %v", res, err)
		}
		_, err = g.boards.BulkBoards(annCtx, "explode", []string{mine.BoardID})
		wantCode(t, err, app.EINVALID)
	})
}

// TestListTotalsFollowChanges: a listing's total is remembered between
// listings, and every change that moves it is seen at once.
func TestListTotalsFollowChanges(t *testing.T) {
	g := openGallery(t)
	admin := g.setup()
	_, annCtx := g.createUser(admin, "ann@t.co", false)
	bob, bobCtx := g.createUser(admin, "bob@t.co", false)
	total := func(ctx context.Context) int {
		t.Helper()
		page, err := g.boards.ListBoards(ctx, app.BoardFilter{PageRequest: app.PageRequest{Limit: 1}})
		if err != nil {
			t.Fatal(err)
		}
		return page.Total
	}
	b := g.board(annCtx, "one")
	g.board(annCtx, "two")
	for step, tc := range []struct {
		change      func()
		ann, bob, a int
	}{
		{func() {}, 2, 0, 2},
		{func() { g.boards.ShareBoard(annCtx, b.BoardID, bob.UserID, app.RoleViewer) }, 2, 1, 2},
		{func() { g.boards.UpdateBoard(annCtx, b.BoardID, app.BoardUpdate{Archived: ptr(true)}) }, 1, 0, 1},
		{func() { g.boards.UpdateBoard(annCtx, b.BoardID, app.BoardUpdate{Archived: ptr(false)}) }, 2, 1, 2},
		{func() { g.boards.UnshareBoard(annCtx, b.BoardID, bob.UserID) }, 2, 0, 2},
		{func() {
			pub := app.VisibilityPublic
			g.boards.UpdateBoard(annCtx, b.BoardID, app.BoardUpdate{Visibility: &pub})
		}, 2, 1, 2},
		{func() { g.board(bobCtx, "bob's") }, 2, 2, 3},
		{func() { g.boards.DeleteBoard(annCtx, b.BoardID, false) }, 1, 1, 2},
	} {
		tc.change()
		if a, bb, ad := total(annCtx), total(bobCtx), total(admin); a != tc.ann || bb != tc.bob || ad != tc.a {
			t.Fatalf("step %d: totals ann %d bob %d admin %d, want %d %d %d", step, a, bb, ad, tc.ann, tc.bob, tc.a)
		}
	}
}

// TestContributorsKeepTheirImages: who loses sight of a board gets their
// own images on it back, uncategorized, rather than losing them.
func TestContributorsKeepTheirImages(t *testing.T) {
	g := openGallery(t)
	admin := g.setup()
	_, annCtx := g.createUser(admin, "ann@t.co", false)
	bob, bobCtx := g.createUser(admin, "bob@t.co", false)
	_, carolCtx := g.createUser(admin, "carol@t.co", false)
	b := g.board(annCtx, "Ann's")
	g.boards.ShareBoard(annCtx, b.BoardID, bob.UserID, app.RoleEditor)
	pub := app.VisibilityPublic
	g.boards.UpdateBoard(annCtx, b.BoardID, app.BoardUpdate{Visibility: &pub})
	g.img(annCtx, b.BoardID)
	bobs, carols := g.img(bobCtx, b.BoardID), g.img(carolCtx, b.BoardID)

	if err := g.boards.UnshareBoard(annCtx, b.BoardID, bob.UserID); err != nil {
		t.Fatal(err)
	}
	if img, _ := g.images.FindImage(bobCtx, bobs.ImageName); img.BoardID == nil {
		t.Fatal("bob can still see the public board: his image must stay on it")
	}
	priv := app.VisibilityPrivate
	after, err := g.boards.UpdateBoard(annCtx, b.BoardID, app.BoardUpdate{Visibility: &priv})
	if err != nil || after.ImageCount != 1 {
		t.Fatalf("after turning private: %+v, %v", after, err)
	}
	for who, tc := range map[string]struct {
		ctx  context.Context
		name string
	}{"bob": {bobCtx, bobs.ImageName}, "carol": {carolCtx, carols.ImageName}} {
		img, err := g.images.FindImage(tc.ctx, tc.name)
		if err != nil || img.BoardID != nil {
			t.Fatalf("%s's image after losing the board: %+v, %v", who, img, err)
		}
		page, _ := g.images.ListImages(tc.ctx, app.ImageFilter{BoardID: app.NoBoard})
		if page.Total != 1 {
			t.Fatalf("%s's uncategorized = %d", who, page.Total)
		}
	}
}

// TestFindOrCreateBoardRace: items running at once that save to the same
// new board name find or make one board between them.
func TestFindOrCreateBoardRace(t *testing.T) {
	ts := openTestStore(t)
	admin := ts.setup()
	_, bob := ts.createUser(admin, "bob@test.com", false)
	boards := store.NewBoardService(ts.DB)
	var wg sync.WaitGroup
	ids := make([]string, 8)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, err := boards.FindOrCreateBoard(bob, "Renders")
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = b.BoardID
		}()
	}
	wg.Wait()
	page, _ := boards.ListBoards(bob, app.BoardFilter{All: true})
	if len(page.Items) != 1 || slices.ContainsFunc(ids, func(id string) bool { return id != page.Items[0].BoardID }) {
		t.Fatalf("%d boards for one name: %v", len(page.Items), ids)
	}
}
