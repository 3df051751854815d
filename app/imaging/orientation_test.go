package imaging

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// withOrientation returns a JPEG of img carrying an EXIF orientation, in
// the byte order given, as a camera writes it.
func withOrientation(t *testing.T, img image.Image, o int, order byteOrder) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	tiff := []byte("II*\x00")
	if order == byteOrder(binary.BigEndian) {
		tiff = []byte("MM\x00*")
	}
	tiff = order.AppendUint32(tiff, 8)              // IFD0 right after the header
	tiff = order.AppendUint16(tiff, 1)              // one entry
	tiff = order.AppendUint16(tiff, 0x0112)         // orientation
	tiff = order.AppendUint16(tiff, 3)              // SHORT
	tiff = order.AppendUint32(tiff, 1)              // one value
	tiff = order.AppendUint16(tiff, uint16(o))      // the value, left-justified
	tiff = append(tiff, 0, 0, 0, 0, 0, 0)           // padding, next IFD: none
	app1 := append([]byte("Exif\x00\x00"), tiff...) //
	seg := append([]byte{0xFF, 0xE1}, binary.BigEndian.AppendUint16(nil, uint16(len(app1)+2))...)
	seg = append(seg, app1...)
	out := append([]byte{}, buf.Bytes()[:2]...) // SOI
	out = append(out, seg...)
	return append(out, buf.Bytes()[2:]...)
}

// TestOrientation: each EXIF orientation turns the picture upright. The
// test picture is 40×20 with a red top-left quarter; upright, the red
// quarter must be where a person sees the photo's top-left.
func TestOrientation(t *testing.T) {
	// What the camera stored, for each orientation, is the upright picture
	// turned the other way; build it by applying the inverse.
	upright := image.NewNRGBA(image.Rect(0, 0, 40, 20))
	for y := 0; y < 20; y++ {
		for x := 0; x < 40; x++ {
			c := color.NRGBA{40, 40, 200, 255}
			if x < 20 && y < 10 {
				c = color.NRGBA{220, 30, 30, 255}
			}
			upright.Set(x, y, c)
		}
	}
	inverse := map[int]int{1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 8, 7: 7, 8: 6}
	for o := 1; o <= 8; o++ {
		for _, order := range []byteOrder{binary.LittleEndian, binary.BigEndian} {
			stored := orient(upright, inverse[o])
			data := withOrientation(t, stored, o, order)
			if got := exifOrientation(data); got != o {
				t.Fatalf("orientation %d (%v) read as %d", o, order, got)
			}
			info, img, err := Inspect(context.Background(), "phone.jpg", data, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if info.Width != 40 || info.Height != 20 {
				t.Fatalf("orientation %d: %d×%d, want 40×20", o, info.Width, info.Height)
			}
			if r, _, _, _ := img.At(5, 3).RGBA(); r>>8 < 150 {
				t.Fatalf("orientation %d: the top-left is not red: %v", o, img.At(5, 3))
			}
			if r, _, _, _ := img.At(35, 15).RGBA(); r>>8 > 100 {
				t.Fatalf("orientation %d: the bottom-right is red: %v", o, img.At(35, 15))
			}
		}
	}
	// Broken or missing EXIF leaves the picture as it is.
	for _, data := range [][]byte{{0xFF, 0xD8}, {0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x02}, []byte("not a jpeg")} {
		if o := exifOrientation(data); o != 1 {
			t.Fatalf("exifOrientation(%q) = %d", data, o)
		}
	}
}

// TestOrientationByHand checks the quarter turns against pictures built by
// hand, not by orient itself: a phone held upright (orientation 6) stores
// the picture turned anticlockwise, its top-left at the stored bottom-left.
func TestOrientationByHand(t *testing.T) {
	red := color.NRGBA{220, 30, 30, 255}
	blue := color.NRGBA{40, 40, 200, 255}
	for o, redAt := range map[int]func(x, y int) bool{
		6: func(x, y int) bool { return x < 10 && y >= 20 },  // stored 20×40: red bottom-left
		8: func(x, y int) bool { return x >= 10 && y < 20 },  // stored 20×40: red top-right
		3: func(x, y int) bool { return x >= 20 && y >= 10 }, // stored 40×20: red bottom-right
	} {
		w, h := 20, 40
		if o == 3 {
			w, h = 40, 20
		}
		stored := image.NewNRGBA(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				if redAt(x, y) {
					stored.Set(x, y, red)
				} else {
					stored.Set(x, y, blue)
				}
			}
		}
		_, img, err := Inspect(context.Background(), "phone.jpg", withOrientation(t, stored, o, binary.LittleEndian), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != 40 || b.Dy() != 20 {
			t.Fatalf("orientation %d: %v, want 40×20", o, b)
		}
		if r, _, _, _ := img.At(5, 3).RGBA(); r>>8 < 150 {
			t.Fatalf("orientation %d: the upright top-left is not red", o)
		}
	}
}
