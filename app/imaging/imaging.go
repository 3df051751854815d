// Package imaging checks, decodes, scales and encodes the images people import
// into Easel. It reads PNG, JPEG and WebP, in pure Go.
//
// Every file is treated as hostile: the format is sniffed from the bytes (never
// the file name), the size and pixel count are checked before anything large
// is allocated, and the whole image is decoded so a damaged file is refused at
// import rather than discovered later.
package imaging

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"path"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"

	"easel/app"
)

// ThumbnailSize is the longest side of the thumbnails Easel keeps, in pixels.
const ThumbnailSize = 256

// Defaults for the zero fields of Limits.
const (
	DefaultMaxBytes  int64 = 64 << 20    // 64 MB
	DefaultMaxPixels int   = 100_000_000 // 100 megapixels
)

// Limits bound what an import may be. Zero (or negative) fields take the
// defaults.
type Limits struct {
	MaxBytes  int64 // largest file accepted, in bytes
	MaxPixels int   // largest width × height accepted
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = DefaultMaxPixels
	}
	return l
}

// Info describes an image that passed Inspect.
type Info struct {
	Format        string // "png", "jpeg" or "webp"
	ContentType   string // "image/png", "image/jpeg" or "image/webp"
	Width, Height int
}

// A format is one image format Easel imports. The decoders are named here,
// not looked up in image's global registry, so no other package's
// registrations (GIF, BMP, ...) can widen what Easel accepts.
type format struct {
	name, contentType string
	decodeConfig      func([]byte) (image.Config, error)
	decode            func([]byte) (image.Image, error)
}

var (
	formatPNG = &format{"png", "image/png",
		func(b []byte) (image.Config, error) { return png.DecodeConfig(bytes.NewReader(b)) },
		func(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) }}
	formatJPEG = &format{"jpeg", "image/jpeg",
		func(b []byte) (image.Config, error) { return jpeg.DecodeConfig(bytes.NewReader(b)) },
		func(b []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(b)) }}
	formatWebP = &format{"webp", "image/webp",
		func(b []byte) (image.Config, error) { return webp.DecodeConfig(bytes.NewReader(b)) },
		func(b []byte) (image.Image, error) { return webp.Decode(bytes.NewReader(b)) }}
)

// sniff returns the format of data from its leading bytes, or nil.
func sniff(data []byte) *format {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return formatPNG
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return formatJPEG
	case len(data) >= 12 && string(data[0:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return formatWebP
	}
	return nil
}

// isAnimatedWebP reports whether data (a sniffed WebP) has the animation flag
// set in an extended (VP8X) header. The decoder cannot read animations and
// would only say the file is invalid.
func isAnimatedWebP(data []byte) bool {
	const animationBit = 1 << 1
	return len(data) >= 21 && string(data[12:16]) == "VP8X" && data[20]&animationBit != 0
}

// Inspect checks that data is a whole PNG, JPEG or WebP image within lim,
// decoding it fully (so a truncated or corrupt file is refused), and returns
// its info and the decoded image. name is the file name the person chose; it
// is used only in messages, never as a path.
//
// Every error is an *app.Error with code app.EINVALID.
func Inspect(name string, data []byte, lim Limits) (Info, image.Image, error) {
	lim = lim.withDefaults()
	who := displayName(name)

	if len(data) == 0 {
		return Info{}, nil, app.Errorf(app.EINVALID,
			"%s is empty (0 bytes). Choose a PNG, JPEG or WebP image.", who)
	}
	if int64(len(data)) > lim.MaxBytes {
		return Info{}, nil, app.Errorf(app.EINVALID,
			"%s is %s MB, over the %s MB limit for imported images. Choose a smaller file, or save it with more compression.",
			who, megabytes(int64(len(data)), true), megabytes(lim.MaxBytes, false))
	}

	f := sniff(data)
	if f == nil {
		return Info{}, nil, app.Errorf(app.EINVALID,
			"%s is not an image Easel can import (PNG, JPEG or WebP).", who)
	}
	if f == formatWebP && isAnimatedWebP(data) {
		return Info{}, nil, app.Errorf(app.EINVALID,
			"%s is an animated WebP. Easel imports still images only: save one frame as PNG, JPEG or WebP.", who)
	}
	damaged := app.Errorf(app.EINVALID,
		"%s is damaged or incomplete and could not be read. Try exporting it again from the program that made it.", who)

	// The header alone says how big the decoded image would be; refuse
	// decompression bombs before allocating their pixels.
	cfg, err := safeDecodeConfig(f, data)
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return Info{}, nil, damaged
	}
	if pixels := int64(cfg.Width) * int64(cfg.Height); pixels > int64(lim.MaxPixels) {
		return Info{}, nil, app.Errorf(app.EINVALID,
			"%s is %d × %d pixels (%s megapixels), over the %s megapixel limit for imported images. Scale it down and try again.",
			who, cfg.Width, cfg.Height, megapixels(pixels, true), megapixels(int64(lim.MaxPixels), false))
	}

	img, err := safeDecode(f, data)
	if err != nil {
		return Info{}, nil, damaged
	}
	b := img.Bounds()
	if b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		// The header promised one size and the pixels are another.
		return Info{}, nil, damaged
	}
	if f == formatJPEG {
		img = orient(img, exifOrientation(data))
		b = img.Bounds()
	}
	return Info{Format: f.name, ContentType: f.contentType, Width: b.Dx(), Height: b.Dy()}, img, nil
}

// safeDecodeConfig and safeDecode turn a panic in a decoder (a bug, reached
// by a hostile file) into an error, so one bad file cannot take Easel down.
func safeDecodeConfig(f *format, data []byte) (cfg image.Config, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("imaging: %s decoder panicked: %v", f.name, r)
		}
	}()
	return f.decodeConfig(data)
}

func safeDecode(f *format, data []byte) (img image.Image, err error) {
	defer func() {
		if r := recover(); r != nil {
			img, err = nil, fmt.Errorf("imaging: %s decoder panicked: %v", f.name, r)
		}
	}()
	img, err = f.decode(data)
	if err == nil && img == nil {
		err = errors.New("imaging: decoder returned no image")
	}
	return img, err
}

// megabytes formats n bytes as MB (2^20 bytes) with one decimal (more
// below 1 MB, to keep two significant digits), rounded up for a file's size,
// so a file just over the limit never shows as equal to it, and down for the
// limit.
func megabytes(n int64, up bool) string {
	return roughly(float64(n)/(1<<20), up)
}

// megapixels formats n pixels as megapixels, like megabytes.
func megapixels(n int64, up bool) string {
	return roughly(float64(n)/1e6, up)
}

func roughly(v float64, up bool) string {
	decimals := 1
	for v > 0 && v*math.Pow10(decimals) < 10 && decimals < 6 {
		decimals++
	}
	p := math.Pow10(decimals)
	if up {
		v = math.Ceil(v*p) / p
	} else {
		v = math.Floor(v*p) / p
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// maxNameRunes caps how much of a file name appears in a message.
const maxNameRunes = 80

// CleanName makes the file name a person chose safe to store and to show:
// only the last path element (either slash), no control or bidi-override
// characters, valid UTF-8, no surrounding spaces, at most maxNameRunes runes
// (a longer name keeps its start and its end, with the extension, around an
// ellipsis). It returns "" when nothing is left (as for "", "/" or "..").
func CleanName(name string) string {
	name = strings.ToValidUTF8(name, "\uFFFD")
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || isBidiControl(r) {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(path.Base(strings.ReplaceAll(name, `\`, "/")))
	if name == "." || name == ".." || name == "/" {
		return ""
	}
	if utf8.RuneCountInString(name) > maxNameRunes {
		r := []rune(name)
		const tail = 20
		name = string(r[:maxNameRunes-tail-1]) + "…" + string(r[len(r)-tail:])
	}
	return name
}

// displayName is the name to put at the start of a message about the file.
func displayName(name string) string {
	if name = CleanName(name); name == "" {
		return "The file"
	}
	return name
}

// isBidiControl reports the invisible characters that reorder text, which can
// make "photo\u202Egnp.exe" display as "photoexe.png".
func isBidiControl(r rune) bool {
	switch {
	case r == '\u061C', r == '\u200E', r == '\u200F',
		r >= '\u202A' && r <= '\u202E',
		r >= '\u2066' && r <= '\u2069':
		return true
	}
	return false
}

// Thumbnail scales img so its longest side is at most longest pixels, keeping
// its aspect ratio; neither side drops below 1 pixel. It never upscales: an
// image that already fits is returned as is. longest below 1 counts as 1.
//
// A scaled result is an *image.RGBA. Large reductions first average blocks of
// source pixels (area averaging, which cannot alias) down to about
// prefilterFactor times the target size, then finish with Catmull-Rom, which
// keeps edges sharp. Catmull-Rom alone would look the same but costs several
// times as much on a large photo; bilinear sampling alone is fast but shows
// moiré and jagged edges.
func Thumbnail(img image.Image, longest int) image.Image {
	longest = max(longest, 1)
	sb := img.Bounds()
	sw, sh := sb.Dx(), sb.Dy()
	if sw <= longest && sh <= longest {
		return img
	}
	var dw, dh int
	if sw >= sh {
		dw = longest
		dh = int(math.Round(float64(sh) * float64(longest) / float64(sw)))
	} else {
		dh = longest
		dw = int(math.Round(float64(sw) * float64(longest) / float64(sh)))
	}
	dw, dh = max(dw, 1), max(dh, 1)
	return resize(img, dw, dh, prefilterFactor)
}

// prefilterFactor is how many times the target size the area-averaging step
// reduces to before Catmull-Rom finishes; see Thumbnail. Chosen by measuring
// (BenchmarkThumbnail4000x3000 and TestThumbnailQuality).
const prefilterFactor = 2

// resize resizes img to dw×dh (a reduction), prefiltering with area averaging
// to factor times the target size when the image has at least four times as
// many pixels as that, and returns an *image.RGBA. factor 0 means Catmull-Rom
// alone.
func resize(img image.Image, dw, dh, factor int) *image.RGBA {
	src, sr := img, img.Bounds()
	if factor > 0 {
		mw, mh := min(sr.Dx(), dw*factor), min(sr.Dy(), dh*factor)
		if int64(sr.Dx())*int64(sr.Dy()) >= 4*int64(mw)*int64(mh) {
			mid := areaAverage(img, mw, mh)
			src, sr = mid, mid.Bounds()
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, sr, draw.Src, nil)
	return dst
}

// areaAverage reduces src to mw×mh (each no larger than src's side) by
// averaging the block of source pixels that falls in each result pixel.
// Blocks differ by at most one pixel in width or height, so the geometry is
// kept exactly. Alpha is averaged premultiplied, as it must be.
func areaAverage(src image.Image, mw, mh int) *image.RGBA {
	sb := src.Bounds()
	sw, sh := sb.Dx(), sb.Dy()
	dst := image.NewRGBA(image.Rect(0, 0, mw, mh))

	colN := make([]int, mw) // source columns in each result column
	for x := range sw {
		colN[int64(x)*int64(mw)/int64(sw)]++
	}
	sums := make([]uint64, 4*mw)
	row := make([]uint8, 4*sw)
	rows := uint64(0) // source rows summed into the current result row
	ycc := false      // row holds Y, Cb, Cr, 0xff rather than RGBA
	for y := range sh {
		ycc = readRow(src, sb.Min.X, sb.Min.Y+y, row)
		p := row
		for c, n := range colN {
			var r, g, b, a uint64
			for ; n > 0; n-- {
				r += uint64(p[0])
				g += uint64(p[1])
				b += uint64(p[2])
				a += uint64(p[3])
				p = p[4:]
			}
			s := sums[4*c : 4*c+4 : 4*c+4]
			s[0] += r
			s[1] += g
			s[2] += b
			s[3] += a
		}
		rows++
		r := int64(y) * int64(mh) / int64(sh)
		if y+1 < sh && int64(y+1)*int64(mh)/int64(sh) == r {
			continue
		}
		out := dst.Pix[int(r)*dst.Stride:]
		for c, cols := range colN {
			n := uint64(cols) * rows
			p := out[4*c : 4*c+4 : 4*c+4]
			for i := range 4 {
				p[i] = uint8((sums[4*c+i] + n/2) / n)
				sums[4*c+i] = 0
			}
			if ycc {
				// The YCbCr to RGB conversion is affine, so converting the
				// average equals averaging the conversions (up to clamping),
				// at a fraction of the cost.
				p[0], p[1], p[2] = color.YCbCrToRGB(p[0], p[1], p[2])
			}
		}
		rows = 0
	}
	return dst
}

// readRow fills row with the premultiplied 8-bit RGBA pixels of row y of src,
// starting at column x0, except that for an *image.YCbCr it fills Y, Cb, Cr,
// 0xff and returns true. The common decoded types are read directly; others
// through RGBA64At, or failing that the slow, allocating At.
func readRow(src image.Image, x0, y int, row []uint8) (ycc bool) {
	w := len(row) / 4
	switch m := src.(type) {
	case *image.RGBA:
		i := m.PixOffset(x0, y)
		copy(row, m.Pix[i:i+4*w])
	case *image.NRGBA:
		i := m.PixOffset(x0, y)
		copy(row, m.Pix[i:i+4*w])
		for x := 0; x+4 <= len(row); x += 4 {
			p := row[x : x+4 : x+4]
			switch a := uint32(p[3]); a {
			case 0xff:
			case 0:
				p[0], p[1], p[2] = 0, 0, 0
			default:
				p[0] = uint8((uint32(p[0])*a + 127) / 255)
				p[1] = uint8((uint32(p[1])*a + 127) / 255)
				p[2] = uint8((uint32(p[2])*a + 127) / 255)
			}
		}
	case *image.YCbCr:
		readRowYCbCr(m, x0, y, row)
		return true
	case *image.NYCbCrA:
		readRowYCbCr(&m.YCbCr, x0, y, row)
		for x := range w {
			p := row[4*x : 4*x+4 : 4*x+4]
			p[0], p[1], p[2] = color.YCbCrToRGB(p[0], p[1], p[2])
		}
		ai := m.AOffset(x0, y)
		for x, a := range m.A[ai : ai+w] {
			p := row[4*x : 4*x+4 : 4*x+4]
			p[0] = uint8((uint32(p[0])*uint32(a) + 127) / 255)
			p[1] = uint8((uint32(p[1])*uint32(a) + 127) / 255)
			p[2] = uint8((uint32(p[2])*uint32(a) + 127) / 255)
			p[3] = a
		}
	case *image.Gray:
		i := m.PixOffset(x0, y)
		for x, v := range m.Pix[i : i+w] {
			row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = v, v, v, 0xff
		}
	case image.RGBA64Image: // every other standard type: 16-bit PNG, CMYK JPEG, ...
		for x := range w {
			c := m.RGBA64At(x0+x, y)
			row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = uint8(c.R>>8), uint8(c.G>>8), uint8(c.B>>8), uint8(c.A>>8)
		}
	default:
		for x := range w {
			r, g, b, a := src.At(x0+x, y).RGBA()
			row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = uint8(r>>8), uint8(g>>8), uint8(b>>8), uint8(a>>8)
		}
	}
	return false
}

// readRowYCbCr fills row with the Y, Cb, Cr of row y of m and 0xff, from
// column x0.
func readRowYCbCr(m *image.YCbCr, x0, y int, row []uint8) {
	w := len(row) / 4
	yi := m.YOffset(x0, y)
	shift := -1 // log2 of the horizontal chroma subsampling
	switch m.SubsampleRatio {
	case image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio440:
		shift = 0
	case image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio420:
		shift = 1
	case image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410:
		shift = 2
	}
	if shift < 0 || x0 < 0 || m.Rect.Min.X < 0 {
		for x := range w {
			ci := m.COffset(x0+x, y)
			row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = m.Y[yi+x], m.Cb[ci], m.Cr[ci], 0xff
		}
		return
	}
	// COffset(x, y) is base + x>>shift for every x in the row.
	base := m.COffset(x0, y) - x0>>shift
	for x, yy := range m.Y[yi : yi+w] {
		ci := base + (x0+x)>>shift
		p := row[4*x : 4*x+4 : 4*x+4]
		p[0], p[1], p[2], p[3] = yy, m.Cb[ci], m.Cr[ci], 0xff
	}
}

var errEmptyImage = errors.New("imaging: cannot encode an image with no pixels")

// ThumbnailJPEGQuality is the JPEG quality of opaque thumbnails.
const ThumbnailJPEGQuality = 85

// EncodeThumbnail encodes a thumbnail: JPEG when img is fully opaque, PNG
// when it has any transparency. It returns the bytes and their content type.
// An error means img cannot be encoded (it has no pixels): a bug, not
// something the person can fix.
func EncodeThumbnail(img image.Image) ([]byte, string, error) {
	if img.Bounds().Empty() {
		return nil, "", errEmptyImage
	}
	if isOpaque(img) {
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: ThumbnailJPEGQuality}); err != nil {
			return nil, "", fmt.Errorf("imaging: encode thumbnail as jpeg: %w", err)
		}
		return buf.Bytes(), "image/jpeg", nil
	}
	b, err := EncodePNG(img)
	if err != nil {
		return nil, "", err
	}
	return b, "image/png", nil
}

// EncodePNG encodes img as PNG. An error means img cannot be encoded (it has
// no pixels): a bug, not something the person can fix.
func EncodePNG(img image.Image) ([]byte, error) {
	if img.Bounds().Empty() {
		return nil, errEmptyImage
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("imaging: encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// isOpaque reports whether every pixel of img is fully opaque. The standard
// image types answer quickly (by type, or one pass over their alpha); others
// are checked pixel by pixel.
func isOpaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if _, _, _, a := img.At(x, y).RGBA(); a != 0xffff {
				return false
			}
		}
	}
	return true
}
