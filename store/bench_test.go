package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"easel/app"

	"easel/store/kv"
	"github.com/google/uuid"
)

// The benchmark store: 20 users, 10 000 boards (2% shared, 1% public),
// 5 000 shares, 1 000 000 images, 100 000 of them on one board. It takes a
// while to make, so it is kept in the temp folder between runs.
const (
	benchUsers     = 20
	benchBoards    = 10_000
	benchShares    = 5_000
	benchImages    = 1_000_000
	benchBigBoard  = 100_000
	benchStoreName = "easel-bench-v5"
)

type benchFixture struct {
	db        *DB
	lister    context.Context // user 0: a typical profile
	admin     context.Context
	bigOwner  context.Context // owns the 100 000-image board
	bigBoard  string
	listCount int
}

var (
	benchOnce sync.Once
	bench     benchFixture
	benchErr  error
)

func benchStore(b *testing.B) *benchFixture {
	b.Helper()
	benchOnce.Do(func() {
		dir := filepath.Join(os.TempDir(), benchStoreName)
		if _, err := os.Stat(filepath.Join(dir, "complete")); err != nil {
			os.RemoveAll(dir)
			start := time.Now()
			if benchErr = generateBenchStore(dir); benchErr != nil {
				return
			}
			os.WriteFile(filepath.Join(dir, "complete"), nil, 0o600)
			fmt.Fprintf(os.Stderr, "generated the benchmark store in %s (%v)\n", dir, time.Since(start).Round(time.Second))
		}
		bench.db, benchErr = Open(dir)
		if benchErr != nil {
			return
		}
		ids, _ := os.ReadFile(filepath.Join(dir, "ids"))
		var user0, admin, owner1, big string
		fmt.Sscan(string(ids), &user0, &admin, &owner1, &big)
		as := func(id string) context.Context {
			return app.NewContextWithActor(context.Background(), &app.Actor{UserID: id})
		}
		bench.lister, bench.admin, bench.bigOwner, bench.bigBoard = as(user0), as(admin), as(owner1), big
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return &bench
}

func generateBenchStore(dir string) error {
	db, err := Open(dir)
	if err != nil {
		return err
	}
	defer db.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	now := time.Now().UTC()
	users := make([]string, benchUsers)
	bs := make([]*boardRecord, benchBoards)
	err = db.kv.Update(func(tx kv.Tx) error {
		for i := range users {
			u := &userRecord{User: app.User{UserID: uuid.NewString(), Email: fmt.Sprintf("u%02d@bench.test", i),
				DisplayName: fmt.Sprintf("User %02d", i), IsActive: true, IsAdmin: i == benchUsers-1, CreatedAt: now, UpdatedAt: now}}
			if err := db.insertUser(tx, u); err != nil {
				return err
			}
			users[i] = u.UserID
		}
		for i := range bs {
			vis := app.VisibilityPrivate
			switch {
			case i%50 == 3:
				vis = app.VisibilityShared
			case i%100 == 7:
				vis = app.VisibilityPublic
			}
			bs[i] = &boardRecord{sharedHead: sharedHead{ID: uuid.NewString(), Owner: users[i%benchUsers], Visibility: vis, Seq: uint64(i + 1)},
				Name: fmt.Sprintf("Board %d", i), Created: now, Updated: now}
			if i == 1 {
				bs[i].Visibility = app.VisibilityPrivate // the big board: user 1's own
			}
			if err := putBoard(tx, bs[i]); err != nil {
				return err
			}
		}
		for n := 0; n < benchShares; {
			b, u := bs[rng.IntN(benchBoards)], users[rng.IntN(benchUsers)]
			if u == b.Owner || boards.roleOf(tx, b.ID, u) != app.RoleNone {
				continue
			}
			if err := tx.Bucket(bucketShares).Put(grantKey(b.ID, u), encodeGrant(grant{Role: app.RoleViewer, At: now})); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return err
	}
	const batch = 50_000
	for start := 0; start < benchImages; start += batch {
		err := db.kv.Update(func(tx kv.Tx) error {
			for i := start; i < start+batch; i++ {
				r := &imageRecord{Name: uuid.Must(uuid.NewV7()).String() + ".png", Width: 1024, Height: 768, Created: now,
					Size: 1 << 20, ContentType: "image/png", ThumbType: "image/jpeg", OriginalName: "generated.png", Seq: uint64(i + 1)}
				var board *boardRecord
				switch {
				case i%10 == 0 && i/10 < benchBigBoard:
					board = bs[1]
				case rng.IntN(5) > 0:
					board = bs[rng.IntN(benchBoards)]
				}
				if board != nil {
					r.Owner, r.Board = board.Owner, board.ID
					board.Count++
					board.Cover = r.Name
					if err := tx.Bucket(bucketImagesByBoard).Put(prefixed(board.ID, r.Seq), []byte(r.Name)); err != nil {
						return err
					}
				} else {
					r.Owner = users[rng.IntN(benchUsers)]
					if err := tx.Bucket(bucketImagesLoose).Put(prefixed(r.Owner, r.Seq), []byte(r.Name)); err != nil {
						return err
					}
				}
				if err := putImage(tx, r); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	err = db.kv.Update(func(tx kv.Tx) error {
		for _, b := range bs {
			if err := putBoard(tx, b); err != nil {
				return err
			}
			if err := boards.index(tx, &b.sharedHead, false); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	ids := fmt.Sprintf("%s %s %s %s", users[0], users[benchUsers-1], users[1], bs[1].ID)
	return os.WriteFile(filepath.Join(dir, "ids"), []byte(ids), 0o600)
}

// BenchmarkBoardList lists one user's boards: their own, those shared with
// them and everyone's shared and public boards, newest first.
func BenchmarkBoardList(b *testing.B) {
	f := benchStore(b)
	boards := NewBoardService(f.db)
	for _, tc := range []struct {
		name   string
		ctx    context.Context
		filter app.BoardFilter
	}{
		{"user_first_page_of_100", f.lister, app.BoardFilter{PageRequest: app.PageRequest{Limit: 100}}},
		{"user_first_page_of_100_with_archived", f.lister, app.BoardFilter{PageRequest: app.PageRequest{Limit: 100}, IncludeArchived: true}},
		{"user_whole_list", f.lister, app.BoardFilter{All: true}},
		{"admin_first_page_of_100", f.admin, app.BoardFilter{PageRequest: app.PageRequest{Limit: 100}}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var page *app.BoardPage
			b.ReportAllocs()
			for b.Loop() {
				var err error
				if page, err = boards.ListBoards(tc.ctx, tc.filter); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(page.Items)), "boards/op")
			b.ReportMetric(float64(page.Total), "visible")
		})
	}
}

// BenchmarkImagePage pages through the 100 000-image board, newest first.
func BenchmarkImagePage(b *testing.B) {
	f := benchStore(b)
	images := NewImageService(f.db)
	// The cursor that page 1000 starts from, as a client paging there holds it.
	var cursor string
	f.db.kv.View(func(tx kv.Tx) error {
		c := tx.Bucket(bucketImagesByBoard).Cursor()
		prefix := rangePrefix(f.bigBoard)
		k, _ := lastInRange(c, prefix)
		for i := 1; i < 999*100 && k != nil; i++ {
			k, _ = prevInRange(c, prefix)
		}
		cursor = encodeCursor(k)
		return nil
	})
	for _, tc := range []struct {
		name   string
		filter app.ImageFilter
	}{
		{"page_1", app.ImageFilter{BoardID: f.bigBoard, PageRequest: app.PageRequest{Limit: 100}}},
		{"page_1000_by_cursor", app.ImageFilter{BoardID: f.bigBoard, PageRequest: app.PageRequest{Limit: 100, Cursor: cursor}}},
		{"page_1000_by_offset", app.ImageFilter{BoardID: f.bigBoard, PageRequest: app.PageRequest{Limit: 100, Offset: 99_900}}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				page, err := images.ListImages(f.bigOwner, tc.filter)
				if err != nil || len(page.Items) != 100 {
					b.Fatalf("page: %v (%d items)", err, len(page.Items))
				}
			}
		})
	}
}
