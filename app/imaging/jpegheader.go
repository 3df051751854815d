package imaging

import (
	"encoding/binary"
	"io"
)

// jpegShape is what a JPEG's segments before its image data say that
// matters before decoding it: how to turn it upright, and what decoding it
// will cost.
type jpegShape struct {
	orientation int  // EXIF orientation, 1–8; 1 when there is none
	progressive bool // SOF2: image/jpeg keeps every coefficient until the end
	components  int  // 1 gray, 3 YCbCr, 4 CMYK or YCCK; 0 when no frame was found
}

// scanJPEG reads the segment headers of the JPEG in r (size bytes) up to its
// first scan, reading only the EXIF segment's contents.
func scanJPEG(r io.ReaderAt, size int64) jpegShape {
	s := jpegShape{orientation: 1}
	var b [10]byte
	if size < 4 || readAt(r, b[:2], 0) != nil || b[0] != 0xFF || b[1] != 0xD8 {
		return s
	}
	for p := int64(2); p+4 <= size; {
		if readAt(r, b[:4], p) != nil || b[0] != 0xFF {
			return s
		}
		marker, n := b[1], int64(binary.BigEndian.Uint16(b[2:]))
		if marker == 0xDA || n < 2 || p+2+n > size { // image data, or a broken segment
			return s
		}
		switch {
		case marker == 0xE1 && s.orientation == 1 && n-2 > 14:
			seg := make([]byte, n-2) // at most 64 KB
			if readAt(r, seg, p+4) == nil && string(seg[:6]) == "Exif\x00\x00" {
				s.orientation = tiffOrientation(seg[6:])
			}
		case (marker == 0xC0 || marker == 0xC1 || marker == 0xC2) && n >= 8 && s.components == 0:
			if readAt(r, b[:6], p+4) == nil {
				s.progressive, s.components = marker == 0xC2, int(b[5])
			}
		}
		p += 2 + n
	}
	return s
}

func readAt(r io.ReaderAt, b []byte, off int64) error {
	_, err := r.ReadAt(b, off)
	if err == io.EOF {
		err = nil // ReadAt may say EOF when b ends exactly at the end
	}
	return err
}
