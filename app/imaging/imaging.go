// Package imaging checks, decodes, scales and encodes the images people import
// into Easel. It reads PNG, JPEG and WebP, in pure Go.
//
// Every file is treated as hostile: the format is sniffed from the bytes (never
// the file name), the size and pixel count are checked before anything large
// is allocated, and the whole image is decoded so a damaged file is refused at
// import rather than discovered later.
//
// Memory stays bounded whatever the file: decoding waits for its share of a
// budget shared by all decodes (budget.go), estimated from the header
// (cost.go); pixels are kept at 8 bits a channel; and a PNG's thumbnail is
// made from its rows as they are decoded, never holding the whole image
// (pngchunks.go, pngrows.go).
package imaging

import (
	"math"
	"path"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
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

// WithDefaults is l with its zero fields set to the defaults.
func (l Limits) WithDefaults() Limits {
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
