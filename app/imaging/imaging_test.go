package imaging

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif" // registers GIF globally: Inspect must still refuse it
	"image/jpeg"
	"image/png"
	"math"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/image/draw"

	"easel/app"
)

// Tiny WebP files made with ImageMagick (libwebp 1.2.4), 3×2 pixels each:
//
//	convert -size 3x2 gradient:red-blue -define webp:lossless=true ll.webp
//	convert -size 3x2 gradient:red-blue -quality 80 lossy.webp
//	convert -size 3x2 xc:'rgba(255,0,0,0.5)' -quality 80 alpha.webp
const (
	webpLossless = "\x52\x49\x46\x46\x1e\x00\x00\x00\x57\x45\x42\x50\x56\x50\x38\x4c\x12\x00\x00\x00\x2f\x02\x40\x00\x00\x0f\x10\xf3\xbf\xff\xf3\x1f\x0e\xe6\x20\xa2\xff\x11"
	webpLossy    = "\x52\x49\x46\x46\x42\x00\x00\x00\x57\x45\x42\x50\x56\x50\x38\x20\x36\x00\x00\x00\x30\x02\x00\x9d\x01\x2a\x03\x00\x02\x00\x01\x40\x26\x25\xa0\x02\x74\xba\x01\xf8\x00\x03\x21\x06\xfb\x80\x00\xfe\xfd\xa7\x38\x6c\x9e\x10\xeb\x82\xc9\x7f\xf8\xdd\xb8\xc3\x7e\x0b\xbf\xf3\x34\x61\x29\x23\xc3\x40\x00\x00"
	webpAlpha    = "\x52\x49\x46\x46\x5e\x00\x00\x00\x57\x45\x42\x50\x56\x50\x38\x58\x0a\x00\x00\x00\x10\x00\x00\x00\x02\x00\x00\x01\x00\x00\x41\x4c\x50\x48\x07\x00\x00\x00\x00\x7f\x7f\x7f\x7f\x7f\x7f\x00\x56\x50\x38\x20\x30\x00\x00\x00\xd0\x01\x00\x9d\x01\x2a\x03\x00\x02\x00\x01\x40\x26\x25\xa0\x02\x74\xba\x01\xf8\x00\x03\xb0\x00\xfe\xf2\xeb\x7f\xfc\xd8\x15\xcd\x73\xef\xf7\xff\xd2\xe0\xfd\x2e\x0f\xd2\xe0\xff\xd2\x90\x00\x00"
)

// pattern returns a w×h image with some detail, and transparency unless
// opaque.
func pattern(w, h int, opaque bool) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			a := uint8(255)
			if !opaque {
				a = uint8(x * 255 / max(w-1, 1))
			}
			m.SetNRGBA(x, y, color.NRGBA{uint8(x * 7), uint8(y * 13), uint8((x + y) * 3), a})
		}
	}
	return m
}

func pngOf(t testing.TB, m image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, m); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func jpegOf(t testing.TB, m image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pngChunk returns a PNG chunk with a correct CRC.
func pngChunk(typ string, data []byte) []byte {
	var b []byte
	b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

// pngBomb is a PNG whose header claims w×h RGBA pixels (w*h*4 bytes once
// decoded) but which holds no pixel data at all.
func pngBomb(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0) // 8-bit RGBA, deflate, no filter, no interlace
	b := []byte("\x89PNG\r\n\x1a\n")
	b = append(b, pngChunk("IHDR", ihdr)...)
	b = append(b, pngChunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
	return append(b, pngChunk("IEND", nil)...)
}

// jpegBomb is a JPEG whose frame header claims w×h pixels and whose scan
// holds no data.
func jpegBomb(w, h uint16) []byte {
	b := []byte{0xff, 0xd8} // SOI
	// SOF0: length 17, 8-bit, height, width, 3 components.
	b = append(b, 0xff, 0xc0, 0x00, 0x11, 8, byte(h>>8), byte(h), byte(w>>8), byte(w), 3,
		1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1)
	// SOS: length 12, 3 components, spectral selection 0-63.
	b = append(b, 0xff, 0xda, 0x00, 0x0c, 3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0)
	return append(b, 0xff, 0xd9) // EOI
}

// webpBomb is an extended WebP whose canvas claims w×h pixels (at most 2^24
// each).
func webpBomb(w, h uint32) []byte {
	vp8x := []byte{0, 0, 0, 0, byte(w - 1), byte((w - 1) >> 8), byte((w - 1) >> 16),
		byte(h - 1), byte((h - 1) >> 8), byte((h - 1) >> 16)}
	body := append([]byte("WEBPVP8X\x0a\x00\x00\x00"), vp8x...)
	return append(binary.LittleEndian.AppendUint32([]byte("RIFF"), uint32(len(body))), body...)
}

// webpAnimated is the start of an animated WebP: a VP8X header with the
// animation flag.
func webpAnimated() []byte {
	b := webpBomb(3, 2)
	b[20] |= 1 << 1
	return b
}

func TestInspectAccepts(t *testing.T) {
	opaque, clear := pattern(40, 30, true), pattern(7, 50, false)
	gray := image.NewGray(image.Rect(0, 0, 9, 4))
	tests := []struct {
		name, file       string
		data             []byte
		format, ctype    string
		width, height    int
		lim              Limits
		wantTransparency bool
	}{
		{"png opaque", "a.png", pngOf(t, opaque), "png", "image/png", 40, 30, Limits{}, false},
		{"png with alpha", "b.png", pngOf(t, clear), "png", "image/png", 7, 50, Limits{}, true},
		{"png gray", "c.png", pngOf(t, gray), "png", "image/png", 9, 4, Limits{}, false},
		{"jpeg", "d.jpg", jpegOf(t, opaque), "jpeg", "image/jpeg", 40, 30, Limits{}, false},
		{"jpeg gray", "e.jpeg", jpegOf(t, gray), "jpeg", "image/jpeg", 9, 4, Limits{}, false},
		{"webp lossless", "f.webp", []byte(webpLossless), "webp", "image/webp", 3, 2, Limits{}, false},
		{"webp lossy", "g.webp", []byte(webpLossy), "webp", "image/webp", 3, 2, Limits{}, false},
		{"webp lossy with alpha", "h.webp", []byte(webpAlpha), "webp", "image/webp", 3, 2, Limits{}, true},
		{"name does not matter", "photo.gif", pngOf(t, opaque), "png", "image/png", 40, 30, Limits{}, false},
		{"exactly at the limits", "i.png", pngOf(t, opaque), "png", "image/png", 40, 30,
			Limits{MaxBytes: int64(len(pngOf(t, opaque))), MaxPixels: 40 * 30}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, img, err := Inspect(context.Background(), tt.file, tt.data, tt.lim)
			if err != nil {
				t.Fatalf("Inspect: %v", err)
			}
			want := Info{Format: tt.format, ContentType: tt.ctype, Width: tt.width, Height: tt.height}
			if info != want {
				t.Errorf("info = %+v, want %+v", info, want)
			}
			if b := img.Bounds(); b.Dx() != tt.width || b.Dy() != tt.height {
				t.Errorf("image is %v, want %d×%d", b, tt.width, tt.height)
			}
			if got := !isOpaque(img); got != tt.wantTransparency {
				t.Errorf("transparency = %v, want %v", got, tt.wantTransparency)
			}
		})
	}
}

func TestInspectRefuses(t *testing.T) {
	good := pngOf(t, pattern(64, 48, true))
	goodJPEG := jpegOf(t, pattern(64, 48, true))
	var gifData bytes.Buffer
	if err := gif.Encode(&gifData, pattern(8, 8, true), nil); err != nil {
		t.Fatal(err)
	}
	badCRC := bytes.Clone(good)
	badCRC[len(badCRC)-20] ^= 0xff // inside the IDAT data or its CRC
	badJPEG := bytes.Clone(goodJPEG)
	for i := len(badJPEG) / 2; i < len(badJPEG)/2+40; i++ {
		badJPEG[i] = 0xff // markers where entropy-coded data should be
	}
	big := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 3<<19-8)...) // 1.5 MB
	const notImage = " is not an image Easel can import (PNG, JPEG or WebP)."
	const damaged = " is damaged or incomplete and could not be read. Try exporting it again from the program that made it."

	tests := []struct {
		name, file string
		data       []byte
		lim        Limits
		want       string // the whole message
	}{
		{"empty", "photo.png", nil, Limits{},
			"photo.png is empty (0 bytes). Choose a PNG, JPEG or WebP image."},
		{"text named .png", "photo.png", []byte("hello, I am not a picture\n"), Limits{},
			"photo.png" + notImage},
		{"gif", "anim.gif", gifData.Bytes(), Limits{}, "anim.gif" + notImage},
		{"bmp", "old.bmp", []byte("BM\x36\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00"), Limits{}, "old.bmp" + notImage},
		{"tiff little-endian", "scan.tif", []byte("II*\x00\x08\x00\x00\x00"), Limits{}, "scan.tif" + notImage},
		{"tiff big-endian", "scan.tiff", []byte("MM\x00*\x00\x00\x00\x08"), Limits{}, "scan.tiff" + notImage},
		{"svg", "logo.svg", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>`), Limits{}, "logo.svg" + notImage},
		{"riff but not webp", "clip.avi", []byte("RIFF\x04\x00\x00\x00AVI "), Limits{}, "clip.avi" + notImage},
		{"png signature only", "cut.png", good[:8], Limits{}, "cut.png" + damaged},
		{"png cut in half", "cut.png", good[:len(good)/2], Limits{}, "cut.png" + damaged},
		{"png without IEND", "cut.png", good[:len(good)-12], Limits{}, "cut.png" + damaged},
		{"png bad crc", "bad.png", badCRC, Limits{}, "bad.png" + damaged},
		{"jpeg cut in half", "cut.jpg", goodJPEG[:len(goodJPEG)/2], Limits{}, "cut.jpg" + damaged},
		{"jpeg header only", "cut.jpg", goodJPEG[:3], Limits{}, "cut.jpg" + damaged},
		{"jpeg corrupt", "bad.jpg", badJPEG, Limits{}, "bad.jpg" + damaged},
		{"webp cut", "cut.webp", []byte(webpLossy[:40]), Limits{}, "cut.webp" + damaged},
		{"webp header only", "cut.webp", []byte("RIFF\x04\x00\x00\x00WEBP"), Limits{}, "cut.webp" + damaged},
		{"webp animated", "loop.webp", webpAnimated(), Limits{},
			"loop.webp is an animated WebP. Easel imports still images only: save one frame as PNG, JPEG or WebP."},
		{"too many bytes", "big.png", big, Limits{MaxBytes: 1 << 20},
			"big.png is 1.5 MB, over the 1 MB limit for imported images. Choose a smaller file, or save it with more compression."},
		{"one byte too many", "big.png", big, Limits{MaxBytes: int64(len(big) - 1)},
			"big.png is 1.5 MB, over the 1.4 MB limit for imported images. Choose a smaller file, or save it with more compression."},
		{"too many pixels", "wide.png", good, Limits{MaxPixels: 64*48 - 1},
			"wide.png is 64 × 48 pixels (0.0031 megapixels), over the 0.003 megapixel limit for imported images. Scale it down and try again."},
		{"png bomb", "bomb.png", pngBomb(60000, 60000), Limits{},
			"bomb.png is 60000 × 60000 pixels (3600 megapixels), over the 100 megapixel limit for imported images. Scale it down and try again."},
		{"jpeg bomb", "bomb.jpg", jpegBomb(65535, 65535), Limits{},
			"bomb.jpg is 65535 × 65535 pixels (4294.9 megapixels), over the 100 megapixel limit for imported images. Scale it down and try again."},
		{"webp bomb", "bomb.webp", webpBomb(16384, 16384), Limits{},
			"bomb.webp is 16384 × 16384 pixels (268.5 megapixels), over the 100 megapixel limit for imported images. Scale it down and try again."},
		{"png zero width", "flat.png", pngBomb(0, 10), Limits{}, "flat.png" + damaged},
		// Names are shown, never used: only the last element, no control or
		// bidi characters, at most 80 characters.
		{"unix path", "../../etc/passwd", []byte("root:x:0:0"), Limits{}, "passwd" + notImage},
		{"windows path", `C:\Users\ann\..\photo.png`, []byte("x"), Limits{}, "photo.png" + notImage},
		{"trailing slash", "a/b/", []byte("x"), Limits{}, "b" + notImage},
		{"only dots", "..", []byte("x"), Limits{}, "The file" + notImage},
		{"no name", "", nil, Limits{}, "The file is empty (0 bytes). Choose a PNG, JPEG or WebP image."},
		{"control characters", "evil\x1b[31m\r\nname.png", []byte("x"), Limits{}, "evil[31mname.png" + notImage},
		{"bidi override", "photo\u202egnp.exe", []byte("x"), Limits{}, "photognp.exe" + notImage},
		{"invalid utf-8", "caf\xe9.png", []byte("x"), Limits{}, "caf\uFFFD.png" + notImage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, img, err := Inspect(context.Background(), tt.file, tt.data, tt.lim)
			var e *app.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v (%T), want an *app.Error", err, err)
			}
			if e.Code != app.EINVALID {
				t.Errorf("code = %q, want %q", e.Code, app.EINVALID)
			}
			if e.Message != tt.want {
				t.Errorf("message\n got %q\nwant %q", e.Message, tt.want)
			}
			if img != nil || info != (Info{}) {
				t.Errorf("got info %+v and an image along with the error", info)
			}
		})
	}
}

func TestInspectLongName(t *testing.T) {
	name := "/tmp/" + strings.Repeat("very-long-name-", 20) + "end.png"
	_, _, err := Inspect(context.Background(), name, []byte("x"), Limits{})
	msg := app.ErrorMessage(err)
	shown := strings.TrimSuffix(msg, " is not an image Easel can import (PNG, JPEG or WebP).")
	if shown == msg {
		t.Fatalf("unexpected message %q", msg)
	}
	if n := utf8.RuneCountInString(shown); n > maxNameRunes {
		t.Errorf("name shown with %d characters, want at most %d: %q", n, maxNameRunes, shown)
	}
	if !strings.HasPrefix(shown, "very-long-name-") || !strings.HasSuffix(shown, "-end.png") || !strings.Contains(shown, "…") {
		t.Errorf("name shown as %q, want its start, an ellipsis and its end", shown)
	}
}

func TestCleanName(t *testing.T) {
	long := strings.Repeat("a", 100) + ".png"
	tests := []struct{ in, want string }{
		{"photo.png", "photo.png"},
		{"  my photo.png  ", "my photo.png"},
		{"../../etc/passwd", "passwd"},
		{"/abs/dir/x.jpg", "x.jpg"},
		{`C:\Users\ann\Pictures\cat.webp`, "cat.webp"},
		{`..\..\boot.ini`, "boot.ini"},
		{"tab\there\x7f.png", "tabhere.png"},
		{"rtl\u202egnp.exe", "rtlgnp.exe"},
		{"bad\xff.png", "bad\uFFFD.png"},
		{"日本語の写真.png", "日本語の写真.png"},
		{long, strings.Repeat("a", 59) + "…" + strings.Repeat("a", 16) + ".png"},
		{"", ""},
		{".", ""},
		{"..", ""},
		{"/", ""},
		{"dir/ ", ""},
		{"\x00\x01", ""},
	}
	for _, tt := range tests {
		got := CleanName(tt.in)
		if got != tt.want {
			t.Errorf("CleanName(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if n := utf8.RuneCountInString(got); n > maxNameRunes {
			t.Errorf("CleanName(%q) has %d characters", tt.in, n)
		}
	}
}

// A header claiming billions of pixels must be refused from the header alone:
// quickly, and without allocating the pixels.
func TestInspectBombIsCheap(t *testing.T) {
	for name, data := range map[string][]byte{
		"png":  pngBomb(60000, 60000),
		"jpeg": jpegBomb(65535, 65535),
		"webp": webpBomb(16384, 16384),
	} {
		t.Run(name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			_, _, err := Inspect(context.Background(), "bomb", data, Limits{})
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			if err == nil {
				t.Fatal("bomb accepted")
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
				t.Errorf("refusing the bomb allocated %d bytes", alloc)
			}
			if elapsed > 100*time.Millisecond {
				t.Errorf("refusing the bomb took %v", elapsed)
			}
		})
	}
}

func TestThumbnailSizes(t *testing.T) {
	tests := []struct {
		name          string
		w, h, longest int
		wantW, wantH  int
	}{
		{"landscape", 4000, 3000, 256, 256, 192},
		{"portrait", 3000, 4000, 256, 192, 256},
		{"square", 1000, 1000, 256, 256, 256},
		{"rounds", 1000, 333, 256, 256, 85},
		{"just over", 257, 100, 256, 256, 100},
		{"small prefilter ratio", 600, 400, 256, 256, 171},
		{"tall strip keeps 1 px", 1, 5000, 256, 1, 256},
		{"wide strip keeps 1 px", 5000, 1, 256, 256, 1},
		{"thin strip", 3, 5000, 256, 1, 256},
		{"longest below 1 counts as 1", 40, 30, 0, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Thumbnail(image.NewRGBA(image.Rect(0, 0, tt.w, tt.h)), tt.longest)
			if b := got.Bounds(); b != image.Rect(0, 0, tt.wantW, tt.wantH) {
				t.Errorf("Thumbnail(%d×%d, %d) is %v, want %d×%d", tt.w, tt.h, tt.longest, b, tt.wantW, tt.wantH)
			}
		})
	}
}

func TestThumbnailNeverUpscales(t *testing.T) {
	for _, r := range []image.Rectangle{image.Rect(0, 0, 100, 50), image.Rect(0, 0, 256, 256), image.Rect(0, 0, 1, 1)} {
		src := image.NewRGBA(r)
		if got := Thumbnail(src, 256); got != image.Image(src) {
			t.Errorf("Thumbnail of %v: got a new %v image, want the original", r, got.Bounds())
		}
	}
}

// Every source type the scaler reads directly (and one it does not) must give
// the right colors; alpha must stay premultiplied correctly, so a
// half-transparent red stays red rather than darkening.
func TestThumbnailColors(t *testing.T) {
	r := image.Rect(0, 0, 1200, 900)
	want := color.NRGBA{200, 60, 20, 255}
	half := color.NRGBA{255, 0, 0, 128}
	fill := func(m draw.Image, c color.Color) draw.Image {
		draw.Draw(m, m.Bounds(), image.NewUniform(c), image.Point{}, draw.Src)
		return m
	}
	ycbcr := func(ratio image.YCbCrSubsampleRatio) image.Image {
		m := image.NewYCbCr(r, ratio)
		yy, cb, cr := color.RGBToYCbCr(want.R, want.G, want.B)
		for i := range m.Y {
			m.Y[i] = yy
		}
		for i := range m.Cb {
			m.Cb[i], m.Cr[i] = cb, cr
		}
		return m
	}
	nycbcra := image.NewNYCbCrA(r, image.YCbCrSubsampleRatio420)
	{
		yy, cb, cr := color.RGBToYCbCr(half.R, half.G, half.B)
		for i := range nycbcra.Y {
			nycbcra.Y[i] = yy
		}
		for i := range nycbcra.Cb {
			nycbcra.Cb[i], nycbcra.Cr[i] = cb, cr
		}
		for i := range nycbcra.A {
			nycbcra.A[i] = half.A
		}
	}
	offset := fill(image.NewNRGBA(image.Rect(-300, 50, 900, 950)), want)
	// Opaque red and transparent black, alternating: averaged right (with
	// premultiplied alpha) it is half-transparent pure red, not dark red.
	checker := image.NewNRGBA(r)
	for y := range r.Dy() {
		for x := range r.Dx() {
			if (x+y)%2 == 0 {
				checker.SetNRGBA(x, y, color.NRGBA{255, 0, 0, 255})
			}
		}
	}

	tests := []struct {
		name string
		src  image.Image
		want color.NRGBA
	}{
		{"rgba", fill(image.NewRGBA(r), want), want},
		{"nrgba", fill(image.NewNRGBA(r), want), want},
		{"nrgba half transparent", fill(image.NewNRGBA(r), half), half},
		{"nrgba checkerboard", checker, color.NRGBA{255, 0, 0, 128}},
		{"ycbcr 4:2:0", ycbcr(image.YCbCrSubsampleRatio420), want},
		{"ycbcr 4:4:4", ycbcr(image.YCbCrSubsampleRatio444), want},
		{"ycbcr 4:2:2", ycbcr(image.YCbCrSubsampleRatio422), want},
		{"ycbcr 4:1:1", ycbcr(image.YCbCrSubsampleRatio411), want},
		{"ycbcr 4:4:0", ycbcr(image.YCbCrSubsampleRatio440), want},
		{"nycbcra half transparent", nycbcra, half},
		{"gray", fill(image.NewGray(r), color.Gray{90}), color.NRGBA{90, 90, 90, 255}},
		{"paletted", fill(image.NewPaletted(r, palette.Plan9), want), color.NRGBAModel.Convert(palette.Plan9[color.Palette(palette.Plan9).Index(want)]).(color.NRGBA)},
		{"nrgba64", fill(image.NewNRGBA64(r), half), half},
		{"cmyk", fill(image.NewCMYK(r), want), want},
		{"offset bounds", offset, want},
		{"sub-image", fill(image.NewRGBA(r), want).(*image.RGBA).SubImage(image.Rect(100, 100, 1100, 800)), want},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			th := Thumbnail(tt.src, 64)
			b := th.Bounds()
			for _, p := range []image.Point{b.Min, b.Max.Sub(image.Pt(1, 1)), {b.Dx() / 2, b.Dy() / 2}} {
				got := color.NRGBAModel.Convert(th.At(p.X, p.Y)).(color.NRGBA)
				if !near(got, tt.want, 3) {
					t.Fatalf("pixel %v = %v, want %v", p, got, tt.want)
				}
			}
		})
	}
}

// The fast paths must agree with x/image/draw's own reading of each type:
// the thumbnail is compared with Catmull-Rom alone on content that varies
// across the image (so a misplaced chroma sample or a wrong alpha shows),
// including sub-images that start at odd coordinates.
func TestThumbnailMatchesReference(t *testing.T) {
	r := image.Rect(0, 0, 1203, 901)
	at := func(x, y int) color.NRGBA {
		return color.NRGBA{uint8(x * 255 / 1203), uint8(255 - y*255/901), uint8((x / 300 % 2) * 200), uint8(40 + (x+y)*215/2104)}
	}
	nrgba := image.NewNRGBA(r)
	for y := range r.Dy() {
		for x := range r.Dx() {
			nrgba.SetNRGBA(x, y, at(x, y))
		}
	}
	ycbcr := func(ratio image.YCbCrSubsampleRatio, alpha bool) image.Image {
		m := image.NewNYCbCrA(r, ratio)
		for y := range r.Dy() {
			for x := range r.Dx() {
				c := at(x, y)
				yy, cb, cr := color.RGBToYCbCr(c.R, c.G, c.B)
				m.Y[m.YOffset(x, y)] = yy
				m.Cb[m.COffset(x, y)], m.Cr[m.COffset(x, y)] = cb, cr
				m.A[m.AOffset(x, y)] = c.A
			}
		}
		if alpha {
			return m
		}
		return &m.YCbCr
	}
	gray := image.NewGray(r)
	draw.Draw(gray, r, nrgba, image.Point{}, draw.Src)
	nrgba64 := image.NewNRGBA64(r)
	draw.Draw(nrgba64, r, nrgba, image.Point{}, draw.Src)
	type subImager interface {
		SubImage(image.Rectangle) image.Image
	}
	odd := image.Rect(301, 77, 1203, 900)

	tests := []struct {
		name string
		src  image.Image
	}{
		{"nrgba", nrgba},
		{"nrgba sub-image", nrgba.SubImage(odd)},
		{"gray", gray},
		{"nrgba64 (RGBA64At path)", nrgba64},
		{"only At (general path)", onlyAt{nrgba}},
		{"nycbcra 4:2:0", ycbcr(image.YCbCrSubsampleRatio420, true)},
		{"nycbcra sub-image", ycbcr(image.YCbCrSubsampleRatio420, true).(subImager).SubImage(odd)},
	}
	for _, ratio := range []image.YCbCrSubsampleRatio{
		image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio420,
		image.YCbCrSubsampleRatio440, image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410,
	} {
		m := ycbcr(ratio, false)
		tests = append(tests,
			struct {
				name string
				src  image.Image
			}{"ycbcr " + ratio.String(), m},
			struct {
				name string
				src  image.Image
			}{"ycbcr sub-image " + ratio.String(), m.(subImager).SubImage(odd)})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Thumbnail(tt.src, 100)
			ref := image.NewRGBA(got.Bounds())
			draw.CatmullRom.Scale(ref, ref.Bounds(), tt.src, tt.src.Bounds(), draw.Src, nil)
			if q := psnr(got, ref); q < 35 {
				t.Errorf("thumbnail is %.1f dB from the reference, want at least 35 dB", q)
			}
		})
	}
}

// onlyAt hides every method of its image but the three of image.Image.
type onlyAt struct{ m image.Image }

func (o onlyAt) ColorModel() color.Model { return o.m.ColorModel() }
func (o onlyAt) Bounds() image.Rectangle { return o.m.Bounds() }
func (o onlyAt) At(x, y int) color.Color { return o.m.At(x, y) }

func near(a, b color.NRGBA, tol int) bool {
	d := func(x, y uint8) bool { return math.Abs(float64(x)-float64(y)) <= float64(tol) }
	return d(a.R, b.R) && d(a.G, b.G) && d(a.B, b.B) && d(a.A, b.A)
}

// zonePlate is a w×h gray image of concentric rings whose frequency rises to
// the pixel (Nyquist) limit at the edges: a scaler that aliases turns it into
// false rings (moiré).
func zonePlate(w, h int) *image.Gray {
	m := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			dx, dy := float64(x-w/2), float64(y-h/2)
			m.Pix[y*m.Stride+x] = uint8(127.5 + 127.5*math.Cos(math.Pi*(dx*dx+dy*dy)/float64(w)))
		}
	}
	return m
}

// psnr compares two same-sized images' premultiplied RGBA, in dB.
func psnr(a, b image.Image) float64 {
	var se float64
	n := 0
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ar, ag, ab, aa := a.At(x, y).RGBA()
			br, bg, bb, ba := b.At(x, y).RGBA()
			for _, d := range []float64{float64(ar>>8) - float64(br>>8), float64(ag>>8) - float64(bg>>8),
				float64(ab>>8) - float64(bb>>8), float64(aa>>8) - float64(ba>>8)} {
				se += d * d
			}
			n += 4
		}
	}
	return 10 * math.Log10(255*255/(se/float64(n)))
}

// The scaler must not alias, and the area-averaging shortcut must look like
// Catmull-Rom alone (the slow reference). On this zone plate a plain bilinear
// sample scores about 10 dB against the reference; ours about 37 dB.
func TestThumbnailQuality(t *testing.T) {
	src := zonePlate(1600, 1200)
	ref := image.NewRGBA(image.Rect(0, 0, 128, 96))
	draw.CatmullRom.Scale(ref, ref.Bounds(), src, src.Bounds(), draw.Src, nil)
	got := Thumbnail(src, 128)
	if q := psnr(got, ref); q < 30 {
		t.Errorf("thumbnail is %.1f dB from Catmull-Rom alone, want at least 30 dB", q)
	}
	fast := image.NewRGBA(ref.Bounds())
	draw.ApproxBiLinear.Scale(fast, fast.Bounds(), src, src.Bounds(), draw.Src, nil)
	if q := psnr(fast, ref); q > 20 {
		t.Errorf("the test no longer detects aliasing: bilinear sampling scores %.1f dB", q)
	}
}

func TestEncodeThumbnail(t *testing.T) {
	yc := image.NewYCbCr(image.Rect(0, 0, 30, 20), image.YCbCrSubsampleRatio420)
	oneClear := pattern(50, 40, true)
	oneClear.SetNRGBA(49, 39, color.NRGBA{1, 2, 3, 254})
	tests := []struct {
		name      string
		img       image.Image
		wantType  string
		wantW     int
		wantH     int
		wantAlpha bool
	}{
		{"opaque nrgba", pattern(50, 40, true), "image/jpeg", 50, 40, false},
		{"opaque ycbcr", yc, "image/jpeg", 30, 20, false},
		{"opaque scaled", Thumbnail(pattern(800, 600, true), 64), "image/jpeg", 64, 48, false},
		{"transparent", pattern(50, 40, false), "image/png", 50, 40, true},
		{"one pixel not opaque", oneClear, "image/png", 50, 40, true},
		{"transparent scaled", Thumbnail(pattern(800, 600, false), 64), "image/png", 64, 48, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, ctype, err := EncodeThumbnail(tt.img)
			if err != nil {
				t.Fatal(err)
			}
			if ctype != tt.wantType {
				t.Errorf("content type = %q, want %q", ctype, tt.wantType)
			}
			info, img, err := Inspect(context.Background(), "thumb", data, Limits{})
			if err != nil {
				t.Fatalf("thumbnail does not decode: %v", err)
			}
			if info.ContentType != ctype || info.Width != tt.wantW || info.Height != tt.wantH {
				t.Errorf("decoded %+v, want %s %d×%d", info, ctype, tt.wantW, tt.wantH)
			}
			if got := !isOpaque(img); got != tt.wantAlpha {
				t.Errorf("decoded transparency = %v, want %v", got, tt.wantAlpha)
			}
		})
	}
}

func TestEncodePNG(t *testing.T) {
	src := pattern(33, 17, false)
	data, err := EncodePNG(src)
	if err != nil {
		t.Fatal(err)
	}
	got, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if n, ok := got.(*image.NRGBA); !ok || !bytes.Equal(n.Pix, src.Pix) {
		t.Error("PNG round trip changed the pixels")
	}

	// An image without pixels cannot be encoded: that is a bug in the
	// caller, so the error is internal, not one for the person.
	if _, err := EncodePNG(image.NewRGBA(image.Rectangle{})); err == nil || app.ErrorCode(err) != app.EINTERNAL {
		t.Errorf("EncodePNG(empty) err = %v, want an internal error", err)
	}
	if _, _, err := EncodeThumbnail(image.NewRGBA(image.Rectangle{})); err == nil || app.ErrorCode(err) != app.EINTERNAL {
		t.Errorf("EncodeThumbnail(empty) err = %v, want an internal error", err)
	}
}

// BenchmarkThumbnail4000x3000 scales a 12-megapixel photo to a 256 px
// thumbnail, as decoded from JPEG (YCbCr 4:2:0) and from PNG (RGBA without
// an alpha channel, NRGBA with one), and with each scaler alone for
// comparison.
func BenchmarkThumbnail4000x3000(b *testing.B) {
	const w, h = 4000, 3000
	yc := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	for i := range yc.Y {
		yc.Y[i] = uint8(i * 7 % 251)
	}
	for i := range yc.Cb {
		yc.Cb[i], yc.Cr[i] = uint8(i%97+80), uint8(i%89+90)
	}
	rgba := image.NewRGBA(image.Rect(0, 0, w, h)) // PNG without alpha
	for i := range rgba.Pix {
		rgba.Pix[i] = uint8(i * 13 % 253)
		if i%4 == 3 {
			rgba.Pix[i] = 0xff
		}
	}
	nrgba := image.NewNRGBA(image.Rect(0, 0, w, h)) // PNG with alpha
	for i := range nrgba.Pix {
		nrgba.Pix[i] = uint8(i * 13 % 253)
	}
	for _, bc := range []struct {
		name string
		src  image.Image
	}{{"jpeg-ycbcr420", yc}, {"png-rgba", rgba}, {"png-nrgba-alpha", nrgba}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if t := Thumbnail(bc.src, 256); t.Bounds().Dx() != 256 {
					b.Fatal(t.Bounds())
				}
			}
		})
	}
	b.Run("catmullrom-alone-ycbcr420", func(b *testing.B) {
		for b.Loop() {
			resize(yc, 256, 192, 0)
		}
	})
	b.Run("approxbilinear-alone-ycbcr420", func(b *testing.B) {
		dst := image.NewRGBA(image.Rect(0, 0, 256, 192))
		for b.Loop() {
			draw.ApproxBiLinear.Scale(dst, dst.Bounds(), yc, yc.Bounds(), draw.Src, nil)
		}
	})
}
