package imaging

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"easel/app/accesstest"
)

// The files in testdata were made with ImageMagick 6.9, from
// `convert -size 640x480 gradient:red-blue` and:
//
//	progressive.jpg       -interlace JPEG -quality 85
//	cmyk.jpg              -colorspace CMYK -quality 85
//	progressive-cmyk.jpg  -interlace JPEG -colorspace CMYK -quality 85
//	lossless.webp         -define webp:lossless=true
//	lossy.webp            -quality 80
//	alpha.webp            -alpha set -channel A -evaluate set 50% -quality 80
func testdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// importBytes runs Import on data, as the store runs it on a file.
func importBytes(data []byte) (Info, image.Image, error) {
	return Import(context.Background(), "file", bytes.NewReader(data), int64(len(data)), Limits{})
}

// TestPNGThumbnailFromRows: the thumbnail made from a PNG's rows as they
// arrive is, byte for byte, the one Thumbnail makes from the decoded image,
// for every colour type, at every size class (fits, scaled whole, averaged
// row by row), interlaced or not.
func TestPNGThumbnailFromRows(t *testing.T) {
	const longest = 64
	for _, spec := range []pngSpec{
		{301, 203, pngRGB, 16, false, false, 1},
		{301, 203, pngRGB, 16, true, false, 2},
		{203, 301, pngRGBA, 8, false, false, 3},
		{380, 170, pngGrayAlpha, 16, true, false, 4},
		{260, 260, pngPalette, 4, false, true, 5},
		{270, 250, pngGray, 1, false, false, 6},
		{256, 225, pngGray, 8, false, true, 7},
		{300, 100, pngRGB, 8, false, true, 8},
		{120, 80, pngRGB, 16, false, true, 10}, // scaled whole, no averaging
		{60, 30, pngRGBA, 16, true, false, 9},  // fits: the image is its thumbnail
	} {
		data := spec.encode()
		whole, err := decodeOurs(data)
		if err != nil {
			t.Fatalf("%v: %v", spec, err)
		}
		d, err := newPNGDecoder(bufio.NewReader(bytes.NewReader(data)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := pngThumbnail(d, longest)
		if err != nil {
			t.Fatalf("%v: %v", spec, err)
		}
		if err := sameRGBA(got, Thumbnail(whole, longest)); err != nil {
			t.Errorf("%v: %v", spec, err)
		}
	}
	// And through Import, at the thumbnail size Easel keeps.
	data := accesstest.HugePNG16(1203, 901)
	_, whole, err := Inspect(context.Background(), "a.png", data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	info, got, err := importBytes(data)
	if err != nil {
		t.Fatal(err)
	}
	if info != (Info{"png", "image/png", 1203, 901}) {
		t.Errorf("info %+v", info)
	}
	if err := sameRGBA(got, Thumbnail(whole, ThumbnailSize)); err != nil {
		t.Errorf("Import: %v", err)
	}
}

// sameRGBA reports where got and want first differ, as premultiplied RGBA.
func sameRGBA(got, want image.Image) error {
	if got.Bounds() != want.Bounds() {
		return fmt.Errorf("bounds %v, want %v", got.Bounds(), want.Bounds())
	}
	b := want.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if g, w := rgbaOf(got.At(x, y)), rgbaOf(want.At(x, y)); g != w {
				return fmt.Errorf("pixel (%d, %d) = %v, want %v", x, y, g, w)
			}
		}
	}
	return nil
}

// TestImportJPEGUpright: a phone photo's thumbnail and size stand upright,
// as Inspect's whole image does.
func TestImportJPEGUpright(t *testing.T) {
	upright := image.NewNRGBA(image.Rect(0, 0, 400, 200))
	for y := range 200 {
		for x := range 400 {
			c := color.NRGBA{40, 40, 200, 255}
			if x < 200 && y < 100 {
				c = color.NRGBA{220, 30, 30, 255}
			}
			upright.Set(x, y, c)
		}
	}
	inverse := map[int]int{1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 8, 7: 7, 8: 6}
	for o := 1; o <= 8; o++ {
		data := withOrientation(t, orient(upright, inverse[o]), o, binary.BigEndian)
		info, thumb, err := importBytes(data)
		if err != nil {
			t.Fatal(err)
		}
		if info.Width != 400 || info.Height != 200 {
			t.Fatalf("orientation %d: %d×%d, want 400×200", o, info.Width, info.Height)
		}
		if b := thumb.Bounds(); b.Dx() != 256 || b.Dy() != 128 {
			t.Fatalf("orientation %d: thumbnail %v, want 256×128", o, b)
		}
		_, whole, _ := Inspect(context.Background(), "phone.jpg", data, Limits{})
		if q := psnr(thumb, Thumbnail(whole, ThumbnailSize)); q < 30 {
			t.Errorf("orientation %d: thumbnail %.1f dB from the whole image's", o, q)
		}
		if r, _, _, _ := thumb.At(20, 20).RGBA(); r>>8 < 150 {
			t.Errorf("orientation %d: the thumbnail's top-left is not red", o)
		}
	}
}

// TestImportRefusesAsInspect: Import refuses what Inspect refuses, with the
// same words, whether the problem shows in the size, the header or the
// pixels.
func TestImportRefusesAsInspect(t *testing.T) {
	good := pngOf(t, pattern(64, 48, true))
	sixteen := (pngSpec{300, 200, pngRGB, 16, false, false, 3}).encode()
	cases := map[string][]byte{
		"empty":         nil,
		"text":          []byte("hello"),
		"png cut":       good[:len(good)/2],
		"16-bit cut":    sixteen[:len(sixteen)-40],
		"16-bit no end": sixteen[:len(sixteen)-12],
		"bomb":          pngBomb(60000, 60000),
		"jpeg bomb":     jpegBomb(65535, 65535),
		"webp bomb":     webpBomb(16384, 16384),
		"webp animated": webpAnimated(),
		"jpeg cut":      testdata(t, "progressive.jpg")[:3000],
		"webp cut":      testdata(t, "lossy.webp")[:900],
	}
	for name, data := range cases {
		_, _, want := Inspect(context.Background(), "x.png", data, Limits{})
		info, thumb, err := Import(context.Background(), "x.png", bytes.NewReader(data), int64(len(data)), Limits{})
		if want == nil || err == nil || err.Error() != want.Error() {
			t.Errorf("%s: Import says %v, Inspect %v", name, err, want)
		}
		if thumb != nil || info != (Info{}) {
			t.Errorf("%s: got a result along with the error", name)
		}
	}
	lim := Limits{MaxBytes: int64(len(good) - 1)}
	if _, _, err := Import(context.Background(), "x.png", bytes.NewReader(good), int64(len(good)), lim); err == nil || err.Error() != CheckSize("x.png", int64(len(good)), lim).Error() {
		t.Errorf("over the size limit: %v", err)
	}
}

// TestDecodeCostCovers: what a decode really allocates, all of it, garbage
// included, stays within the estimate it waited for, for each decoder and
// the kinds of file that cost it most.
func TestDecodeCostCovers(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's runtime allocates more than a user's does")
	}
	files := map[string][]byte{
		"png 16-bit rgb":             accesstest.HugePNG16(1203, 901), // its thumbnail is made row by row
		"png 16-bit rgb interlaced":  (pngSpec{640, 480, pngRGB, 16, true, false, 2}).encode(),
		"png rgba interlaced":        (pngSpec{640, 480, pngRGBA, 8, true, false, 3}).encode(),
		"png gray 1-bit":             (pngSpec{640, 480, pngGray, 1, false, false, 4}).encode(),
		"png palette":                (pngSpec{640, 480, pngPalette, 8, false, true, 5}).encode(),
		"png small":                  (pngSpec{300, 200, pngRGBA, 16, false, false, 6}).encode(),
		"jpeg":                       jpegOf(t, pattern(640, 480, true)),
		"jpeg turned":                withOrientation(t, pattern(640, 480, true), 6, binary.LittleEndian),
		"jpeg progressive":           testdata(t, "progressive.jpg"),
		"jpeg cmyk":                  testdata(t, "cmyk.jpg"),
		"jpeg progressive cmyk":      testdata(t, "progressive-cmyk.jpg"),
		"webp lossless":              testdata(t, "lossless.webp"),
		"webp lossy":                 testdata(t, "lossy.webp"),
		"webp lossy with alpha":      testdata(t, "alpha.webp"),
		"webp lossless (tiny, test)": []byte(webpLossless),
	}
	for name, data := range files {
		for _, thumbnail := range []bool{false, true} {
			h, err := readHeader(name, bytes.NewReader(data), int64(len(data)), Limits{})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			cost := h.cost(thumbnail)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			if _, err := h.decode(context.Background(), thumbnail); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			runtime.ReadMemStats(&after)
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > uint64(cost) {
				t.Errorf("%s (thumbnail %v): allocated %d bytes, estimated %d", name, thumbnail, alloc, cost)
			} else {
				t.Logf("%s (thumbnail %v): allocated %.1f MB, estimated %.1f MB", name, thumbnail, float64(alloc)/(1<<20), float64(cost)/(1<<20))
			}
		}
	}
}

// TestImportLargePNGIsSmall: a 4000 × 3000 16-bit PNG, 96 MB as image/png
// decodes it, makes its thumbnail allocating a few megabytes: its rows,
// never its image. (The 10000 × 10000 case, measured as the process's RSS,
// is TestUploadPeakMemory in app/httpapi.) Under the race detector, whose
// pixel loops are slow, the picture is a quarter of the size.
func TestImportLargePNGIsSmall(t *testing.T) {
	w, h := 4000, 3000
	if raceEnabled {
		w, h = 2000, 1500
	}
	data := accesstest.HugePNG16(w, h)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	info, thumb, err := importBytes(data)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if info.Width != w || info.Height != h || thumb.Bounds() != image.Rect(0, 0, 256, 192) {
		t.Fatalf("info %+v, thumbnail %v", info, thumb.Bounds())
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
		t.Errorf("allocated %.1f MB", float64(alloc)/(1<<20))
	}
	// The bands are there: dark red on the left, bright on the right.
	if l, r := rgbaOf(thumb.At(2, 96)), rgbaOf(thumb.At(253, 96)); l.R > 30 || r.R < 220 {
		t.Errorf("thumbnail colours %v … %v", l, r)
	}
}

func rgbaOf(c color.Color) color.RGBA { return color.RGBAModel.Convert(c).(color.RGBA) }
