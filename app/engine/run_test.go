package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"easel/app"
)

var (
	red   = color.NRGBA{255, 0, 0, 255}
	blue  = color.NRGBA{0, 0, 255, 255}
	white = color.NRGBA{255, 255, 255, 255}
	black = color.NRGBA{0, 0, 0, 255}
)

// colorJSON is c as a color field value.
func colorJSON(c color.NRGBA) map[string]any {
	return map[string]any{"r": float64(c.R), "g": float64(c.G), "b": float64(c.B), "a": float64(c.A)}
}

func ref(name string) map[string]any { return map[string]any{"image_name": name} }

// runSaved runs g (which ends in a save_image) on f and returns the image
// saved last.
func runSaved(t *testing.T, f *fakeContext, g *Graph) *image.NRGBA {
	t.Helper()
	names, err := Run(f, g, nil)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(names) == 0 || len(f.saves) != len(names) {
		t.Fatalf("saved %v, fake has %d saves", names, len(f.saves))
	}
	return f.saves[len(f.saves)-1].Image.(*image.NRGBA)
}

// everyPixel fails unless check holds for every pixel.
func everyPixel(t *testing.T, img *image.NRGBA, what string, check func(x, y int, c color.NRGBA) bool) {
	t.Helper()
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if c := img.NRGBAAt(x, y); !check(x, y, c) {
				t.Fatalf("pixel %d,%d is %v: not %s", x, y, c, what)
			}
		}
	}
}

func isColor(want color.NRGBA, tol int) func(x, y int, c color.NRGBA) bool {
	return func(_, _ int, c color.NRGBA) bool {
		d := func(a, b uint8) bool { return abs(int(a)-int(b)) <= tol }
		return d(c.R, want.R) && d(c.G, want.G) && d(c.B, want.B) && d(c.A, want.A)
	}
}

func abs(n int) int { return max(n, -n) }

func size(t *testing.T, img image.Image, w, h int) {
	t.Helper()
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h || b.Min != (image.Point{}) {
		t.Fatalf("image is %v, want %d×%d at 0,0", b, w, h)
	}
}

func TestNodes(t *testing.T) {
	photo := imgName(1) // a 40×30 picture in the fake
	setup := func(t *testing.T) *fakeContext {
		f := newFake(t)
		nc := &nodeCtx{Context: f, r: &runner{}, def: registry["prompt_art"]}
		art, err := nc.promptArt("test card", 1, 40, 30)
		if err != nil {
			t.Fatal(err)
		}
		f.images[photo] = art
		f.images[imgName(2)] = solid(40, 30, red)
		f.images[imgName(3)] = solid(40, 30, white)
		f.images[imgName(4)] = solid(40, 30, black)
		return f
	}

	tests := []struct {
		name  string
		graph *Graph
		check func(t *testing.T, f *fakeContext, img *image.NRGBA)
	}{
		{"SolidColor", chain(node("solid_color", "width", 10, "height", 12, "color", colorJSON(color.NRGBA{10, 20, 30, 40})), node("save_image")),
			func(t *testing.T, f *fakeContext, img *image.NRGBA) {
				size(t, img, 10, 12)
				everyPixel(t, img, "the colour", isColor(color.NRGBA{10, 20, 30, 40}, 0))
			}},
		{"SolidColorHex", chain(node("solid_color", "width", 8, "height", 8, "color", "#336699"), node("save_image")),
			func(t *testing.T, f *fakeContext, img *image.NRGBA) {
				everyPixel(t, img, "#336699", isColor(color.NRGBA{0x33, 0x66, 0x99, 255}, 0))
			}},
		{"Defaults", chain(node("solid_color"), node("save_image")),
			func(t *testing.T, f *fakeContext, img *image.NRGBA) {
				size(t, img, 512, 512)
				everyPixel(t, img, "white", isColor(white, 0))
			}},
		{"InvertRedIsCyan", chain(node("solid_color", "width", 8, "height", 8, "color", colorJSON(red)), node("invert"), node("save_image")),
			func(t *testing.T, f *fakeContext, img *image.NRGBA) {
				everyPixel(t, img, "cyan", isColor(color.NRGBA{0, 255, 255, 255}, 0))
			}},
		{"InvertKeepsAlpha", chain(node("solid_color", "width", 8, "height", 8, "color", "#10203080"), node("invert"), node("save_image")),
			func(t *testing.T, f *fakeContext, img *image.NRGBA) {
				everyPixel(t, img, "inverted", isColor(color.NRGBA{0xef, 0xdf, 0xcf, 0x80}, 0))
			}},
		{"Grayscale", chain(node("load_image", "image", ref(photo)), node("grayscale"), node("save_image")),
			func(t *testing.T, f *fakeContext, img *image.NRGBA) {
				size(t, img, 40, 30)
				everyPixel(t, img, "grey", func(_, _ int, c color.NRGBA) bool { return c.R == c.G && c.G == c.B })
			}},
		{"GrayscaleOfRed", chain(node("load_image", "image", ref(imgName(2))), node("grayscale"), node("save_image")),
			func(t *testing.T, f *fakeContext, img *image.NRGBA) {
				everyPixel(t, img, "red's luma", isColor(color.NRGBA{54, 54, 54, 255}, 0))
			}},
		{"Crop", chain(node("crop", "image", ref(photo), "x", 5, "y", 6, "width", 10, "height", 8), node("save_image")),
			func(t *testing.T, f *fakeContext, img *image.NRGBA) {
				size(t, img, 10, 8)
				src := f.images[photo].(*image.NRGBA)
				everyPixel(t, img, "the source's", func(x, y int, c color.NRGBA) bool { return c == src.NRGBAAt(x+5, y+6) })
			}},
		{"CropClampsToEdge", chain(node("crop", "image", ref(photo), "x", 35, "y", 20, "width", 100, "height", 100), node("save_image")),
			func(t *testing.T, f *fakeContext, img *image.NRGBA) { size(t, img, 5, 10) }},
		{"ResizeFit", chain(node("resize", "image", ref(photo), "width", 16, "height", 16, "mode", "fit"), node("save_image")),
			func(t *testing.T, f *fakeContext, img *image.NRGBA) { size(t, img, 16, 12) }},
		{"ResizeFitUp", chain(node("resize", "image", ref(photo), "width", 400, "height", 600, "mode", "fit"), node("save_image")),
			func(t *testing.T, f *fakeContext, img *image.NRGBA) { size(t, img, 400, 300) }},
		{"ResizeFill", chain(node("resize", "image", ref(photo), "width", 16, "height", 16, "mode", "fill"), node("save_image")),
			func(t *testing.T, f *fakeContext, img *image.NRGBA) { size(t, img, 16, 16) }},
		{"ResizeStretch", chain(node("resize", "image", ref(photo), "width", 10, "height", 90, "mode", "stretch"), node("save_image")),
			func(t *testing.T, f *fakeContext, img *image.NRGBA) { size(t, img, 10, 90) }},
		{"ResizeKeepsColour", chain(node("resize", "image", ref(imgName(2)), "width", 13, "height", 77, "mode", "stretch"), node("save_image")),
			func(t *testing.T, f *fakeContext, img *image.NRGBA) { everyPixel(t, img, "red", isColor(red, 0)) }},
		{"ResizeDefaultIsFit512", chain(node("resize", "image", ref(photo)), node("save_image")),
			func(t *testing.T, f *fakeContext, img *image.NRGBA) { size(t, img, 512, 384) }},
		{"BlurSolid", chain(node("blur", "image", ref(imgName(2)), "radius", 5), node("save_image")),
			func(t *testing.T, f *fakeContext, img *image.NRGBA) {
				size(t, img, 40, 30)
				everyPixel(t, img, "red", isColor(red, 0))
			}},
		{"BlurZero", chain(node("blur", "image", ref(photo), "radius", 0), node("save_image")),
			func(t *testing.T, f *fakeContext, img *image.NRGBA) {
				src := f.images[photo].(*image.NRGBA)
				everyPixel(t, img, "unchanged", func(x, y int, c color.NRGBA) bool { return c == src.NRGBAAt(x, y) })
			}},
		{"BlurSoftensEdge", &Graph{Nodes: map[string]map[string]any{
			"b": node("solid_color", "width", 40, "height", 8, "color", colorJSON(black)),
			"w": node("solid_color", "width", 20, "height", 8, "color", colorJSON(white)),
			"p": node("paste", "x", 20),
			"r": node("blur", "radius", 3),
			"s": node("save_image"),
		}, Edges: []Edge{
			{EdgeEnd{"b", "image"}, EdgeEnd{"p", "base"}}, {EdgeEnd{"w", "image"}, EdgeEnd{"p", "top"}},
			{EdgeEnd{"p", "image"}, EdgeEnd{"r", "image"}}, {EdgeEnd{"r", "image"}, EdgeEnd{"s", "image"}},
		}}, func(t *testing.T, f *fakeContext, img *image.NRGBA) {
			prev := -1
			for x := range 40 {
				c := img.NRGBAAt(x, 4)
				if int(c.R) < prev {
					t.Fatalf("not rising at x=%d: %d after %d", x, c.R, prev)
				}
				prev = int(c.R)
			}
			if l, m, r := img.NRGBAAt(0, 4).R, img.NRGBAAt(20, 4).R, img.NRGBAAt(39, 4).R; l > 5 || r < 250 || m < 60 || m > 195 {
				t.Fatalf("edge not soft: %d %d %d", l, m, r)
			}
		}},
		{"SharpenSolid", chain(node("sharpen", "image", ref(imgName(2)), "amount", 2), node("save_image")),
			func(t *testing.T, f *fakeContext, img *image.NRGBA) { everyPixel(t, img, "red", isColor(red, 0)) }},
		{"AdjustNothing", chain(node("adjust", "image", ref(photo)), node("save_image")),
			func(t *testing.T, f *fakeContext, img *image.NRGBA) {
				src := f.images[photo].(*image.NRGBA)
				everyPixel(t, img, "unchanged", func(x, y int, c color.NRGBA) bool { return isColor(src.NRGBAAt(x, y), 1)(x, y, c) })
			}},
		{"AdjustBrightest", chain(node("adjust", "image", ref(photo), "brightness", 1), node("save_image")),
			func(t *testing.T, f *fakeContext, img *image.NRGBA) { everyPixel(t, img, "white", isColor(white, 0)) }},
		{"AdjustDarkest", chain(node("adjust", "image", ref(photo), "brightness", -1), node("save_image")),
			func(t *testing.T, f *fakeContext, img *image.NRGBA) { everyPixel(t, img, "black", isColor(black, 0)) }},
		{"AdjustFlat", chain(node("adjust", "image", ref(photo), "contrast", -1), node("save_image")),
			func(t *testing.T, f *fakeContext, img *image.NRGBA) {
				everyPixel(t, img, "mid-grey", isColor(color.NRGBA{128, 128, 128, 255}, 0))
			}},
		{"AdjustDesaturate", chain(node("adjust", "image", ref(photo), "saturation", -1), node("save_image")),
			func(t *testing.T, f *fakeContext, img *image.NRGBA) {
				everyPixel(t, img, "grey", func(_, _ int, c color.NRGBA) bool {
					return abs(int(c.R)-int(c.G)) <= 1 && abs(int(c.G)-int(c.B)) <= 1
				})
			}},
		{"AdjustHueTurnsRed", chain(node("adjust", "image", ref(imgName(2)), "hue", 120), node("save_image")),
			func(t *testing.T, f *fakeContext, img *image.NRGBA) {
				everyPixel(t, img, "greenish", func(_, _ int, c color.NRGBA) bool { return c.G > c.R && c.G > c.B })
			}},
		{"BlendMultiplyWhiteIsIdentity", &Graph{Nodes: map[string]map[string]any{
			"m": node("blend", "base", ref(photo), "top", ref(imgName(3)), "mode", "multiply"), "s": node("save_image")},
			Edges: []Edge{{EdgeEnd{"m", "image"}, EdgeEnd{"s", "image"}}}},
			func(t *testing.T, f *fakeContext, img *image.NRGBA) {
				src := f.images[photo].(*image.NRGBA)
				everyPixel(t, img, "unchanged", func(x, y int, c color.NRGBA) bool { return c == src.NRGBAAt(x, y) })
			}},
		{"BlendScreenBlackIsIdentity", &Graph{Nodes: map[string]map[string]any{
			"m": node("blend", "base", ref(photo), "top", ref(imgName(4)), "mode", "screen"), "s": node("save_image")},
			Edges: []Edge{{EdgeEnd{"m", "image"}, EdgeEnd{"s", "image"}}}},
			func(t *testing.T, f *fakeContext, img *image.NRGBA) {
				src := f.images[photo].(*image.NRGBA)
				everyPixel(t, img, "unchanged", func(x, y int, c color.NRGBA) bool { return c == src.NRGBAAt(x, y) })
			}},
		{"BlendNormalHalf", &Graph{Nodes: map[string]map[string]any{
			"r": node("solid_color", "width", 8, "height", 8, "color", colorJSON(red)),
			"b": node("solid_color", "width", 8, "height", 8, "color", colorJSON(blue)),
			"m": node("blend", "opacity", 0.5), "s": node("save_image")},
			Edges: []Edge{{EdgeEnd{"b", "image"}, EdgeEnd{"m", "base"}}, {EdgeEnd{"r", "image"}, EdgeEnd{"m", "top"}}, {EdgeEnd{"m", "image"}, EdgeEnd{"s", "image"}}}},
			func(t *testing.T, f *fakeContext, img *image.NRGBA) {
				everyPixel(t, img, "purple", isColor(color.NRGBA{128, 0, 128, 255}, 1))
			}},
		{"BlendOverlayAndSizes", &Graph{Nodes: map[string]map[string]any{
			"m": node("blend", "base", ref(photo), "top", ref(imgName(5)), "mode", "overlay"), "s": node("save_image")},
			Edges: []Edge{{EdgeEnd{"m", "image"}, EdgeEnd{"s", "image"}}}},
			func(t *testing.T, f *fakeContext, img *image.NRGBA) { size(t, img, 40, 30) }},
		{"Paste", &Graph{Nodes: map[string]map[string]any{
			"b": node("solid_color", "width", 20, "height", 20, "color", colorJSON(black)),
			"w": node("solid_color", "width", 8, "height", 8, "color", colorJSON(white)),
			"p": node("paste", "x", 3, "y", -4), "s": node("save_image")},
			Edges: []Edge{{EdgeEnd{"b", "image"}, EdgeEnd{"p", "base"}}, {EdgeEnd{"w", "image"}, EdgeEnd{"p", "top"}}, {EdgeEnd{"p", "image"}, EdgeEnd{"s", "image"}}}},
			func(t *testing.T, f *fakeContext, img *image.NRGBA) {
				size(t, img, 20, 20)
				everyPixel(t, img, "pasted", func(x, y int, c color.NRGBA) bool {
					in := x >= 3 && x < 11 && y < 4
					return in && c == white || !in && c == black
				})
			}},
		{"PasteTransparent", &Graph{Nodes: map[string]map[string]any{
			"b": node("solid_color", "width", 8, "height", 8, "color", colorJSON(blue)),
			"w": node("solid_color", "width", 8, "height", 8, "color", "#ff000000"),
			"p": node("paste"), "s": node("save_image")},
			Edges: []Edge{{EdgeEnd{"b", "image"}, EdgeEnd{"p", "base"}}, {EdgeEnd{"w", "image"}, EdgeEnd{"p", "top"}}, {EdgeEnd{"p", "image"}, EdgeEnd{"s", "image"}}}},
			func(t *testing.T, f *fakeContext, img *image.NRGBA) { everyPixel(t, img, "blue", isColor(blue, 0)) }},
		{"PasteOffImage", &Graph{Nodes: map[string]map[string]any{
			"p": node("paste", "base", ref(imgName(2)), "top", ref(imgName(3)), "x", 40), "s": node("save_image")},
			Edges: []Edge{{EdgeEnd{"p", "image"}, EdgeEnd{"s", "image"}}}},
			func(t *testing.T, f *fakeContext, img *image.NRGBA) { everyPixel(t, img, "red", isColor(red, 0)) }},
		{"GradientLeftToRight", chain(node("gradient", "width", 64, "height", 8, "angle", 90, "from", colorJSON(black), "to", colorJSON(white)), node("save_image")),
			func(t *testing.T, f *fakeContext, img *image.NRGBA) {
				size(t, img, 64, 8)
				if l, r := img.NRGBAAt(0, 3), img.NRGBAAt(63, 3); l.R > 8 || r.R < 247 {
					t.Fatalf("ends are %v and %v", l, r)
				}
				everyPixel(t, img, "rising left to right, the same down a column", func(x, y int, c color.NRGBA) bool {
					return c.R == c.G && c.G == c.B && c == img.NRGBAAt(x, 0) && (x == 0 || c.R >= img.NRGBAAt(x-1, y).R)
				})
			}},
		{"GradientTopToBottom", chain(node("gradient", "width", 8, "height", 64, "from", colorJSON(red), "to", colorJSON(blue)), node("save_image")),
			func(t *testing.T, f *fakeContext, img *image.NRGBA) {
				if top, bottom := img.NRGBAAt(4, 0), img.NRGBAAt(4, 63); top.R < 240 || top.B > 30 || bottom.B < 240 || bottom.R > 30 {
					t.Fatalf("top %v, bottom %v", top, bottom)
				}
				everyPixel(t, img, "the same across a row", func(x, y int, c color.NRGBA) bool { return c == img.NRGBAAt(0, y) })
			}},
		{"Noise", chain(node("noise", "width", 48, "height", 32, "seed", 5, "from", colorJSON(blue), "to", colorJSON(red)), node("save_image")),
			func(t *testing.T, f *fakeContext, img *image.NRGBA) {
				size(t, img, 48, 32)
				lo, hi := 255, 0
				everyPixel(t, img, "between blue and red", func(_, _ int, c color.NRGBA) bool {
					lo, hi = min(lo, int(c.R)), max(hi, int(c.R))
					return c.G == 0 && int(c.R)+int(c.B) >= 254 && int(c.R)+int(c.B) <= 256
				})
				if hi-lo < 100 {
					t.Fatalf("noise is flat: red from %d to %d", lo, hi)
				}
			}},
		{"LoadImageConverts", chain(node("load_image", "image", ref(imgName(6))), node("save_image")),
			func(t *testing.T, f *fakeContext, img *image.NRGBA) {
				size(t, img, 6, 4)
				everyPixel(t, img, "grey 77", isColor(color.NRGBA{77, 77, 77, 255}, 0))
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := setup(t)
			f.images[imgName(5)] = solid(11, 70, color.NRGBA{200, 100, 50, 255})
			gray := image.NewGray(image.Rect(10, 10, 16, 14)) // bounds not at 0,0
			for i := range gray.Pix {
				gray.Pix[i] = 77
			}
			f.images[imgName(6)] = gray
			tt.check(t, f, runSaved(t, f, tt.graph))
		})
	}
}

func TestNoiseAndArtAreDeterministic(t *testing.T) {
	render := func(n map[string]any) string {
		if n["type"] == "noise" {
			delete(n, "prompt")
		}
		f := newFake(t)
		img := runSaved(t, f, chain(n, node("save_image")))
		return pixHash(img)
	}
	for _, typ := range []string{"noise", "prompt_art"} {
		a := render(node(typ, "prompt", "p", "width", 32, "height", 24, "seed", 9))
		b := render(node(typ, "prompt", "p", "width", 32, "height", 24, "seed", 9))
		c := render(node(typ, "prompt", "p", "width", 32, "height", 24, "seed", 10))
		if a != b || a == c {
			t.Errorf("%s: same seed %v, different seed %v", typ, a == b, a != c)
		}
	}
}

func TestCropOutside(t *testing.T) {
	f := newFake(t)
	f.images[imgName(1)] = solid(40, 30, red)
	_, err := Run(f, chain(node("crop", "image", ref(imgName(1)), "x", 40), node("save_image")), nil)
	checkInvalid(t, err, `Node "n1" (crop): the crop starts at 40,0, outside the image, which is 40×30 pixels.`)
	if len(f.saves) != 0 {
		t.Fatal("saved after an error")
	}
}

func TestRunEdgesPassValues(t *testing.T) {
	f := newFake(t)
	g := parse(t, `{"nodes": {
		"first": {"id": "first", "type": "solid_color", "width": 24, "height": 16, "color": "#ff0000"},
		"second": {"id": "second", "type": "gradient"},
		"blur": {"id": "blur", "type": "blur"},
		"save": {"id": "save", "type": "save_image"}},
		"edges": [
			{"source": {"node_id": "first", "field": "width"}, "destination": {"node_id": "second", "field": "width"}},
			{"source": {"node_id": "first", "field": "height"}, "destination": {"node_id": "second", "field": "height"}},
			{"source": {"node_id": "second", "field": "height"}, "destination": {"node_id": "blur", "field": "radius"}},
			{"source": {"node_id": "first", "field": "image"}, "destination": {"node_id": "blur", "field": "image"}},
			{"source": {"node_id": "blur", "field": "image"}, "destination": {"node_id": "save", "field": "image"}}]}`)
	img := runSaved(t, f, g)
	size(t, img, 24, 16)
	everyPixel(t, img, "red", isColor(red, 0))
}

func TestRunEdgeValuesAreChecked(t *testing.T) {
	f := newFake(t)
	f.images[imgName(1)] = solid(5000, 10, red)
	g := parse(t, `{"nodes": {
		"load": {"id": "load", "type": "load_image", "image": {"image_name": "`+imgName(1)+`"}},
		"art": {"id": "art", "type": "prompt_art", "prompt": "p"}},
		"edges": [{"source": {"node_id": "load", "field": "width"}, "destination": {"node_id": "art", "field": "width"}}]}`)
	_, err := Run(f, g, nil)
	checkInvalid(t, err, `Node "art" (prompt_art): field "width" must be between 8 and 4096, not 5000.`)
}

func TestRunOrderAndProgress(t *testing.T) {
	// Ids in the opposite order to the dependencies; "b_side" and
	// "c_side" are independent and run in id order.
	g := parse(t, `{"nodes": {
		"z_art": {"id": "z_art", "type": "prompt_art", "prompt": "order", "width": 128, "height": 128},
		"m_blur": {"id": "m_blur", "type": "blur", "radius": 2},
		"c_side": {"id": "c_side", "type": "solid_color", "width": 8, "height": 8},
		"b_side": {"id": "b_side", "type": "noise", "width": 8, "height": 8},
		"a_save": {"id": "a_save", "type": "save_image"}},
		"edges": [
			{"source": {"node_id": "z_art", "field": "image"}, "destination": {"node_id": "m_blur", "field": "image"}},
			{"source": {"node_id": "m_blur", "field": "image"}, "destination": {"node_id": "a_save", "field": "image"}}]}`)
	var got []Progress
	f := newFake(t)
	if _, err := Run(f, g, func(p Progress) { got = append(got, p) }); err != nil {
		t.Fatal(err)
	}
	var order []string
	for i, p := range got {
		if len(order) == 0 || order[len(order)-1] != p.NodeID {
			order = append(order, p.NodeID)
		}
		if i > 0 && p.Fraction < got[i-1].Fraction {
			t.Fatalf("progress went back: %v then %v", got[i-1], p)
		}
		if want := g.Nodes[p.NodeID]["type"]; p.NodeType != want {
			t.Fatalf("progress %v names type %q, want %q", p, p.NodeType, want)
		}
	}
	if want := []string{"b_side", "c_side", "z_art", "m_blur", "a_save"}; !slices.Equal(order, want) {
		t.Fatalf("ran %v, want %v", order, want)
	}
	if first, last := got[0], got[len(got)-1]; first.Fraction != 0 || last.Fraction != 1 {
		t.Fatalf("progress from %v to %v, want 0 to 1", first, last)
	}
	art := 0
	for _, p := range got {
		if p.NodeID == "z_art" {
			art++
		}
	}
	if art < 16 {
		t.Errorf("prompt_art reported %d times, want at least 16 (every 1/16 of its rows)", art)
	}
}

func TestRunCancel(t *testing.T) {
	t.Run("MidPromptArt", func(t *testing.T) {
		f := newFake(t)
		g := chain(node("prompt_art", "prompt", "a long render", "width", 4096, "height", 4096), node("save_image"))
		var canceledAt time.Time
		start := time.Now()
		_, err := Run(f, g, func(p Progress) {
			if p.NodeType == "prompt_art" && p.Fraction > 0 && canceledAt.IsZero() {
				canceledAt = time.Now()
				f.cancel()
			}
		})
		if !errors.Is(err, context.Canceled) || err != context.Canceled {
			t.Fatalf("err = %v, want context.Canceled itself", err)
		}
		if canceledAt.IsZero() {
			t.Fatal("never reported progress inside prompt_art")
		}
		if d := time.Since(canceledAt); d > 300*time.Millisecond {
			t.Errorf("took %v to stop after cancel (whole run %v)", d, time.Since(start))
		}
		if len(f.saves) != 0 {
			t.Fatalf("saved %d images after cancel", len(f.saves))
		}
	})
	t.Run("BeforeStart", func(t *testing.T) {
		f := newFake(t)
		f.cancel()
		calls := 0
		_, err := Run(f, chain(node("solid_color"), node("save_image")), func(Progress) { calls++ })
		if err != context.Canceled || calls != 0 || len(f.saves) != 0 {
			t.Fatalf("err %v, %d progress calls, %d saves", err, calls, len(f.saves))
		}
	})
	t.Run("InvalidGraphFirst", func(t *testing.T) {
		f := newFake(t)
		f.cancel()
		_, err := Run(f, &Graph{}, nil)
		checkInvalid(t, err, "The graph has no nodes: add at least one.")
	})
	t.Run("DuringSave", func(t *testing.T) {
		// A save that fails because the item was canceled reports the cancel.
		f := newFake(t)
		f.saveErr = errors.New("store closed")
		g := chain(node("solid_color", "width", 8, "height", 8), node("save_image"))
		_, err := Run(f, g, func(p Progress) {
			if p.NodeType == "save_image" {
				f.cancel()
			}
		})
		if err != context.Canceled {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestRunErrors(t *testing.T) {
	load := func() *Graph {
		return chain(node("load_image", "image", ref(imgName(7))), node("invert"), node("save_image"))
	}
	t.Run("ImageNotFound", func(t *testing.T) {
		f := newFake(t)
		_, err := Run(f, load(), nil)
		if code := app.ErrorCode(err); code != app.ENOTFOUND {
			t.Errorf("code %q, want the Context's %q", code, app.ENOTFOUND)
		}
		if msg, want := app.ErrorMessage(err), `Node "n1" (load_image): image `+imgName(7)+` was not found.`; msg != want {
			t.Errorf("message %q, want %q", msg, want)
		}
	})
	t.Run("LiteralImageOnAnEdit", func(t *testing.T) {
		f := newFake(t)
		_, err := Run(f, chain(node("blur", "image", ref(imgName(7))), node("save_image")), nil)
		if msg, want := app.ErrorMessage(err), `Node "n1" (blur): image `+imgName(7)+` was not found.`; msg != want {
			t.Errorf("message %q, want %q", msg, want)
		}
	})
	t.Run("CodeKept", func(t *testing.T) {
		f := newFake(t)
		f.loadErr = app.Errorf(app.EUNAUTHORIZED, "Sign in to continue.")
		_, err := Run(f, load(), nil)
		if code, msg := app.ErrorCode(err), app.ErrorMessage(err); code != app.EUNAUTHORIZED || msg != `Node "n1" (load_image): Sign in to continue.` {
			t.Errorf("got %q %q", code, msg)
		}
	})
	t.Run("NotOurs", func(t *testing.T) {
		f := newFake(t)
		disk := errors.New("read /data/images/x.png: input/output error")
		f.loadErr = disk
		_, err := Run(f, load(), nil)
		if !errors.Is(err, disk) || app.ErrorCode(err) != app.EINTERNAL || strings.Contains(app.ErrorMessage(err), "/data") {
			t.Errorf("err %v: code %q, message %q", err, app.ErrorCode(err), app.ErrorMessage(err))
		}
		if !strings.Contains(err.Error(), `node "n1" (load_image)`) {
			t.Errorf("log text %q does not name the node", err.Error())
		}
	})
	t.Run("SaveRefused", func(t *testing.T) {
		f := newFake(t)
		f.saveErr = app.ErrBoardNotFound
		_, err := Run(f, chain(node("solid_color", "width", 8, "height", 8), node("save_image", "board", map[string]any{"board_id": "theirs"})), nil)
		if code, msg := app.ErrorCode(err), app.ErrorMessage(err); code != app.ENOTFOUND || msg != `Node "n2" (save_image): Board not found` {
			t.Errorf("got %q %q", code, msg)
		}
	})
	t.Run("EmptyImage", func(t *testing.T) {
		f := newFake(t)
		f.images[imgName(7)] = image.NewNRGBA(image.Rect(0, 0, 0, 5))
		_, err := Run(f, load(), nil)
		checkInvalid(t, err, `Node "n1" (load_image): image `+imgName(7)+` has no pixels.`)
	})
}

func TestRunPanicIsAnError(t *testing.T) {
	// A node bug must fail its item, not the queue: make one on purpose.
	registry["test_panic"] = &nodeDef{NodeType: NodeType{Type: "test_panic", Outputs: imageOutputs},
		run: func(nc *nodeCtx, in inputs) (outputs, error) {
			return nil, nc.each(64, 1<<12, 0, 1, func(i int) {
				if i == 40 {
					panic("boom")
				}
			})
		}}
	defer delete(registry, "test_panic")
	f := newFake(t)
	_, err := Run(f, &Graph{Nodes: map[string]map[string]any{"p": {"type": "test_panic"}}}, nil)
	var p *errPanic
	if !errors.As(err, &p) || p.value != "boom" || app.ErrorCode(err) != app.EINTERNAL {
		t.Fatalf("err = %v", err)
	}
}

func TestRunSave(t *testing.T) {
	g := parse(t, `{"nodes": {
		"art": {"id": "art", "type": "prompt_art", "prompt": "a red fox", "seed": 42, "width": 32, "height": 16},
		"grey": {"id": "grey", "type": "grayscale"},
		"keep": {"id": "keep", "type": "save_image", "board": {"board_id": "board-1"}},
		"named": {"id": "named", "type": "save_image", "board_name": "  Foxes  "},
		"loose": {"id": "loose", "type": "save_image"},
		"flat": {"id": "flat", "type": "solid_color", "width": 8, "height": 8}},
		"edges": [
			{"source": {"node_id": "art", "field": "image"}, "destination": {"node_id": "grey", "field": "image"}},
			{"source": {"node_id": "grey", "field": "image"}, "destination": {"node_id": "keep", "field": "image"}},
			{"source": {"node_id": "art", "field": "image"}, "destination": {"node_id": "named", "field": "image"}},
			{"source": {"node_id": "flat", "field": "image"}, "destination": {"node_id": "loose", "field": "image"}}]}`)
	f := newFake(t)
	names, err := Run(f, g, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 3 || len(f.saves) != 3 {
		t.Fatalf("names %v, saves %d", names, len(f.saves))
	}
	// Saves happen in run order: art, flat, grey, keep, loose, named.
	byNode := map[string]savedImage{}
	for i, s := range f.saves {
		if s.Name != names[i] {
			t.Fatalf("name %d is %q, saved as %q", i, names[i], s.Name)
		}
		byNode[s.Meta.Node] = s
	}
	if got := []string{f.saves[0].Meta.Node, f.saves[1].Meta.Node, f.saves[2].Meta.Node}; !slices.Equal(got, []string{"keep", "loose", "named"}) {
		t.Fatalf("saved in order %v", got)
	}
	want := map[string]BoardRef{"keep": {BoardID: "board-1"}, "named": {BoardName: "Foxes"}, "loose": {}}
	for id, b := range want {
		if byNode[id].Board != b {
			t.Errorf("%s saved to %+v, want %+v", id, byNode[id].Board, b)
		}
	}
	graphJSON, _ := json.Marshal(g)
	for id, s := range byNode {
		m := s.Meta
		if string(m.Graph) != string(graphJSON) || m.Generator != "easel" {
			t.Errorf("%s: metadata graph %s", id, m.Graph)
		}
		if b := s.Image.Bounds(); m.Width != b.Dx() || m.Height != b.Dy() {
			t.Errorf("%s: metadata size %d×%d for a %v image", id, m.Width, m.Height, b)
		}
	}
	for _, id := range []string{"keep", "named"} {
		m := byNode[id].Meta
		if m.Prompt != "a red fox" || m.Seed == nil || *m.Seed != 42 || m.SourceID != "art" {
			t.Errorf("%s: prompt %q seed %v source %q", id, m.Prompt, m.Seed, m.SourceID)
		}
	}
	if m := byNode["loose"].Meta; m.Prompt != "" || m.Seed != nil || m.SourceID != "" {
		t.Errorf("loose: prompt %q seed %v: nothing upstream has them", m.Prompt, m.Seed)
	}
	// The metadata as stored brings the graph back to run again.
	stored, err := json.Marshal(byNode["keep"].Meta)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Graph Graph  `json:"graph"`
		Seed  *int64 `json:"seed"`
	}
	if err := json.Unmarshal(stored, &back); err != nil || back.Seed == nil || *back.Seed != 42 {
		t.Fatalf("metadata %s: %v", stored, err)
	}
	if err := Validate(&back.Graph); err != nil {
		t.Fatal(err)
	}
	f2 := newFake(t)
	if _, err := Run(f2, &back.Graph, nil); err != nil {
		t.Fatal(err)
	}
	if pixHash(f2.saves[0].Image.(*image.NRGBA)) != pixHash(f.saves[0].Image.(*image.NRGBA)) {
		t.Fatal("running the stored graph again gave different pixels")
	}
}

func TestNoiseSeedInMetadata(t *testing.T) {
	f := newFake(t)
	runSaved(t, f, chain(node("noise", "width", 8, "height", 8, "seed", 77), node("save_image")))
	if m := f.saves[0].Meta; m.Seed == nil || *m.Seed != 77 || m.Prompt != "" || m.SourceID != "n1" {
		t.Fatalf("metadata %+v", m)
	}
}

func TestGraphJSON(t *testing.T) {
	b, err := json.Marshal(&Graph{Nodes: map[string]map[string]any{"a": {"type": "invert"}}})
	if err != nil || string(b) != `{"nodes":{"a":{"type":"invert"}},"edges":[]}` {
		t.Fatalf("%s %v", b, err)
	}
	b, _ = json.Marshal(chain(node("solid_color"), node("invert")))
	if want := `{"nodes":{"n1":{"id":"n1","type":"solid_color"},"n2":{"id":"n2","type":"invert"}},"edges":[{"source":{"node_id":"n1","field":"image"},"destination":{"node_id":"n2","field":"image"}}]}`; string(b) != want {
		t.Fatalf("%s\nwant %s", b, want)
	}
}

func TestReleaseFreesOutputs(t *testing.T) {
	// A long chain keeps only what is still needed.
	nodes := []map[string]any{node("solid_color", "width", 8, "height", 8)}
	for range 20 {
		nodes = append(nodes, node("invert"))
	}
	g := chain(nodes...)
	p, err := compile(g)
	if err != nil {
		t.Fatal(err)
	}
	f := newFake(t)
	r := &runner{ctx: f, g: g, plan: p, outs: map[string]outputs{}, resolved: map[string]inputs{}}
	max := 0
	r.progress = func(Progress) { max = int(math.Max(float64(max), float64(len(r.outs)))) }
	if _, err := r.run(); err != nil {
		t.Fatal(err)
	}
	if max > 1 || len(r.outs) != 0 {
		t.Fatalf("held up to %d outputs, %d at the end", max, len(r.outs))
	}
}

func TestTypes(t *testing.T) {
	types := Types()
	if len(types) != len(nodeOrder) {
		t.Fatalf("%d types", len(types))
	}
	var names []string
	for _, nt := range types {
		names = append(names, nt.Type)
		if nt.Title == "" || nt.Description == "" || nt.Category == "" || len(nt.Outputs) == 0 {
			t.Errorf("%s: missing title, description, category or outputs", nt.Type)
		}
		for _, f := range nt.Inputs {
			if f.Description == "" {
				t.Errorf("%s.%s has no description", nt.Type, f.Name)
			}
			if f.Required && f.Default != nil {
				t.Errorf("%s.%s is required but has a default", nt.Type, f.Name)
			}
			if f.Default != nil {
				if _, err := parseValue(&f, f.Default); err != nil {
					t.Errorf("%s.%s: default %v: %v", nt.Type, f.Name, f.Default, err)
				}
			}
			if (f.Kind == KindInt || f.Kind == KindFloat) && (f.Min == nil || f.Max == nil) {
				t.Errorf("%s.%s: a number without bounds", nt.Type, f.Name)
			}
			if f.Kind == KindEnum && !slices.Contains(f.Choices, f.Default.(string)) {
				t.Errorf("%s.%s: default not a choice", nt.Type, f.Name)
			}
		}
	}
	for _, want := range []string{"noise", "solid_color", "gradient", "prompt_art", "load_image", "resize", "crop", "blur",
		"sharpen", "adjust", "grayscale", "invert", "blend", "paste", "save_image", "txt2img", "img2img"} {
		if !slices.Contains(names, want) {
			t.Errorf("no %s node", want)
		}
	}
	// Callers get copies.
	types[0].Inputs[0].Name = "changed"
	*types[0].Inputs[1].Min = -5
	if again := Types(); again[0].Inputs[0].Name == "changed" || *again[0].Inputs[1].Min == -5 {
		t.Fatal("Types returned the registry itself")
	}
	if _, err := json.Marshal(types); err != nil {
		t.Fatal(err)
	}
}

func TestWorkflows(t *testing.T) {
	ws := Workflows()
	var ids []string
	for _, w := range ws {
		ids = append(ids, w.ID)
		if w.Name == "" || w.Description == "" || len(w.Fields) == 0 {
			t.Errorf("%s: missing name, description or fields", w.ID)
		}
		for _, f := range w.Fields {
			if f.Kind == "" || f.Name != f.Field || f.Label == "" {
				t.Errorf("%s: field %+v", w.ID, f)
			}
		}
		// Run each, small, as its form would: fill it, set fields.
		g := fillRequired(t, w)
		wantW, wantH := 24, 16
		for id, n := range g.Nodes {
			if _, ok := n["width"]; ok {
				if t := n["type"]; t == "txt2img" || t == "img2img" {
					wantW, wantH = 64, 64 // the smallest picture a model is asked for
				}
				if err := SetField(&g, id, "width", wantW); err != nil {
					t.Fatal(err)
				}
				if err := SetField(&g, id, "height", wantH); err != nil {
					t.Fatal(err)
				}
			}
		}
		f := newFake(t)
		f.images[imgName(1)] = solid(40, 30, red)
		if _, err := Run(&generatingContext{fakeContext: f, gen: &stepGenerator{steps: 2}}, &g, nil); err != nil || len(f.saves) != 1 {
			t.Fatalf("%s: Run: %v, %d saved", w.ID, err, len(f.saves))
		}
		img := f.saves[0].Image.(*image.NRGBA)
		if w.ID == "edit-image" {
			size(t, img, 21, 16) // 40×30 fit into 24×16
		} else {
			size(t, img, wantW, wantH)
		}
	}
	want := []string{"abstract-from-prompt", "noise-texture", "gradient", "edit-image", "text-to-image", "image-to-image"}
	if !slices.Equal(ids, want) {
		t.Fatalf("workflows %v, want %v", ids, want)
	}
	// Fresh copies each call.
	ws[0].Graph.Nodes["art"]["prompt"] = "changed"
	if Workflows()[0].Graph.Nodes["art"]["prompt"] == "changed" {
		t.Fatal("Workflows shares its graphs")
	}
}

func pixHash(img *image.NRGBA) string { return fmt.Sprintf("%x", sha256Sum(img.Pix)) }
