package imaging

import (
	"encoding/binary"
	"errors"
	"hash"
	"hash/crc32"
	"io"
)

// Easel decodes PNGs itself rather than with image/png, which turns a 16-bit
// file into 16-bit pixels for the whole image at once: 800 MB for a 10000 ×
// 10000 RGB picture that may weigh less than a megabyte. This decoder reads
// the file as a stream of rows, each turned to 8 bits a channel as it
// arrives, so that a thumbnail needs memory for a few rows only. It accepts
// and refuses exactly what image/png does (pngdecode_test.go compares them).
//
// This file reads the chunks: the signature, IHDR, PLTE and tRNS before the
// pixels, every CRC, the IDAT chunks as one stream, and what follows them up
// to IEND. pngrows.go turns the stream into rows.

// pngSignature starts every PNG file.
const pngSignature = "\x89PNG\r\n\x1a\n"

// PNG colour types.
const (
	pngGray      = 0
	pngRGB       = 2
	pngPalette   = 3
	pngGrayAlpha = 4
	pngRGBA      = 6
)

// Where the decoder is in the file: the chunks before the pixels must come
// in this order (PNG spec, 5.6).
const (
	stageStart = iota
	stageIHDR
	stagePLTE
	stageTRNS
	stageIDAT
	stageIEND
)

// errPNG is a PNG that image/png would refuse too. Inspect says only that
// the file is damaged, so the details need no words.
var errPNG = errors.New("imaging: invalid png")

// pngHeader is what a PNG's IHDR says.
type pngHeader struct {
	width, height int
	depth         int // bits per sample: 1, 2, 4, 8 or 16
	colorType     int
	interlaced    bool
}

// samples is how many samples make one pixel of the file.
func (h pngHeader) samples() int {
	switch h.colorType {
	case pngRGB:
		return 3
	case pngGrayAlpha:
		return 2
	case pngRGBA:
		return 4
	}
	return 1 // gray, palette
}

// rowBytes is how many bytes a row of w pixels takes in the file, without
// its filter byte.
func (h pngHeader) rowBytes(w int) int {
	return (w*h.samples()*h.depth + 7) / 8
}

// validDepth reports whether the spec allows this depth for this colour type.
func (h pngHeader) validDepth() bool {
	switch h.colorType {
	case pngGray:
		return h.depth == 1 || h.depth == 2 || h.depth == 4 || h.depth == 8 || h.depth == 16
	case pngPalette:
		return h.depth == 1 || h.depth == 2 || h.depth == 4 || h.depth == 8
	case pngRGB, pngGrayAlpha, pngRGBA:
		return h.depth == 8 || h.depth == 16
	}
	return false
}

// pngDecoder reads one PNG from r.
type pngDecoder struct {
	r     io.Reader
	crc   hash.Hash32
	tmp   [3 * 256]byte
	stage int
	hdr   pngHeader

	// palette holds the PLTE's colours as 8-bit non-premultiplied RGBA, and
	// opaque black after them: like image/png (and libpng), an index past
	// the palette's end is black rather than an error.
	palette [256][4]uint8
	// paletteAlpha: a tRNS made some palette entry less than opaque.
	paletteAlpha bool
	// transparent is the gray or RGB colour a tRNS makes transparent, as
	// its raw samples (two bytes each), when hasTransparent.
	hasTransparent bool
	transparent    [6]byte

	idatLeft uint32 // bytes left in the current IDAT chunk
}

// newPNGDecoder reads a PNG's signature and its chunks up to the first
// IDAT, checking every CRC, so that the header, palette and transparency
// are known before any pixel is read. r should be buffered.
func newPNGDecoder(r io.Reader) (*pngDecoder, error) {
	d := &pngDecoder{r: r, crc: crc32.NewIEEE()}
	for i := range d.palette {
		d.palette[i] = [4]uint8{0, 0, 0, 0xff}
	}
	if _, err := io.ReadFull(r, d.tmp[:len(pngSignature)]); err != nil || string(d.tmp[:len(pngSignature)]) != pngSignature {
		return nil, errPNG
	}
	for d.stage != stageIDAT {
		if err := d.chunk(); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// chunk reads one chunk, or, at the first IDAT, only its length and type:
// the pixels are read through Read.
func (d *pngDecoder) chunk() error {
	if _, err := io.ReadFull(d.r, d.tmp[:8]); err != nil {
		return errPNG
	}
	length := binary.BigEndian.Uint32(d.tmp[:4])
	if length > 0x7fffffff {
		return errPNG
	}
	d.crc.Reset()
	d.crc.Write(d.tmp[4:8])
	palette := d.hdr.colorType == pngPalette
	switch string(d.tmp[4:8]) {
	case "IHDR":
		if d.stage != stageStart {
			return errPNG
		}
		d.stage = stageIHDR
		return d.parseIHDR(length)
	case "PLTE":
		if d.stage != stageIHDR {
			return errPNG
		}
		d.stage = stagePLTE
		return d.parsePLTE(length)
	case "tRNS":
		switch {
		case palette && d.stage != stagePLTE,
			d.hdr.colorType == pngRGB && d.stage != stageIHDR && d.stage != stagePLTE,
			!palette && d.hdr.colorType != pngRGB && d.stage != stageIHDR:
			return errPNG
		}
		d.stage = stageTRNS
		return d.parseTRNS(length)
	case "IDAT":
		if d.stage < stageIHDR || d.stage > stageIDAT || (d.stage == stageIHDR && palette) {
			return errPNG
		}
		if d.stage == stageIDAT {
			break // a stray IDAT after the pixels, which image/png ignores too
		}
		d.stage = stageIDAT
		d.idatLeft = length
		return nil
	case "IEND":
		if d.stage != stageIDAT || length != 0 {
			return errPNG
		}
		d.stage = stageIEND
		return d.checkCRC()
	}
	return d.skip(length)
}

func (d *pngDecoder) parseIHDR(length uint32) error {
	if length != 13 {
		return errPNG
	}
	b := d.tmp[:13]
	if _, err := io.ReadFull(d.r, b); err != nil {
		return errPNG
	}
	d.crc.Write(b)
	w, h := int32(binary.BigEndian.Uint32(b[0:4])), int32(binary.BigEndian.Uint32(b[4:8]))
	d.hdr = pngHeader{width: int(w), height: int(h), depth: int(b[8]), colorType: int(b[9]), interlaced: b[12] == 1}
	if w <= 0 || h <= 0 || b[10] != 0 || b[11] != 0 || b[12] > 1 || !d.hdr.validDepth() {
		return errPNG
	}
	return d.checkCRC()
}

func (d *pngDecoder) parsePLTE(length uint32) error {
	n := int(length / 3)
	if length%3 != 0 || n <= 0 || n > 256 || n > 1<<d.hdr.depth {
		return errPNG
	}
	b := d.tmp[:3*n]
	if _, err := io.ReadFull(d.r, b); err != nil {
		return errPNG
	}
	d.crc.Write(b)
	switch d.hdr.colorType {
	case pngPalette:
		for i := range n {
			d.palette[i] = [4]uint8{b[3*i], b[3*i+1], b[3*i+2], 0xff}
		}
	case pngRGB, pngRGBA:
		// Optional, a hint for displays with few colours: ignored.
	default:
		return errPNG
	}
	return d.checkCRC()
}

func (d *pngDecoder) parseTRNS(length uint32) error {
	switch d.hdr.colorType {
	case pngGray:
		if length != 2 {
			return errPNG
		}
	case pngRGB:
		if length != 6 {
			return errPNG
		}
	case pngPalette:
		if length > 256 {
			return errPNG
		}
	default:
		return errPNG
	}
	b := d.tmp[:length]
	if _, err := io.ReadFull(d.r, b); err != nil {
		return errPNG
	}
	d.crc.Write(b)
	if d.hdr.colorType == pngPalette {
		for i, a := range b {
			d.palette[i][3] = a
			d.paletteAlpha = d.paletteAlpha || a != 0xff
		}
	} else {
		copy(d.transparent[:], b)
		d.hasTransparent = true
	}
	return d.checkCRC()
}

// skip reads past a chunk that does not matter here, checking its CRC.
func (d *pngDecoder) skip(length uint32) error {
	for length > 0 {
		n, err := io.ReadFull(d.r, d.tmp[:min(uint32(len(d.tmp)), length)])
		if err != nil {
			return errPNG
		}
		d.crc.Write(d.tmp[:n])
		length -= uint32(n)
	}
	return d.checkCRC()
}

func (d *pngDecoder) checkCRC() error {
	var b [4]byte
	if _, err := io.ReadFull(d.r, b[:]); err != nil || binary.BigEndian.Uint32(b[:]) != d.crc.Sum32() {
		return errPNG
	}
	return nil
}

// Read reads the pixel data: the contents of consecutive IDAT chunks as one
// stream, each chunk's CRC checked at its end. A chunk of another type
// before the stream ends means the pixels are cut short.
func (d *pngDecoder) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for d.idatLeft == 0 {
		if err := d.checkCRC(); err != nil {
			return 0, err
		}
		if _, err := io.ReadFull(d.r, d.tmp[:8]); err != nil {
			return 0, errPNG
		}
		d.idatLeft = binary.BigEndian.Uint32(d.tmp[:4])
		if string(d.tmp[4:8]) != "IDAT" || d.idatLeft > 0x7fffffff {
			return 0, errPNG
		}
		d.crc.Reset()
		d.crc.Write(d.tmp[4:8])
	}
	n, err := d.r.Read(p[:min(uint32(len(p)), d.idatLeft)])
	d.crc.Write(p[:n])
	d.idatLeft -= uint32(n)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF // the file ended inside a chunk
	}
	return n, err
}

// finish checks what follows the pixel data: the last IDAT's CRC, then
// every chunk up to IEND.
func (d *pngDecoder) finish() error {
	if err := d.checkCRC(); err != nil {
		return err
	}
	for d.stage != stageIEND {
		if err := d.chunk(); err != nil {
			return err
		}
	}
	return nil
}
