package store_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"easel/app"
	"easel/app/accesstest"
	"easel/internal/testdisk"
	"easel/store"
)

// populated makes a closed data folder whose easel.db spreads a profile,
// boards and images over many pages, with one orphan named in the journal
// (as a crash mid-import leaves it).
func populated(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	ts := openTestStoreIn(t, dir)
	admin := ts.setup()
	boards, images := store.NewBoardService(ts.DB), store.NewImageService(ts.DB)
	for i := 0; i < 12; i++ {
		b, err := boards.CreateBoard(admin, fmt.Sprintf("Board %d with a name long enough to fill pages", i))
		if err != nil {
			t.Fatal(err)
		}
		for j := 0; j < 8; j++ {
			if _, err := images.Import(admin, b.BoardID, fmt.Sprintf("picture-%d-%d.png", i, j), bytes.NewReader(accesstest.PNG(i*8+j))); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := ts.WriteOrphan("someone", "00000000-0000-0000-0000-000000000001.png", accesstest.PNG(1)); err != nil {
		t.Fatal(err)
	}
	ts.Close()
	return dir
}

// A damage changes the file at path; pageSize and used (pages holding the
// tree, none free) say where its pages are.
type damage struct {
	name   string
	refuse bool // must be refused; else it may also open (the damage hit a free page)
	do     func(t *testing.T, path string, pageSize int, used []int)
}

var damages = []damage{
	{"truncated to half", true, func(t *testing.T, path string, ps int, used []int) {
		testdisk.Truncate(t, path, testdisk.Size(t, path)/2)
	}},
	{"truncated inside its last used page", true, func(t *testing.T, path string, ps int, used []int) {
		testdisk.Truncate(t, path, int64(used[len(used)-1]*ps+ps/2))
	}},
	{"truncated to 5000 bytes", true, func(t *testing.T, path string, ps int, used []int) { testdisk.Truncate(t, path, 5000) }},
	{"zeroed", true, func(t *testing.T, path string, ps int, used []int) {
		testdisk.WriteAt(t, path, 0, make([]byte, testdisk.Size(t, path)))
	}},
	{"a page in use in the middle zeroed", true, func(t *testing.T, path string, ps int, used []int) {
		testdisk.WriteAt(t, path, int64(used[len(used)/2]*ps), make([]byte, ps))
	}},
	{"a page in use in the middle garbled", true, func(t *testing.T, path string, ps int, used []int) {
		testdisk.WriteAt(t, path, int64(used[len(used)/2]*ps), testdisk.Noise(1, ps))
	}},
	{"a page in use garbled after its header", true, func(t *testing.T, path string, ps int, used []int) {
		testdisk.WriteAt(t, path, int64(used[len(used)/3]*ps+16), testdisk.Noise(2, ps-16))
	}},
	{"every page in use garbled", true, func(t *testing.T, path string, ps int, used []int) {
		for i, p := range used {
			testdisk.WriteAt(t, path, int64(p*ps), testdisk.Noise(uint64(10+i), ps))
		}
	}},
	{"both meta pages garbled", true, func(t *testing.T, path string, ps int, used []int) {
		testdisk.WriteAt(t, path, 0, testdisk.Noise(3, 2*ps))
	}},
	{"the page in the middle of the file zeroed", false, func(t *testing.T, path string, ps int, used []int) {
		testdisk.WriteAt(t, path, testdisk.Size(t, path)/int64(ps)/2*int64(ps), make([]byte, ps))
	}},
	{"the page in the middle of the file garbled", false, func(t *testing.T, path string, ps int, used []int) {
		testdisk.WriteAt(t, path, testdisk.Size(t, path)/int64(ps)/2*int64(ps), testdisk.Noise(4, ps))
	}},
	{"the first meta page zeroed", false, func(t *testing.T, path string, ps int, used []int) {
		testdisk.WriteAt(t, path, 0, make([]byte, ps))
	}},
}

// TestDamagedDatabaseAtOpen damages copies of one easel.db in the ways a
// disk or a bad copy does. Each is refused with words that name the file
// and say what to do, leaving the file and the images as they were; or,
// where the damage hit only what the store does not use, opens and answers
// every request.
func TestDamagedDatabaseAtOpen(t *testing.T) {
	healthy := populated(t)
	used, pageSize, err := store.PagesInUse(filepath.Join(healthy, store.FileName))
	if err != nil || len(used) < 10 {
		t.Fatalf("pages in use: %d (%v); the test store is too small to damage in the middle", len(used), err)
	}
	files := countFiles(t, healthy)
	for _, d := range damages {
		t.Run(strings.ReplaceAll(d.name, " ", "_"), func(t *testing.T) {
			dir := testdisk.CopyDir(t, healthy)
			path := filepath.Join(dir, store.FileName)
			d.do(t, path, pageSize, used)
			before := testdisk.Sum(t, path)

			db, err := store.Open(dir)
			if err != nil {
				wantWords(t, err, app.EDAMAGED, path, "is damaged", "backup", "keep the damaged file")
				if testdisk.Sum(t, path) != before {
					t.Fatal("the refusal changed easel.db")
				}
				if n := countFiles(t, dir); n != files {
					t.Fatalf("%d image files after the refusal, want all %d kept", n, files)
				}
				t.Logf("refused: %s", app.ErrorMessage(err))
				return
			}
			defer db.Close()
			if d.refuse {
				t.Fatal("opened a damaged file")
			}
			answered := everyRequest(t, db)
			t.Logf("opened, and %d requests answered", answered)
		})
	}
}

// everyRequest makes the calls a session makes, reads and writes, on a
// store that may be damaged. Each must return, with a result or an error
// in words; none may end the process. It returns how many it made.
func everyRequest(t *testing.T, db *store.DB) int {
	t.Helper()
	auth, boards, images := store.NewAuthService(db), store.NewBoardService(db), store.NewImageService(db)
	n := 0
	answer := func(what string, err error) {
		n++
		if err != nil && app.ErrorMessage(err) == "" {
			t.Fatalf("%s: an error without words: %v", what, err)
		}
	}
	l, err := auth.Login(context.Background(), app.Credentials{Email: adminEmail, Password: adminPassword})
	answer("login", err)
	ctx := context.Background()
	if err == nil {
		a, err := auth.Authenticate(context.Background(), l.Token)
		answer("authenticate", err)
		if err == nil {
			ctx = app.NewContextWithActor(ctx, a)
		}
	}
	page, err := boards.ListBoards(ctx, app.BoardFilter{All: true})
	answer("list boards", err)
	ims, err := images.ListImages(ctx, app.ImageFilter{PageRequest: app.PageRequest{Limit: 100}})
	answer("list images", err)
	if page != nil {
		for _, b := range page.Items {
			_, err := boards.FindBoard(ctx, b.BoardID)
			answer("find board", err)
			_, err = images.ImageNames(ctx, b.BoardID)
			answer("image names", err)
		}
	}
	if ims != nil {
		for _, im := range ims.Items {
			f, _, err := images.OpenImage(ctx, im.ImageName, true)
			answer("open image", err)
			if err == nil {
				io.Copy(io.Discard, f)
				f.Close()
			}
		}
	}
	_, err = boards.CreateBoard(ctx, "After the damage")
	answer("create board", err)
	_, err = images.Import(ctx, "", "after.png", bytes.NewReader(accesstest.PNG(5)))
	answer("import", err)
	return n
}

// TestDamageFoundWhileRunning garbles the pages of the tree under a
// running store: each request fails with an internal error, in words, and
// the process goes on. Once the bytes are back, requests work again, and
// the failed transactions wrote nothing: a restart's check passes.
func TestDamageFoundWhileRunning(t *testing.T) {
	dir := populated(t)
	path := filepath.Join(dir, store.FileName)
	ts := openTestStoreIn(t, dir)
	boards := store.NewBoardService(ts.DB)
	admin := ts.login(adminEmail, adminPassword)
	pages, pageSize, err := ts.TreePages()
	if err != nil {
		t.Fatal(err)
	}
	original, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		testdisk.WriteAt(t, path, int64(p*pageSize), testdisk.Noise(uint64(100+p), pageSize))
	}
	_, err = boards.ListBoards(admin, app.BoardFilter{All: true})
	wantWords(t, err, app.EINTERNAL, "may be damaged")
	_, err = boards.CreateBoard(admin, "On damaged pages")
	wantWords(t, err, app.EINTERNAL, "may be damaged")
	_, err = store.NewImageService(ts.DB).Import(admin, "", "on-damaged-pages.png", bytes.NewReader(accesstest.PNG(3)))
	wantWords(t, err, app.EINTERNAL, "may be damaged")
	everyRequest(t, ts.DB)

	testdisk.WriteAt(t, path, 0, original)
	page, err := boards.ListBoards(admin, app.BoardFilter{All: true})
	if err != nil || len(page.Items) != 12 {
		t.Fatalf("boards once the bytes are back: %v, %v", page, err)
	}
	if _, err := boards.CreateBoard(admin, "After the repair"); err != nil {
		t.Fatal(err)
	}
	ts.Close()
	db, err := store.Open(dir)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	db.Close()
}

// TestDamagedFreeListWhileRunning garbles every page but the meta pages,
// the free list's too, under a running store. bbolt then cannot roll a
// failed write back (it rereads the free list) and keeps its writer lock:
// writes fail at once with words that say to restart, never hang, and
// reads go on. After a restart on the repaired file, all works.
func TestDamagedFreeListWhileRunning(t *testing.T) {
	dir := populated(t)
	path := filepath.Join(dir, store.FileName)
	ts := openTestStoreIn(t, dir)
	boards := store.NewBoardService(ts.DB)
	admin := ts.login(adminEmail, adminPassword)
	original, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pageSize := os.Getpagesize()
	for p := 2; p < len(original)/pageSize; p++ {
		testdisk.WriteAt(t, path, int64(p*pageSize), testdisk.Noise(uint64(100+p), pageSize))
	}
	_, err = boards.CreateBoard(admin, "On damaged pages")
	wantCode(t, err, app.EINTERNAL)
	done := make(chan error, 1)
	go func() {
		_, err := boards.CreateBoard(admin, "Once more")
		done <- err
	}()
	select {
	case err := <-done:
		wantWords(t, err, app.EINTERNAL, "stopped saving", "Restart Easel")
	case <-time.After(10 * time.Second):
		t.Fatal("a write after the damage waits forever")
	}
	everyRequest(t, ts.DB)

	testdisk.WriteAt(t, path, 0, original)
	if _, err := boards.ListBoards(admin, app.BoardFilter{All: true}); err != nil {
		t.Fatalf("reads once the bytes are back: %v", err)
	}
	ts.Close()
	db, err := store.Open(dir)
	if err != nil {
		t.Fatalf("restart: %v", err)
	}
	defer db.Close()
	if _, err := store.NewBoardService(db).CreateBoard((&testStore{DB: db, t: t, auth: store.NewAuthService(db)}).login(adminEmail, adminPassword), "After the restart"); err != nil {
		t.Fatalf("write after the restart: %v", err)
	}
}

// TestUnreadableRecordKeepsFiles: when the start-up sweep cannot read the
// record of a file the journal names, it removes nothing (neither that file
// nor a true orphan) and keeps the journal for a later start; a request
// that reads the record is told, in words, that it is damaged.
func TestUnreadableRecordKeepsFiles(t *testing.T) {
	dir := t.TempDir()
	ts := openTestStoreIn(t, dir)
	ts.setup()
	const bad, orphan = "00000000-0000-0000-0000-00000000000b.png", "00000000-0000-0000-0000-00000000000c.png"
	for _, name := range []string{bad, orphan} {
		if err := ts.WriteOrphan("someone", name, accesstest.PNG(2)); err != nil {
			t.Fatal(err)
		}
	}
	if err := ts.PutRawImageRecord(bad, []byte{0xff, 0xff, 0xff, 0x01}); err != nil {
		t.Fatal(err)
	}
	ts.Close()

	db, err := store.Open(dir)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	ctx := (&testStore{DB: db, t: t, auth: store.NewAuthService(db)}).login(adminEmail, adminPassword)
	_, err = store.NewImageService(db).FindImage(ctx, bad)
	wantWords(t, err, app.EINTERNAL, "a record in it is damaged", "backup")
	db.Close()
	if n := countFiles(t, dir); n != 4 {
		t.Fatalf("%d files after the start, want all 4 kept", n)
	}
	if info, err := os.Stat(filepath.Join(dir, "files.journal")); err != nil || info.Size() == 0 {
		t.Fatalf("the journal was emptied (%v)", err)
	}
}
