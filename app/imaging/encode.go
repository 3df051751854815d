package imaging

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
)

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
