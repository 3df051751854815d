package store_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"easel/app"
	"easel/app/accesstest"
	"easel/app/imaging"
	"easel/store"
)

func TestImportBadInput(t *testing.T) {
	g := openGallery(t)
	ctx := g.setup()
	b := g.board(ctx, "b")
	png := accesstest.PNG(1)
	for name, tc := range map[string]struct {
		file  string
		data  []byte
		board string
		code  string
	}{
		"truncated PNG":         {"cut.png", png[:len(png)/2], b.BoardID, app.EINVALID},
		"text named .png":       {"notes.png", []byte("hello, I am text"), b.BoardID, app.EINVALID},
		"empty file":            {"empty.png", nil, b.BoardID, app.EINVALID},
		"GIF":                   {"anim.gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), b.BoardID, app.EINVALID},
		"unknown board":         {"ok.png", png, "no-such-board", app.ENOTFOUND},
		"path tricks are names": {"../../../etc/passwd.png", png, b.BoardID, ""},
	} {
		img, err := g.images.Import(ctx, tc.board, tc.file, bytes.NewReader(tc.data))
		if app.ErrorCode(err) != tc.code {
			t.Errorf("%s: %v, want %q", name, err, tc.code)
		}
		if err == nil && img.OriginalName != "passwd.png" {
			t.Errorf("%s: original name %q", name, img.OriginalName)
		}
	}
	t.Run("ErrInvalid over the size cap, with nothing stored", func(t *testing.T) {
		capped := store.NewImageService(g.DB, store.ImportLimits(imaging.Limits{MaxBytes: int64(len(png) - 1)}))
		_, err := capped.Import(ctx, b.BoardID, "big.png", bytes.NewReader(png))
		if app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "limit") {
			t.Fatalf("over the cap: %v", err)
		}
	})
	page, _ := g.images.ListImages(ctx, app.ImageFilter{BoardID: b.BoardID})
	if page.Total != 1 || countFiles(t, g.Dir()) != 2 {
		t.Fatalf("after bad imports: %d records, %d files; want only the good one (image and thumbnail)", page.Total, countFiles(t, g.Dir()))
	}
}

// countFiles counts image and thumbnail files under the data folder.
func countFiles(t *testing.T, dir string) int {
	n := 0
	for _, kind := range []string{"images", "thumbnails"} {
		filepath.WalkDir(filepath.Join(dir, kind), func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				n++
			}
			return nil
		})
	}
	return n
}

func TestImagePaging(t *testing.T) {
	g := openGallery(t)
	ctx := g.setup()
	b := g.board(ctx, "b")
	var names []string
	for i := 0; i < 7; i++ {
		names = append(names, g.img(ctx, b.BoardID).ImageName)
	}
	newestFirst := func(i int) string { return names[len(names)-1-i] }

	var got []string
	cursor := ""
	for pages := 0; ; pages++ {
		page, err := g.images.ListImages(ctx, app.ImageFilter{BoardID: b.BoardID, PageRequest: app.PageRequest{Cursor: cursor, Limit: 3}})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != 7 {
			t.Fatalf("total = %d", page.Total)
		}
		for _, img := range page.Items {
			got = append(got, img.ImageName)
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
		if pages > 5 {
			t.Fatal("the cursor never ends")
		}
	}
	for i := range names {
		if got[i] != newestFirst(i) {
			t.Fatalf("cursor order at %d: %s, want %s", i, got[i], newestFirst(i))
		}
	}
	page, _ := g.images.ListImages(ctx, app.ImageFilter{BoardID: b.BoardID, PageRequest: app.PageRequest{Offset: 5, Limit: 3}})
	if len(page.Items) != 2 || page.Items[0].ImageName != newestFirst(5) || page.NextCursor != "" {
		t.Fatalf("offset page = %+v", page)
	}
	t.Run("OK a cursor whose image was deleted still continues", func(t *testing.T) {
		first, _ := g.images.ListImages(ctx, app.ImageFilter{BoardID: b.BoardID, PageRequest: app.PageRequest{Limit: 2}})
		g.images.DeleteImages(ctx, []string{newestFirst(1)})
		next, _ := g.images.ListImages(ctx, app.ImageFilter{BoardID: b.BoardID, PageRequest: app.PageRequest{Cursor: first.NextCursor, Limit: 2}})
		if next.Items[0].ImageName != newestFirst(2) {
			t.Fatalf("after the cursor's image went: %s", next.Items[0].ImageName)
		}
	})
	_, err := g.images.ListImages(ctx, app.ImageFilter{BoardID: b.BoardID, PageRequest: app.PageRequest{Cursor: "x"}})
	wantCode(t, err, app.EINVALID)
	names2, _ := g.images.ImageNames(ctx, b.BoardID)
	if len(names2) != 6 || names2[0] != newestFirst(0) {
		t.Fatalf("image names = %v", names2)
	}
}

func TestImageActions(t *testing.T) {
	g := openGallery(t)
	admin := g.setup()
	_, ctx := g.createUser(admin, "ann@t.co", false)
	_, bobCtx := g.createUser(admin, "bob@t.co", false)
	b1, b2 := g.board(ctx, "one"), g.board(ctx, "two")
	i1, i2 := g.img(ctx, b1.BoardID), g.img(ctx, "")

	t.Run("OK move between boards keeps counts and covers", func(t *testing.T) {
		res, err := g.images.AddToBoard(ctx, b2.BoardID, []string{i1.ImageName, i2.ImageName, "nope.png"})
		if err != nil || len(res.Done) != 2 || len(res.Skipped) != 1 {
			t.Fatalf("move = %+v, %v", res, err)
		}
		one, _ := g.boards.FindBoard(ctx, b1.BoardID)
		two, _ := g.boards.FindBoard(ctx, b2.BoardID)
		if one.ImageCount != 0 || one.CoverImageName != nil || two.ImageCount != 2 || *two.CoverImageName != i2.ImageName {
			t.Fatalf("after the move: one %+v two %+v", one, two)
		}
		loose, _ := g.images.ListImages(ctx, app.ImageFilter{BoardID: app.NoBoard})
		if loose.Total != 0 {
			t.Fatalf("uncategorized total = %d", loose.Total)
		}
	})
	t.Run("OK remove from board makes them the owner's uncategorized", func(t *testing.T) {
		res, err := g.images.RemoveFromBoard(ctx, []string{i1.ImageName})
		if err != nil || len(res.Done) != 1 {
			t.Fatalf("remove = %+v, %v", res, err)
		}
		loose, _ := g.images.ListImages(ctx, app.ImageFilter{BoardID: app.NoBoard})
		if loose.Total != 1 || loose.Items[0].ImageName != i1.ImageName || !loose.Items[0].CanDelete {
			t.Fatalf("uncategorized = %+v", loose)
		}
	})
	t.Run("ErrNotFound: uncategorized images are their owner's alone", func(t *testing.T) {
		_, err := g.images.FindImage(bobCtx, i1.ImageName)
		wantCode(t, err, app.ENOTFOUND)
		page, _ := g.images.ListImages(bobCtx, app.ImageFilter{BoardID: app.NoBoard})
		if page.Total != 0 {
			t.Fatal("bob sees ann's uncategorized images")
		}
		if _, err := g.images.FindImage(admin, i1.ImageName); err != nil {
			t.Fatalf("admin: %v", err)
		}
	})
	t.Run("ErrNotFound: nobody moves images they cannot see, or onto boards they cannot add to", func(t *testing.T) {
		res, _ := g.images.AddToBoard(bobCtx, "", []string{i1.ImageName})
		if len(res.Skipped) != 1 || res.Skipped[0].Reason != "Image not found" {
			t.Fatalf("bob moving ann's image = %+v", res)
		}
		_, err := g.images.AddToBoard(bobCtx, b2.BoardID, []string{i1.ImageName})
		wantCode(t, err, app.ENOTFOUND)
	})
	t.Run("OK star and unstar many", func(t *testing.T) {
		res, err := g.images.StarImages(ctx, []string{i1.ImageName, i2.ImageName, i1.ImageName}, true)
		if err != nil || len(res.Done) != 2 {
			t.Fatalf("star = %+v, %v", res, err)
		}
		img, _ := g.images.FindImage(ctx, i2.ImageName)
		if !img.Starred {
			t.Fatal("not starred")
		}
	})
	t.Run("OK the files are real and go with the image", func(t *testing.T) {
		f, info, err := g.images.OpenImage(ctx, i1.ImageName, true)
		if err != nil || info.ContentType != "image/jpeg" {
			t.Fatalf("thumbnail: %v %+v", err, info)
		}
		f.Close()
		before := countFiles(t, g.Dir())
		res, err := g.images.DeleteImages(ctx, []string{i1.ImageName})
		if err != nil || len(res.Done) != 1 {
			t.Fatalf("delete = %+v, %v", res, err)
		}
		if after := countFiles(t, g.Dir()); after != before-2 {
			t.Fatalf("files %d → %d; the image and its thumbnail must go", before, after)
		}
		_, _, err = g.images.OpenImage(ctx, i1.ImageName, false)
		wantCode(t, err, app.ENOTFOUND)
	})
	t.Run("OK a zip holds every image the caller may see", func(t *testing.T) {
		imgs, err := g.images.Downloadable(ctx, b2.BoardID, nil)
		if err != nil || len(imgs) != 1 {
			t.Fatalf("downloadable = %v, %v", imgs, err)
		}
		g.img(ctx, b2.BoardID)
		imgs, _ = g.images.Downloadable(ctx, b2.BoardID, nil)
		var buf bytes.Buffer
		open := func(c context.Context, name string) (io.ReadCloser, error) {
			f, _, err := g.images.OpenImage(c, name, false)
			return f, err
		}
		if err := app.WriteZip(ctx, &buf, imgs, open); err != nil {
			t.Fatal(err)
		}
		zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil || len(zr.File) != 2 || zr.File[0].Name != "pic.png" || zr.File[1].Name != "pic (2).png" {
			t.Fatalf("zip: %v %v", err, zr)
		}
		rc, _ := zr.File[0].Open()
		data, _ := io.ReadAll(rc)
		if _, err := g.images.Import(ctx, "", "again.png", bytes.NewReader(data)); err != nil {
			t.Fatalf("the zipped file is not the image: %v", err)
		}
	})
}
