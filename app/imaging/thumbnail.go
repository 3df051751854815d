package imaging

import (
	"image"
	"image/color"
	"math"

	"golang.org/x/image/draw"
)

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
	sb := img.Bounds()
	p := planThumbnail(sb.Dx(), sb.Dy(), longest, prefilterFactor)
	if p.fits {
		return img
	}
	if p.prefilter {
		return p.finish(areaAverage(img, p.mw, p.mh))
	}
	return p.finish(img)
}

// prefilterFactor is how many times the target size the area-averaging step
// reduces to before Catmull-Rom finishes; see Thumbnail. Chosen by measuring
// (BenchmarkThumbnail4000x3000 and TestThumbnailQuality).
const prefilterFactor = 2

// thumbPlan is how a thumbnail is made from an image of a known size, worked
// out before its pixels are read: a decoder that sends rows one at a time
// can then feed them straight into the area averaging (see pngThumbnail).
type thumbPlan struct {
	fits      bool // the image is the thumbnail
	dw, dh    int  // the thumbnail's size
	prefilter bool // area-average to mw×mh before Catmull-Rom
	mw, mh    int
}

// planThumbnail plans the thumbnail of a sw×sh image with its longest side at
// most longest (below 1 counts as 1), prefiltering to factor times the
// target size when the image has at least four times as many pixels as that
// (factor 0: Catmull-Rom alone).
func planThumbnail(sw, sh, longest, factor int) thumbPlan {
	longest = max(longest, 1)
	if sw <= longest && sh <= longest {
		return thumbPlan{fits: true, dw: sw, dh: sh}
	}
	var dw, dh int
	if sw >= sh {
		dw = longest
		dh = int(math.Round(float64(sh) * float64(longest) / float64(sw)))
	} else {
		dh = longest
		dw = int(math.Round(float64(sw) * float64(longest) / float64(sh)))
	}
	return planResize(sw, sh, max(dw, 1), max(dh, 1), factor)
}

func planResize(sw, sh, dw, dh, factor int) thumbPlan {
	p := thumbPlan{dw: dw, dh: dh}
	if factor > 0 {
		p.mw, p.mh = min(sw, dw*factor), min(sh, dh*factor)
		p.prefilter = int64(sw)*int64(sh) >= 4*int64(p.mw)*int64(p.mh)
	}
	return p
}

// finish scales src (the image, or its prefiltered reduction) to the
// thumbnail's size with Catmull-Rom.
func (p thumbPlan) finish(src image.Image) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, p.dw, p.dh))
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
	return dst
}

// resize resizes img to dw×dh (a reduction) as planResize plans it, and
// returns an *image.RGBA.
func resize(img image.Image, dw, dh, factor int) *image.RGBA {
	sb := img.Bounds()
	p := planResize(sb.Dx(), sb.Dy(), dw, dh, factor)
	if p.prefilter {
		return p.finish(areaAverage(img, p.mw, p.mh))
	}
	return p.finish(img)
}

// areaAverage reduces src to mw×mh (each no larger than src's side) by
// averaging the block of source pixels that falls in each result pixel; see
// areaReducer.
func areaAverage(src image.Image, mw, mh int) *image.RGBA {
	sb := src.Bounds()
	a := newAreaReducer(sb.Dx(), sb.Dy(), mw, mh)
	row := make([]uint8, 4*sb.Dx())
	for y := range sb.Dy() {
		a.add(row, readRow(src, sb.Min.X, sb.Min.Y+y, row))
	}
	return a.dst
}

// areaReducer averages a sw×sh image, fed one row at a time from the top,
// down to mw×mh (each no larger than the source's side): each result pixel
// is the average of the block of source pixels that falls in it. Blocks
// differ by at most one pixel in width or height, so the geometry is kept
// exactly. Alpha is averaged premultiplied, as it must be. It holds one row
// of sums and the result, never the source.
type areaReducer struct {
	sw, sh, y int
	colN      []int    // source columns in each result column
	sums      []uint64 // of the source rows since the last result row
	rows      uint64   // how many source rows sums holds
	dst       *image.RGBA
}

func newAreaReducer(sw, sh, mw, mh int) *areaReducer {
	a := &areaReducer{sw: sw, sh: sh, colN: make([]int, mw), sums: make([]uint64, 4*mw),
		dst: image.NewRGBA(image.Rect(0, 0, mw, mh))}
	for x := range sw {
		a.colN[int64(x)*int64(mw)/int64(sw)]++
	}
	return a
}

// add adds the next source row: 4*sw bytes of premultiplied 8-bit RGBA, or
// of Y, Cb, Cr, 0xff when ycc.
func (a *areaReducer) add(row []uint8, ycc bool) {
	sums, p := a.sums, row
	for c, n := range a.colN {
		var r, g, b, al uint64
		for ; n > 0; n-- {
			r += uint64(p[0])
			g += uint64(p[1])
			b += uint64(p[2])
			al += uint64(p[3])
			p = p[4:]
		}
		s := sums[4*c : 4*c+4 : 4*c+4]
		s[0] += r
		s[1] += g
		s[2] += b
		s[3] += al
	}
	a.rows++
	y, mh, sh := int64(a.y), int64(a.dst.Rect.Dy()), int64(a.sh)
	a.y++
	r := y * mh / sh
	if y+1 < sh && (y+1)*mh/sh == r {
		return
	}
	out := a.dst.Pix[int(r)*a.dst.Stride:]
	for c, cols := range a.colN {
		n := uint64(cols) * a.rows
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
	a.rows = 0
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
		premultiply(row)
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

// premultiply turns a row of 8-bit RGBA from non-premultiplied to
// premultiplied, in place.
func premultiply(row []uint8) {
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
