package imaging

// What a decode holds at its peak, in bytes, estimated from the image's
// header before any pixel is read: the weight it takes of the decode
// budget. Each errs on the high side (TestDecodeCostCovers checks them
// against what the decoders really allocate).

// decodeOverhead covers what every decode holds whatever the image's size:
// read buffers, inflate and Huffman tables, the encoded thumbnail.
const decodeOverhead = 1 << 20

// thumbnailCost is what making a w×h image's thumbnail holds besides the
// decoded image: a row, the area averaging's sums and result, and the
// buffer Catmull-Rom scales through (a [4]float64 per thumbnail column and
// source row).
func thumbnailCost(w, h int) int64 {
	p := planThumbnail(w, h, ThumbnailSize, prefilterFactor)
	if p.fits {
		return 0
	}
	srcH := int64(h)
	cost := int64(0)
	if p.prefilter {
		srcH = int64(p.mh)
		cost = 4*int64(w) + 40*int64(p.mw) + 4*int64(p.mw)*int64(p.mh)
	}
	return cost + 32*int64(p.dw)*srcH + 4*int64(p.dw)*int64(p.dh)
}

// pngCost is what decoding a PNG holds: two filtered rows and an 8-bit
// row, plus, when whole (to keep it, or because it is interlaced), the
// image at 8 bits. A thumbnail of a large image that is not interlaced is
// made from the rows as they come, so it never holds the image.
func pngCost(d *pngDecoder, thumbnail bool) int64 {
	h := d.hdr
	w, px := int64(h.width), int64(h.width)*int64(h.height)
	cost := int64(decodeOverhead) + 2*(1+int64(h.rowBytes(h.width))) + 4*w
	if h.interlaced {
		cost += int64(d.channels()) * px
	}
	if !thumbnail {
		return cost + 4*px
	}
	if p := planThumbnail(h.width, h.height, ThumbnailSize, prefilterFactor); !p.prefilter {
		cost += 4 * px // small enough to decode whole first
	}
	return cost + thumbnailCost(h.width, h.height)
}

// jpegCost is what image/jpeg holds: the image in YCbCr (up to 3 bytes a
// pixel), or for CMYK that, the black channel and the CMYK result; for a
// progressive file also every coefficient (4 bytes a pixel a component).
// Turning a whole image upright copies it twice more, at 4 bytes a pixel.
func jpegCost(w, h int, s jpegShape, thumbnail bool) int64 {
	px := int64(w) * int64(h)
	perPixel := int64(3)
	switch s.components {
	case 1:
		perPixel = 1
	case 4:
		perPixel = 8
	}
	if s.progressive || s.components == 0 {
		perPixel += 4 * int64(max(s.components, 4))
	}
	cost := int64(decodeOverhead) + perPixel*px
	if thumbnail {
		return cost + thumbnailCost(w, h)
	}
	if s.orientation > 1 {
		cost += 8 * px
	}
	return cost
}

// webpCost is what x/image/webp holds: a lossy image in YCbCr 4:2:0; a
// lossless one (or a lossy one's lossless alpha) as RGBA twice over while
// its transforms run, and the alpha; and the compressed data, read whole.
func webpCost(w, h int, lossyOnly bool, fileSize int64, thumbnail bool) int64 {
	px := int64(w) * int64(h)
	perPixel := int64(11)
	if lossyOnly {
		perPixel = 2
	}
	cost := int64(decodeOverhead) + perPixel*px + fileSize
	if thumbnail {
		cost += thumbnailCost(w, h)
	}
	return cost
}
