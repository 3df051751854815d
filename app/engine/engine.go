// Package engine runs graphs of image nodes, in InvokeAI's shape: a map of
// nodes, each with an id, a type and its field values, and edges that carry
// one node's output into another node's input.
//
// The built-in nodes render and edit images in pure Go, with no network and
// no model files, deterministically: the same graph gives the same pixels.
// Everything a node does outside memory (reading an image, saving one) goes
// through the Context, which the queue implements as the item's owner.
package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"runtime/debug"

	"easel/app"
)

// Graph is a workflow's graph as InvokeAI writes it. Nodes maps each node's
// id to its fields: "id" (the same id), "type", and the node type's inputs.
type Graph struct {
	Nodes map[string]map[string]any `json:"nodes"`
	Edges []Edge                    `json:"edges"`
}

// MarshalJSON writes a graph with no edges as "edges": [], as InvokeAI
// does, rather than null.
func (g Graph) MarshalJSON() ([]byte, error) {
	type plain Graph
	if g.Edges == nil {
		g.Edges = []Edge{}
	}
	return json.Marshal(plain(g))
}

// Edge carries Source's output into Destination's input.
type Edge struct {
	Source      EdgeEnd `json:"source"`
	Destination EdgeEnd `json:"destination"`
}

// EdgeEnd is one end of an edge: a node and one of its fields.
type EdgeEnd struct {
	NodeID string `json:"node_id"`
	Field  string `json:"field"`
}

// Context is what nodes may use while a queue item runs. It acts as the
// item's owner: LoadImage reads only images the owner may read, and
// SaveImage writes only to boards the owner may add to (finding or creating
// a board named BoardName among the owner's own).
type Context interface {
	context.Context // done when the item is canceled or the app stops
	LoadImage(name string) (image.Image, error)
	SaveImage(img image.Image, board BoardRef, meta Metadata) (imageName string, err error)
}

// BoardRef says where save_image puts an image: a board by id, a board of
// the owner's by name (made if missing), or, both empty, uncategorized.
type BoardRef struct {
	BoardID   string `json:"board_id,omitempty"`
	BoardName string `json:"board_name,omitempty"`
}

// Metadata is recorded with every saved image. Graph is the whole graph as
// it ran (batch values substituted), so "use these settings again" can load
// it back, and a workflow's form can read its fields from it (each
// WorkflowField names its node and field). Prompt and Seed come from the
// nearest prompt_art, noise, txt2img or img2img node upstream of the save,
// when there is one; the generation nodes add what made the picture, with
// the seed the backend used.
type Metadata struct {
	Generator string          `json:"generator"` // always "easel"
	Node      string          `json:"node"`      // the save_image node's id
	Graph     json.RawMessage `json:"graph"`
	Prompt    string          `json:"prompt,omitempty"`
	Seed      *int64          `json:"seed,omitempty"`
	SourceID  string          `json:"source_node,omitempty"` // the node Prompt and Seed came from
	Width     int             `json:"width"`
	Height    int             `json:"height"`
	// Set from a txt2img or img2img node.
	NegativePrompt string   `json:"negative_prompt,omitempty"`
	Model          string   `json:"model,omitempty"` // the model's id, "<backend>/<name>"
	Steps          int      `json:"steps,omitempty"`
	CFGScale       float64  `json:"cfg_scale,omitempty"`
	Sampler        string   `json:"sampler,omitempty"`
	Backend        string   `json:"backend,omitempty"`
	Strength       *float64 `json:"strength,omitempty"` // img2img's
}

// Progress is how far a run has come: Fraction of the whole graph (0 to 1)
// and the node working. A generation node adds Message ("Step 4 of 20")
// and, when the backend gives one, a Preview of the picture so far.
type Progress struct {
	NodeID   string      `json:"node_id"`
	NodeType string      `json:"node_type"`
	Fraction float64     `json:"fraction"`
	Message  string      `json:"message,omitempty"`
	Preview  image.Image `json:"-"`
}

// Run validates g and executes it, node by node in dependency order
// (ties broken by node id, so a graph always runs the same way). It calls
// progress (which may be nil) as each node starts, as long nodes advance,
// and with Fraction 1 at the end; calls come from Run's goroutine, in
// order, with Fraction never decreasing.
//
// Run stops promptly when ctx is done, between nodes and inside pixel
// loops, and returns ctx.Err(). Otherwise it returns the names of the
// images saved, in the order saved. A node's failure names the node: an
// *app.Error keeps the code the Context gave (or EINVALID for bad input the
// node found itself); an error that is not an *app.Error (a disk failure,
// say) is wrapped with the node named and left for the caller to log.
//
// Run holds at most DefaultPixelBudget pixels of images at once; RunWithin
// takes the limits to use.
func Run(ctx Context, g *Graph, progress func(p Progress)) ([]string, error) {
	return RunWithin(ctx, g, Limits{}, progress)
}

// RunWithin is Run within lim. A graph whose known sizes already pass the
// pixel budget is refused before anything runs, as ValidateWithin refuses
// it; a node whose images would pass it, once the sizes of loaded images
// are known, fails the run before it allocates them (EINVALID, naming the
// node and the limit).
func RunWithin(ctx Context, g *Graph, lim Limits, progress func(p Progress)) ([]string, error) {
	p, err := compile(g)
	if err != nil {
		return nil, err
	}
	if err := p.checkBudget(lim.budget()); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r := &runner{ctx: ctx, g: g, plan: p, progress: progress, lim: lim,
		outs: make(map[string]outputs, len(p.order)), resolved: make(map[string]inputs, len(p.order)),
		generated: map[string]*app.GenerationResult{}}
	return r.run()
}

// runner is the state of one Run.
type runner struct {
	ctx      Context
	g        *Graph
	plan     *plan
	progress func(Progress)
	outs     map[string]outputs // outputs still needed downstream
	resolved map[string]inputs  // each node's inputs (images dropped), for metadata
	pending  map[string]int     // edges out of each node not yet taken
	saved    []string
	// generated is what each generation node's backend answered, for the
	// metadata of the pictures saved downstream.
	generated map[string]*app.GenerationResult
	graphRaw  json.RawMessage // g as JSON, made on first save
	last      float64         // last fraction reported
	lim       Limits          // the pixel budget (zero: the default)
	peak      int64           // most pixels counted at once so far
	made      int64           // pixels made since the garbage was last collected
	heldAtGC  int64           // pixels held then
}

func (r *runner) run() ([]string, error) {
	r.pending = make(map[string]int, len(r.plan.order))
	for _, e := range r.plan.edges {
		r.pending[e.Source.NodeID]++
	}
	n := float64(len(r.plan.order))
	for i, id := range r.plan.order {
		if err := r.ctx.Err(); err != nil {
			return nil, err
		}
		pn := r.plan.nodes[id]
		nc := &nodeCtx{Context: r.ctx, r: r, id: id, def: pn.def, base: float64(i) / n, span: 1 / n}
		nc.report(0)
		out, err := r.runNode(nc, pn)
		if err != nil {
			if cerr := r.ctx.Err(); cerr != nil {
				return nil, cerr
			}
			return nil, err
		}
		r.outs[id] = out
		r.release(pn)
		r.collect()
	}
	if len(r.plan.order) > 0 {
		last := r.plan.nodes[r.plan.order[len(r.plan.order)-1]]
		r.report(Progress{NodeID: last.id, NodeType: last.def.Type, Fraction: 1})
	}
	return r.saved, nil
}

// release drops the outputs nobody downstream still needs, so a long chain
// of large images holds only a few at a time.
func (r *runner) release(pn *pnode) {
	for _, src := range pn.in {
		r.pending[src.NodeID]--
		if r.pending[src.NodeID] == 0 {
			delete(r.outs, src.NodeID)
		}
	}
	if r.pending[pn.id] == 0 {
		delete(r.outs, pn.id)
	}
}

func (r *runner) report(p Progress) {
	if r.progress == nil {
		return
	}
	if p.Fraction < r.last {
		p.Fraction = r.last
	}
	p.Fraction = min(p.Fraction, 1)
	r.last = p.Fraction
	r.progress(p)
}

// errPanic marks a node that panicked: a bug, turned into an error so one
// bad graph cannot take the queue down.
type errPanic struct {
	value any
	stack []byte
}

func (e *errPanic) Error() string { return fmt.Sprintf("panic: %v\n%s", e.value, e.stack) }

// runNode resolves a node's inputs and runs it, naming it in any error.
func (r *runner) runNode(nc *nodeCtx, pn *pnode) (out outputs, err error) {
	defer func() {
		if v := recover(); v != nil {
			out, err = nil, nc.wrap(&errPanic{value: v, stack: debug.Stack()})
		}
	}()
	in := make(inputs, len(pn.def.Inputs))
	meta := make(inputs, len(pn.def.Inputs))
	for _, f := range pn.def.Inputs {
		var v any
		if src, ok := pn.in[f.Name]; ok {
			v = r.outs[src.NodeID][src.Field]
			if n, ok := v.(int64); ok {
				// Numbers over edges are checked as literals are.
				if err := checkRange(&f, float64(n)); err != nil {
					return nil, nc.wrap(nc.invalid("field %q %s", f.Name, err.Error()))
				}
				if f.Kind == KindFloat {
					v = float64(n)
				}
			}
		} else if lit, ok := pn.lits[f.Name]; ok {
			v = lit
		} else if f.Default != nil {
			v = mustParse(f, f.Default)
		}
		if ref, ok := v.(imageRef); ok {
			img, err := r.load(ref.name, in)
			if err != nil {
				return nil, nc.wrap(err)
			}
			v = img
		}
		if v == nil {
			continue
		}
		in[f.Name] = v
		if _, isImage := v.(image.Image); !isImage {
			meta[f.Name] = v
		}
	}
	r.resolved[pn.id] = meta
	if _, ok := passThrough[pn.def.Type]; !ok {
		// Every input is known now, so the node's size is: count it before
		// the node allocates anything.
		c, _ := costOf(pn.def.Type, runtimeInputs(in))
		if err := r.reserve(r.held(in), c.pixels(), fmt.Sprintf("it would make %s megapixels of images", megapixels(c.pixels(), true))); err != nil {
			return nil, nc.wrap(err)
		}
		r.made += c.pixels()
	} else {
		r.peak = max(r.peak, r.held(in))
	}
	out, err = pn.def.run(nc, in)
	if err != nil {
		return nil, nc.wrap(err)
	}
	return out, nil
}

// load reads an image through the Context and makes it an *image.NRGBA
// whose bounds start at 0,0, as every node expects. The image counts
// against the budget beside those held and the node's inputs resolved so
// far (in): before it is read when the Context can tell its size, else as
// soon as it is read, before the copy the engine makes of it.
func (r *runner) load(name string, in inputs) (image.Image, error) {
	if s, ok := r.ctx.(ImageSizer); ok {
		// An error here is left for LoadImage to report, in its words.
		if w, h, err := s.ImageSize(name); err == nil {
			if err := r.reserveImage(name, w, h, in); err != nil {
				return nil, err
			}
		}
	}
	img, err := r.ctx.LoadImage(name)
	if err != nil {
		if app.ErrorCode(err) == app.ENOTFOUND {
			return nil, &app.Error{Code: app.ENOTFOUND, Message: fmt.Sprintf("image %s was not found.", name)}
		}
		return nil, err
	}
	if img == nil || img.Bounds().Empty() {
		return nil, app.Errorf(app.EINVALID, "image %s has no pixels.", name)
	}
	if err := r.reserveImage(name, img.Bounds().Dx(), img.Bounds().Dy(), in); err != nil {
		return nil, err
	}
	r.made += int64(img.Bounds().Dx()) * int64(img.Bounds().Dy())
	return toNRGBA(img), nil
}

func (r *runner) reserveImage(name string, w, h int, in inputs) error {
	px := int64(w) * int64(h)
	return r.reserve(r.held(in), px, fmt.Sprintf("image %s is %d × %d pixels (%s megapixels)", name, w, h, megapixels(px, true)))
}

// nodeCtx is what a running node sees: the Context, and ways to report
// progress and notice cancellation.
type nodeCtx struct {
	Context
	r          *runner
	id         string
	def        *nodeDef
	base, span float64 // this node's share of the whole graph's progress
}

// report says the node is frac (0 to 1) done.
func (nc *nodeCtx) report(frac float64) { nc.reportStep(frac, "", nil) }

// reportStep says the node is frac done, with a message and a preview of
// its picture so far (either may be empty).
func (nc *nodeCtx) reportStep(frac float64, message string, preview image.Image) {
	nc.r.report(Progress{NodeID: nc.id, NodeType: nc.def.Type, Fraction: nc.base + nc.span*min(max(frac, 0), 1),
		Message: message, Preview: preview})
}

// wrap names the node in err. An *app.Error becomes a new *app.Error with
// the same code; ctx's own errors pass through; others are wrapped for the
// log (their text may hold internals, which app.ErrorMessage hides).
func (nc *nodeCtx) wrap(err error) error {
	var ae *app.Error
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.As(err, &ae):
		return &app.Error{Code: ae.Code, Message: nc.prefix() + ae.Message, RetryAfter: ae.RetryAfter}
	}
	return fmt.Errorf("engine: node %q (%s): %w", nc.id, nc.def.Type, err)
}

func (nc *nodeCtx) prefix() string {
	return fmt.Sprintf("Node %q (%s): ", nc.id, nc.def.Type)
}

// invalid is a bad-input error the node found itself.
func (nc *nodeCtx) invalid(format string, args ...any) error {
	return app.Errorf(app.EINVALID, format, args...)
}

// stopped reports, cheaply, whether the run should stop; pixel loops call
// it once a row.
func (nc *nodeCtx) stopped() bool {
	select {
	case <-nc.Done():
		return true
	default:
		return false
	}
}

// inputs are a node's resolved input values: int64, float64, string, bool,
// color.NRGBA, image.Image (an *image.NRGBA at 0,0) or BoardRef.
type inputs map[string]any

func (in inputs) int(name string) int           { v, _ := in[name].(int64); return int(v) }
func (in inputs) int64(name string) int64       { v, _ := in[name].(int64); return v }
func (in inputs) float(name string) float64     { v, _ := in[name].(float64); return v }
func (in inputs) str(name string) string        { v, _ := in[name].(string); return v }
func (in inputs) image(name string) image.Image { v, _ := in[name].(image.Image); return v }

// outputs are a node's output values by name.
type outputs map[string]any

// imageOut is the outputs of a node that makes an image.
func imageOut(img image.Image) outputs {
	b := img.Bounds()
	return outputs{"image": img, "width": int64(b.Dx()), "height": int64(b.Dy())}
}
