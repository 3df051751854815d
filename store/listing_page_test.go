package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"easel/app"
)

// pageAll pages through a listing with limit until its cursor ends, and
// fails when a page is too long or the walk never ends.
func pageAll[T any](t *testing.T, limit int, list func(app.PageRequest) (*app.Page[T], error)) []T {
	t.Helper()
	var out []T
	req := app.PageRequest{Limit: limit}
	for pages := 0; ; pages++ {
		p, err := list(req)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Items) > limit || (p.HasMore() && len(p.Items) != limit) {
			t.Fatalf("page %d: %d items of %d, next %q", pages, len(p.Items), limit, p.NextCursor)
		}
		out = append(out, p.Items...)
		if !p.HasMore() {
			return out
		}
		if pages > 1000 {
			t.Fatal("the cursor never ends")
		}
		req.Cursor = p.NextCursor
	}
}

// once fails unless ids holds want exactly, in its order, each once.
func once[K comparable](t *testing.T, what string, got, want []K) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("%s: %v, want %v", what, got, want)
	}
}

func TestUserPages(t *testing.T) {
	ts := openTestStore(t)
	admin := ts.setup()
	want := []string{adminEmail}
	for i := range 6 {
		ts.advance(1)
		u, _ := ts.createUser(admin, fmt.Sprintf("user%d@t.co", i), false)
		want = append(want, u.Email)
	}
	whole, _ := itemsOf(ts.users.ListUsers(admin, app.PageRequest{}))
	emails := func(us []*app.User) (out []string) {
		for _, u := range us {
			out = append(out, u.Email)
		}
		return out
	}
	once(t, "the first page", emails(whole), want)
	for _, limit := range []int{1, 2, 4, 7} {
		got := pageAll(t, limit, func(r app.PageRequest) (*app.UserPage, error) { return ts.users.ListUsers(admin, r) })
		once(t, fmt.Sprintf("paged by %d", limit), emails(got), want)
	}
	page, err := ts.users.ListUsers(admin, app.PageRequest{Offset: 5, Limit: 5})
	if err != nil || page.Total != 7 || page.HasMore() {
		t.Fatalf("offset page = %+v, %v", page, err)
	}
	once(t, "offset 5", emails(page.Items), want[5:])
	all, err := app.All(func(r app.PageRequest) (*app.UserPage, error) { return ts.users.ListUsers(admin, r) })
	if err != nil {
		t.Fatal(err)
	}
	once(t, "app.All", emails(all), want)

	t.Run("OK a cursor whose profile was deleted goes on", func(t *testing.T) {
		first, _ := ts.users.ListUsers(admin, app.PageRequest{Limit: 3})
		if err := ts.users.DeleteUser(admin, first.Items[2].UserID); err != nil {
			t.Fatal(err)
		}
		next, err := ts.users.ListUsers(admin, app.PageRequest{Cursor: first.NextCursor, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		once(t, "after the delete", emails(next.Items), want[3:])
	})
	t.Run("EINVALID for a cursor the list did not give out", func(t *testing.T) {
		_, err := ts.users.ListUsers(admin, app.PageRequest{Cursor: "not a cursor"})
		wantCode(t, err, app.EINVALID)
	})
}

func TestAuditPages(t *testing.T) {
	ts := openTestStore(t)
	admin := ts.setup()
	for i := range 8 {
		ts.createUser(admin, fmt.Sprintf("user%d@t.co", i), false)
	}
	audit := auditOf(ts)
	whole, err := audit.Recent(admin, 0, app.MaxPageSize)
	if err != nil || len(whole) < 16 {
		t.Fatalf("the log: %d entries, %v", len(whole), err)
	}
	seqs := func(es []app.AuditEntry) (out []uint64) {
		for _, e := range es {
			out = append(out, e.Seq)
		}
		return out
	}
	for i := 1; i < len(whole); i++ {
		if whole[i].Seq >= whole[i-1].Seq {
			t.Fatalf("not newest first at %d: %v", i, seqs(whole))
		}
	}
	for _, limit := range []int{1, 3, 5} {
		got := pageAll(t, limit, func(r app.PageRequest) (*app.AuditPage, error) {
			return audit.List(admin, app.AuditFilter{PageRequest: r})
		})
		once(t, fmt.Sprintf("paged by %d", limit), seqs(got), seqs(whole))
	}
	before, err := audit.List(admin, app.AuditFilter{Before: whole[3].Seq, PageRequest: app.PageRequest{Limit: 2}})
	if err != nil || !before.HasMore() {
		t.Fatalf("before: %+v %v", before, err)
	}
	once(t, "before", seqs(before.Items), seqs(whole[4:6]))
	offset, _ := audit.List(admin, app.AuditFilter{PageRequest: app.PageRequest{Offset: 4, Limit: 2}})
	once(t, "offset", seqs(offset.Items), seqs(whole[4:6]))

	_, userCtx := ts.createUser(admin, "plain@t.co", false)
	_, err = audit.List(userCtx, app.AuditFilter{})
	wantCode(t, err, app.EFORBIDDEN)
}

func TestQueuePages(t *testing.T) {
	q := openQueue(t)
	admin := q.setup()
	_, bob := q.createUser(admin, "bob@t.co", false)
	_, ann := q.createUser(admin, "ann@t.co", false)
	var want []uint64
	for i := range 5 {
		for _, ctx := range []context.Context{bob, ann} {
			want = append(want, q.enqueue(ctx, 1+i%2).ItemIDs...)
		}
	}
	if _, err := q.queue.CancelItem(bob, want[0]); err != nil {
		t.Fatal(err)
	}
	ids := func(items []*app.QueueItem) (out []uint64) {
		for _, it := range items {
			out = append(out, it.ItemID)
		}
		return out
	}
	for _, limit := range []int{1, 4, len(want)} {
		got := pageAll(t, limit, func(r app.PageRequest) (*app.QueuePage, error) {
			return q.queue.ListItems(ann, app.QueueFilter{PageRequest: r})
		})
		once(t, fmt.Sprintf("paged by %d", limit), ids(got), want)
		for _, it := range got {
			if mine := slices.Contains([]string{"", "ann"}, it.OwnerName); it.Mine && it.Redacted || !it.Mine && (!it.Redacted || it.Graph != nil || it.UserID != "") || !mine {
				t.Fatalf("ann's page shows %+v", it)
			}
		}
	}

	t.Run("OK InvokeAI's cursor is the last item's id", func(t *testing.T) {
		var got []uint64
		f := app.QueueFilter{PageRequest: app.PageRequest{Limit: 3}}
		for {
			page, err := q.queue.ListItems(admin, f)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, ids(page.Items)...)
			if !page.HasMore() {
				break
			}
			f.After = page.Items[len(page.Items)-1].ItemID
		}
		once(t, "by id", got, want)
	})
	t.Run("OK a status pages only that status", func(t *testing.T) {
		got := pageAll(t, 2, func(r app.PageRequest) (*app.QueuePage, error) {
			return q.queue.ListItems(admin, app.QueueFilter{PageRequest: r, Status: app.StatusPending})
		})
		once(t, "pending", ids(got), want[1:])
		canceled, err := q.queue.ListItems(admin, app.QueueFilter{Status: app.StatusCanceled})
		if err != nil || canceled.Total != 1 {
			t.Fatalf("canceled: %+v %v", canceled, err)
		}
		once(t, "canceled", ids(canceled.Items), want[:1])
		_, err = q.queue.ListItems(admin, app.QueueFilter{Status: "lost"})
		wantCode(t, err, app.EINVALID)
	})
	t.Run("OK the newest page is the list's end, oldest first", func(t *testing.T) {
		page, err := q.queue.ListItems(bob, app.QueueFilter{PageRequest: app.PageRequest{Limit: 4}, Newest: true})
		if err != nil || page.Total != len(want) || page.HasMore() {
			t.Fatalf("newest: %+v %v", page, err)
		}
		once(t, "newest", ids(page.Items), want[len(want)-4:])
		page, _ = q.queue.ListItems(bob, app.QueueFilter{PageRequest: app.PageRequest{Limit: 100}, Newest: true})
		once(t, "newest of few", ids(page.Items), want)
	})
	t.Run("EINVALID for a cursor the list did not give out", func(t *testing.T) {
		_, err := q.queue.ListItems(bob, app.QueueFilter{PageRequest: app.PageRequest{Cursor: "?"}})
		wantCode(t, err, app.EINVALID)
	})
}

// TestImagePagesStayInTheirList: the uncategorized images of two users,
// paged through, each get exactly their own; a cursor from one user's list
// is refused on the other's, never read as a place in it.
func TestImagePagesStayInTheirList(t *testing.T) {
	g := openGallery(t)
	admin := g.setup()
	_, ann := g.createUser(admin, "ann@t.co", false)
	_, bob := g.createUser(admin, "bob@t.co", false)
	mine := map[context.Context][]string{}
	for i := range 9 {
		ctx := []context.Context{ann, bob}[i%3/2]
		mine[ctx] = append([]string{g.img(ctx, "").ImageName}, mine[ctx]...) // newest first
	}
	names := func(imgs []*app.Image) (out []string) {
		for _, img := range imgs {
			out = append(out, img.ImageName)
		}
		return out
	}
	for _, ctx := range []context.Context{ann, bob} {
		got := pageAll(t, 2, func(r app.PageRequest) (*app.ImagePage, error) {
			return g.images.ListImages(ctx, app.ImageFilter{BoardID: app.NoBoard, PageRequest: r})
		})
		once(t, "uncategorized", names(got), mine[ctx])
	}
	annFirst, _ := g.images.ListImages(ann, app.ImageFilter{BoardID: app.NoBoard, PageRequest: app.PageRequest{Limit: 1}})
	_, err := g.images.ListImages(bob, app.ImageFilter{BoardID: app.NoBoard, PageRequest: app.PageRequest{Cursor: annFirst.NextCursor}})
	wantCode(t, err, app.EINVALID)
}
