package generation

import (
	"context"
	"encoding/base64"
	"image"
	"strings"

	"easel/app/imaging"
)

// pictureLimits bound a picture a backend sends. The PNG's header is not
// trusted: imaging.Inspect refuses a pixel count over the limit before it
// allocates, and decodes the whole file so a damaged one is refused here.
var pictureLimits = imaging.Limits{MaxBytes: 64 << 20, MaxPixels: 64 << 20}

// decodePicture reads a base64 image as both APIs carry them (raw, or as a
// data: URL).
func decodePicture(ctx context.Context, b64 string) (image.Image, error) {
	s := strings.TrimSpace(b64)
	if strings.HasPrefix(s, "data:") {
		i := strings.IndexByte(s, ',')
		if i < 0 {
			return nil, &failure{kind: failBadImage}
		}
		s = s[i+1:]
	}
	if s == "" || int64(base64.StdEncoding.DecodedLen(len(s))) > pictureLimits.MaxBytes {
		return nil, &failure{kind: failBadImage}
	}
	data, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, &failure{kind: failBadImage, err: err}
	}
	_, img, err := imaging.Inspect(ctx, "the picture", data, pictureLimits)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &failure{kind: failBadImage, err: err}
	}
	return img, nil
}

// encodePicture is img as base64 PNG, for img2img's input.
func encodePicture(img image.Image) (string, error) {
	b, err := imaging.EncodePNG(img)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(b), nil
}
