package engine

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

// Workflow is a workflow's whole document, Easel's workflow file: a graph,
// the fields of it a form shows, and what a library lists and searches
// (name, author, tags, notes). The keys follow InvokeAI's workflow where
// they mean the same; the graph is InvokeAI's graph (nodes by id with
// their field values), not its node editor's nodes[] and edges[].
//
// Graphs are templates: a Required field with no value in the graph (the
// image of "Edit an image") must be filled before running. CheckWorkflow
// says what a document must be; ParseWorkflow reads one from a file and
// File writes one.
type Workflow struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	Author      string          `json:"author"`
	Description string          `json:"description"`
	Version     string          `json:"version"` // the workflow's own, as its author numbers it
	Contact     string          `json:"contact"`
	Tags        string          `json:"tags"` // comma-separated, as InvokeAI's
	Notes       string          `json:"notes"`
	Meta        WorkflowMeta    `json:"meta"`
	Graph       Graph           `json:"graph"`
	Fields      []WorkflowField `json:"fields"`
}

// WorkflowMeta says what kind of workflow a document is and in which
// version of the format it is written. It is an alias of a struct with no
// name of its own, so cmd/tsgen writes it out in Workflow.
type WorkflowMeta = struct {
	// Category is "user", or "default" for the workflows Easel comes with.
	// A file's category is only what the file says: the library decides.
	Category string `json:"category"`
	// Version is the format's version, WorkflowFormatVersion.
	Version string `json:"version"`
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
// texture", "Gradient" and "Edit an image", category "default", by
// "Easel". Each call returns fresh copies the caller may change (with
// SetField, say).
func Workflows() []Workflow {
	var ws []Workflow
	if err := json.Unmarshal(workflowsJSON, &ws); err != nil {
		panic("engine: workflows.json: " + err.Error())
	}
	for i := range ws {
		// The same check a saved workflow passes; it fills each field's spec.
		if err := CheckWorkflow(&ws[i]); err != nil {
			panic(fmt.Sprintf("engine: workflow %s: %v", ws[i].ID, err))
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
