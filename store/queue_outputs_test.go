package store_test

import (
	"testing"

	"easel/app"
	"easel/app/accesstest"
	"easel/store"
)

// TestUnfinishedRunsTakeBackTheirImages: an image a run saves is recorded
// on its item in the same transaction, and a run stopped part way (Easel
// closing: Requeue; a crash: RecoverInterrupted) takes its images back, so
// that running the item again does not save them twice.
func TestUnfinishedRunsTakeBackTheirImages(t *testing.T) {
	q := openQueue(t)
	admin := q.setup()
	_, bob := q.createUser(admin, "bob@t.co", false)
	images := store.NewImageService(q.DB)
	save := func(itemID uint64) (*app.Image, error) {
		png := accesstest.PNG(1)
		return images.Add(bob, app.NewImage{OriginalName: "r.png", Data: png, ContentType: "image/png",
			Width: 8, Height: 8, Thumbnail: png, ThumbType: "image/png", QueueItemID: itemID})
	}
	q.enqueue(bob, 2)

	for _, stop := range []struct {
		name string
		fn   func(id uint64) error
	}{
		{"Requeue", q.queue.Requeue},
		{"RecoverInterrupted", func(uint64) error { _, err := q.queue.RecoverInterrupted(); return err }},
	} {
		t.Run("OK "+stop.name+" takes back what the run saved", func(t *testing.T) {
			c, err := q.queue.Claim("")
			if err != nil || c == nil {
				t.Fatalf("claim = %v, %v", c, err)
			}
			img, err := save(c.Item.ItemID)
			if err != nil || img.QueueItemID != c.Item.ItemID {
				t.Fatalf("save = %+v, %v", img, err)
			}
			if it, _ := q.queue.FindItem(bob, c.Item.ItemID); len(it.ImageNames) != 1 || it.ImageNames[0] != img.ImageName {
				t.Fatalf("the item does not list its saved image: %+v", it)
			}
			before := q.ImageCount()
			if err := stop.fn(c.Item.ItemID); err != nil {
				t.Fatal(err)
			}
			if _, err := images.FindImage(bob, img.ImageName); app.ErrorCode(err) != app.ENOTFOUND {
				t.Fatalf("the image of an unfinished run is still there: %v", err)
			}
			if q.ImageCount() != before-1 {
				t.Fatalf("%d image records, want %d", q.ImageCount(), before-1)
			}
			if missing, _ := q.ImageFilesMissing(); len(missing) != 0 {
				t.Fatalf("records without files: %v", missing)
			}
			if it, _ := q.queue.FindItem(bob, c.Item.ItemID); len(it.ImageNames) != 0 {
				t.Fatalf("the item still lists images: %+v", it)
			}
			page, _ := images.ListImages(bob, app.ImageFilter{BoardID: app.NoBoard})
			if page.Total != 0 || len(page.Items) != 0 {
				t.Fatalf("uncategorized = %d (%d listed), want 0", page.Total, len(page.Items))
			}
		})
	}
	t.Run("ErrInvalid saving for an item that is not running, and nothing stored", func(t *testing.T) {
		list, _ := itemsOf(q.queue.ListItems(bob, app.QueueFilter{}))
		before := q.ImageCount()
		for _, it := range list {
			if _, err := save(it.ItemID); app.ErrorCode(err) != app.EINVALID {
				t.Fatalf("saving for %s item %d: %v", it.Status, it.ItemID, err)
			}
		}
		if q.ImageCount() != before {
			t.Fatal("a refused save stored a record")
		}
	})
	t.Run("OK a finished run keeps its images", func(t *testing.T) {
		c, _ := q.queue.Claim("")
		img, err := save(c.Item.ItemID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := q.queue.Finish(c.Item.ItemID, nil, false, ""); err != nil {
			t.Fatal(err)
		}
		it, _ := q.queue.FindItem(bob, c.Item.ItemID)
		if it.Status != app.StatusCompleted || len(it.ImageNames) != 1 || it.ImageNames[0] != img.ImageName {
			t.Fatalf("finished item = %+v", it)
		}
		if _, err := images.FindImage(bob, img.ImageName); err != nil {
			t.Fatal(err)
		}
	})
}
