package store_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"easel/app"
	"easel/app/accesstest"
	"easel/app/imaging"
	"easel/store"
)

// counting reads from r, counting the bytes it gave.
type counting struct {
	r io.Reader
	n int64
}

func (c *counting) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// zeros is an endless stream of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// failing gives its bytes, then fails as a dropped connection would.
type failing struct{ r io.Reader }

func (f failing) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		err = app.Errorf(app.EINVALID, "The upload was cut off: connection reset")
	}
	return n, err
}

// TestImportStreams: an import is copied to disk as it is read, never held
// whole in memory; one over the size limit is read only just past it (an
// open file not at all); a stream that fails keeps its words; and whatever
// is refused leaves nothing behind, temporary files included.
func TestImportStreams(t *testing.T) {
	g := openGallery(t)
	ctx := g.setup()
	png := accesstest.PNG(1)
	const limit = 1 << 20
	g.images = store.NewImageService(g.DB, store.ImportLimits(imaging.Limits{MaxBytes: limit}))

	t.Run("OK, without holding the file in memory", func(t *testing.T) {
		// A PNG may carry anything after its end; 12 MB of it here, which
		// the import stores but need not hold.
		var before, after runtime.MemStats
		roomy := store.NewImageService(g.DB, store.ImportLimits(imaging.Limits{MaxBytes: 16 << 20}))
		runtime.GC()
		runtime.ReadMemStats(&before)
		img, err := roomy.Import(ctx, "", "tail.png", io.MultiReader(bytes.NewReader(png), io.LimitReader(zeros{}, 12<<20)))
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatal(err)
		}
		if want := int64(len(png) + 12<<20); img.Size != want {
			t.Errorf("size %d, want %d", img.Size, want)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 6<<20 {
			t.Errorf("importing a 12 MB file allocated %.1f MB", float64(alloc)/(1<<20))
		}
	})
	files := countFiles(t, g.Dir())

	t.Run("ErrInvalid over the limit, read only just past it", func(t *testing.T) {
		src := &counting{r: io.MultiReader(bytes.NewReader(png), zeros{})} // never ends
		_, err := g.images.Import(ctx, "", "endless.png", src)
		if app.ErrorCode(err) != app.EINVALID || app.ErrorMessage(err) != "endless.png is over the 1 MB limit for imported images. Choose a smaller file, or save it with more compression." {
			t.Fatalf("endless upload: %v", err)
		}
		if src.n > limit+64<<10 {
			t.Errorf("read %d bytes of an upload over a %d-byte limit", src.n, limit)
		}
	})

	t.Run("ErrInvalid for a file over the limit, before reading it", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "big.png")
		if err := os.WriteFile(path, png, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(path, limit+limit/2); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		_, err = g.images.Import(ctx, "", "big.png", f)
		if app.ErrorMessage(err) != "big.png is 1.5 MB, over the 1 MB limit for imported images. Choose a smaller file, or save it with more compression." {
			t.Fatalf("big file: %v", err)
		}
		if pos, _ := f.Seek(0, io.SeekCurrent); pos != 0 {
			t.Errorf("read %d bytes of a file known to be too big", pos)
		}
	})

	t.Run("a failing stream keeps its words", func(t *testing.T) {
		_, err := g.images.Import(ctx, "", "cut.png", failing{bytes.NewReader(png[:len(png)/2])})
		if app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "cut off") {
			t.Fatalf("cut upload: %v", err)
		}
	})

	t.Run("a damaged image is refused from its file", func(t *testing.T) {
		_, err := g.images.Import(ctx, "", "cut.png", bytes.NewReader(png[:len(png)-20]))
		if app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "damaged") {
			t.Fatalf("damaged image: %v", err)
		}
	})

	if n := countFiles(t, g.Dir()); n != files {
		t.Fatalf("%d files after the refusals, want %d: something was left behind", n, files)
	}
}
