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
	"image/jpeg"
	"image/png"
	"math"
	"path"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

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
