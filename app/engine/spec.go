package engine

import "slices"

// Field kinds: what a node input takes and an output gives.
const (
	KindInt    = "int"    // a whole number (JSON numbers such as 512 or 512.0)
	KindFloat  = "float"  // any number
	KindString = "string" // text
	KindBool   = "bool"   // true or false
	KindColor  = "color"  // {"r","g","b","a"} each 0-255 (a optional), or "#rrggbb" / "#rrggbbaa"
	KindImage  = "image"  // {"image_name": "…"} set literally, or an image over an edge
	KindBoard  = "board"  // {"board_id": "…"}
	KindEnum   = "enum"   // one of Choices, as a string
	// KindModel is a model an image-generation backend offers, by its id
	// ("<backend>/<name>"); which ones there are is known only at run time.
	KindModel = "model"
)

// FieldSpec describes one input of a node type, for Validate and for forms.
type FieldSpec struct {
	Name        string   `json:"name"`
	Kind        string   `json:"kind"`
	Required    bool     `json:"required"`          // must be set or connected
	Default     any      `json:"default,omitempty"` // used when neither set nor connected
	Min         *float64 `json:"min,omitempty"`     // int and float
	Max         *float64 `json:"max,omitempty"`     // int and float
	MaxLength   int      `json:"max_length,omitempty"`
	Choices     []string `json:"choices,omitempty"` // enum
	Description string   `json:"description"`
}

// OutputSpec describes one output of a node type, which edges may take.
type OutputSpec struct {
	Name        string `json:"name"`
	Kind        string `json:"kind"`
	Description string `json:"description"`
}

// NodeType describes a node type: what it is for, what it takes and gives.
type NodeType struct {
	Type        string       `json:"type"`
	Title       string       `json:"title"`
	Category    string       `json:"category"` // "generate", "edit" or "image"
	Description string       `json:"description"`
	Inputs      []FieldSpec  `json:"inputs"`
	Outputs     []OutputSpec `json:"outputs"`
}

// Input returns the input named name, or nil.
func (t *NodeType) Input(name string) *FieldSpec {
	for i := range t.Inputs {
		if t.Inputs[i].Name == name {
			return &t.Inputs[i]
		}
	}
	return nil
}

// Output returns the output named name, or nil.
func (t *NodeType) Output(name string) *OutputSpec {
	for i := range t.Outputs {
		if t.Outputs[i].Name == name {
			return &t.Outputs[i]
		}
	}
	return nil
}

// nodeDef is a built-in node type and how it runs.
type nodeDef struct {
	NodeType
	// check validates fields that depend on one another (the literal
	// values, after each passed its own checks); nil when there are none.
	check func(lits map[string]any) error
	// run computes the outputs from the inputs, every one resolved: edges
	// passed their values, literals were parsed, defaults filled in and
	// literal images loaded.
	run func(nc *nodeCtx, in inputs) (outputs, error)
}

// Types lists the node types with their fields, in the order a palette
// would show them. The result is a copy the caller may keep or change.
func Types() []NodeType {
	out := make([]NodeType, 0, len(nodeOrder))
	for _, name := range nodeOrder {
		out = append(out, copyType(registry[name].NodeType))
	}
	return out
}

func copyType(t NodeType) NodeType {
	t.Inputs = slices.Clone(t.Inputs)
	for i := range t.Inputs {
		f := &t.Inputs[i]
		f.Choices = slices.Clone(f.Choices)
		if f.Min != nil {
			v := *f.Min
			f.Min = &v
		}
		if f.Max != nil {
			v := *f.Max
			f.Max = &v
		}
		f.Default = copyJSON(f.Default)
	}
	t.Outputs = slices.Clone(t.Outputs)
	return t
}

// copyJSON deep-copies a value made of JSON types (maps, slices, scalars).
func copyJSON(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[k] = copyJSON(x)
		}
		return m
	case []any:
		s := make([]any, len(v))
		for i, x := range v {
			s[i] = copyJSON(x)
		}
		return s
	}
	return v
}

// Field constructors, to keep the node table short.

func num(v float64) *float64 { return &v }

func intField(name string, def, lo, hi int64, desc string) FieldSpec {
	return FieldSpec{Name: name, Kind: KindInt, Default: float64(def), Min: num(float64(lo)), Max: num(float64(hi)), Description: desc}
}

func floatField(name string, def, lo, hi float64, desc string) FieldSpec {
	return FieldSpec{Name: name, Kind: KindFloat, Default: def, Min: num(lo), Max: num(hi), Description: desc}
}

func enumField(name, def string, choices []string, desc string) FieldSpec {
	return FieldSpec{Name: name, Kind: KindEnum, Default: def, Choices: choices, Description: desc}
}

func colorField(name string, r, g, b uint8, desc string) FieldSpec {
	return FieldSpec{Name: name, Kind: KindColor, Description: desc,
		Default: map[string]any{"r": float64(r), "g": float64(g), "b": float64(b), "a": float64(255)}}
}

func imageField(name, desc string) FieldSpec {
	return FieldSpec{Name: name, Kind: KindImage, Required: true, Description: desc}
}

// Outputs most nodes give.
var imageOutputs = []OutputSpec{
	{Name: "image", Kind: KindImage, Description: "The image."},
	{Name: "width", Kind: KindInt, Description: "The image's width in pixels."},
	{Name: "height", Kind: KindInt, Description: "The image's height in pixels."},
}

// Limits on sizes and positions.
const (
	MinSide  = 8     // smallest width or height a node makes
	MaxSide  = 4096  // largest width or height a node makes
	MaxPos   = 16384 // largest crop offset or crop side (loaded photos may be big)
	MaxNodes = 200   // most nodes in one graph
	MaxEdges = 1000  // most edges in one graph
	// MaxPromptLength bounds prompt text, in bytes.
	MaxPromptLength = 10000
	// SeedMax is the largest seed (InvokeAI's).
	SeedMax = 1<<32 - 1
)

func sizeFields(def int64) []FieldSpec {
	return []FieldSpec{
		intField("width", def, MinSide, MaxSide, "Width in pixels."),
		intField("height", def, MinSide, MaxSide, "Height in pixels."),
	}
}

func seedField(desc string) FieldSpec {
	return intField("seed", 0, 0, SeedMax, desc)
}
