package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"easel/app"
	"easel/store"
)

func TestOpen(t *testing.T) {
	t.Run("OK creates a private folder and file", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "nested", "data")
		db, err := store.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		for path, want := range map[string]os.FileMode{dir: 0o700, filepath.Join(dir, store.FileName): 0o600} {
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode().Perm(); got != want {
				t.Errorf("%s mode = %o, want %o", path, got, want)
			}
		}
	})

	t.Run("ErrAlreadyRunning when another Easel holds the file", func(t *testing.T) {
		dir := t.TempDir()
		db, err := store.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		start := time.Now()
		_, err = store.Open(dir)
		wantCode(t, err, app.EUNAVAILABLE)
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("second open took %v; it must not hang", took)
		}
	})

	t.Run("OK reopens with data and schema kept", func(t *testing.T) {
		dir := t.TempDir()
		db, err := store.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.NewUserService(db).Setup(context.Background(), app.NewUser{Email: "a@b.co", Password: "password1"}); err != nil {
			t.Fatal(err)
		}
		db.Close()
		db, err = store.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if v, err := db.SchemaVersion(); err != nil || v != store.SchemaVersion {
			t.Fatalf("schema version = %d, %v; want %d", v, err, store.SchemaVersion)
		}
		required, err := store.NewUserService(db).SetupRequired(context.Background())
		if err != nil || required {
			t.Fatalf("setup required after reopen = %v, %v", required, err)
		}
	})
}
