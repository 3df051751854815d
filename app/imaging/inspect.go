package imaging

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"io"

	"golang.org/x/image/webp"

	"easel/app"
)

// A format is one image format Easel imports. The decoders are named in
// this file, not looked up in image's global registry, so no other
// package's registrations (GIF, BMP, ...) can widen what Easel accepts.
type format struct{ name, contentType string }

var (
	formatPNG  = &format{"png", "image/png"}
	formatJPEG = &format{"jpeg", "image/jpeg"}
	formatWebP = &format{"webp", "image/webp"}
)

// sniff returns the format of data from its leading bytes, or nil.
func sniff(data []byte) *format {
	switch {
	case bytes.HasPrefix(data, []byte(pngSignature)):
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
// its info and the decoded image, at 8 bits a channel. name is the file
// name the person chose; it is used only in messages, never as a path.
// The decode waits for its share of the decode budget, or until ctx ends
// (a canceled render stops waiting).
//
// Every error is an *app.Error with code app.EINVALID, but ctx's own.
func Inspect(ctx context.Context, name string, data []byte, lim Limits) (Info, image.Image, error) {
	h, err := readHeader(name, bytes.NewReader(data), int64(len(data)), lim)
	if err != nil {
		return Info{}, nil, err
	}
	img, err := h.decode(ctx, false)
	if err != nil {
		return Info{}, nil, err
	}
	return h.info(), img, nil
}

// Import checks the image file r (size bytes long) as Inspect checks bytes,
// and returns its info and its thumbnail (at most ThumbnailSize pixels a
// side, turned upright), without keeping the decoded image: a large PNG's
// rows go straight into the thumbnail. It waits for its share of the decode
// budget, or until ctx ends.
func Import(ctx context.Context, name string, r io.ReaderAt, size int64, lim Limits) (Info, image.Image, error) {
	h, err := readHeader(name, r, size, lim)
	if err != nil {
		return Info{}, nil, err
	}
	thumb, err := h.decode(ctx, true)
	if err != nil {
		return Info{}, nil, err
	}
	return h.info(), thumb, nil
}

// header is an image file that passed the checks its size and header allow.
type header struct {
	who           string
	f             *format
	r             io.ReaderAt
	size          int64
	width, height int         // as stored, before turning upright
	png           *pngDecoder // for PNG, at the start of the pixels
	jpeg          jpegShape
	webpLossy     bool // a simple lossy WebP: no alpha, no lossless parts
}

// readHeader runs every check that needs no pixels: the size, the format
// from the leading bytes, the header, the pixel count. A decompression
// bomb is refused here, before anything large is allocated.
func readHeader(name string, r io.ReaderAt, size int64, lim Limits) (*header, error) {
	lim = lim.WithDefaults()
	who := displayName(name)
	if err := CheckSize(name, size, lim); err != nil {
		return nil, err
	}
	head := make([]byte, min(size, 32))
	if readAt(r, head, 0) != nil {
		return nil, damaged(who)
	}
	h := &header{who: who, f: sniff(head), r: r, size: size}
	switch {
	case h.f == nil:
		return nil, app.Errorf(app.EINVALID,
			"%s is not an image Easel can import (PNG, JPEG or WebP).", who)
	case h.f == formatWebP && isAnimatedWebP(head):
		return nil, app.Errorf(app.EINVALID,
			"%s is an animated WebP. Easel imports still images only: save one frame as PNG, JPEG or WebP.", who)
	}
	if err := safely(h.f.name, h.config); err != nil || h.width <= 0 || h.height <= 0 {
		return nil, damaged(who)
	}
	if pixels := int64(h.width) * int64(h.height); pixels > int64(lim.MaxPixels) {
		return nil, app.Errorf(app.EINVALID,
			"%s is %d × %d pixels (%s megapixels), over the %s megapixel limit for imported images. Scale it down and try again.",
			who, h.width, h.height, megapixels(pixels, true), megapixels(int64(lim.MaxPixels), false))
	}
	return h, nil
}

// CheckSize refuses a file of size bytes that is empty or over lim, with
// the words Inspect uses.
func CheckSize(name string, size int64, lim Limits) error {
	lim = lim.WithDefaults()
	who := displayName(name)
	if size <= 0 {
		return app.Errorf(app.EINVALID,
			"%s is empty (0 bytes). Choose a PNG, JPEG or WebP image.", who)
	}
	if size > lim.MaxBytes {
		return app.Errorf(app.EINVALID,
			"%s is %s MB, over the %s MB limit for imported images. Choose a smaller file, or save it with more compression.",
			who, megabytes(size, true), megabytes(lim.MaxBytes, false))
	}
	return nil
}

// TooLarge is the refusal of a file that was still going when lim.MaxBytes
// of it had been read, so that its whole size is not known.
func TooLarge(name string, lim Limits) error {
	return app.Errorf(app.EINVALID,
		"%s is over the %s MB limit for imported images. Choose a smaller file, or save it with more compression.",
		displayName(name), megabytes(lim.WithDefaults().MaxBytes, false))
}

func damaged(who string) error {
	return app.Errorf(app.EINVALID,
		"%s is damaged or incomplete and could not be read. Try exporting it again from the program that made it.", who)
}

// reader reads the whole file, buffered.
func (h *header) reader() io.Reader {
	return bufio.NewReaderSize(io.NewSectionReader(h.r, 0, h.size), 64<<10)
}

// config reads the header: width and height, and what the decode will need.
func (h *header) config() error {
	switch h.f {
	case formatPNG:
		d, err := newPNGDecoder(h.reader())
		if err != nil {
			return err
		}
		h.png, h.width, h.height = d, d.hdr.width, d.hdr.height
	case formatJPEG:
		cfg, err := jpeg.DecodeConfig(h.reader())
		if err != nil {
			return err
		}
		h.width, h.height, h.jpeg = cfg.Width, cfg.Height, scanJPEG(h.r, h.size)
	case formatWebP:
		cfg, err := webp.DecodeConfig(h.reader())
		if err != nil {
			return err
		}
		var chunk [4]byte
		h.width, h.height = cfg.Width, cfg.Height
		h.webpLossy = readAt(h.r, chunk[:], 12) == nil && string(chunk[:]) == "VP8 "
	}
	return nil
}

// cost is what decoding will hold at its peak; see cost.go.
func (h *header) cost(thumbnail bool) int64 {
	switch h.f {
	case formatPNG:
		return pngCost(h.png, thumbnail)
	case formatJPEG:
		return jpegCost(h.width, h.height, h.jpeg, thumbnail)
	}
	return webpCost(h.width, h.height, h.webpLossy, h.size, thumbnail)
}

// decode decodes the image, whole or (thumbnail) only as far as its
// thumbnail needs, once its cost fits in the decode budget, and turns it
// upright.
func (h *header) decode(ctx context.Context, thumbnail bool) (image.Image, error) {
	cost := h.cost(thumbnail)
	if err := decodes.acquire(ctx, cost); err != nil {
		return nil, err
	}
	defer decodes.release(cost)

	var img image.Image
	err := safely(h.f.name, func() (err error) {
		switch {
		case h.f == formatPNG && thumbnail:
			img, err = pngThumbnail(h.png, ThumbnailSize)
			return err
		case h.f == formatPNG:
			img, err = decodePNG(h.png)
			return err
		case h.f == formatJPEG:
			img, err = jpeg.Decode(h.reader())
		default:
			img, err = webp.Decode(h.reader())
		}
		if err == nil && (img == nil || img.Bounds().Dx() != h.width || img.Bounds().Dy() != h.height) {
			err = errors.New("imaging: the header promised one size and the pixels are another")
		}
		if err == nil && thumbnail {
			img = Thumbnail(img, ThumbnailSize)
		}
		return err
	})
	if err != nil {
		return nil, damaged(h.who)
	}
	if h.f == formatJPEG {
		img = orient(img, h.jpeg.orientation) // after scaling, when it is a thumbnail: far less to turn
	}
	return img, nil
}

// info describes the image as it stands upright.
func (h *header) info() Info {
	w, ht := h.width, h.height
	if h.f == formatJPEG && h.jpeg.orientation >= 5 { // the quarter turns
		w, ht = ht, w
	}
	return Info{Format: h.f.name, ContentType: h.f.contentType, Width: w, Height: ht}
}

// safely runs a decoder, turning a panic (a bug, reached by a hostile
// file) into an error, so one bad file cannot take Easel down.
func safely(decoder string, f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("imaging: %s decoder panicked: %v", decoder, r)
		}
	}()
	return f()
}

// pngThumbnail makes the thumbnail of the PNG d is about to read, its
// longest side at most longest, as Thumbnail would from the decoded image. When the image is large enough
// to be area-averaged first, its rows are averaged as they arrive, so the
// image itself is never held; a smaller one is decoded whole.
func pngThumbnail(d *pngDecoder, longest int) (image.Image, error) {
	h := d.hdr
	p := planThumbnail(h.width, h.height, longest, prefilterFactor)
	if !p.prefilter {
		img, err := decodePNG(d)
		if err != nil || p.fits {
			return img, err
		}
		return p.finish(img), nil
	}
	a := newAreaReducer(h.width, h.height, p.mw, p.mh)
	opaque := d.opaque()
	err := d.rows(func(_ int, row []uint8) {
		if !opaque {
			premultiply(row)
		}
		a.add(row, false)
	})
	if err != nil {
		return nil, err
	}
	return p.finish(a.dst), nil
}
