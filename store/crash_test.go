package store_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"easel/app"
	"easel/app/accesstest"
	"easel/store"
)

// TestOrphansAreSweptAtOpen: files written for a record that never
// committed are removed when the store opens next.
func TestOrphansAreSweptAtOpen(t *testing.T) {
	dir := t.TempDir()
	db, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.WriteOrphan("someone", "00000000-0000-0000-0000-000000000000.png", accesstest.PNG(1)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if n := countFiles(t, dir); n != 2 {
		t.Fatalf("files before reopening = %d", n)
	}
	db, err = store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n := countFiles(t, dir); n != 0 {
		t.Fatalf("files after reopening = %d, want the orphans gone", n)
	}
}

// TestCrashWhileImporting kills a process that is importing images, at
// varying moments, and checks after each crash that every record has its
// files and no file lacks its record.
func TestCrashWhileImporting(t *testing.T) {
	if os.Getenv("EASEL_CRASH_CHILD") != "" {
		crashChild()
		return
	}
	dir := t.TempDir()
	db, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.NewUserService(db).Setup(context.Background(), app.NewUser{Email: "crash@t.co", Password: "crash-test-1"}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	for round := 0; round < 6; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashWhileImporting$")
		cmd.Env = append(os.Environ(), "EASEL_CRASH_CHILD="+dir)
		out, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		for seen := 0; seen < 3+round && sc.Scan(); {
			if strings.HasPrefix(sc.Text(), "imported") {
				seen++
			}
		}
		time.Sleep(time.Duration(round) * 3 * time.Millisecond) // land in different steps of an import
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()

		db, err := store.Open(dir)
		if err != nil {
			t.Fatalf("round %d: reopen: %v", round, err)
		}
		missing, err := db.ImageFilesMissing()
		records := db.ImageCount()
		db.Close()
		if err != nil || len(missing) > 0 {
			t.Fatalf("round %d: records without files: %v %v", round, missing, err)
		}
		if files := countFiles(t, dir); files != 2*records {
			t.Fatalf("round %d: %d records but %d files: orphans were left", round, records, files)
		}
		t.Logf("round %d: %d images, all with their files", round, records)
	}
}

// crashChild imports images until it is killed.
func crashChild() {
	dir := os.Getenv("EASEL_CRASH_CHILD")
	db, err := store.Open(dir)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	l, err := store.NewAuthService(db).Login(context.Background(), app.Credentials{Email: "crash@t.co", Password: "crash-test-1"})
	if err != nil {
		fmt.Println("login:", err)
		os.Exit(2)
	}
	ctx := app.NewContextWithActor(context.Background(), &app.Actor{UserID: l.User.UserID, SessionID: app.TokenID(l.Token)})
	images := store.NewImageService(db)
	for i := 0; ; i++ {
		if _, err := images.Import(ctx, "", "crash.png", bytes.NewReader(accesstest.PNG(i))); err != nil {
			fmt.Println("import:", err)
			os.Exit(2)
		}
		fmt.Println("imported", i)
	}
}
