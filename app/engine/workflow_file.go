package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"easel/app"
)

// Easel's workflow file format.
const (
	// WorkflowFormat is the "format" key of Easel's workflow file, which
	// says what the file is. ParseWorkflow accepts a file without it.
	WorkflowFormat = "easel-workflow"
	// WorkflowFormatVersion is the format's version, a workflow's
	// Meta.Version.
	WorkflowFormatVersion = "easel-1"
)

// Bounds on a workflow document. Lengths count characters (runes), after
// leading and trailing spaces are trimmed.
const (
	// MaxWorkflowFileBytes bounds a workflow file: ParseWorkflow refuses a
	// longer one before reading it.
	MaxWorkflowFileBytes = 4 << 20
	// MaxWorkflowNameLength bounds the name, which must not be empty.
	MaxWorkflowNameLength = 200
	// MaxWorkflowLineLength bounds the one-line texts: id, author, version,
	// contact and each field's label.
	MaxWorkflowLineLength = 200
	// MaxWorkflowTagsLength bounds the tags, all of them together.
	MaxWorkflowTagsLength = 1000
	// MaxWorkflowDescriptionLength bounds the description.
	MaxWorkflowDescriptionLength = 5000
	// MaxWorkflowNotesLength bounds the notes.
	MaxWorkflowNotesLength = 50000
	// MaxWorkflowFields bounds the fields of a workflow's form.
	MaxWorkflowFields = 500
)

// ParseWorkflow reads a workflow file: Easel's own (what File writes, with
// a "graph"), or InvokeAI's node editor format (with "nodes", "edges" and
// "exposedFields"), which it converts. The workflow it returns has passed
// CheckWorkflow. Category is "user" for an InvokeAI file and what the file
// says for an Easel one (callers that keep workflows decide it themselves).
//
// Every error is an *app.Error with code EINVALID that says what is wrong
// and where: the line and column of malformed JSON, the key of a value of
// the wrong type, the node, edge or field at fault. A file longer than
// MaxWorkflowFileBytes is refused before it is read. An InvokeAI file using
// node types Easel does not have is refused with all of them named.
func ParseWorkflow(data []byte) (*Workflow, error) {
	if len(data) > MaxWorkflowFileBytes {
		return nil, invalid("The file is %s; a workflow file may be at most %s.", byteSize(len(data)), byteSize(MaxWorkflowFileBytes))
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, invalid("The file is empty: a workflow file is a JSON object.")
	}
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, n := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			off += n
		}
		line, col := position(data, int64(off))
		return nil, invalid("The file is not UTF-8 text: byte %d (line %d, column %d) is not part of a character.", off+1, line, col)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, jsonError(data, err)
	}
	if top == nil {
		return nil, invalid("The file holds null, not a workflow.")
	}
	format := ""
	if raw, ok := top["format"]; ok && !isNull(raw) {
		if err := json.Unmarshal(raw, &format); err != nil || format != WorkflowFormat {
			return nil, invalid("The file's \"format\" is %s; Easel's workflow files say %q.", clip(string(raw)), WorkflowFormat)
		}
	}
	if !present(top, "name") {
		return nil, invalid("The workflow has no \"name\": give it one of 1 to %d characters.", MaxWorkflowNameLength)
	}
	var w *Workflow
	var err error
	switch {
	case format != "" || present(top, "graph"):
		w, err = parseEasel(data, top)
	case present(top, "nodes"):
		w, err = parseInvokeAI(data)
	default:
		return nil, invalid("The workflow has no \"graph\" (Easel's workflow files) or \"nodes\" (InvokeAI's): it is not a workflow file.")
	}
	if err != nil {
		return nil, err
	}
	if err := CheckWorkflow(w); err != nil {
		return nil, err
	}
	return w, nil
}

// parseEasel reads Easel's own format.
func parseEasel(data []byte, top map[string]json.RawMessage) (*Workflow, error) {
	if !present(top, "graph") {
		return nil, invalid("The workflow has no \"graph\": an Easel workflow file has one, with its nodes and edges.")
	}
	var w Workflow // "format" was read already
	if err := json.Unmarshal(data, &w); err != nil {
		return nil, jsonError(data, err)
	}
	return &w, nil
}

// CheckWorkflow is the check a workflow document must pass to be saved,
// and normalises it in place: texts trimmed, an empty category "user", an
// empty format version WorkflowFormatVersion, no edges or fields as empty
// lists, an empty label its field's name, and each field's spec filled in
// from its node type.
//
// Its texts must be within their bounds (MaxWorkflowNameLength and the
// others) without control characters (the description and notes may have
// line breaks and tabs); its graph must pass Validate as a template, where
// a required field may be left unset for whoever runs it to fill; each of
// its fields must name a node of the graph and an input of that node's
// type, once. The error is an *app.Error with code EINVALID.
func CheckWorkflow(w *Workflow) error {
	if w == nil {
		return invalid("There is no workflow.")
	}
	var err error
	w.Name, err = checkText("The workflow's name", w.Name, MaxWorkflowNameLength, false)
	if err != nil {
		return err
	}
	if w.Name == "" {
		return invalid("The workflow's name is empty: give it one of 1 to %d characters.", MaxWorkflowNameLength)
	}
	texts := []struct {
		what      string
		s         *string
		max       int
		multiline bool
	}{
		{"The workflow's id", &w.ID, MaxWorkflowLineLength, false},
		{"The workflow's author", &w.Author, MaxWorkflowLineLength, false},
		{"The workflow's version", &w.Version, MaxWorkflowLineLength, false},
		{"The workflow's contact", &w.Contact, MaxWorkflowLineLength, false},
		{"The workflow's list of tags", &w.Tags, MaxWorkflowTagsLength, false},
		{"The workflow's description", &w.Description, MaxWorkflowDescriptionLength, true},
		{"The workflow's notes", &w.Notes, MaxWorkflowNotesLength, true},
	}
	for _, t := range texts {
		if *t.s, err = checkText(t.what, *t.s, t.max, t.multiline); err != nil {
			return err
		}
	}
	switch w.Meta.Category = strings.TrimSpace(w.Meta.Category); w.Meta.Category {
	case "":
		w.Meta.Category = app.WorkflowCategoryUser
	case app.WorkflowCategoryUser, app.WorkflowCategoryDefault:
	default:
		return invalid("The workflow's category (meta.category) is %q; it must be %q or %q.",
			clip(w.Meta.Category), app.WorkflowCategoryUser, app.WorkflowCategoryDefault)
	}
	switch w.Meta.Version = strings.TrimSpace(w.Meta.Version); w.Meta.Version {
	case "":
		w.Meta.Version = WorkflowFormatVersion
	case WorkflowFormatVersion:
	default:
		return invalid("The workflow is in format version %q (meta.version); this Easel reads %q.", clip(w.Meta.Version), WorkflowFormatVersion)
	}

	if err := validateTemplate(&w.Graph); err != nil {
		return err
	}
	if w.Graph.Edges == nil {
		w.Graph.Edges = []Edge{}
	}

	if len(w.Fields) > MaxWorkflowFields {
		return invalid("The workflow's form has %d fields; at most %d are allowed.", len(w.Fields), MaxWorkflowFields)
	}
	if w.Fields == nil {
		w.Fields = []WorkflowField{}
	}
	seen := make(map[EdgeEnd]bool, len(w.Fields))
	for i := range w.Fields {
		f := &w.Fields[i]
		if err := checkField(&w.Graph, i, f); err != nil {
			return err
		}
		at := EdgeEnd{f.NodeID, f.Field}
		if seen[at] {
			return invalid("The workflow's form has field %q of node %q twice.", f.Field, f.NodeID)
		}
		seen[at] = true
	}
	return nil
}

// checkField checks the i'th field of a form over g (valid) and fills its
// spec.
func checkField(g *Graph, i int, f *WorkflowField) error {
	where := fmt.Sprintf("Field %d of the form", i+1)
	node := g.Nodes[f.NodeID]
	if f.NodeID == "" || node == nil {
		if f.NodeID == "" {
			return invalid("%s (field %q) names no node: give its \"node_id\".", where, clip(f.Field))
		}
		return invalid("%s (field %q) is on node %q, which is not in the graph.", where, clip(f.Field), clip(f.NodeID))
	}
	typ, _ := node["type"].(string)
	def := registry[typ] // known: the graph is valid
	if def.Input(f.Field) == nil {
		if f.Field == "" {
			return invalid("%s (on node %q) names no field: give its \"field\".", where, f.NodeID)
		}
		return invalid("%s is field %q of node %q (%s), which has no field by that name. Its fields are: %s.",
			where, clip(f.Field), f.NodeID, typ, fieldNames(def))
	}
	label, err := checkText(fmt.Sprintf("The label of %s (field %q of node %q)", strings.ToLower(where[:1])+where[1:], f.Field, f.NodeID), f.Label, MaxWorkflowLineLength, false)
	if err != nil {
		return err
	}
	if label == "" {
		label = f.Field
	}
	f.Label = label
	spec, err := fieldSpec(g, f.NodeID, f.Field)
	if err != nil {
		return invalid("%s: %v.", where, err) // cannot happen: checked above
	}
	f.FieldSpec = spec
	return nil
}

// validateTemplate is Validate for a template: a required field that is
// neither set nor connected is given a stand-in value, in a copy of the
// graph, so every other rule is Validate's own.
func validateTemplate(g *Graph) error {
	fed := make(map[EdgeEnd]bool, len(g.Edges))
	for _, e := range g.Edges {
		fed[e.Destination] = true
	}
	t := *g
	copied := false
	for id, node := range g.Nodes {
		typ, _ := node["type"].(string)
		def := registry[typ]
		if node == nil || def == nil {
			continue // Validate says what is wrong
		}
		var filled map[string]any
		for _, f := range def.Inputs {
			if !f.Required || node[f.Name] != nil || fed[EdgeEnd{id, f.Name}] {
				continue
			}
			if !copied {
				t.Nodes, copied = maps.Clone(g.Nodes), true
			}
			if filled == nil {
				filled = maps.Clone(node)
				t.Nodes[id] = filled
			}
			filled[f.Name] = standIn(f)
		}
	}
	return ValidateWithin(&t, Limits{})
}

// standInImage is the image a template's unset image stands for while it
// is checked: a valid name, never loaded.
const standInImage = "00000000-0000-4000-8000-000000000000.png"

// standIn is a valid value of f's kind, for a template's unset field.
func standIn(f FieldSpec) any {
	if f.Default != nil {
		return copyJSON(f.Default)
	}
	switch f.Kind {
	case KindImage:
		return map[string]any{"image_name": standInImage}
	case KindString:
		return ""
	case KindModel:
		return "backend/model"
	case KindInt, KindFloat:
		if f.Min != nil {
			return *f.Min
		}
		return 0.0
	case KindBool:
		return false
	case KindColor:
		return "#000000"
	case KindBoard:
		return map[string]any{}
	case KindEnum:
		if len(f.Choices) > 0 {
			return f.Choices[0]
		}
	}
	return nil
}

// checkText trims s and checks it is at most max characters without
// control characters (but line breaks and tabs when multiline). what is
// the text in a message: "The workflow's name".
func checkText(what, s string, max int, multiline bool) (string, error) {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) {
		return "", invalid("%s is not valid text.", what)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return "", invalid("%s is %d characters long; at most %d are allowed.", what, n, max)
	}
	for i, r := range []rune(s) {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t')) {
			return "", invalid("%s has a control character (%U) at character %d; remove it.", what, r, i+1)
		}
	}
	return s, nil
}

// File returns w as a workflow file in Easel's format, indented, which
// ParseWorkflow reads back to an equal workflow. It refuses (with
// CheckWorkflow's error) a workflow that would not be read back; w itself
// is not changed.
func (w *Workflow) File() ([]byte, error) {
	if w == nil {
		return nil, invalid("There is no workflow.")
	}
	c := *w
	c.Fields = slices.Clone(w.Fields)
	if err := CheckWorkflow(&c); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(newFileDoc(&c)); err != nil {
		return nil, invalid("The workflow cannot be written as JSON: %v", err)
	}
	return buf.Bytes(), nil
}

// fileDoc is a workflow as Easel's file holds it. A field is its label and
// place: its spec comes from the node type when the file is read, so a
// file never carries a stale one.
type fileDoc struct {
	Format      string       `json:"format"`
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Author      string       `json:"author"`
	Description string       `json:"description"`
	Version     string       `json:"version"`
	Contact     string       `json:"contact"`
	Tags        string       `json:"tags"`
	Notes       string       `json:"notes"`
	Meta        WorkflowMeta `json:"meta"`
	Graph       Graph        `json:"graph"`
	Fields      []fileField  `json:"fields"`
}

type fileField struct {
	Label  string `json:"label"`
	NodeID string `json:"node_id"`
	Field  string `json:"field"`
}

func newFileDoc(w *Workflow) fileDoc {
	d := fileDoc{Format: WorkflowFormat, ID: w.ID, Name: w.Name, Author: w.Author, Description: w.Description,
		Version: w.Version, Contact: w.Contact, Tags: w.Tags, Notes: w.Notes, Meta: w.Meta, Graph: w.Graph,
		Fields: make([]fileField, len(w.Fields))}
	for i, f := range w.Fields {
		d.Fields[i] = fileField{f.Label, f.NodeID, f.Field}
	}
	return d
}

// CheckDocument is WorkflowDocuments.Check, the check the workflow store is given: it
// reads doc as ParseWorkflow does (Easel's format or InvokeAI's), applies
// fix (the id, the category, and a name when fix.Name is not ""), checks
// the result and returns it in Easel's format, compact, with its summary.
func CheckDocument(doc []byte, fix app.WorkflowFix) ([]byte, app.WorkflowSummary, error) {
	w, err := ParseWorkflow(doc)
	if err != nil {
		return nil, app.WorkflowSummary{}, err
	}
	w.ID = fix.ID
	if fix.Name != "" {
		w.Name = fix.Name
	}
	w.Meta.Category = fix.Category
	out, err := w.document()
	if err != nil {
		return nil, app.WorkflowSummary{}, err
	}
	return out, app.WorkflowSummary{Name: w.Name, Description: w.Description, Tags: w.Tags, Category: w.Meta.Category}, nil
}

// BuiltinDocuments returns the built-in workflows as the library keeps
// them: each one's id and its document in Easel's format.
func BuiltinDocuments() []app.BuiltinWorkflow {
	ws := Workflows()
	out := make([]app.BuiltinWorkflow, len(ws))
	for i := range ws {
		doc, err := ws[i].document()
		if err != nil {
			panic(fmt.Sprintf("engine: workflow %s: %v", ws[i].ID, err))
		}
		out[i] = app.BuiltinWorkflow{ID: ws[i].ID, Doc: doc}
	}
	return out
}

// document is w checked (in place) and written compactly, for keeping.
func (w *Workflow) document() ([]byte, error) {
	if err := CheckWorkflow(w); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(newFileDoc(w)); err != nil {
		return nil, invalid("The workflow cannot be written as JSON: %v", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// present reports whether top has key with a value other than null.
func present(top map[string]json.RawMessage, key string) bool {
	raw, ok := top[key]
	return ok && !isNull(raw)
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

// jsonError says in words what encoding/json found wrong with data.
func jsonError(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		// Offset counts the bytes read, the bad one among them.
		line, col := position(data, syn.Offset-1)
		if strings.Contains(syn.Error(), "unexpected end") {
			line, col = position(data, syn.Offset)
			return invalid("The file ends too soon, at line %d, column %d (byte %d): it is not all there.", line, col, len(data))
		}
		return invalid("The file is not valid JSON: %s, at line %d, column %d (byte %d).", syn.Error(), line, col, syn.Offset)
	case errors.As(err, &typ):
		line, col := position(data, typ.Offset)
		if typ.Field == "" {
			return invalid("The file holds %s, not a workflow (a JSON object).", jsonKindName(typ.Value))
		}
		return invalid("%q must be %s, not %s (line %d, column %d).", clip(typ.Field), goKindName(typ.Type), jsonKindName(typ.Value), line, col)
	}
	return invalid("The file is not valid JSON: %v.", err)
}

// position is the 1-based line and column of byte off in data.
func position(data []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	return line, col
}

// jsonKindName names a JSON value's kind as UnmarshalTypeError gives it
// ("number", "string", "array", "object", "bool", or a number's text).
func jsonKindName(v string) string {
	switch {
	case v == "string":
		return "text"
	case v == "array":
		return "a list"
	case v == "object":
		return "an object"
	case v == "bool":
		return "true or false"
	case v == "null":
		return "null"
	case strings.HasPrefix(v, "number"):
		return "a number"
	}
	return clip(v)
}

// goKindName names what a Go type takes from JSON.
func goKindName(t reflect.Type) string {
	if t == nil {
		return "a value"
	}
	switch t.Kind() {
	case reflect.String:
		return "text"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "a value"
}

// byteSize writes n bytes for people.
func byteSize(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB (%d bytes)", float64(n)/(1<<20), n)
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB (%d bytes)", float64(n)/(1<<10), n)
	}
	return fmt.Sprintf("%d bytes", n)
}
