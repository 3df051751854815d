package store_test

import (
	"bytes"
	"context"
	"io"
	"slices"
	"testing"

	"easel/app"
	"easel/app/accesstest"
	"easel/store"
)

// serviceDriver runs the access matrix through the store's services.
type serviceDriver struct {
	ts     *testStore
	boards *store.BoardService
	images *store.ImageService
	ctx    map[accesstest.Role]context.Context
	ids    map[string]string // email → user id
	seed   int
}

func newServiceDriver(t *testing.T) *serviceDriver {
	ts := openTestStore(t)
	admin := ts.setup()
	d := &serviceDriver{ts: ts, boards: ts.set.Boards, images: ts.set.Images,
		ctx: map[accesstest.Role]context.Context{accesstest.Admin: admin, accesstest.LoggedOut: context.Background()},
		ids: map[string]string{}}
	for role, email := range map[accesstest.Role]string{accesstest.Owner: "owner@t.co", accesstest.Editor: "editor@t.co", accesstest.Viewer: "viewer@t.co", accesstest.Stranger: "other@t.co", accesstest.Disabled: "disabled@t.co"} {
		u, ctx := ts.createUser(admin, email, false)
		d.ctx[role], d.ids[string(role)] = ctx, u.UserID
	}
	// Shared and public boards are met by a user they were never shared with.
	d.ctx[accesstest.Shared], d.ctx[accesstest.Public] = d.ctx[accesstest.Stranger], d.ctx[accesstest.Stranger]
	if _, err := ts.users.UpdateUser(admin, d.ids[string(accesstest.Disabled)], app.UserUpdate{IsActive: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	return d
}

func (d *serviceDriver) importAs(t *testing.T, role accesstest.Role, boardID string) string {
	t.Helper()
	d.seed++
	img, err := d.images.Import(d.ctx[role], boardID, "picture.png", bytes.NewReader(accesstest.PNG(d.seed)))
	if err != nil {
		t.Fatalf("import as %s: %v", role, err)
	}
	return img.ImageName
}

func (d *serviceDriver) NewBoard(t *testing.T, role accesstest.Role, ownImage bool) accesstest.Board {
	owner := d.ctx[accesstest.Owner]
	b, err := d.boards.CreateBoard(owner, "Board for "+string(role))
	if err != nil {
		t.Fatal(err)
	}
	switch role {
	case accesstest.Shared, accesstest.Public:
		vis := app.Visibility(role)
		if _, err := d.boards.UpdateBoard(owner, b.BoardID, app.BoardUpdate{Visibility: &vis}); err != nil {
			t.Fatal(err)
		}
	default:
		for _, named := range []accesstest.Role{accesstest.Editor, accesstest.Viewer} {
			if _, err := d.boards.ShareBoard(owner, b.BoardID, d.ids[string(named)], app.Role(named)); err != nil {
				t.Fatal(err)
			}
		}
	}
	out := accesstest.Board{ID: b.BoardID, TheirImage: d.importAs(t, accesstest.Owner, b.BoardID)}
	if ownImage {
		out.OwnImage = d.importAs(t, role, b.BoardID)
	}
	return out
}

func (d *serviceDriver) Do(t *testing.T, role accesstest.Role, action accesstest.Action, b accesstest.Board) string {
	ctx := d.ctx[role]
	bulk := func(res *app.BulkResult, err error) error {
		if err == nil && len(res.Skipped) > 0 {
			return &app.Error{Code: res.Skipped[0].Code, Message: res.Skipped[0].Reason}
		}
		return err
	}
	var err error
	switch action {
	case accesstest.See:
		_, err = d.boards.FindBoard(ctx, b.ID)
	case accesstest.List:
		var page *app.BoardPage
		if page, err = d.boards.ListBoards(ctx, app.BoardFilter{All: true}); err == nil &&
			!slices.ContainsFunc(page.Items, func(x *app.Board) bool { return x.BoardID == b.ID }) {
			err = app.ErrBoardNotFound
		}
	case accesstest.ListImages:
		var page *app.ImagePage
		if page, err = d.images.ListImages(ctx, app.ImageFilter{BoardID: b.ID}); err == nil && len(page.Items) == 0 {
			t.Fatal("the board's images were listed as none")
		}
	case accesstest.Open:
		var f io.ReadSeekCloser
		if f, _, err = d.images.OpenImage(ctx, b.TheirImage, false); err == nil {
			f.Close()
		}
	case accesstest.Add:
		d.seed++
		_, err = d.images.Import(ctx, b.ID, "mine.png", bytes.NewReader(accesstest.PNG(d.seed)))
	case accesstest.TakeOffTheirs:
		err = bulk(d.images.RemoveFromBoard(ctx, []string{b.TheirImage}))
	case accesstest.TakeOffOwn:
		err = bulk(d.images.RemoveFromBoard(ctx, []string{b.OwnImage}))
	case accesstest.DeleteTheirs:
		err = bulk(d.images.DeleteImages(ctx, []string{b.TheirImage}))
	case accesstest.DeleteOwn:
		err = bulk(d.images.DeleteImages(ctx, []string{b.OwnImage}))
	case accesstest.Star:
		_, err = d.images.UpdateImage(ctx, b.TheirImage, app.ImageUpdate{Starred: ptr(true)})
	case accesstest.Rename:
		_, err = d.boards.UpdateBoard(ctx, b.ID, app.BoardUpdate{BoardName: ptr("Renamed")})
	case accesstest.Archive:
		_, err = d.boards.UpdateBoard(ctx, b.ID, app.BoardUpdate{Archived: ptr(true)})
	case accesstest.SetVisibility:
		vis := app.VisibilityPublic
		_, err = d.boards.UpdateBoard(ctx, b.ID, app.BoardUpdate{Visibility: &vis})
	case accesstest.Share:
		_, err = d.boards.ShareBoard(ctx, b.ID, d.ids[string(accesstest.Disabled)], app.RoleViewer)
	case accesstest.ListShares:
		_, err = d.boards.ListShares(ctx, b.ID)
	case accesstest.DeleteBoard:
		_, err = d.boards.DeleteBoard(ctx, b.ID, true)
	case accesstest.Download:
		var imgs []*app.Image
		if imgs, err = d.images.Downloadable(ctx, b.ID, nil); err == nil && len(imgs) == 0 {
			t.Fatal("a download with nothing in it")
		}
	default:
		t.Fatalf("no driver for %q", action)
	}
	return app.ErrorCode(err)
}

// skipCode recovers the code of a bulk skip from its reason: the bulk calls
// skip what the caller may not see as "not found".
func TestAccessMatrix(t *testing.T) {
	accesstest.Run(t, newServiceDriver(t))
}
