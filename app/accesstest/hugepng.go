package accesstest

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
)

// HugePNG16 is a w × h 16-bit RGB PNG of colour bands (red across, green
// down), which deflate packs into well under a megabyte at 10000 × 10000:
// a small upload that decodes, naively, to gigabytes. It is written row
// by row, so making it needs no more memory than the file.
func HugePNG16(w, h int) []byte {
	var idat bytes.Buffer
	// Writing to a bytes.Buffer cannot fail: the zlib errors are always nil.
	z, _ := zlib.NewWriterLevel(&idat, zlib.BestCompression)
	row := make([]byte, 1+6*w)
	prev, cur := make([]byte, 6*w), make([]byte, 6*w)
	for y := range h {
		for x := range w {
			p := cur[6*x : 6*x+6]
			binary.BigEndian.PutUint16(p[0:], uint16(x/40*65535/(w/40)))
			binary.BigEndian.PutUint16(p[2:], uint16(y/40*65535/(h/40)))
			binary.BigEndian.PutUint16(p[4:], 0x8040)
		}
		row[0] = 2 // Up: a row like the one above is all zeros
		for i := range cur {
			row[1+i] = cur[i] - prev[i]
		}
		z.Write(row)
		prev, cur = cur, prev
	}
	z.Close()
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	ihdr = append(ihdr, 16, 2, 0, 0, 0) // 16-bit RGB, no interlace
	out := []byte("\x89PNG\r\n\x1a\n")
	out = appendPNGChunk(out, "IHDR", ihdr)
	out = appendPNGChunk(out, "IDAT", idat.Bytes())
	return appendPNGChunk(out, "IEND", nil)
}

func appendPNGChunk(b []byte, typ string, data []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}
