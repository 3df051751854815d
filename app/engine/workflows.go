package engine

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

// Workflow is a built-in workflow the UI offers: a graph and the fields of
// it a form shows. Graphs are templates: a Required field with no value in
// the graph (the image of "Edit an image") must be filled before running.
type Workflow struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Graph       Graph           `json:"graph"`
	Fields      []WorkflowField `json:"fields"`
}

// WorkflowField is one field of a workflow's form: the node and field it
// sets (InvokeAI's node_path and field_name, for batch data), its label,
// and the field's spec (kind, bounds, choices, default) from the node type.
// Its current value is the graph's: Graph.Nodes[NodeID][Field], or the
// spec's Default when the graph leaves it unset.
type WorkflowField struct {
	Label  string `json:"label"`
	NodeID string `json:"node_id"`
	Field  string `json:"field"`
	FieldSpec
}

//go:embed workflows.json
var workflowsJSON []byte

// Workflows returns the built-in workflows: "Abstract from prompt", "Noise
// texture", "Gradient" and "Edit an image". Each call returns fresh copies
// the caller may change (with SetField, say).
func Workflows() []Workflow {
	var ws []Workflow
	if err := json.Unmarshal(workflowsJSON, &ws); err != nil {
		panic("engine: workflows.json: " + err.Error())
	}
	for i := range ws {
		w := &ws[i]
		for j := range w.Fields {
			f := &w.Fields[j]
			spec, err := fieldSpec(&w.Graph, f.NodeID, f.Field)
			if err != nil {
				panic(fmt.Sprintf("engine: workflow %s: %v", w.ID, err))
			}
			f.FieldSpec = spec
		}
	}
	return ws
}

// fieldSpec returns the spec of a node's input in g.
func fieldSpec(g *Graph, nodeID, field string) (FieldSpec, error) {
	node := g.Nodes[nodeID]
	typ, _ := node["type"].(string)
	def := registry[typ]
	if def == nil {
		return FieldSpec{}, fmt.Errorf("node %q has unknown type %q", nodeID, typ)
	}
	f := def.Input(field)
	if f == nil {
		return FieldSpec{}, fmt.Errorf("node %q (%s) has no field %q", nodeID, typ, field)
	}
	return copyType(NodeType{Inputs: []FieldSpec{*f}}).Inputs[0], nil
}
