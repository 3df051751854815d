package imaging

import (
	"compress/zlib"
	"encoding/binary"
	"image"
	"io"
)

// This file turns a PNG's pixel data into rows of 8-bit non-premultiplied
// RGBA, top to bottom: inflating, unfiltering one row at a time against the
// row above, and converting each to 8 bits a channel. An interlaced (Adam7)
// file sends its pixels in seven passes over the whole image, so no row is
// whole before the last pass; only then are its rows kept, at 8 bits and
// with only the channels the file has.

// adam7 is where each interlaced pass's pixels lie: every xStep-th column
// from x0 and every yStep-th row from y0.
var adam7 = [7]struct{ x0, y0, xStep, yStep int }{
	{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4},
	{0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2},
}

// opaque reports whether every pixel the file can describe is opaque.
func (d *pngDecoder) opaque() bool {
	switch d.hdr.colorType {
	case pngGrayAlpha, pngRGBA:
		return false
	case pngPalette:
		return !d.paletteAlpha
	}
	return !d.hasTransparent
}

// channels is how many 8-bit channels hold the image without loss once it
// is at 8 bits: 1 (gray), 2 (gray, alpha), 3 (RGB) or 4 (RGBA).
func (d *pngDecoder) channels() int {
	gray := d.hdr.colorType == pngGray || d.hdr.colorType == pngGrayAlpha
	switch {
	case gray && d.opaque():
		return 1
	case gray:
		return 2
	case d.opaque():
		return 3
	}
	return 4
}

// rows calls emit with each row of the image in order, as 4 bytes a pixel
// of 8-bit non-premultiplied RGBA; the slice is reused for the next row.
// It then checks the rest of the file up to IEND: a PNG is accepted only
// whole.
func (d *pngDecoder) rows(emit func(y int, row []uint8)) error {
	z, err := zlib.NewReader(d)
	if err != nil {
		return errPNG
	}
	defer z.Close()
	h := d.hdr
	out := make([]uint8, 4*h.width)
	if !h.interlaced {
		p := d.newPass(h.width)
		for y := range h.height {
			if err := p.next(z); err != nil {
				return err
			}
			d.convert(out, p.cur[1:], h.width)
			emit(y, out)
		}
	} else {
		// The whole image, at 8 bits, in as few channels as it needs.
		c := d.channels()
		buf := make([]uint8, c*h.width*h.height)
		for _, a := range adam7 {
			pw := (h.width - a.x0 + a.xStep - 1) / a.xStep
			ph := (h.height - a.y0 + a.yStep - 1) / a.yStep
			if pw <= 0 || ph <= 0 {
				continue // no pixels in this pass, and no filter bytes
			}
			p := d.newPass(pw)
			for py := range ph {
				if err := p.next(z); err != nil {
					return err
				}
				d.convert(out, p.cur[1:], pw)
				row := buf[c*h.width*(a.y0+py*a.yStep):]
				for px := range pw {
					copy(row[c*(a.x0+px*a.xStep):], pack(out[4*px:4*px+4], c))
				}
			}
		}
		for y := range h.height {
			unpack(out, buf[c*h.width*y:c*h.width*(y+1)], c)
			emit(y, out)
		}
	}
	return d.end(z)
}

// end checks that the pixel data ends where the image does: the zlib
// stream's checksum is read and right, nothing follows it, and the chunks
// after it are whole up to IEND.
func (d *pngDecoder) end(z io.Reader) error {
	var b [1]byte
	n, err := 0, error(nil)
	for i := 0; n == 0 && err == nil; i++ {
		if i == 100 {
			return errPNG
		}
		n, err = z.Read(b[:])
	}
	if err != io.EOF || n != 0 || d.idatLeft != 0 {
		return errPNG // a bad checksum, or more pixel data than the image has
	}
	return d.finish()
}

// pass reads the filtered rows of one image (or one interlaced pass) of
// width w.
type pass struct {
	cur, prev []uint8 // filter byte and row, this one and the one above
	bpp       int     // bytes a pixel, at least 1: how far back Sub looks
}

func (d *pngDecoder) newPass(w int) *pass {
	n := 1 + d.hdr.rowBytes(w)
	return &pass{cur: make([]uint8, n), prev: make([]uint8, n), bpp: max(1, d.hdr.samples()*d.hdr.depth/8)}
}

// next reads and unfilters the next row into p.cur.
func (p *pass) next(r io.Reader) error {
	p.cur, p.prev = p.prev, p.cur
	if _, err := io.ReadFull(r, p.cur); err != nil {
		return errPNG // too little pixel data, or a damaged stream
	}
	cur, prev, bpp := p.cur[1:], p.prev[1:], p.bpp
	switch p.cur[0] {
	case 0: // None
	case 1: // Sub
		for i := bpp; i < len(cur); i++ {
			cur[i] += cur[i-bpp]
		}
	case 2: // Up
		addBytes(cur, prev)
	case 3: // Average
		for i := range bpp {
			cur[i] += prev[i] / 2
		}
		for i := bpp; i < len(cur); i++ {
			cur[i] += uint8((int(cur[i-bpp]) + int(prev[i])) / 2)
		}
	case 4: // Paeth
		for i := range bpp {
			cur[i] += prev[i] // left and upper-left are zero: Paeth picks up
		}
		for i := bpp; i < len(cur); i++ {
			cur[i] += paeth(cur[i-bpp], prev[i], prev[i-bpp])
		}
	default:
		return errPNG
	}
	return nil
}

// addBytes adds b to a, byte by byte, modulo 256. It adds eight bytes at a
// time in a uint64, keeping carries from crossing bytes: the Up filter is
// the most common in large files, and this is where their time goes.
func addBytes(a, b []uint8) {
	const high = 0x8080808080808080
	i := 0
	for ; i+8 <= len(a); i += 8 {
		x, y := binary.LittleEndian.Uint64(a[i:]), binary.LittleEndian.Uint64(b[i:])
		binary.LittleEndian.PutUint64(a[i:], (x&^high)+(y&^high)^(x^y)&high)
	}
	for ; i < len(a); i++ {
		a[i] += b[i]
	}
}

// paeth predicts a byte from the ones to its left (a), above (b) and above
// left (c), as the PNG spec defines.
func paeth(a, b, c uint8) uint8 {
	pa := int(b) - int(c)
	pb := int(a) - int(c)
	pc := pa + pb
	pa, pb, pc = abs(pa), abs(pb), abs(pc)
	if pa <= pb && pa <= pc {
		return a
	}
	if pb <= pc {
		return b
	}
	return c
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// convert turns w pixels of an unfiltered row into 8-bit non-premultiplied
// RGBA in out. 16-bit samples keep their high byte, as Go's colour models
// do; transparency keys are compared as image/png compares them.
func (d *pngDecoder) convert(out, in []uint8, w int) {
	h := d.hdr
	key := d.transparent
	switch {
	case h.colorType == pngGray && h.depth < 8:
		scale := uint8(0xff / (1<<h.depth - 1)) // 1 bit: 0xff, 2: 0x55, 4: 0x11
		ty := key[1] * scale
		perByte, mask := 8/h.depth, uint8(1<<h.depth-1)
		for x := range w {
			shift := uint(8 - h.depth*(x%perByte+1))
			v := (in[x/perByte] >> shift & mask) * scale
			setPixel(out, x, v, v, v, alphaUnless(d.hasTransparent && v == ty))
		}
	case h.colorType == pngGray && h.depth == 8:
		for x, v := range in[:w] {
			setPixel(out, x, v, v, v, alphaUnless(d.hasTransparent && v == key[1]))
		}
	case h.colorType == pngGray:
		ty := binary.BigEndian.Uint16(key[:])
		for x := range w {
			v := in[2*x]
			setPixel(out, x, v, v, v, alphaUnless(d.hasTransparent && binary.BigEndian.Uint16(in[2*x:]) == ty))
		}
	case h.colorType == pngGrayAlpha:
		step := h.depth / 4 // bytes a pixel: 2 or 4; the high bytes are at 0 and step/2
		for x := range w {
			p := in[step*x:]
			setPixel(out, x, p[0], p[0], p[0], p[step/2])
		}
	case h.colorType == pngRGB && h.depth == 8:
		for x := range w {
			p := in[3*x : 3*x+3 : 3*x+3]
			setPixel(out, x, p[0], p[1], p[2],
				alphaUnless(d.hasTransparent && p[0] == key[1] && p[1] == key[3] && p[2] == key[5]))
		}
	case h.colorType == pngRGB && !d.hasTransparent: // the usual 16-bit file: kept apart, for speed
		for x := range w {
			p, q := in[6*x:6*x+6:6*x+6], out[4*x:4*x+4:4*x+4]
			q[0], q[1], q[2], q[3] = p[0], p[2], p[4], 0xff
		}
	case h.colorType == pngRGB:
		for x := range w {
			p := in[6*x : 6*x+6 : 6*x+6]
			setPixel(out, x, p[0], p[2], p[4], alphaUnless(string(p) == string(key[:])))
		}
	case h.colorType == pngRGBA && h.depth == 8:
		copy(out, in[:4*w])
	case h.colorType == pngRGBA:
		for x := range w {
			p := in[8*x : 8*x+8 : 8*x+8]
			setPixel(out, x, p[0], p[2], p[4], p[6])
		}
	case h.colorType == pngPalette:
		perByte, mask := 8/h.depth, uint8(1<<h.depth-1)
		for x := range w {
			shift := uint(8 - h.depth*(x%perByte+1))
			copy(out[4*x:4*x+4], d.palette[in[x/perByte]>>shift&mask][:])
		}
	}
}

func setPixel(out []uint8, x int, r, g, b, a uint8) {
	p := out[4*x : 4*x+4 : 4*x+4]
	p[0], p[1], p[2], p[3] = r, g, b, a
}

// alphaUnless is the alpha of a pixel: transparent when it matches the
// file's transparency key, opaque otherwise.
func alphaUnless(transparent bool) uint8 {
	if transparent {
		return 0
	}
	return 0xff
}

// pack keeps the c channels of an RGBA pixel that the image needs (see
// channels); unpack restores a row of them to RGBA.
func pack(p []uint8, c int) []uint8 {
	switch c {
	case 1:
		return p[:1]
	case 2:
		p[1] = p[3]
		return p[:2]
	}
	return p[:c]
}

func unpack(out, in []uint8, c int) {
	for x := range len(in) / c {
		p := in[c*x : c*x+c : c*x+c]
		switch c {
		case 1:
			setPixel(out, x, p[0], p[0], p[0], 0xff)
		case 2:
			setPixel(out, x, p[0], p[0], p[0], p[1])
		case 3:
			setPixel(out, x, p[0], p[1], p[2], 0xff)
		default:
			setPixel(out, x, p[0], p[1], p[2], p[3])
		}
	}
}

// decodePNG decodes a whole PNG at 8 bits a channel: an *image.Gray when
// it is opaque gray, else an *image.NRGBA.
func decodePNG(d *pngDecoder) (image.Image, error) {
	r := image.Rect(0, 0, d.hdr.width, d.hdr.height)
	if d.channels() == 1 {
		m := image.NewGray(r)
		err := d.rows(func(y int, row []uint8) {
			g := m.Pix[y*m.Stride : y*m.Stride+m.Rect.Dx()]
			for x := range g {
				g[x] = row[4*x]
			}
		})
		return m, err
	}
	m := image.NewNRGBA(r)
	err := d.rows(func(y int, row []uint8) { copy(m.Pix[y*m.Stride:], row) })
	return m, err
}
