package engine

import (
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"math"

	"easel/app"
)

// nodeOrder is the order Types lists the built-in nodes in.
var nodeOrder = []string{
	"prompt_art", "txt2img", "img2img", "noise", "gradient", "solid_color", "load_image",
	"resize", "crop", "blur", "sharpen", "adjust", "grayscale", "invert", "blend", "paste",
	"save_image",
}

// registry holds the built-in node types by name.
var registry = map[string]*nodeDef{}

func init() {
	for _, d := range append(builtins(), generationNodes()...) {
		registry[d.Type] = d
	}
	for _, name := range nodeOrder {
		if registry[name] == nil {
			panic("engine: node " + name + " is listed but not defined")
		}
	}
	if len(registry) != len(nodeOrder) {
		panic("engine: a node is defined but not listed in nodeOrder")
	}
}

func with(fields ...any) []FieldSpec {
	var out []FieldSpec
	for _, f := range fields {
		switch f := f.(type) {
		case FieldSpec:
			out = append(out, f)
		case []FieldSpec:
			out = append(out, f...)
		}
	}
	return out
}

func builtins() []*nodeDef {
	return []*nodeDef{
		{
			NodeType: NodeType{Type: "prompt_art", Title: "Abstract art from a prompt", Category: "generate",
				Description: "Paints an abstract picture from the prompt's words and the seed: a palette and a composition (mesh gradients, marbled flows, glowing orbs or layered hills). The same prompt and seed always give the same picture.",
				Inputs: with(
					FieldSpec{Name: "prompt", Kind: KindString, Required: true, MaxLength: MaxPromptLength,
						Description: "What to paint. Colour words (red, ocean, gold), moods (misty, neon, night) and scenes (mountains, bokeh, marble) steer the result."},
					seedField("Picks one picture of the many a prompt can give."),
					sizeFields(512)),
				Outputs: imageOutputs},
			run: func(nc *nodeCtx, in inputs) (outputs, error) {
				img, err := nc.promptArt(in.str("prompt"), in.int64("seed"), in.int("width"), in.int("height"))
				if err != nil {
					return nil, err
				}
				return imageOut(img), nil
			},
		},
		{
			NodeType: NodeType{Type: "noise", Title: "Noise texture", Category: "generate",
				Description: "Fractal noise, like clouds or marble, shaded from one colour to another.",
				Inputs: with(sizeFields(512), seedField("Picks the pattern."),
					floatField("scale", 1, 0.01, 10, "Size of the features: 1 makes about four across the shorter side; smaller is finer."),
					intField("octaves", 4, 1, 8, "Layers of detail."),
					colorField("from", 0, 0, 0, "Colour of the low values."),
					colorField("to", 255, 255, 255, "Colour of the high values.")),
				Outputs: imageOutputs},
			run: runNoise,
		},
		{
			NodeType: NodeType{Type: "gradient", Title: "Gradient", Category: "generate",
				Description: "A linear gradient between two colours, mixed perceptually (OKLab) so the middle stays bright.",
				Inputs: with(sizeFields(512),
					colorField("from", 37, 99, 235, "Colour at the start."),
					colorField("to", 236, 72, 153, "Colour at the end."),
					floatField("angle", 180, 0, 360, "Direction in degrees, as in CSS: 0 runs bottom to top, 90 left to right, 180 top to bottom.")),
				Outputs: imageOutputs},
			run: runGradient,
		},
		{
			NodeType: NodeType{Type: "solid_color", Title: "Solid colour", Category: "generate",
				Description: "An image of one colour.",
				Inputs:      with(sizeFields(512), colorField("color", 255, 255, 255, "The colour.")),
				Outputs:     imageOutputs},
			run: func(nc *nodeCtx, in inputs) (outputs, error) {
				c := in["color"].(color.NRGBA)
				img := newNRGBA(in.int("width"), in.int("height"))
				px := []uint8{c.R, c.G, c.B, c.A}
				for i := 0; i < len(img.Pix); i += 4 {
					copy(img.Pix[i:i+4], px)
				}
				return imageOut(img), nil
			},
		},
		{
			NodeType: NodeType{Type: "load_image", Title: "Load image", Category: "image",
				Description: "An image from your gallery (or one shared with you).",
				Inputs:      with(imageField("image", "The image, as {\"image_name\": \"…\"}.")),
				Outputs:     imageOutputs},
			run: func(nc *nodeCtx, in inputs) (outputs, error) { return imageOut(in.image("image")), nil },
		},
		{
			NodeType: NodeType{Type: "resize", Title: "Resize", Category: "edit",
				Description: "Scales an image: to fit inside the size (keeping its shape), to fill it (keeping its shape, cropping the overflow from the centre), or stretched to it exactly.",
				Inputs: with(imageField("image", "The image to scale."), sizeFields(512),
					enumField("mode", "fit", []string{"fit", "fill", "stretch"}, "fit: inside the size; fill: cover it and crop; stretch: exactly the size.")),
				Outputs: imageOutputs},
			run: runResize,
		},
		{
			NodeType: NodeType{Type: "crop", Title: "Crop", Category: "edit",
				Description: "Cuts out a rectangle; one reaching past the image's edge is cut at the edge.",
				Inputs: with(imageField("image", "The image to crop."),
					intField("x", 0, 0, MaxPos, "Left edge, in pixels from the left."),
					intField("y", 0, 0, MaxPos, "Top edge, in pixels from the top."),
					intField("width", 512, 1, MaxPos, "Width in pixels."),
					intField("height", 512, 1, MaxPos, "Height in pixels.")),
				Outputs: imageOutputs},
			run: runCrop,
		},
		{
			NodeType: NodeType{Type: "blur", Title: "Blur", Category: "edit",
				Description: "A Gaussian blur.",
				Inputs: with(imageField("image", "The image to blur."),
					floatField("radius", 4, 0, 50, "Strength: the Gaussian's standard deviation, in pixels.")),
				Outputs: imageOutputs},
			run: func(nc *nodeCtx, in inputs) (outputs, error) {
				img, err := nc.blur(in.image("image").(*image.NRGBA), in.float("radius"), 0, 1)
				if err != nil {
					return nil, err
				}
				return imageOut(img), nil
			},
		},
		{
			NodeType: NodeType{Type: "sharpen", Title: "Sharpen", Category: "edit",
				Description: "Sharpens edges (an unsharp mask).",
				Inputs: with(imageField("image", "The image to sharpen."),
					floatField("amount", 1, 0, 5, "How much: 0 leaves it as is, 1 is strong."),
					floatField("radius", 1.5, 0.1, 20, "Size of the edges to bring out, in pixels.")),
				Outputs: imageOutputs},
			run: runSharpen,
		},
		{
			NodeType: NodeType{Type: "adjust", Title: "Adjust colours", Category: "edit",
				Description: "Brightness, contrast, saturation and hue.",
				Inputs: with(imageField("image", "The image to adjust."),
					floatField("brightness", 0, -1, 1, "-1 is black, 0 unchanged, 1 white."),
					floatField("contrast", 0, -1, 1, "-1 is flat grey, 0 unchanged, 1 the most."),
					floatField("saturation", 0, -1, 1, "-1 is grey, 0 unchanged, 1 twice as colourful."),
					floatField("hue", 0, -180, 180, "Turns every hue by this many degrees.")),
				Outputs: imageOutputs},
			run: runAdjust,
		},
		{
			NodeType: NodeType{Type: "grayscale", Title: "Grayscale", Category: "edit",
				Description: "Removes colour, keeping each pixel's lightness.",
				Inputs:      with(imageField("image", "The image.")),
				Outputs:     imageOutputs},
			run: func(nc *nodeCtx, in inputs) (outputs, error) {
				return perPixel(nc, in.image("image").(*image.NRGBA), func(p, q []uint8) {
					l := clamp8(0.2126*float32(p[0]) + 0.7152*float32(p[1]) + 0.0722*float32(p[2]))
					q[0], q[1], q[2], q[3] = l, l, l, p[3]
				})
			},
		},
		{
			NodeType: NodeType{Type: "invert", Title: "Invert", Category: "edit",
				Description: "Inverts the colours (red becomes cyan), keeping transparency.",
				Inputs:      with(imageField("image", "The image.")),
				Outputs:     imageOutputs},
			run: func(nc *nodeCtx, in inputs) (outputs, error) {
				return perPixel(nc, in.image("image").(*image.NRGBA), func(p, q []uint8) {
					q[0], q[1], q[2], q[3] = 255-p[0], 255-p[1], 255-p[2], p[3]
				})
			},
		},
		{
			NodeType: NodeType{Type: "blend", Title: "Blend", Category: "edit",
				Description: "Lays one image over another with a blend mode. The top image is scaled to cover the base and centred; the result is the base's size.",
				Inputs: with(imageField("base", "The image underneath."), imageField("top", "The image on top."),
					enumField("mode", "normal", []string{"normal", "multiply", "screen", "overlay"}, "How the colours mix."),
					floatField("opacity", 1, 0, 1, "How strongly the top shows: 0 not at all, 1 fully.")),
				Outputs: imageOutputs},
			run: runBlend,
		},
		{
			NodeType: NodeType{Type: "paste", Title: "Paste", Category: "edit",
				Description: "Pastes one image onto another at a position, respecting transparency. The result is the base's size.",
				Inputs: with(imageField("base", "The image underneath."), imageField("top", "The image to paste."),
					intField("x", 0, -MaxPos, MaxPos, "Left edge of the pasted image on the base, in pixels."),
					intField("y", 0, -MaxPos, MaxPos, "Top edge of the pasted image on the base, in pixels.")),
				Outputs: imageOutputs},
			run: runPaste,
		},
		{
			NodeType: NodeType{Type: "save_image", Title: "Save to gallery", Category: "image",
				Description: "Saves the image to a board, with the graph and its settings, so you can use them again. With neither board nor board_name it goes to your uncategorized images.",
				Inputs: with(imageField("image", "The image to save."),
					FieldSpec{Name: "board", Kind: KindBoard, Description: "The board to save to, as {\"board_id\": \"…\"}: one of yours, or one you may add to."},
					FieldSpec{Name: "board_name", Kind: KindString, MaxLength: 4 * app.MaxBoardNameLen, Description: "Or the name of a board of yours to save to, made if you have none by that name."}),
				Outputs: []OutputSpec{
					{Name: "image", Kind: KindImage, Description: "The image saved."},
					{Name: "image_name", Kind: KindString, Description: "The saved image's name."},
					{Name: "width", Kind: KindInt, Description: "The image's width in pixels."},
					{Name: "height", Kind: KindInt, Description: "The image's height in pixels."},
				}},
			check: func(lits map[string]any) error {
				name, _ := lits["board_name"].(string)
				_, hasBoard := lits["board"]
				if name == "" {
					return nil
				}
				if hasBoard {
					return invalid("set either \"board\" or \"board_name\", not both.")
				}
				if _, err := app.CleanBoardName(name); err != nil {
					return invalid("field \"board_name\": %s", app.ErrorMessage(err))
				}
				return nil
			},
			run: runSave,
		},
	}
}

// perPixel makes a new image by applying f to each pixel of src: p is the
// source pixel, q the new one.
func perPixel(nc *nodeCtx, src *image.NRGBA, f func(p, q []uint8)) (outputs, error) {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dst := newNRGBA(w, h)
	err := nc.each(h, w, 0, 1, func(y int) {
		sp, dp := src.Pix[y*src.Stride:y*src.Stride+4*w], dst.Pix[y*dst.Stride:y*dst.Stride+4*w]
		for i := 0; i < len(sp); i += 4 {
			f(sp[i:i+4:i+4], dp[i:i+4:i+4])
		}
	})
	if err != nil {
		return nil, err
	}
	return imageOut(dst), nil
}

func runNoise(nc *nodeCtx, in inputs) (outputs, error) {
	w, h := in.int("width"), in.int("height")
	seed := in.int64("seed")
	r := &rng{s: uint64(seed)*0x9e3779b97f4a7c15 ^ 0x6e6f697365} // "noise"
	p := newPerlin(r)
	ox, oy := r.rangeF(0, 256), r.rangeF(0, 256)
	freq := 4 / in.float("scale") / float64(min(w, h))
	oct := in.int("octaves")
	from, to := in["from"].(color.NRGBA), in["to"].(color.NRGBA)
	img := newNRGBA(w, h)
	err := nc.each(h, w, 0, 1, func(y int) {
		row := img.Pix[y*img.Stride : y*img.Stride+4*w]
		fy := (float64(y)+0.5)*freq + oy
		for x := range w {
			v := p.fbm((float64(x)+0.5)*freq+ox, fy, oct)
			t := float32(smoothstep(-0.75, 0.75, v))
			q := row[4*x : 4*x+4 : 4*x+4]
			q[0] = clamp8(float32(from.R) + (float32(to.R)-float32(from.R))*t)
			q[1] = clamp8(float32(from.G) + (float32(to.G)-float32(from.G))*t)
			q[2] = clamp8(float32(from.B) + (float32(to.B)-float32(from.B))*t)
			q[3] = clamp8(float32(from.A) + (float32(to.A)-float32(from.A))*t)
		}
	})
	if err != nil {
		return nil, err
	}
	return imageOut(img), nil
}

func runGradient(nc *nodeCtx, in inputs) (outputs, error) {
	w, h := in.int("width"), in.int("height")
	from, to := in["from"].(color.NRGBA), in["to"].(color.NRGBA)
	a := in.float("angle") * math.Pi / 180
	// CSS's gradient line: through the centre, long enough that the
	// corners get exactly the two colours.
	dx, dy := math.Sin(a), -math.Cos(a)
	length := math.Abs(float64(w)*dx) + math.Abs(float64(h)*dy)
	// A table of the colours along the line, mixed in OKLab.
	const steps = 1024
	la, lb := labOf(from), labOf(to)
	var table [steps + 1][4]uint8
	for i := range table {
		t := float64(i) / steps
		c := la.mix(lb, t)
		r, g, b := c.linear()
		table[i] = [4]uint8{clamp8(linearToSRGB(r)), clamp8(linearToSRGB(g)), clamp8(linearToSRGB(b)),
			clamp8(float32(lerp(float64(from.A), float64(to.A), t)))}
	}
	table[0] = [4]uint8{from.R, from.G, from.B, from.A}
	table[steps] = [4]uint8{to.R, to.G, to.B, to.A}
	img := newNRGBA(w, h)
	cx, cy := float64(w)/2, float64(h)/2
	err := nc.each(h, w, 0, 1, func(y int) {
		row := img.Pix[y*img.Stride : y*img.Stride+4*w]
		py := float64(y) + 0.5 - cy
		for x := range w {
			t := ((float64(x)+0.5-cx)*dx+py*dy)/length + 0.5
			i := int(math.Round(min(max(t, 0), 1) * steps))
			copy(row[4*x:4*x+4], table[i][:])
		}
	})
	if err != nil {
		return nil, err
	}
	return imageOut(img), nil
}

func runResize(nc *nodeCtx, in inputs) (outputs, error) {
	src := in.image("image").(*image.NRGBA)
	x0, y0, ww, wh, dw, dh := resizeGeometry(src.Rect.Dx(), src.Rect.Dy(), in.int("width"), in.int("height"), in.str("mode"))
	img, err := nc.resample(src, x0, y0, ww, wh, dw, dh, 0, 1)
	if err != nil {
		return nil, err
	}
	return imageOut(img), nil
}

// resizeGeometry is what resize does to a sw×sh image given the box bw×bh
// and a mode: the source window (x0, y0, ww, wh) it scales to a dw×dh
// image. The pixel budget asks it too, for the size before the pixels.
func resizeGeometry(srcW, srcH, boxW, boxH int, mode string) (x0, y0, ww, wh float64, dw, dh int) {
	sw, sh := float64(srcW), float64(srcH)
	bw, bh := float64(boxW), float64(boxH)
	ww, wh = sw, sh
	switch mode {
	case "fit":
		s := min(bw/sw, bh/sh)
		dw, dh = max(int(math.Round(sw*s)), 1), max(int(math.Round(sh*s)), 1)
	case "fill":
		s := max(bw/sw, bh/sh)
		dw, dh = boxW, boxH
		ww, wh = bw/s, bh/s
		x0, y0 = (sw-ww)/2, (sh-wh)/2
	default: // stretch
		dw, dh = boxW, boxH
	}
	return x0, y0, ww, wh, dw, dh
}

func runCrop(nc *nodeCtx, in inputs) (outputs, error) {
	src := in.image("image").(*image.NRGBA)
	w, h := src.Rect.Dx(), src.Rect.Dy()
	x, y := in.int("x"), in.int("y")
	if x >= w || y >= h {
		return nil, nc.invalid("the crop starts at %d,%d, outside the image, which is %d×%d pixels.", x, y, w, h)
	}
	cw, ch := min(in.int("width"), w-x), min(in.int("height"), h-y)
	dst := newNRGBA(cw, ch)
	for r := range ch {
		o := src.PixOffset(x, y+r)
		copy(dst.Pix[r*dst.Stride:], src.Pix[o:o+4*cw])
	}
	return imageOut(dst), nil
}

func runSharpen(nc *nodeCtx, in inputs) (outputs, error) {
	src := in.image("image").(*image.NRGBA)
	blurred, err := nc.blur(src, in.float("radius"), 0, 0.8)
	if err != nil {
		return nil, err
	}
	amount := float32(in.float("amount"))
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dst := newNRGBA(w, h)
	err = nc.each(h, w, 0.8, 1, func(y int) {
		o := y * src.Stride
		sp, bp, dp := src.Pix[o:o+4*w], blurred.Pix[o:o+4*w], dst.Pix[o:o+4*w]
		for i := 0; i < len(sp); i += 4 {
			for c := range 3 {
				s := float32(sp[i+c])
				dp[i+c] = clamp8(s + amount*(s-float32(bp[i+c])))
			}
			dp[i+3] = sp[i+3]
		}
	})
	if err != nil {
		return nil, err
	}
	return imageOut(dst), nil
}

// adjustMatrix is the 3×3 colour matrix of a hue turn then a saturation
// change, as CSS filter effects define them (hue-rotate, saturate).
func adjustMatrix(hueDeg, sat float64) [9]float32 {
	a := hueDeg * math.Pi / 180
	c, s := math.Cos(a), math.Sin(a)
	hue := [9]float64{
		0.213 + c*0.787 - s*0.213, 0.715 - c*0.715 - s*0.715, 0.072 - c*0.072 + s*0.928,
		0.213 - c*0.213 + s*0.143, 0.715 + c*0.285 + s*0.140, 0.072 - c*0.072 - s*0.283,
		0.213 - c*0.213 - s*0.787, 0.715 - c*0.715 + s*0.715, 0.072 + c*0.928 + s*0.072,
	}
	k := 1 + sat
	satM := [9]float64{
		0.213 + 0.787*k, 0.715 - 0.715*k, 0.072 - 0.072*k,
		0.213 - 0.213*k, 0.715 + 0.285*k, 0.072 - 0.072*k,
		0.213 - 0.213*k, 0.715 - 0.715*k, 0.072 + 0.928*k,
	}
	var m [9]float32
	for i := range 3 {
		for j := range 3 {
			var sum float64
			for k := range 3 {
				sum += satM[3*i+k] * hue[3*k+j]
			}
			m[3*i+j] = float32(sum)
		}
	}
	return m
}

func runAdjust(nc *nodeCtx, in inputs) (outputs, error) {
	bright, contrast := float32(in.float("brightness")), in.float("contrast")
	hue, sat := in.float("hue"), in.float("saturation")
	m := adjustMatrix(hue, sat)
	useM := hue != 0 || sat != 0
	// Contrast scales around mid-grey: 0 flat, 1 unchanged, steeper above.
	k := float32(min(math.Tan((contrast+1)*math.Pi/4), 255))
	return perPixel(nc, in.image("image").(*image.NRGBA), func(p, q []uint8) {
		r, g, b := float32(p[0])/255, float32(p[1])/255, float32(p[2])/255
		if useM {
			r, g, b = m[0]*r+m[1]*g+m[2]*b, m[3]*r+m[4]*g+m[5]*b, m[6]*r+m[7]*g+m[8]*b
		}
		for i, v := range [3]float32{r, g, b} {
			v = (v-0.5)*k + 0.5
			v = min(max(v, 0), 1)
			if bright > 0 {
				v += (1 - v) * bright
			} else {
				v *= 1 + bright
			}
			q[i] = clamp8(v * 255)
		}
		q[3] = p[3]
	})
}

func runBlend(nc *nodeCtx, in inputs) (outputs, error) {
	base, top := in.image("base").(*image.NRGBA), in.image("top").(*image.NRGBA)
	w, h := base.Rect.Dx(), base.Rect.Dy()
	lo := 0.0
	if top.Rect.Dx() != w || top.Rect.Dy() != h {
		// Cover the base, centred, as resize's fill does.
		tw, th := float64(top.Rect.Dx()), float64(top.Rect.Dy())
		s := max(float64(w)/tw, float64(h)/th)
		ww, wh := float64(w)/s, float64(h)/s
		var err error
		if top, err = nc.resample(top, (tw-ww)/2, (th-wh)/2, ww, wh, w, h, 0, 0.5); err != nil {
			return nil, err
		}
		lo = 0.5
	}
	mode := blendModes[in.str("mode")]
	opacity := float32(in.float("opacity"))
	dst := newNRGBA(w, h)
	err := nc.each(h, w, lo, 1, func(y int) {
		o := y * base.Stride
		composite(dst.Pix[o:o+4*w], base.Pix[o:o+4*w], top.Pix[o:o+4*w], mode, opacity)
	})
	if err != nil {
		return nil, err
	}
	return imageOut(dst), nil
}

func runPaste(nc *nodeCtx, in inputs) (outputs, error) {
	base, top := in.image("base").(*image.NRGBA), in.image("top").(*image.NRGBA)
	w, h := base.Rect.Dx(), base.Rect.Dy()
	x, y := in.int("x"), in.int("y")
	dst := newNRGBA(w, h)
	copy(dst.Pix, base.Pix)
	// The part of top that lands on the base.
	r := image.Rect(x, y, x+top.Rect.Dx(), y+top.Rect.Dy()).Intersect(dst.Rect)
	if r.Empty() {
		return imageOut(dst), nil
	}
	normal := blendModes["normal"]
	err := nc.each(r.Dy(), r.Dx(), 0, 1, func(i int) {
		dy := r.Min.Y + i
		o := dst.PixOffset(r.Min.X, dy)
		t := top.PixOffset(r.Min.X-x, dy-y)
		n := 4 * r.Dx()
		composite(dst.Pix[o:o+n], base.Pix[o:o+n], top.Pix[t:t+n], normal, 1)
	})
	if err != nil {
		return nil, err
	}
	return imageOut(dst), nil
}

func runSave(nc *nodeCtx, in inputs) (outputs, error) {
	img := in.image("image")
	var board BoardRef
	if b, ok := in["board"].(BoardRef); ok {
		board = b
	}
	if name := in.str("board_name"); name != "" {
		clean, err := app.CleanBoardName(name)
		if err != nil {
			return nil, err
		}
		board = BoardRef{BoardName: clean}
	}
	meta, err := nc.r.metadata(nc.id, img)
	if err != nil {
		return nil, err
	}
	if err := nc.Err(); err != nil {
		return nil, err
	}
	name, err := nc.SaveImage(img, board, meta)
	if err != nil {
		return nil, err
	}
	nc.r.saved = append(nc.r.saved, name)
	out := imageOut(img)
	out["image_name"] = name
	return out, nil
}

// metadata is what the save_image node id records: the graph, and the prompt
// and seed of the nearest prompt_art or noise node upstream.
func (r *runner) metadata(id string, img image.Image) (Metadata, error) {
	if r.graphRaw == nil {
		raw, err := json.Marshal(r.g)
		if err != nil {
			return Metadata{}, fmt.Errorf("engine: encode graph for metadata: %w", err)
		}
		r.graphRaw = raw
	}
	b := img.Bounds()
	m := Metadata{Generator: "easel", Node: id, Graph: r.graphRaw, Width: b.Dx(), Height: b.Dy()}
	// Breadth-first up the edges, nearest first, ties by field name.
	seen := map[string]bool{id: true}
	queue := []string{id}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		pn := r.plan.nodes[cur]
		if t := pn.def.Type; t == "prompt_art" || t == "noise" || r.generated[cur] != nil {
			vals := r.resolved[cur]
			m.SourceID = cur
			m.Prompt, _ = vals["prompt"].(string)
			if s, ok := vals["seed"].(int64); ok {
				m.Seed = &s
			}
			if res := r.generated[cur]; res != nil {
				m.addGeneration(vals, res)
			}
			break
		}
		for _, f := range sortedKeys(pn.in) {
			if src := pn.in[f].NodeID; !seen[src] {
				seen[src] = true
				queue = append(queue, src)
			}
		}
	}
	return m, nil
}

// addGeneration records what made a generation node's picture: its
// fields, and the seed, backend and sampler the backend reports.
func (m *Metadata) addGeneration(vals inputs, res *app.GenerationResult) {
	seed := res.Seed
	m.Seed = &seed
	m.NegativePrompt, _ = vals["negative_prompt"].(string)
	m.Model, _ = vals["model"].(string)
	m.Steps = vals.int("steps")
	m.CFGScale = vals.float("cfg_scale")
	m.Sampler = vals.str("sampler")
	if res.Sampler != "" {
		m.Sampler = res.Sampler
	}
	m.Backend = res.Backend
	if s, ok := vals["strength"].(float64); ok {
		m.Strength = &s
	}
}
