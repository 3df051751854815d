package sdtest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"hash/fnv"
	"image"
	"image/color"
	_ "image/jpeg" // init images may be JPEG, as A1111 accepts any PIL format
	"image/png"
	"strings"
)

// maxSide bounds a requested width or height so one bad request cannot
// allocate gigabytes in a test.
const maxSide = 4096

// picture is everything an output image is derived from.
type picture struct {
	prompt   string
	seed     int64
	w, h     int
	init     image.Image // img2img: the first init image, or nil
	strength float64     // img2img: denoising strength, 0 keeps init, 1 ignores it
}

func mix8(a, b uint8, f float64) uint8 {
	v := float64(a)*(1-f) + float64(b)*f
	if v < 0 {
		v = 0
	}
	if v > 255 {
		v = 255
	}
	return uint8(v + 0.5)
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// key mixes prompt and seed into the image's one random key.
func (p picture) key() uint64 {
	h := fnv.New64a()
	h.Write([]byte(p.prompt))
	return splitmix(h.Sum64() ^ uint64(p.seed))
}

// frame renders the picture frac of the way from pure noise (0) to the
// final image (1). frame(1) is the answer; lower fractions are previews.
func (p picture) frame(frac float64) *image.NRGBA {
	k := p.key()
	c1 := [3]uint8{uint8(k), uint8(k >> 8), uint8(k >> 16)}
	c2 := [3]uint8{uint8(k >> 24), uint8(k >> 32), uint8(k >> 40)}
	img := image.NewNRGBA(image.Rect(0, 0, p.w, p.h))
	var ib image.Rectangle
	if p.init != nil {
		ib = p.init.Bounds()
	}
	for y := 0; y < p.h; y++ {
		for x := 0; x < p.w; x++ {
			n := splitmix(k ^ uint64(y)<<32 ^ uint64(x))
			g := float64(x+y) / float64(p.w+p.h)
			var px [3]uint8
			for c := 0; c < 3; c++ {
				// gradient between the two key colours plus +-16 of noise
				v := mix8(c1[c], c2[c], g)
				d := int(uint8(n>>(8*c))%33) - 16
				px[c] = uint8(min(255, max(0, int(v)+d)))
			}
			if p.init != nil {
				sx := ib.Min.X + x*ib.Dx()/p.w
				sy := ib.Min.Y + y*ib.Dy()/p.h
				r, gg, b, _ := color.NRGBAModel.Convert(p.init.At(sx, sy)).(color.NRGBA).RGBA()
				in := [3]uint8{uint8(r >> 8), uint8(gg >> 8), uint8(b >> 8)}
				switch {
				case p.strength <= 0:
					px = in
				case p.strength < 1:
					for c := range px {
						px[c] = mix8(in[c], px[c], p.strength)
					}
				}
			}
			if frac < 1 {
				for c := range px {
					px[c] = mix8(uint8(n>>(24+8*c)), px[c], frac)
				}
			}
			i := img.PixOffset(x, y)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = px[0], px[1], px[2], 255
		}
	}
	return img
}

// encodePNG returns img as base64 PNG, the way both APIs carry images.
func encodePNG(img image.Image) string {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err) // cannot fail for an in-memory NRGBA
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

// decodeImage reads a raw base64 string or a data: URL, as both servers do.
func decodeImage(s string) (image.Image, error) {
	if strings.HasPrefix(s, "data:image/") {
		i := strings.Index(s, ",")
		if i < 0 {
			return nil, errors.New("bad data URL")
		}
		s = s[i+1:]
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return nil, err
	}
	img, _, err := image.Decode(bytes.NewReader(raw))
	return img, err
}
