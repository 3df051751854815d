package engine

// How many pixels each built-in node makes, worked out from its inputs
// before it runs: what the pixel budget (budget.go) counts. The same table
// answers at validation, from literal fields and sizes known upstream, and
// at run time, from the real inputs; a test checks it against what every
// node really makes.

// dims is an image's size in pixels.
type dims struct{ w, h int }

func (d dims) pixels() int64 { return int64(d.w) * int64(d.h) }

// sized holds a node's inputs as its size depends on them: images as dims,
// other values parsed (int64, float64, string, …). A missing value is one
// not known yet (an image loaded at run time, or a size that depends on one).
type sized map[string]any

func (s sized) dims(name string) (dims, bool) { d, ok := s[name].(dims); return d, ok }
func (s sized) int(name string) (int, bool)   { n, ok := s[name].(int64); return int(n), ok }
func (s sized) float(name string) (float64, bool) {
	f, ok := s[name].(float64)
	return f, ok
}
func (s sized) str(name string) (string, bool) { v, ok := s[name].(string); return v, ok }

// cost is what a node allocates: the image it outputs, and every working
// image it makes on the way (blur's half-blurred copy, resample's rows
// scaled one way). Working images count in full though some are garbage
// before the node ends: the collector frees them only later, so they are
// memory the node really takes, and a test can check the table against
// what each node allocates.
type cost struct {
	out  dims
	work int64 // pixels
}

func (c cost) pixels() int64 { return c.out.pixels() + c.work }

// costFunc works out a node's cost, or reports false when an input it
// depends on is not known.
type costFunc func(in sized) (cost, bool)

// passThrough names, for the nodes that output one of their input images
// itself rather than a new one, that input: they allocate nothing, and the
// image stays live as long as either holds it.
var passThrough = map[string]string{
	"load_image": "image",
	"save_image": "image",
}

// costs holds every other node's cost function.
var costs = map[string]costFunc{
	"txt2img":     fromSizeFields,
	"img2img":     fromSizeFields, // the image it starts from is held as an input
	"prompt_art":  fromSizeFields,
	"noise":       fromSizeFields,
	"gradient":    fromSizeFields,
	"solid_color": fromSizeFields,
	"resize":      costResize,
	"crop":        costCrop,
	"blur":        costBlur,
	"sharpen":     costSharpen,
	"adjust":      sameAs("image"),
	"grayscale":   sameAs("image"),
	"invert":      sameAs("image"),
	"blend":       costBlend,
	"paste":       sameAs("base"), // a copy of the base, the top drawn on it
}

// costOf is the cost of a node of type typ, false when it is not known (or
// the type has no cost function: only test nodes lack one, and a test
// checks every built-in node has one).
func costOf(typ string, in sized) (cost, bool) {
	if f := costs[typ]; f != nil {
		return f(in)
	}
	return cost{}, false
}

// fromSizeFields is a generator's cost: a width × height image.
func fromSizeFields(in sized) (cost, bool) {
	w, okW := in.int("width")
	h, okH := in.int("height")
	return cost{out: dims{w, h}}, okW && okH
}

// sameAs is the cost of a node that makes a new image the size of one input.
func sameAs(image string) costFunc {
	return func(in sized) (cost, bool) {
		d, ok := in.dims(image)
		return cost{out: d}, ok
	}
}

// resampleWork is what resample holds besides its source and result: the
// source rows it reads, each already scaled to the new width.
func resampleWork(srcH, dstW int) int64 { return int64(srcH) * int64(dstW) }

func costResize(in sized) (cost, bool) {
	src, ok1 := in.dims("image")
	w, ok2 := in.int("width")
	h, ok3 := in.int("height")
	mode, ok4 := in.str("mode")
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return cost{}, false
	}
	_, _, _, _, dw, dh := resizeGeometry(src.w, src.h, w, h, mode)
	return cost{out: dims{dw, dh}, work: resampleWork(src.h, dw)}, true
}

func costCrop(in sized) (cost, bool) {
	src, ok1 := in.dims("image")
	x, ok2 := in.int("x")
	y, ok3 := in.int("y")
	w, ok4 := in.int("width")
	h, ok5 := in.int("height")
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 {
		return cost{}, false
	}
	if x >= src.w || y >= src.h {
		return cost{}, true // refused by the node itself, before it allocates
	}
	return cost{out: dims{min(w, src.w-x), min(h, src.h-y)}}, true
}

func costBlur(in sized) (cost, bool) {
	src, ok1 := in.dims("image")
	r, ok2 := in.float("radius")
	if !ok1 || !ok2 {
		return cost{}, false
	}
	c := cost{out: src}
	if boxRadii(r) != [3]int{} {
		c.work = src.pixels() // the image blurred one way, between the passes
	}
	return c, true
}

// costSharpen: blur's working image, the blurred copy, then the result.
func costSharpen(in sized) (cost, bool) {
	src, ok := in.dims("image")
	return cost{out: src, work: 2 * src.pixels()}, ok
}

func costBlend(in sized) (cost, bool) {
	base, ok1 := in.dims("base")
	top, ok2 := in.dims("top")
	if !ok1 || !ok2 {
		return cost{}, false
	}
	c := cost{out: base}
	if top != base {
		// The top scaled to cover the base, and resample's rows.
		c.work = base.pixels() + resampleWork(top.h, base.w)
	}
	return c, true
}
