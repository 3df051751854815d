package engine

import (
	"fmt"
	"image"
	"runtime"
	"testing"

	"easel/app"
)

// Graphs of MaxSide × MaxSide images, the size the issue names: 200 nodes
// of 4096² images.

// hoardGraph makes 100 images of side², then folds them into one with 99
// blends and saves it: 200 nodes. Its ids sort the generators first, so
// the run would make all 100 before the first blend and hold them at once.
func hoardGraph(side int) *Graph {
	g := &Graph{Nodes: map[string]map[string]any{}}
	add := func(id string, n map[string]any) { n["id"] = id; g.Nodes[id] = n }
	edge := func(from, to, field string) {
		g.Edges = append(g.Edges, Edge{Source: EdgeEnd{from, "image"}, Destination: EdgeEnd{to, field}})
	}
	for i := range 100 {
		add(fmt.Sprintf("a%03d", i), node("solid_color", "width", side, "height", side))
	}
	for i := 1; i < 100; i++ {
		id, base := fmt.Sprintf("b%03d", i), fmt.Sprintf("b%03d", i-1)
		if i == 1 {
			base = "a000"
		}
		add(id, node("blend", "opacity", 0.5))
		edge(base, id, "base")
		edge(fmt.Sprintf("a%03d", i), id, "top")
	}
	add("c", node("save_image"))
	edge("b099", "c", "image")
	return g
}

// interleavedGraph is hoardGraph with ids that run each generator just
// before the blend that takes it, so it holds three images at a time.
func interleavedGraph(side int) *Graph {
	g := hoardGraph(side)
	rename := map[string]string{"c": "z"}
	for i := 1; i < 100; i++ {
		rename[fmt.Sprintf("a%03d", i)] = fmt.Sprintf("t%03d", i)
	}
	out := &Graph{Nodes: map[string]map[string]any{}}
	name := func(id string) string {
		if n, ok := rename[id]; ok {
			return n
		}
		return id
	}
	for id, n := range g.Nodes {
		n["id"] = name(id)
		out.Nodes[name(id)] = n
	}
	for _, e := range g.Edges {
		out.Edges = append(out.Edges, Edge{Source: EdgeEnd{name(e.Source.NodeID), e.Source.Field}, Destination: EdgeEnd{name(e.Destination.NodeID), e.Destination.Field}})
	}
	return out
}

// atBudgetGraph is 200 nodes of side² images that hold five at a time,
// the most that fit DefaultPixelBudget at 4096²: kept images made first and
// held until the end, a chain of full-size crops (each a new image, its
// input dropped once it is made), then pastes of the kept images onto the
// chain's last image, and a save. With kept 3, the chain has 193 nodes.
func atBudgetGraph(side, kept int) *Graph {
	g := &Graph{Nodes: map[string]map[string]any{}}
	add := func(id string, n map[string]any) { n["id"] = id; g.Nodes[id] = n }
	edge := func(from, to, field string) {
		g.Edges = append(g.Edges, Edge{Source: EdgeEnd{from, "image"}, Destination: EdgeEnd{to, field}})
	}
	for k := 1; k <= kept; k++ {
		add(fmt.Sprintf("a%d", k), node("solid_color", "width", side, "height", side, "color", fmt.Sprintf("#%02x00ff80", 60*k)))
	}
	add("c000", node("solid_color", "width", side, "height", side))
	prev := "c000"
	for i := 1; i < 200-2*kept-1; i++ {
		id := fmt.Sprintf("c%03d", i)
		add(id, node("crop", "width", side, "height", side))
		edge(prev, id, "image")
		prev = id
	}
	for k := 1; k <= kept; k++ {
		id := fmt.Sprintf("p%d", k)
		add(id, node("paste", "x", side*(k-1)/kept))
		edge(prev, id, "base")
		edge(fmt.Sprintf("a%d", k), id, "top")
		prev = id
	}
	add("s", node("save_image"))
	edge(prev, "s", "image")
	return g
}

// chainGraph is an image of side² through n-2 inverts, saved: n nodes.
func chainGraph(side, n int) *Graph {
	nodes := []map[string]any{node("solid_color", "width", side, "height", side)}
	for range n - 2 {
		nodes = append(nodes, node("invert"))
	}
	return chain(append(nodes, node("save_image"))...)
}

// staticPeakOf is g's peak as validation counts it.
func staticPeakOf(t *testing.T, g *Graph) int64 {
	t.Helper()
	p, err := compile(g)
	if err != nil {
		t.Fatal(err)
	}
	peak, _ := p.staticPeak()
	return peak
}

// runPeak runs g within lim as RunWithin does and returns the most pixels
// the run counted at once.
func runPeak(t *testing.T, f *fakeContext, g *Graph, lim Limits) (int64, error) {
	t.Helper()
	p, err := compile(g)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.checkBudget(lim.budget()); err != nil {
		return 0, err
	}
	r := &runner{ctx: f, g: g, plan: p, lim: lim, outs: map[string]outputs{}, resolved: map[string]inputs{}}
	_, err = r.run()
	return r.peak, err
}

const side2 = MaxSide * MaxSide // pixels of the largest image a node makes

func TestBudgetRefusesGraphAtValidation(t *testing.T) {
	g := hoardGraph(MaxSide)
	if len(g.Nodes) != 200 {
		t.Fatalf("%d nodes", len(g.Nodes))
	}
	// 100 images held when the first blend makes the 101st.
	want := `This graph would hold 1 695 megapixels of images at once (when node "b001" (blend) runs); the limit is 100 megapixels. Use smaller sizes or fewer nodes.`
	checkInvalid(t, Validate(g), want)
	checkInvalid(t, ValidateWithin(g, Limits{PixelBudget: DefaultPixelBudget}), want)

	// Run refuses it the same way, before any node runs.
	f := newFake(t)
	var ran []Progress
	_, err := Run(f, g, func(p Progress) { ran = append(ran, p) })
	checkInvalid(t, err, want)
	if len(ran) != 0 || len(f.saves) != 0 {
		t.Fatalf("ran %d steps, saved %d", len(ran), len(f.saves))
	}

	// The budget named is the one given.
	checkInvalid(t, ValidateWithin(g, Limits{PixelBudget: 500_000_000}),
		`This graph would hold 1 695 megapixels of images at once (when node "b001" (blend) runs); the limit is 500 megapixels. Use smaller sizes or fewer nodes.`)
	if err := ValidateWithin(g, Limits{PixelBudget: 101 * side2}); err != nil {
		t.Fatalf("at exactly its peak: %v", err)
	}
	checkInvalid(t, ValidateWithin(g, Limits{PixelBudget: 101*side2 - 1}), "…would hold 1 695 megapixels")
}

func TestBudgetCountsOnlyLiveImages(t *testing.T) {
	// The same 200 nodes in an order that drops each image after its last
	// use hold three at a time.
	if peak := staticPeakOf(t, interleavedGraph(MaxSide)); peak != 3*side2 {
		t.Fatalf("interleaved peak %d, want %d", peak, 3*side2)
	}
	if err := Validate(interleavedGraph(MaxSide)); err != nil {
		t.Fatal(err)
	}
	// A 200-node chain holds an image and the next.
	chain := chainGraph(MaxSide, 200)
	if peak := staticPeakOf(t, chain); peak != 2*side2 {
		t.Fatalf("chain peak %d, want %d", peak, 2*side2)
	}
	if err := Validate(chain); err != nil {
		t.Fatal(err)
	}
	// The largest graph of 200 nodes the default allows: five at a time;
	// one more kept image is refused.
	at := atBudgetGraph(MaxSide, 3)
	if len(at.Nodes) != 200 {
		t.Fatalf("%d nodes", len(at.Nodes))
	}
	if peak := staticPeakOf(t, at); peak != 5*side2 {
		t.Fatalf("at-budget peak %d, want %d", peak, 5*side2)
	}
	if err := Validate(at); err != nil {
		t.Fatal(err)
	}
	checkInvalid(t, Validate(atBudgetGraph(MaxSide, 4)),
		`This graph would hold 101 megapixels of images at once (when node "c001" (crop) runs); the limit is 100 megapixels. Use smaller sizes or fewer nodes.`)
}

func TestBudgetRunFreesImagesAfterUse(t *testing.T) {
	// At a small size, with a budget of exactly two images, a long chain
	// runs: each image is dropped, and uncounted, once the next is made.
	const side = 32
	lim := Limits{PixelBudget: 2 * side * side}
	f := newFake(t)
	peak, err := runPeak(t, f, chainGraph(side, 200), lim)
	if err != nil {
		t.Fatal(err)
	}
	if peak != 2*side*side || len(f.saves) != 1 {
		t.Fatalf("peak %d, saved %d", peak, len(f.saves))
	}
	// Run and validation count alike when every size is known.
	for name, g := range map[string]*Graph{"interleaved": interleavedGraph(side), "at-budget": atBudgetGraph(side, 3)} {
		want := staticPeakOf(t, g)
		got, err := runPeak(t, newFake(t), g, Limits{PixelBudget: want})
		if err != nil || got != want {
			t.Errorf("%s: run counted %d (%v); validation %d", name, got, err, want)
		}
	}
}

func TestBudgetWithinRuns(t *testing.T) {
	// blend with a top of another size at 64×64: base and top held, and
	// the blend makes the top resized, resample's rows (60 × 64) and the
	// result.
	g := parse(t, `{"nodes": {
		"base": {"id": "base", "type": "solid_color", "width": 64, "height": 64},
		"top": {"id": "top", "type": "gradient", "width": 64, "height": 60},
		"mix": {"id": "mix", "type": "blend", "mode": "multiply"},
		"save": {"id": "save", "type": "save_image"}},
		"edges": [
			{"source": {"node_id": "base", "field": "image"}, "destination": {"node_id": "mix", "field": "base"}},
			{"source": {"node_id": "top", "field": "image"}, "destination": {"node_id": "mix", "field": "top"}},
			{"source": {"node_id": "mix", "field": "image"}, "destination": {"node_id": "save", "field": "image"}}]}`)
	const peak = 64*64 + 64*60 + 64*64 + 60*64 + 64*64
	f := newFake(t)
	names, err := RunWithin(f, g, Limits{PixelBudget: peak}, nil)
	if err != nil || len(names) != 1 {
		t.Fatalf("saved %v: %v", names, err)
	}
	size(t, f.saves[0].Image, 64, 64)
	_, err = RunWithin(newFake(t), g, Limits{PixelBudget: peak - 1}, nil)
	checkInvalid(t, err, `This graph would hold 0.02 megapixels of images at once (when node "mix" (blend) runs); the limit is 0.019 megapixels. Use smaller sizes or fewer nodes.`)
}

// sizedFake is a Context that also tells an image's size before loading
// it, as the queue's does from the image's record.
type sizedFake struct {
	*fakeContext
	sizes map[string]image.Point
}

func (s *sizedFake) ImageSize(name string) (int, int, error) {
	if p, ok := s.sizes[name]; ok {
		return p.X, p.Y, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	img, ok := s.images[name]
	if !ok {
		return 0, 0, app.ErrImageNotFound
	}
	return img.Bounds().Dx(), img.Bounds().Dy(), nil
}

func TestBudgetRefusesAtRunTime(t *testing.T) {
	photo := imgName(1)
	// A 48-megapixel photo: its size is known only once it is read, so
	// validation lets the graph through.
	editGraph := func() *Graph {
		return chain(node("load_image", "image", ref(photo)), node("resize", "width", 4096, "height", 4096, "mode", "fit"), node("save_image"))
	}
	if err := Validate(editGraph()); err != nil {
		t.Fatal(err)
	}

	t.Run("BeforeTheNodeAllocates", func(t *testing.T) {
		f := newFake(t)
		f.images[photo] = newNRGBA(9000, 8000)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := Run(f, editGraph(), nil)
		runtime.ReadMemStats(&after)
		// Fitting 9000×8000 into 4096² makes 4096×3641 from 8000 rows
		// scaled to 4096 wide: 47.7 megapixels beside the photo's 72.
		checkInvalid(t, err, `Node "n2" (resize): it would make 47.7 megapixels of images; with the 72 megapixels the run already holds, that is over the limit of 100 megapixels for one run. Use smaller images or sizes, or fewer at once.`)
		if len(f.saves) != 0 {
			t.Fatal("saved after the refusal")
		}
		// Nothing the size of an image was allocated (the result alone
		// would be 57 MiB).
		if n := after.TotalAlloc - before.TotalAlloc; n > 4<<20 {
			t.Fatalf("the refused run allocated %d bytes", n)
		}
	})

	t.Run("ALoadedImage", func(t *testing.T) {
		// Without the image's size beforehand, it is counted as it is read,
		// before the engine copies it or a node uses it.
		f := newFake(t)
		f.images[photo] = solid(40, 30, red)
		_, err := RunWithin(f, editGraph(), Limits{PixelBudget: 1000}, nil)
		checkInvalid(t, err, `Node "n1" (load_image): image `+photo+` is 40 × 30 pixels (0.0012 megapixels), which is over the limit of 0.001 megapixels for one run. Use smaller images or sizes, or fewer at once.`)
	})

	t.Run("BeforeLoading", func(t *testing.T) {
		// With its size told first, an 80-megapixel image is refused
		// unread under an administrator's budget of 50.
		f := &sizedFake{fakeContext: newFake(t), sizes: map[string]image.Point{photo: {10000, 8000}}}
		_, err := RunWithin(f, editGraph(), Limits{PixelBudget: 50_000_000}, nil)
		checkInvalid(t, err, `Node "n1" (load_image): image `+photo+` is 10000 × 8000 pixels (80 megapixels), which is over the limit of 50 megapixels for one run. Use smaller images or sizes, or fewer at once.`)
		if len(f.loads) != 0 {
			t.Fatalf("loaded %v", f.loads)
		}
	})

	t.Run("ImagesAlreadyHeld", func(t *testing.T) {
		// Two photos blended: the second is refused beside the first.
		f := &sizedFake{fakeContext: newFake(t)}
		f.images[photo] = solid(40, 30, red)
		f.images[imgName(2)] = solid(40, 30, blue)
		g := chain(node("blend", "base", ref(photo), "top", ref(imgName(2))), node("save_image"))
		_, err := RunWithin(f, g, Limits{PixelBudget: 2000}, nil)
		checkInvalid(t, err, `Node "n1" (blend): image `+imgName(2)+` is 40 × 30 pixels (0.0012 megapixels); with the 0.0012 megapixels the run already holds, that is over the limit of 0.002 megapixels for one run. Use smaller images or sizes, or fewer at once.`)
		if len(f.loads) != 1 {
			t.Fatalf("loaded %v", f.loads)
		}
		// Room for both and the result: it runs.
		if _, err := RunWithin(f, g, Limits{PixelBudget: 3 * 1200}, nil); err != nil {
			t.Fatal(err)
		}
	})
}

func TestCostsCoverEveryNode(t *testing.T) {
	for _, name := range nodeOrder {
		_, passes := passThrough[name]
		_, costed := costs[name]
		if passes == costed {
			t.Errorf("%s: pass-through %v, cost function %v; want exactly one", name, passes, costed)
		}
	}
	if len(costs)+len(passThrough) != len(nodeOrder) {
		t.Errorf("%d costs and %d pass-throughs for %d nodes", len(costs), len(passThrough), len(nodeOrder))
	}
}

// TestCostsBoundWhatNodesMake runs every node and checks the cost table
// against it: the image it makes is the size foretold, and it allocates no
// more than the pixels counted (as 8-bit RGBA) and a little bookkeeping.
// Under the race detector, which makes sync.Pool drop what it is given (so
// every row allocates its buffer), it runs in a test binary without it.
func TestCostsBoundWhatNodesMake(t *testing.T) {
	if raceEnabled() {
		runWithoutRace(t, "TestCostsBoundWhatNodesMake")
		return
	}
	big, small, wide := imgName(1), imgName(2), imgName(3)
	img := func(name string) map[string]any { return ref(name) }
	tests := []struct {
		name string
		node map[string]any
	}{
		{"prompt_art", node("prompt_art", "prompt", "a red fox", "width", 256, "height", 192)},
		{"noise", node("noise", "width", 256, "height", 192)},
		{"gradient", node("gradient", "width", 192, "height", 256)},
		{"solid_color", node("solid_color", "width", 256, "height", 192)},
		{"load_image", node("load_image", "image", img(big))},
		{"resize fit down", node("resize", "image", img(big), "width", 100, "height", 100, "mode", "fit")},
		{"resize fit up", node("resize", "image", img(big), "width", 600, "height", 600, "mode", "fit")},
		{"resize fill", node("resize", "image", img(big), "width", 300, "height", 100, "mode", "fill")},
		{"resize stretch", node("resize", "image", img(wide), "width", 400, "height", 400, "mode", "stretch")},
		{"crop", node("crop", "image", img(big), "x", 10, "y", 20, "width", 100, "height", 80)},
		{"crop at the edge", node("crop", "image", img(big), "x", 200, "y", 100, "width", 100, "height", 100)},
		{"blur", node("blur", "image", img(big), "radius", 4)},
		{"blur 0", node("blur", "image", img(big), "radius", 0)},
		{"sharpen", node("sharpen", "image", img(big))},
		{"adjust", node("adjust", "image", img(big), "hue", 30, "contrast", 0.2)},
		{"grayscale", node("grayscale", "image", img(big))},
		{"invert", node("invert", "image", img(big))},
		{"blend same size", node("blend", "base", img(big), "top", img(big))},
		{"blend smaller top", node("blend", "base", img(big), "top", img(small))},
		{"blend taller top", node("blend", "base", img(big), "top", img(wide), "mode", "screen")},
		{"paste", node("paste", "base", img(big), "top", img(small), "x", 100, "y", 50)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.images[big] = solid(256, 192, red)
			f.images[small] = solid(100, 60, blue)
			f.images[wide] = solid(64, 300, white)
			g := chain(tt.node, node("save_image"))
			p, err := compile(g)
			if err != nil {
				t.Fatal(err)
			}
			// The cost as the run works it out, from the real inputs.
			pn := p.nodes["n1"]
			in := sized{}
			for _, fs := range pn.def.Inputs {
				v, ok := pn.lits[fs.Name]
				if !ok && fs.Default != nil {
					v, ok = mustParse(fs, fs.Default), true
				}
				if r, isRef := v.(imageRef); isRef {
					b := f.images[r.name].Bounds()
					v = dims{b.Dx(), b.Dy()}
				}
				if ok {
					in[fs.Name] = v
				}
			}
			var c cost
			if field, ok := passThrough[pn.def.Type]; ok {
				c.out, _ = in.dims(field)
			} else if c, ok = costOf(pn.def.Type, in); !ok {
				t.Fatalf("no cost from %v", in)
			}

			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			if _, err := Run(f, g, nil); err != nil {
				t.Fatal(err)
			}
			runtime.ReadMemStats(&after)
			size(t, f.saves[0].Image, c.out.w, c.out.h)
			made := int64(after.TotalAlloc - before.TotalAlloc)
			if _, ok := passThrough[pn.def.Type]; ok {
				c = cost{} // it outputs its input: nothing new
			}
			// Bookkeeping: the graph's maps, the metadata's JSON, resample's
			// filter taps (a few per row and column), each worker's row
			// buffers.
			if limit := 4*c.pixels()*11/10 + 128<<10; made > limit {
				t.Errorf("allocated %d bytes; its cost %+v allows %d", made, c, limit)
			}
		})
	}
}

func TestMegapixels(t *testing.T) {
	for _, tt := range []struct {
		n    int64
		up   bool
		want string
	}{
		{DefaultPixelBudget, false, "100"},
		{1 << 26, false, "67.1"},
		{1 << 26, true, "67.2"},
		{101 * side2, true, "1 695"},
		{48_000_000, true, "48"},
		{500_000_000, false, "500"},
		{1_234_567_890, false, "1 234"},
		{1200, true, "0.0012"},
		{16128, true, "0.017"},
		{16127, false, "0.016"},
		{19968, true, "0.02"},
		{0, false, "0"},
	} {
		if got := megapixels(tt.n, tt.up); got != tt.want {
			t.Errorf("megapixels(%d, %v) = %q, want %q", tt.n, tt.up, got, tt.want)
		}
	}
}
