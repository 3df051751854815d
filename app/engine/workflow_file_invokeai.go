package engine

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"easel/app"
)

// InvokeAI's workflow file, as its node editor writes it
// (invokeai/frontend/web/src/features/nodes/types/workflow.ts): the editor's
// nodes and edges, from which InvokeAI builds the graph it queues. Only
// what the conversion reads is declared; the rest (positions, sizes, node
// versions, isOpen, …) is ignored.
type iaiWorkflow struct {
	ID            string        `json:"id"`
	Name          string        `json:"name"`
	Author        string        `json:"author"`
	Description   string        `json:"description"`
	Version       string        `json:"version"`
	Contact       string        `json:"contact"`
	Tags          string        `json:"tags"`
	Notes         string        `json:"notes"`
	Nodes         []iaiNode     `json:"nodes"`
	Edges         []iaiEdge     `json:"edges"`
	ExposedFields []iaiFieldRef `json:"exposedFields"`
	Form          *iaiForm      `json:"form"`
}

// iaiNode is one node of the editor: an "invocation" (a node of the
// graph), "notes" (text on the canvas) or "connector" (a reroute point an
// edge passes through).
type iaiNode struct {
	ID   string      `json:"id"`
	Type string      `json:"type"`
	Data iaiNodeData `json:"data"`
}

type iaiNodeData struct {
	Type   string              `json:"type"`
	Inputs map[string]iaiInput `json:"inputs"`
}

type iaiInput struct {
	Label string `json:"label"`
	Value any    `json:"value"`
}

// iaiEdge joins sourceHandle (an output) of source to targetHandle (an
// input) of target; a "collapsed" edge only stands, on the canvas, for
// edges between collapsed nodes, which the file has too.
type iaiEdge struct {
	ID           string `json:"id"`
	Type         string `json:"type"`
	Source       string `json:"source"`
	Target       string `json:"target"`
	SourceHandle string `json:"sourceHandle"`
	TargetHandle string `json:"targetHandle"`
}

type iaiFieldRef struct {
	NodeID    string `json:"nodeId"`
	FieldName string `json:"fieldName"`
}

// iaiForm is the form builder's layout: elements by id from the root, of
// which "node-field" ones show a node's field.
type iaiForm struct {
	Elements      map[string]iaiFormElement `json:"elements"`
	RootElementID string                    `json:"rootElementId"`
}

type iaiFormElement struct {
	Type string `json:"type"`
	Data struct {
		FieldIdentifier *iaiFieldRef `json:"fieldIdentifier"`
		Children        []string     `json:"children"`
	} `json:"data"`
}

// parseInvokeAI converts InvokeAI's node editor format into a Workflow,
// building the graph as InvokeAI does (buildNodesGraph): each invocation
// node with its inputs' values, edges but the collapsed ones, and no value
// for an input an edge feeds. Notes nodes are dropped; an edge through
// connector nodes joins the output that comes into the first to the inputs
// the last goes on to.
func parseInvokeAI(data []byte) (*Workflow, error) {
	var f iaiWorkflow
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, jsonError(data, err)
	}

	kinds := make(map[string]string, len(f.Nodes)) // node id -> its editor type
	var calls []*iaiNode
	for i := range f.Nodes {
		n := &f.Nodes[i]
		if n.ID == "" {
			return nil, invalid("Node %d of \"nodes\" has no \"id\".", i+1)
		}
		if _, dup := kinds[n.ID]; dup {
			return nil, invalid("Two nodes have the id %q; each needs its own.", clip(n.ID))
		}
		switch n.Type {
		case "invocation":
			calls = append(calls, n)
		case "notes", "connector":
		default:
			return nil, invalid("Node %q has type %s; InvokeAI's workflow nodes are \"invocation\", \"notes\" or \"connector\".", clip(n.ID), describe(n.Type))
		}
		kinds[n.ID] = n.Type
	}
	if len(calls) > MaxNodes {
		return nil, invalid("The workflow has %d nodes; at most %d are allowed.", len(calls), MaxNodes)
	}
	var unknown []string
	for _, n := range calls {
		switch t := n.Data.Type; {
		case t == "":
			return nil, invalid("Node %q has no node type (its \"data.type\").", clip(n.ID))
		case registry[t] == nil && !slices.Contains(unknown, clip(t)):
			unknown = append(unknown, clip(t))
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		word := "types"
		if len(unknown) == 1 {
			word = "type"
		}
		return nil, invalid("This workflow uses node %s Easel does not have: %s.", word, strings.Join(unknown, ", "))
	}

	g := Graph{Nodes: make(map[string]map[string]any, len(calls)), Edges: []Edge{}}
	for _, n := range calls {
		node := map[string]any{"id": n.ID, "type": n.Data.Type}
		for name, in := range n.Data.Inputs {
			if name == "id" || name == "type" {
				return nil, invalid("%s has an input named %q, which is the node's own.", nodeName(n.ID, n.Data.Type), name)
			}
			if in.Value != nil {
				node[name] = in.Value
			}
		}
		g.Nodes[n.ID] = node
	}

	edges, err := iaiEdges(f.Edges, kinds)
	if err != nil {
		return nil, err
	}
	for _, e := range edges {
		if len(g.Edges) == MaxEdges {
			return nil, invalid("The workflow has more than %d edges; at most %d are allowed.", MaxEdges, MaxEdges)
		}
		g.Edges = append(g.Edges, e)
		// As InvokeAI: a value on an input an edge feeds is not sent.
		delete(g.Nodes[e.Destination.NodeID], e.Destination.Field)
	}

	fields, err := iaiFields(&f, kinds, calls)
	if err != nil {
		return nil, err
	}
	return &Workflow{
		ID: f.ID, Name: f.Name, Author: f.Author, Description: f.Description, Version: f.Version,
		Contact: f.Contact, Tags: f.Tags, Notes: f.Notes,
		// InvokeAI's own categories are not Easel's: an imported workflow is
		// the importer's.
		Meta:  WorkflowMeta{Category: app.WorkflowCategoryUser, Version: WorkflowFormatVersion},
		Graph: g, Fields: fields,
	}, nil
}

// iaiEdges turns the editor's edges into the graph's, between invocation
// nodes, in the file's order.
func iaiEdges(in []iaiEdge, kinds map[string]string) ([]Edge, error) {
	into := map[string][]int{} // connector id -> edges coming in
	for i, e := range in {
		if e.Type == "collapsed" {
			continue
		}
		name := edgeName(i, e)
		if e.Type != "" && e.Type != "default" {
			return nil, invalid("%s has type %s; InvokeAI's edges are \"default\" or \"collapsed\".", name, describe(e.Type))
		}
		for _, end := range []struct{ key, node, handle, hkey string }{
			{"source", e.Source, e.SourceHandle, "sourceHandle"}, {"target", e.Target, e.TargetHandle, "targetHandle"}} {
			if end.node == "" {
				return nil, invalid("%s has no %q node.", name, end.key)
			}
			switch kinds[end.node] {
			case "":
				return nil, invalid("%s has %s node %q, which is not in the workflow.", name, end.key, clip(end.node))
			case "notes":
				return nil, invalid("%s has %s node %q, a notes node, which has no fields to join.", name, end.key, clip(end.node))
			case "invocation":
				if end.handle == "" {
					return nil, invalid("%s has no %q: the field of node %q it joins.", name, end.hkey, clip(end.node))
				}
			}
		}
		if kinds[e.Target] == "connector" {
			into[e.Target] = append(into[e.Target], i)
		}
	}
	for id, es := range into {
		if len(es) > 1 {
			return nil, invalid("Connector node %q has %d edges coming in; it passes on one.", clip(id), len(es))
		}
	}
	// origin follows edge i back through connectors to the invocation output
	// it carries; ok is false for a connector nothing comes into.
	origin := func(i int) (EdgeEnd, bool, error) {
		seen := map[string]bool{}
		e := in[i]
		for kinds[e.Source] == "connector" {
			if seen[e.Source] {
				return EdgeEnd{}, false, invalid("Connector node %q is on a loop of connectors.", clip(e.Source))
			}
			seen[e.Source] = true
			es := into[e.Source]
			if len(es) == 0 {
				return EdgeEnd{}, false, nil
			}
			e = in[es[0]]
		}
		return EdgeEnd{e.Source, e.SourceHandle}, true, nil
	}
	var out []Edge
	for i, e := range in {
		if e.Type == "collapsed" || kinds[e.Target] != "invocation" {
			continue
		}
		src, ok, err := origin(i)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, Edge{Source: src, Destination: EdgeEnd{e.Target, e.TargetHandle}})
		}
	}
	return out, nil
}

func edgeName(i int, e iaiEdge) string {
	if e.ID == "" {
		return "Edge " + strconv.Itoa(i+1) + " of \"edges\""
	}
	return "Edge " + describe(e.ID)
}

// iaiFields is the form: the node fields the form builder lays out, in its
// order, or else the exposed fields (older files have only those). A label
// is the input's own, or its field's name.
func iaiFields(f *iaiWorkflow, kinds map[string]string, calls []*iaiNode) ([]WorkflowField, error) {
	refs := formFields(f.Form)
	from := "A field of the form"
	if len(refs) == 0 {
		refs, from = f.ExposedFields, "An exposed field (exposedFields)"
	}
	byID := make(map[string]*iaiNode, len(calls))
	for _, n := range calls {
		byID[n.ID] = n
	}
	fields := []WorkflowField{}
	seen := map[iaiFieldRef]bool{}
	for _, r := range refs {
		if seen[r] {
			continue
		}
		seen[r] = true
		n := byID[r.NodeID]
		if n == nil {
			what := "which is not in the workflow"
			if kinds[r.NodeID] != "" {
				what = "a " + kinds[r.NodeID] + " node, which has no fields"
			}
			return nil, invalid("%s is field %q of node %q, %s.", from, clip(r.FieldName), clip(r.NodeID), what)
		}
		in, ok := n.Data.Inputs[r.FieldName]
		if !ok && registry[n.Data.Type].Input(r.FieldName) == nil {
			return nil, invalid("%s is field %q of node %q (%s), which has no field by that name.",
				from, clip(r.FieldName), clip(n.ID), n.Data.Type)
		}
		label := strings.TrimSpace(in.Label)
		if label == "" {
			label = r.FieldName
		}
		fields = append(fields, WorkflowField{Label: label, NodeID: r.NodeID, Field: r.FieldName})
	}
	return fields, nil
}

// formFields lists the node fields of a form, depth first from its root.
func formFields(form *iaiForm) []iaiFieldRef {
	if form == nil {
		return nil
	}
	var refs []iaiFieldRef
	seen := map[string]bool{}
	stack := []string{form.RootElementID}
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		el, ok := form.Elements[id]
		if !ok || seen[id] {
			continue
		}
		seen[id] = true
		switch el.Type {
		case "node-field":
			if r := el.Data.FieldIdentifier; r != nil {
				refs = append(refs, *r)
			}
		case "container":
			for i := len(el.Data.Children) - 1; i >= 0; i-- {
				stack = append(stack, el.Data.Children[i])
			}
		}
	}
	return refs
}
