package imaging

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"testing"
)

// pngSpec is a PNG for the tests to write: any colour type and bit depth,
// interlaced or not, with a tRNS when trns, every filter type, its pixels
// split over several IDAT chunks, and a few chunks the decoder must skip.
type pngSpec struct {
	w, h       int
	colorType  int
	depth      int
	interlaced bool
	trns       bool
	seed       uint64
}

func (s pngSpec) String() string {
	return fmt.Sprintf("%dx%d type %d depth %d interlaced %v trns %v", s.w, s.h, s.colorType, s.depth, s.interlaced, s.trns)
}

// encode writes the PNG the spec describes, byte by byte, as the spec of
// the format says; image/png cannot write most of these.
func (s pngSpec) encode() []byte {
	rng := rand.New(rand.NewPCG(s.seed, 7))
	h := pngHeader{width: s.w, height: s.h, depth: s.depth, colorType: s.colorType, interlaced: s.interlaced}
	maxSample := uint32(1)<<s.depth - 1
	paletteLen := 0
	if s.colorType == pngPalette {
		paletteLen = 1 + rng.IntN(int(maxSample)+1)
	}
	// Samples for every pixel; repeats make filtering matter.
	ns := h.samples()
	flat := make([]uint32, ns*s.w*s.h)
	for i := range flat {
		switch {
		case s.colorType == pngPalette:
			flat[i] = uint32(rng.IntN(min(paletteLen+2, int(maxSample)+1))) // some past the palette's end
		case i >= ns && rng.IntN(4) == 0:
			flat[i] = flat[i-ns]
		default:
			flat[i] = rng.Uint32() & maxSample
		}
	}
	samples := func(i int) []uint32 { return flat[ns*i : ns*i+ns] }
	out := []byte(pngSignature)
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(s.w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(s.h))
	interlace := byte(0)
	if s.interlaced {
		interlace = 1
	}
	ihdr = append(ihdr, byte(s.depth), byte(s.colorType), 0, 0, interlace)
	out = appendPNGChunk(out, "IHDR", ihdr)
	out = appendPNGChunk(out, "tEXt", []byte("Comment\x00skip me"))
	if s.colorType == pngPalette || (s.colorType == pngRGB && rng.IntN(2) == 0) {
		n := max(paletteLen, 1)
		plte := make([]byte, 3*n)
		for i := range plte {
			plte[i] = byte(rng.Uint32())
		}
		out = appendPNGChunk(out, "PLTE", plte)
	}
	if s.trns {
		var trns []byte
		switch s.colorType {
		case pngPalette:
			trns = make([]byte, 1+rng.IntN(paletteLen+1))
			for i := range trns {
				trns[i] = []byte{0, 0x80, 0xff, byte(rng.Uint32())}[rng.IntN(4)]
			}
		default: // the key is the first pixel's colour, so some pixels match it
			for _, v := range samples(0) {
				trns = binary.BigEndian.AppendUint16(trns, uint16(v))
			}
		}
		out = appendPNGChunk(out, "tRNS", trns)
	}

	var raw bytes.Buffer
	z := zlib.NewWriter(&raw)
	writePass := func(x0, y0, dx, dy int) {
		pw, ph := (s.w-x0+dx-1)/dx, (s.h-y0+dy-1)/dy
		if pw <= 0 || ph <= 0 {
			return
		}
		n := h.rowBytes(pw)
		bpp := max(1, h.samples()*h.depth/8)
		prev := make([]byte, n)
		for py := range ph {
			row := make([]byte, n)
			bit := 0
			for px := range pw {
				for _, v := range samples((y0+py*dy)*s.w + x0 + px*dx) {
					switch s.depth {
					case 16:
						binary.BigEndian.PutUint16(row[bit/8:], uint16(v))
					case 8:
						row[bit/8] = byte(v)
					default: // packed from the high bit down
						row[bit/8] |= byte(v << (8 - s.depth - bit%8))
					}
					bit += s.depth
				}
			}
			ft := byte((py + x0 + y0) % 5)
			z.Write(append([]byte{ft}, filterRow(ft, row, prev, bpp)...))
			prev = row
		}
	}
	if s.interlaced {
		for _, a := range adam7 {
			writePass(a.x0, a.y0, a.xStep, a.yStep)
		}
	} else {
		writePass(0, 0, 1, 1)
	}
	z.Close()
	data := raw.Bytes()
	for len(data) > 0 { // IDAT chunks of varying sizes, an empty one too
		n := min(len(data), rng.IntN(200))
		out = appendPNGChunk(out, "IDAT", data[:n])
		data = data[n:]
	}
	out = appendPNGChunk(out, "zzZz", []byte("after the pixels"))
	return appendPNGChunk(out, "IEND", nil)
}

// filterRow applies PNG filter ft to row, given the row above.
func filterRow(ft byte, row, prev []byte, bpp int) []byte {
	out := make([]byte, len(row))
	for i := range row {
		var a, b, c byte
		if i >= bpp {
			a, c = row[i-bpp], prev[i-bpp]
		}
		b = prev[i]
		switch ft {
		case 0:
			out[i] = row[i]
		case 1:
			out[i] = row[i] - a
		case 2:
			out[i] = row[i] - b
		case 3:
			out[i] = row[i] - byte((int(a)+int(b))/2)
		case 4:
			out[i] = row[i] - paethSpec(a, b, c)
		}
	}
	return out
}

// paethSpec is the Paeth predictor as the PNG spec writes it (9.4), kept
// apart from the decoder's so that a mistake in one cannot hide in both.
func paethSpec(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := p-int(a), p-int(b), p-int(c)
	pa, pb, pc = max(pa, -pa), max(pb, -pb), max(pc, -pc)
	switch {
	case pa <= pb && pa <= pc:
		return a
	case pb <= pc:
		return b
	}
	return c
}

func appendPNGChunk(b []byte, typ string, data []byte) []byte {
	return append(b, pngChunk(typ, data)...)
}

// allPNGSpecs is every colour type and depth the format has, interlaced
// and not, with and without a tRNS where one is allowed, at sizes that
// leave some interlaced passes empty.
func allPNGSpecs() []pngSpec {
	var specs []pngSpec
	depths := map[int][]int{
		pngGray: {1, 2, 4, 8, 16}, pngRGB: {8, 16}, pngPalette: {1, 2, 4, 8},
		pngGrayAlpha: {8, 16}, pngRGBA: {8, 16},
	}
	sizes := [][2]int{{1, 1}, {3, 2}, {13, 7}, {33, 17}, {64, 9}}
	seed := uint64(1)
	for ct, ds := range depths {
		for _, d := range ds {
			for _, interlaced := range []bool{false, true} {
				for _, trns := range []bool{false, true} {
					if trns && (ct == pngGrayAlpha || ct == pngRGBA) {
						continue
					}
					for _, sz := range sizes {
						seed++
						specs = append(specs, pngSpec{sz[0], sz[1], ct, d, interlaced, trns, seed})
					}
				}
			}
		}
	}
	return specs
}

// decodeOurs decodes data with Easel's PNG decoder.
func decodeOurs(data []byte) (image.Image, error) {
	d, err := newPNGDecoder(bufio.NewReader(bytes.NewReader(data)))
	if err != nil {
		return nil, err
	}
	return decodePNG(d)
}

// rgba8 is what a pixel of image/png's result is at 8 bits a channel, not
// premultiplied: the high byte of each 16-bit sample.
func rgba8(c color.Color) [4]uint8 {
	switch c := c.(type) {
	case color.NRGBA:
		return [4]uint8{c.R, c.G, c.B, c.A}
	case color.RGBA: // image/png makes these only for opaque pixels
		return [4]uint8{c.R, c.G, c.B, c.A}
	case color.Gray:
		return [4]uint8{c.Y, c.Y, c.Y, 0xff}
	case color.NRGBA64:
		return [4]uint8{uint8(c.R >> 8), uint8(c.G >> 8), uint8(c.B >> 8), uint8(c.A >> 8)}
	case color.RGBA64:
		return [4]uint8{uint8(c.R >> 8), uint8(c.G >> 8), uint8(c.B >> 8), uint8(c.A >> 8)}
	case color.Gray16:
		return [4]uint8{uint8(c.Y >> 8), uint8(c.Y >> 8), uint8(c.Y >> 8), 0xff}
	}
	panic(fmt.Sprintf("unexpected colour %T", c))
}

// samePixels reports the first pixel where ours differs from image/png's.
func samePixels(std, ours image.Image) error {
	if std.Bounds() != ours.Bounds() {
		return fmt.Errorf("bounds %v, image/png %v", ours.Bounds(), std.Bounds())
	}
	b := std.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if got, want := rgba8(ours.At(x, y)), rgba8(std.At(x, y)); got != want {
				return fmt.Errorf("pixel (%d, %d) = %v, image/png %v", x, y, got, want)
			}
		}
	}
	return nil
}

// TestPNGDecoderMatchesImagePNG: on every colour type, depth, interlacing
// and transparency, Easel's decoder gives image/png's pixels, at 8 bits.
func TestPNGDecoderMatchesImagePNG(t *testing.T) {
	for _, spec := range allPNGSpecs() {
		data := spec.encode()
		std, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%v: image/png refuses the test's own file: %v", spec, err)
		}
		ours, err := decodeOurs(data)
		if err != nil {
			t.Fatalf("%v: %v", spec, err)
		}
		if err := samePixels(std, ours); err != nil {
			t.Errorf("%v: %v", spec, err)
		}
		if _, gray := ours.(*image.Gray); gray != (spec.colorType == pngGray && !spec.trns) {
			t.Errorf("%v: decoded as %T", spec, ours)
		}
	}
}

// TestPNGDecoderMatchesImagePNGOnItsOwnFiles: what image/png writes, from
// every image type it takes, decodes the same.
func TestPNGDecoderMatchesImagePNGOnItsOwnFiles(t *testing.T) {
	src := pattern(37, 23, false)
	r := src.Bounds()
	kinds := map[string]image.Image{"nrgba": src}
	for name, m := range map[string]interface {
		image.Image
		Set(x, y int, c color.Color)
	}{
		"rgba": image.NewRGBA(r), "gray": image.NewGray(r), "gray16": image.NewGray16(r),
		"rgba64": image.NewRGBA64(r), "nrgba64": image.NewNRGBA64(r),
		"paletted": image.NewPaletted(r, append(color.Palette{color.NRGBA{1, 2, 3, 4}}, paletteSample()...)),
	} {
		for y := range r.Dy() {
			for x := range r.Dx() {
				m.Set(x, y, src.At(x, y))
			}
		}
		kinds[name] = m
	}
	for name, m := range kinds {
		data := pngOf(t, m)
		std, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		ours, err := decodeOurs(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := samePixels(std, ours); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func paletteSample() color.Palette {
	var p color.Palette
	for i := range 40 {
		p = append(p, color.RGBA{uint8(i * 6), uint8(255 - i*6), uint8(i * 3), 0xff})
	}
	return p
}

// TestPNGDecoderRefusesWhatImagePNGRefuses: cut short at every length, or
// with any one byte changed, a file is refused by Easel's decoder exactly
// when image/png refuses it, and decodes to the same pixels when both
// take it.
func TestPNGDecoderRefusesWhatImagePNGRefuses(t *testing.T) {
	for _, spec := range []pngSpec{
		{13, 7, pngPalette, 4, false, true, 1},
		{11, 9, pngRGBA, 16, true, false, 2},
		{9, 5, pngGray, 2, true, true, 3},
		{12, 6, pngRGB, 8, false, true, 4},
	} {
		data := spec.encode()
		for n := range len(data) {
			agree(t, fmt.Sprintf("%v cut to %d bytes", spec, n), data[:n])
		}
		rng := rand.New(rand.NewPCG(spec.seed, 1))
		for i := range data {
			bad := bytes.Clone(data)
			bad[i] ^= byte(1 + rng.IntN(255))
			agree(t, fmt.Sprintf("%v byte %d changed", spec, i), bad)
		}
	}
	// Hand-made cases a random change rarely reaches.
	good := (pngSpec{8, 8, pngRGB, 8, false, false, 5}).encode()
	cases := map[string][]byte{
		"chunks before IHDR are skipped": append(append([]byte(pngSignature), pngChunk("aaAa", nil)...), good[8:]...),
		"no IDAT":                        append(append([]byte(pngSignature), pngChunk("IHDR", good[16:29])...), pngChunk("IEND", nil)...),
		"IEND first":                     append([]byte(pngSignature), pngChunk("IEND", nil)...),
		"junk after the zlib stream":     withIDAT(good, func(z []byte) []byte { return append(z, 1, 2, 3) }),
		"a bad zlib checksum":            withIDAT(good, func(z []byte) []byte { z[len(z)-1] ^= 1; return z }),
		"a stray IDAT after the pixels":  insertBeforeIEND(good, pngChunk("IDAT", []byte("junk"))),
		"a PLTE after the pixels":        insertBeforeIEND(good, pngChunk("PLTE", []byte{1, 2, 3})),
	}
	for name, data := range cases {
		agree(t, name, data)
	}
}

// agree checks that both decoders refuse data, or both take it alike.
func agree(t *testing.T, what string, data []byte) {
	t.Helper()
	std, stdErr := png.Decode(bytes.NewReader(data))
	ours, err := decodeOurs(data)
	switch {
	case (stdErr == nil) != (err == nil):
		t.Fatalf("%s: image/png says %v, Easel says %v", what, stdErr, err)
	case err == nil:
		if e := samePixels(std, ours); e != nil {
			t.Fatalf("%s: %v", what, e)
		}
	}
}

// withIDAT rewrites a PNG whose pixels are in IDAT chunks into one with a
// single IDAT holding edit(the zlib stream).
func withIDAT(data []byte, edit func([]byte) []byte) []byte {
	var z []byte
	out := []byte(pngSignature)
	placed := false
	for p := 8; p+12 <= len(data); {
		n := int(binary.BigEndian.Uint32(data[p:]))
		typ, body := string(data[p+4:p+8]), data[p+8:p+8+n]
		p += 12 + n
		if typ == "IDAT" {
			z = append(z, body...)
			continue
		}
		if z != nil && !placed {
			out = appendPNGChunk(out, "IDAT", edit(z))
			placed = true
		}
		out = appendPNGChunk(out, typ, body)
	}
	return out
}

func insertBeforeIEND(data, chunk []byte) []byte {
	return append(append(bytes.Clone(data[:len(data)-12]), chunk...), data[len(data)-12:]...)
}

// FuzzPNGDecoder: on any input, Easel's decoder agrees with image/png on
// whether it is a PNG and on its pixels. The corpus starts from a file of
// every colour type, depth and interlacing.
func FuzzPNGDecoder(f *testing.F) {
	for _, spec := range allPNGSpecs() {
		if spec.w == 13 {
			f.Add(spec.encode())
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// Refuse what Inspect refuses from the header, as it would, before
		// image/png allocates a huge image.
		if d, err := newPNGDecoder(bufio.NewReader(bytes.NewReader(data))); err == nil && d.hdr.width*d.hdr.height > 1<<20 {
			return
		}
		if cfg, err := png.DecodeConfig(bytes.NewReader(data)); err == nil && cfg.Width*cfg.Height > 1<<20 {
			return
		}
		agree(t, "fuzzed input", data)
	})
}

// TestAddBytes: the eight-at-a-time Up filter adds bytes as one at a time
// does, carries never crossing from one byte to the next.
func TestAddBytes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := range 40 {
		a, b := make([]byte, n), make([]byte, n)
		for i := range n {
			a[i], b[i] = byte(rng.Uint32()), []byte{0, 1, 0x7f, 0x80, 0xff, byte(rng.Uint32())}[rng.IntN(6)]
		}
		want := bytes.Clone(a)
		for i := range want {
			want[i] += b[i]
		}
		if addBytes(a, b); !bytes.Equal(a, want) {
			t.Fatalf("length %d: %x, want %x", n, a, want)
		}
	}
}
