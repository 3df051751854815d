package engine

import (
	"encoding/json"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"easel/app"
)

// Keys every node may carry besides its type's inputs. InvokeAI writes
// is_intermediate and use_cache on every node; Easel ignores them.
var nodeKeys = map[string]string{"id": KindString, "type": KindString, "is_intermediate": KindBool, "use_cache": KindBool}

// maxIDLength bounds node ids.
const maxIDLength = 100

// plan is a validated graph, ready to run.
type plan struct {
	order []string          // node ids, dependencies first
	nodes map[string]*pnode // by id
	edges []Edge
}

// pnode is one validated node.
type pnode struct {
	id   string
	def  *nodeDef
	lits map[string]any     // parsed literal inputs (not those connected)
	in   map[string]EdgeEnd // connected inputs: field -> source
}

// imageRef is an image set literally, by name, loaded when the node runs.
type imageRef struct{ name string }

// Validate checks g before it is queued: every node's type is known, its id
// matches its key, every field is one its type has, with a value of the
// right kind in range, every required field is set or connected, every edge
// joins an existing output to an existing input of the same kind, no input
// takes two edges, there is no cycle, and there are at most MaxNodes nodes.
// The error is an *app.Error with code EINVALID naming the node and field;
// nodes are checked in id order, so the same graph gives the same error.
//
// Validate also refuses a graph that would hold more than DefaultPixelBudget
// pixels of images at once; ValidateWithin takes the limits to use.
func Validate(g *Graph) error {
	return ValidateWithin(g, Limits{})
}

// ValidateWithin is Validate within lim: a graph whose sizes, as far as
// they are known before it runs, would hold more than lim's pixel budget at
// once is refused with the budget named (sizes of images loaded by name
// are known only when the graph runs, and RunWithin counts them then).
func ValidateWithin(g *Graph, lim Limits) error {
	p, err := compile(g)
	if err != nil {
		return err
	}
	return p.checkBudget(lim.budget())
}

func invalid(format string, args ...any) error { return app.Errorf(app.EINVALID, format, args...) }

// nodeName is how messages name a node: `Node "n1" (prompt_art)`.
func nodeName(id, typ string) string {
	if typ == "" {
		return fmt.Sprintf("Node %q", id)
	}
	return fmt.Sprintf("Node %q (%s)", id, typ)
}

func compile(g *Graph) (*plan, error) {
	if g == nil || len(g.Nodes) == 0 {
		return nil, invalid("The graph has no nodes: add at least one.")
	}
	if len(g.Nodes) > MaxNodes {
		return nil, invalid("The graph has %d nodes; at most %d are allowed.", len(g.Nodes), MaxNodes)
	}
	if len(g.Edges) > MaxEdges {
		return nil, invalid("The graph has %d edges; at most %d are allowed.", len(g.Edges), MaxEdges)
	}
	ids := make([]string, 0, len(g.Nodes))
	for id := range g.Nodes {
		ids = append(ids, id)
	}
	slices.Sort(ids)

	p := &plan{nodes: make(map[string]*pnode, len(ids)), edges: g.Edges}
	for _, id := range ids {
		pn, err := compileNode(id, g.Nodes[id])
		if err != nil {
			return nil, err
		}
		p.nodes[id] = pn
	}

	for _, e := range g.Edges {
		if err := p.addEdge(e); err != nil {
			return nil, err
		}
	}

	for _, id := range ids {
		pn := p.nodes[id]
		for _, f := range pn.def.Inputs {
			if !f.Required {
				continue
			}
			if _, ok := pn.lits[f.Name]; ok {
				continue
			}
			if _, ok := pn.in[f.Name]; ok {
				continue
			}
			return nil, invalid("%s: field %q is required: set it or connect an edge to it.", nodeName(id, pn.def.Type), f.Name)
		}
	}

	order, err := p.sort(ids)
	if err != nil {
		return nil, err
	}
	p.order = order
	return p, nil
}

// compileNode checks one node's id, type and literal fields.
func compileNode(id string, fields map[string]any) (*pnode, error) {
	if id == "" || len(id) > maxIDLength || !utf8.ValidString(id) || strings.IndexFunc(id, unicode.IsControl) >= 0 {
		return nil, invalid("%s: node ids must be 1 to %d characters of text, without control characters.", nodeName(clip(id), ""), maxIDLength)
	}
	if fields == nil {
		return nil, invalid("%s: the node is empty: give it a \"type\".", nodeName(id, ""))
	}
	typ, ok := fields["type"].(string)
	if !ok {
		if fields["type"] == nil {
			return nil, invalid("%s: the node has no \"type\".", nodeName(id, ""))
		}
		return nil, invalid("%s: \"type\" must be a string, not %s.", nodeName(id, ""), describe(fields["type"]))
	}
	def := registry[typ]
	if def == nil {
		return nil, invalid("%s: unknown node type %q. Known types: %s.", nodeName(id, ""), clip(typ), strings.Join(nodeOrder, ", "))
	}
	name := nodeName(id, typ)
	if v, ok := fields["id"]; ok && v != nil {
		if s, _ := v.(string); s != id {
			return nil, invalid("%s: its \"id\" is %s but it is listed under %q; they must match.", name, describe(v), id)
		}
	}

	pn := &pnode{id: id, def: def, lits: map[string]any{}, in: map[string]EdgeEnd{}}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := fields[k]
		if kind, ok := nodeKeys[k]; ok {
			if k != "id" && k != "type" && v != nil && kind == KindBool {
				if _, ok := v.(bool); !ok {
					return nil, invalid("%s: field %q must be true or false, not %s.", name, k, describe(v))
				}
			}
			continue
		}
		f := def.Input(k)
		if f == nil {
			return nil, invalid("%s: there is no field %q. Its fields are: %s.", name, clip(k), fieldNames(def))
		}
		if v == nil {
			continue // null is unset, as InvokeAI writes for a connected input
		}
		pv, err := parseValue(f, v)
		if err != nil {
			return nil, invalid("%s: field %q %s", name, f.Name, err.Error())
		}
		if pv != nil {
			pn.lits[k] = pv
		}
	}
	if def.check != nil {
		if err := def.check(pn.lits); err != nil {
			return nil, invalid("%s: %s", name, app.ErrorMessage(err))
		}
	}
	return pn, nil
}

func fieldNames(def *nodeDef) string {
	names := make([]string, len(def.Inputs))
	for i, f := range def.Inputs {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}

func outputNames(def *nodeDef) string {
	names := make([]string, len(def.Outputs))
	for i, f := range def.Outputs {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}

// addEdge checks one edge and records it on its destination.
func (p *plan) addEdge(e Edge) error {
	src, dst := p.nodes[e.Source.NodeID], p.nodes[e.Destination.NodeID]
	if src == nil {
		return invalid("An edge comes from node %q, which is not in the graph.", clip(e.Source.NodeID))
	}
	if dst == nil {
		return invalid("An edge goes to node %q, which is not in the graph.", clip(e.Destination.NodeID))
	}
	out := src.def.Output(e.Source.Field)
	if out == nil {
		return invalid("%s: an edge takes its output %q, but it has none by that name (its outputs: %s).",
			nodeName(src.id, src.def.Type), clip(e.Source.Field), outputNames(src.def))
	}
	in := dst.def.Input(e.Destination.Field)
	if in == nil {
		return invalid("%s: an edge goes to field %q, but it has none by that name (its fields: %s).",
			nodeName(dst.id, dst.def.Type), clip(e.Destination.Field), fieldNames(dst.def))
	}
	if !connectable(out.Kind, in.Kind) {
		return invalid("%s: field %q takes %s, but the edge brings %s from node %q's output %q.",
			nodeName(dst.id, dst.def.Type), in.Name, kindName(in.Kind), kindName(out.Kind), src.id, out.Name)
	}
	if prev, ok := dst.in[in.Name]; ok {
		return invalid("%s: field %q has two edges coming in (from %q and %q); it takes one.",
			nodeName(dst.id, dst.def.Type), in.Name, prev.NodeID, src.id)
	}
	if src.id == dst.id {
		return invalid("%s: an edge goes from the node to its own field %q, which makes a cycle.", nodeName(dst.id, dst.def.Type), in.Name)
	}
	dst.in[in.Name] = e.Source
	return nil
}

// connectable reports whether an output of kind out may feed an input of
// kind in: the same kind, or a whole number into a number.
func connectable(out, in string) bool {
	return out == in || out == KindInt && in == KindFloat
}

func kindName(kind string) string {
	switch kind {
	case KindInt:
		return "a whole number"
	case KindFloat:
		return "a number"
	case KindString:
		return "text"
	case KindBool:
		return "true or false"
	case KindColor:
		return "a color"
	case KindImage:
		return "an image"
	case KindBoard:
		return "a board"
	case KindEnum:
		return "a choice"
	case KindModel:
		return "a model"
	}
	return kind
}

// sort orders the nodes so each comes after the nodes it takes values from,
// choosing the smallest id whenever several are ready.
func (p *plan) sort(ids []string) ([]string, error) {
	indeg := make(map[string]int, len(ids))
	next := make(map[string][]string, len(ids))
	for _, id := range ids {
		for _, src := range p.nodes[id].in {
			indeg[id]++
			next[src.NodeID] = append(next[src.NodeID], id)
		}
	}
	var ready []string // kept sorted
	for _, id := range ids {
		if indeg[id] == 0 {
			ready = append(ready, id)
		}
	}
	order := make([]string, 0, len(ids))
	for len(ready) > 0 {
		id := ready[0]
		ready = ready[1:]
		order = append(order, id)
		for _, n := range next[id] {
			if indeg[n]--; indeg[n] == 0 {
				i, _ := slices.BinarySearch(ready, n)
				ready = slices.Insert(ready, i, n)
			}
		}
	}
	if len(order) < len(ids) {
		// Name an edge on the cycle: walk back from a node left over
		// until a node repeats.
		seen := map[string]bool{}
		var id string
		for _, n := range ids {
			if indeg[n] > 0 {
				id = n
				break
			}
		}
		for !seen[id] {
			seen[id] = true
			for _, f := range sortedKeys(p.nodes[id].in) {
				if src := p.nodes[id].in[f]; indeg[src.NodeID] > 0 {
					id = src.NodeID
					break
				}
			}
		}
		pn := p.nodes[id]
		for _, f := range sortedKeys(pn.in) {
			if src := pn.in[f]; indeg[src.NodeID] > 0 {
				return nil, invalid("%s: field %q is fed by node %q, which depends on this node: the graph has a cycle.",
					nodeName(id, pn.def.Type), f, src.NodeID)
			}
		}
		return nil, invalid("%s: the graph has a cycle through this node.", nodeName(id, pn.def.Type))
	}
	return order, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// SetField substitutes value into a node's field (InvokeAI's batch data:
// node_path and field_name), checking it as Validate would. value may be any
// JSON value, or a Go value that encodes as one. A field an edge feeds cannot
// be set (its value would be ignored). On error g is unchanged.
func SetField(g *Graph, nodeID, field string, value any) error {
	if g == nil || g.Nodes[nodeID] == nil {
		return invalid("There is no node %q in the graph to set %q on.", clip(nodeID), clip(field))
	}
	fields := g.Nodes[nodeID]
	typ, _ := fields["type"].(string)
	def := registry[typ]
	if def == nil {
		return invalid("%s: unknown node type %q.", nodeName(nodeID, ""), clip(typ))
	}
	name := nodeName(nodeID, typ)
	f := def.Input(field)
	if f == nil {
		return invalid("%s: there is no field %q. Its fields are: %s.", name, clip(field), fieldNames(def))
	}
	for _, e := range g.Edges {
		if e.Destination.NodeID == nodeID && e.Destination.Field == field {
			return invalid("%s: field %q is connected to node %q, so a value set on it would be ignored.", name, field, clip(e.Source.NodeID))
		}
	}
	// Make the value plain JSON, as if it came from a request.
	raw, err := json.Marshal(value)
	if err != nil {
		return invalid("%s: field %q cannot take this value (%v).", name, field, err)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return invalid("%s: field %q cannot take this value.", name, field)
	}
	lits := map[string]any{}
	if v != nil {
		pv, err := parseValue(f, v)
		if err != nil {
			return invalid("%s: field %q %s", name, field, err.Error())
		}
		lits[field] = pv
	}
	if def.check != nil {
		for k, other := range fields {
			if k == field || def.Input(k) == nil || other == nil {
				continue
			}
			if pv, err := parseValue(def.Input(k), other); err == nil && pv != nil {
				lits[k] = pv
			}
		}
		if err := def.check(lits); err != nil {
			return invalid("%s: %s", name, app.ErrorMessage(err))
		}
	}
	fields[field] = v
	return nil
}

// parseValue checks a literal value against its field and returns it
// parsed: int64, float64, string, bool, color.NRGBA, imageRef or BoardRef;
// nil for a value that means unset (a board with no id). The error text
// follows `field "x" `.
func parseValue(f *FieldSpec, v any) (any, error) {
	switch f.Kind {
	case KindInt:
		n, ok := toFloat(v)
		if !ok {
			return nil, fmt.Errorf("must be a whole number, not %s.", describe(v))
		}
		if n != math.Trunc(n) {
			return nil, fmt.Errorf("must be a whole number, not %s.", fmtNum(n))
		}
		if err := checkRange(f, n); err != nil {
			return nil, err
		}
		return int64(n), nil
	case KindFloat:
		n, ok := toFloat(v)
		if !ok {
			return nil, fmt.Errorf("must be a number, not %s.", describe(v))
		}
		if err := checkRange(f, n); err != nil {
			return nil, err
		}
		return n, nil
	case KindString:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("must be text, not %s.", describe(v))
		}
		if !utf8.ValidString(s) {
			return nil, fmt.Errorf("must be valid text.")
		}
		if f.MaxLength > 0 && len(s) > f.MaxLength {
			return nil, fmt.Errorf("is at most %d characters long (this one has %d).", f.MaxLength, len(s))
		}
		return s, nil
	case KindBool:
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("must be true or false, not %s.", describe(v))
		}
		return b, nil
	case KindModel:
		s, ok := v.(string)
		if !ok || s == "" || len(s) > MaxModelIDLength || !utf8.ValidString(s) {
			return nil, fmt.Errorf("must name a model, as \"<backend>/<model>\", not %s.", describe(v))
		}
		return s, nil
	case KindEnum:
		s, ok := v.(string)
		if !ok || !slices.Contains(f.Choices, s) {
			return nil, fmt.Errorf("must be one of %s, not %s.", strings.Join(f.Choices, ", "), describe(v))
		}
		return s, nil
	case KindColor:
		return parseColor(v)
	case KindImage:
		m, ok := v.(map[string]any)
		name, _ := m["image_name"].(string)
		if !ok || name == "" {
			return nil, fmt.Errorf(`must be an image, as {"image_name": "…"}, not %s.`, describe(v))
		}
		if !app.ValidImageName(name) {
			return nil, fmt.Errorf("names image %s, which is not an image name Easel uses.", describe(name))
		}
		return imageRef{name}, nil
	case KindBoard:
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf(`must be a board, as {"board_id": "…"}, not %s.`, describe(v))
		}
		id, ok := m["board_id"].(string)
		if !ok && m["board_id"] != nil {
			return nil, fmt.Errorf(`must be a board, as {"board_id": "…"}, not %s.`, describe(v))
		}
		if id == "" || id == app.NoBoard {
			return nil, nil // uncategorized
		}
		if len(id) > 128 || strings.IndexFunc(id, func(r rune) bool { return r <= ' ' || r == utf8.RuneError }) >= 0 {
			return nil, fmt.Errorf("names board %s, which is not a board id.", describe(id))
		}
		return BoardRef{BoardID: id}, nil
	}
	return nil, fmt.Errorf("has an unknown kind %q.", f.Kind)
}

// mustParse parses a field's default, which the node table guarantees is
// valid (a test checks every one).
func mustParse(f FieldSpec, v any) any {
	pv, err := parseValue(&f, v)
	if err != nil {
		panic(fmt.Sprintf("engine: default of %s is invalid: %v", f.Name, err))
	}
	return pv
}

// toFloat reads any number: JSON's float64, json.Number, or a Go number.
func toFloat(v any) (float64, bool) {
	var n float64
	switch v := v.(type) {
	case float64:
		n = v
	case float32:
		n = float64(v)
	case int:
		n = float64(v)
	case int64:
		n = float64(v)
	case int32:
		n = float64(v)
	case uint32:
		n = float64(v)
	case uint64:
		n = float64(v)
	case json.Number:
		f, err := v.Float64()
		if err != nil {
			return 0, false
		}
		n = f
	default:
		return 0, false
	}
	return n, !math.IsNaN(n) && !math.IsInf(n, 0)
}

func checkRange(f *FieldSpec, n float64) error {
	if (f.Min != nil && n < *f.Min) || (f.Max != nil && n > *f.Max) {
		switch {
		case f.Min != nil && f.Max != nil:
			return fmt.Errorf("must be between %s and %s, not %s.", fmtNum(*f.Min), fmtNum(*f.Max), fmtNum(n))
		case f.Min != nil:
			return fmt.Errorf("must be at least %s, not %s.", fmtNum(*f.Min), fmtNum(n))
		default:
			return fmt.Errorf("must be at most %s, not %s.", fmtNum(*f.Max), fmtNum(n))
		}
	}
	return nil
}

func fmtNum(n float64) string {
	if n == math.Trunc(n) && math.Abs(n) < 1e15 {
		return strconv.FormatFloat(n, 'f', -1, 64)
	}
	return strconv.FormatFloat(n, 'g', -1, 64)
}

// parseColor reads {"r","g","b","a"} (0-255, a optional) or "#rrggbb[aa]".
func parseColor(v any) (any, error) {
	bad := fmt.Errorf(`must be a color, as {"r": 0-255, "g": 0-255, "b": 0-255, "a": 0-255} or "#rrggbb", not %s.`, describe(v))
	switch v := v.(type) {
	case string:
		s, ok := strings.CutPrefix(v, "#")
		if !ok || (len(s) != 6 && len(s) != 8) {
			return nil, bad
		}
		n, err := strconv.ParseUint(s, 16, 32)
		if err != nil {
			return nil, bad
		}
		if len(s) == 6 {
			n = n<<8 | 0xff
		}
		return color.NRGBA{uint8(n >> 24), uint8(n >> 16), uint8(n >> 8), uint8(n)}, nil
	case map[string]any:
		var c [4]uint8
		for i, k := range []string{"r", "g", "b", "a"} {
			x, present := v[k]
			if !present && k == "a" {
				c[i] = 255
				continue
			}
			n, ok := toFloat(x)
			if !ok || n != math.Trunc(n) || n < 0 || n > 255 {
				return nil, fmt.Errorf("must have %q a whole number from 0 to 255, not %s.", k, describe(x))
			}
			c[i] = uint8(n)
		}
		for k := range v {
			if k != "r" && k != "g" && k != "b" && k != "a" {
				return nil, fmt.Errorf("has an unknown part %q (a color has r, g, b and a).", clip(k))
			}
		}
		return color.NRGBA{c[0], c[1], c[2], c[3]}, nil
	}
	return nil, bad
}

// describe shows a value in a message, briefly and safely.
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(clip(v))
	case bool:
		return strconv.FormatBool(v)
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	}
	if n, ok := toFloat(v); ok {
		return fmtNum(n)
	}
	return fmt.Sprintf("a value of type %T", v)
}

// clip shortens text for a message to 40 runes.
func clip(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	r := []rune(s)
	return string(r[:39]) + "…"
}
