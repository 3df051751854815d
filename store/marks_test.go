package store

import (
	"context"
	"fmt"
	"testing"

	"easel/app"
	"easel/store/kv"
)

// TestOffsetMarks: deep offsets seek to remembered marks and land exactly
// where stepping from the top would, before and after the list changes.
func TestOffsetMarks(t *testing.T) {
	db, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	owner := &userRecord{User: app.User{UserID: "u1", Email: "u1@t.co", DisplayName: "U", IsActive: true}}
	const n = 2500
	err = db.kv.Update(func(tx kv.Tx) error {
		if err := db.insertUser(tx, owner); err != nil {
			return err
		}
		for i := 1; i <= n; i++ {
			r := &imageRecord{Name: fmt.Sprintf("%08d-0000-7000-8000-000000000000.png", i), Owner: "u1", Seq: uint64(i), ContentType: "image/png"}
			if err := putImage(tx, r); err != nil {
				return err
			}
			if err := placeImage(tx, r, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	images := NewImageService(db)
	ctx := app.NewContextWithActor(context.Background(), &app.Actor{UserID: "u1"})
	check := func(total int, newest int) {
		t.Helper()
		for _, offset := range []int{0, 1, 999, 1000, 1001, 1999, 2000, 2001, total - 1, total, 3000, 1500, 5} {
			page, err := images.ListImages(ctx, app.ImageFilter{BoardID: app.NoBoard, PageRequest: app.PageRequest{Offset: offset, Limit: 2}})
			if err != nil {
				t.Fatal(err)
			}
			if offset >= total {
				if len(page.Items) != 0 {
					t.Fatalf("offset %d past the end gave %d items", offset, len(page.Items))
				}
				continue
			}
			want := fmt.Sprintf("%08d-0000-7000-8000-000000000000.png", newest-offset)
			if page.Items[0].ImageName != want {
				t.Fatalf("offset %d: %s, want %s", offset, page.Items[0].ImageName, want)
			}
		}
	}
	check(n, n)
	check(n, n) // now from the marks
	// Taking the newest image off the list moves every position by one.
	if err := db.kv.Update(func(tx kv.Tx) error {
		r, _ := getImage(tx, fmt.Sprintf("%08d-0000-7000-8000-000000000000.png", n))
		if err := unplaceImage(tx, r, nil); err != nil {
			return err
		}
		return tx.Bucket(bucketImages).Delete([]byte(r.Name))
	}); err != nil {
		t.Fatal(err)
	}
	check(n-1, n-1)
}
