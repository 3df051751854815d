package engine

import (
	"fmt"
	"image"
	"math"
	"runtime"
	"strconv"
	"strings"

	"easel/app"
)

// DefaultPixelBudget is the pixel budget of a run when none is set: 100
// megapixels, 400 MB as the engine's 8-bit RGBA. It is the smallest round
// figure in which every built-in node still runs at the largest size nodes
// make (MaxSide × MaxSide): the heaviest, blend with a top of another
// size, takes five such images (base, top, the top resized, resample's
// rows, the result: 84 megapixels). It lets a 48-megapixel photo be
// loaded, adjusted and resized, and is the figure imports are limited to
// (imaging.DefaultMaxPixels), so an administrator meets one number. A
// graph that keeps more images alive than that is refused: 400 MB per
// running item keeps a few workers beside a desktop on an ordinary machine.
// The studio's settings hold the figure, so it is written once.
const DefaultPixelBudget = int64(app.DefaultPixelBudgetMegapixels) * 1_000_000

// Limits bound what one run of a graph may hold. The zero value means the
// defaults. An administrator's setting reaches the engine through it: the
// queue passes it to ValidateWithin when a batch is enqueued and to
// RunWithin when an item runs.
type Limits struct {
	// PixelBudget is the most pixels of images a run holds at once: the
	// outputs still waiting for a node downstream, the images a node loads,
	// the one it makes and its working copies. Zero or less means
	// DefaultPixelBudget.
	PixelBudget int64
}

func (l Limits) budget() int64 {
	if l.PixelBudget <= 0 {
		return DefaultPixelBudget
	}
	return l.PixelBudget
}

// ImageSizer is an optional method of a Context: the size of an image
// before it is loaded, so a run can refuse an image too big for its budget
// before decoding it. Without it, a loaded image is counted as soon as it
// is read, and the run fails then.
type ImageSizer interface {
	ImageSize(name string) (width, height int, err error)
}

// checkBudget refuses a graph that would hold more than budget pixels at
// once, as far as its sizes are known before it runs. It follows the run
// exactly: the same order, and an output dropped once its last consumer
// has run (see runner.release). Images loaded by name count for nothing
// here, nor do sizes that depend on them; the run counts them.
func (p *plan) checkBudget(budget int64) error {
	peak, at := p.staticPeak()
	if peak <= budget {
		return nil
	}
	return invalid("This graph would hold %s megapixels of images at once (when node %q (%s) runs); the limit is %s megapixels. Use smaller sizes or fewer nodes.",
		megapixels(peak, true), at, p.nodes[at].def.Type, megapixels(budget, false))
}

// staticPeak is the most pixels the run would hold at once, counting only
// sizes known before it runs, and the node running at that moment.
func (p *plan) staticPeak() (peak int64, at string) {
	size := make(map[string]dims, len(p.order))    // outputs of known size
	owner := make(map[string]string, len(p.order)) // the node whose image each output is
	live := make(map[string]bool, len(p.order))    // outputs held, as runner.outs
	pending := make(map[string]int, len(p.order))
	for _, e := range p.edges {
		pending[e.Source.NodeID]++
	}
	for _, id := range p.order {
		pn := p.nodes[id]
		in := p.staticInputs(pn, size)
		var need int64
		owner[id] = id
		if field, ok := passThrough[pn.def.Type]; ok {
			if src, ok := pn.in[field]; ok {
				owner[id] = owner[src.NodeID]
			}
			if d, ok := in.dims(field); ok {
				size[id] = d
			}
		} else if c, ok := costOf(pn.def.Type, in); ok {
			need = c.pixels()
			size[id] = c.out
		}
		held := map[string]bool{}
		var total int64
		for src := range live {
			if o := owner[src]; !held[o] {
				held[o] = true
				total += size[o].pixels()
			}
		}
		if total+need > peak {
			peak, at = total+need, id
		}
		live[id] = true
		for _, src := range pn.in {
			if pending[src.NodeID]--; pending[src.NodeID] == 0 {
				delete(live, src.NodeID)
			}
		}
		if pending[id] == 0 {
			delete(live, id)
		}
	}
	return peak, at
}

// staticInputs are pn's inputs as far as they are known before the run:
// literals, defaults, and over edges the size of an image, or a width or
// height, worked out upstream.
func (p *plan) staticInputs(pn *pnode, size map[string]dims) sized {
	in := make(sized, len(pn.def.Inputs))
	for _, f := range pn.def.Inputs {
		if src, ok := pn.in[f.Name]; ok {
			d, known := size[src.NodeID]
			if !known {
				continue
			}
			switch src.Field {
			case "image":
				in[f.Name] = d
			case "width", "height":
				n := int64(d.w)
				if src.Field == "height" {
					n = int64(d.h)
				}
				if checkRange(&f, float64(n)) != nil {
					continue // the run refuses it, with a better message
				}
				if f.Kind == KindFloat {
					in[f.Name] = float64(n)
				} else {
					in[f.Name] = n
				}
			}
			continue
		}
		v, ok := pn.lits[f.Name]
		if !ok && f.Default != nil {
			v, ok = mustParse(f, f.Default), true
		}
		if _, isRef := v.(imageRef); ok && !isRef {
			in[f.Name] = v
		}
	}
	return in
}

// runtimeInputs are a node's resolved inputs as its cost sees them.
func runtimeInputs(in inputs) sized {
	s := make(sized, len(in))
	for k, v := range in {
		if img, ok := v.(image.Image); ok {
			b := img.Bounds()
			s[k] = dims{b.Dx(), b.Dy()}
		} else {
			s[k] = v
		}
	}
	return s
}

// held is the pixels of the distinct images r still holds for nodes
// downstream, plus those in extra (a running node's inputs) not among them.
// A graph has at most MaxNodes nodes, so counting afresh is cheap, and it
// cannot drift from what is really held.
func (r *runner) held(extra inputs) int64 {
	seen := make(map[image.Image]bool, len(r.outs)+len(extra))
	var total int64
	add := func(v any) {
		if img, ok := v.(image.Image); ok && !seen[img] {
			seen[img] = true
			total += int64(img.Bounds().Dx()) * int64(img.Bounds().Dy())
		}
	}
	for _, out := range r.outs {
		add(out["image"])
	}
	for _, v := range extra {
		add(v)
	}
	return total
}

// reserve counts need more pixels beside held ones, failing when they
// would pass the budget; what says what they are for, as "it would make 20
// megapixels of images". The error is the node's own: runNode names it.
// The caller counts the pixels as made once it makes them.
func (r *runner) reserve(held, need int64, what string) error {
	r.peak = max(r.peak, held+need)
	if held+need <= r.lim.budget() {
		return nil
	}
	with := ", which is"
	if held > 0 {
		with = fmt.Sprintf("; with the %s megapixels the run already holds, that is", megapixels(held, true))
	}
	return app.Errorf(app.EINVALID, "%s%s over the limit of %s megapixels for one run. Use smaller images or sizes, or fewer at once.",
		what, with, megapixels(r.lim.budget(), false))
}

// collect runs the garbage collector once the pixels made and then
// dropped since it last ran add up to an eighth of the budget. Dropping a
// reference frees nothing by itself: left to its pacer, the collector lets
// the heap grow to twice what was live after its last cycle, so a run that
// holds its budget would take twice that. Pixels hold no pointers, so a
// cycle costs little more than the process's few pointers — well under a
// millisecond, beside the tens of milliseconds a node takes to make a
// 4096² image — and graphs of small images never reach the threshold.
func (r *runner) collect() {
	held := r.held(nil)
	if r.made-(held-r.heldAtGC) < r.lim.budget()/8 {
		return
	}
	runtime.GC()
	r.made, r.heldAtGC = 0, held
}

// megapixels shows n pixels as megapixels, rounded up (a usage) or down
// (a limit), so that a usage over a limit never shows as equal to it:
// "1 678", "67.1", "0.25".
func megapixels(n int64, up bool) string {
	v := float64(n) / 1e6
	round := math.Floor
	if up {
		round = math.Ceil
	}
	if v >= 100 {
		return groupThousands(int64(round(v)))
	}
	// At least two significant digits.
	decimals := 1
	for v > 0 && v*math.Pow10(decimals) < 10 && decimals < 6 {
		decimals++
	}
	p := math.Pow10(decimals)
	return strconv.FormatFloat(round(v*p)/p, 'f', -1, 64)
}

// groupThousands writes n with a space between groups of three digits, as
// the README writes numbers.
func groupThousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}
