package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"easel/app"
)

// invokeAIEaselTypes is an InvokeAI node editor file, shaped as InvokeAI
// writes one (node versions, positions, labels, isOpen, a notes node, a
// collapsed edge, a connector), that uses only node types Easel has:
// gradient → blur → (connector) → save_image.
const invokeAIEaselTypes = `{
  "id": "0b1f6c55-7d2e-4a8e-9a57-3c1e2d4f5a6b",
  "name": "  Soft gradient  ",
  "author": "someone",
  "description": "A gradient, blurred, saved.",
  "version": "1.2.0",
  "contact": "someone@example.com",
  "tags": "gradient, blur",
  "notes": "Made in InvokeAI's editor.",
  "exposedFields": [
    {"nodeId": "grad-1", "fieldName": "angle"},
    {"nodeId": "blur-1", "fieldName": "radius"},
    {"nodeId": "grad-1", "fieldName": "angle"}
  ],
  "meta": {"category": "default", "version": "3.0.0"},
  "nodes": [
    {
      "id": "grad-1", "type": "invocation",
      "data": {
        "id": "grad-1", "version": "1.0.0", "nodePack": "easel", "label": "Background", "notes": "",
        "type": "gradient",
        "inputs": {
          "width": {"name": "width", "label": "", "value": 48},
          "height": {"name": "height", "label": "", "value": 32},
          "angle": {"name": "angle", "label": "Direction", "value": 90},
          "from": {"name": "from", "label": "", "value": {"r": 10, "g": 20, "b": 200, "a": 255}},
          "to": {"name": "to", "label": "", "value": {"r": 250, "g": 200, "b": 0, "a": 255}}
        },
        "isOpen": true, "isIntermediate": true, "useCache": true
      },
      "position": {"x": 0, "y": 0}
    },
    {
      "id": "blur-1", "type": "invocation",
      "data": {
        "id": "blur-1", "version": "1.0.0", "label": "", "notes": "", "type": "blur",
        "inputs": {
          "image": {"name": "image", "label": "", "value": {"image_name": "ffffffff-ffff-4fff-8fff-ffffffffffff.png"}},
          "radius": {"name": "radius", "label": "", "value": 2.5}
        },
        "isOpen": false, "isIntermediate": true, "useCache": true
      },
      "position": {"x": 400, "y": 0}
    },
    {"id": "reroute", "type": "connector", "data": {}, "position": {"x": 600, "y": 0}},
    {
      "id": "save-1", "type": "invocation",
      "data": {
        "id": "save-1", "version": "1.0.0", "label": "", "notes": "", "type": "save_image",
        "inputs": {"image": {"name": "image", "label": ""}, "board": {"name": "board", "label": ""}},
        "isOpen": true, "isIntermediate": false, "useCache": false
      },
      "position": {"x": 800, "y": 0}
    },
    {"id": "note-1", "type": "notes", "data": {"id": "note-1", "type": "notes", "label": "Read me", "notes": "Blur softens it.", "isOpen": true}, "position": {"x": 0, "y": 300}}
  ],
  "edges": [
    {"id": "reactflow__edge-grad-1image-blur-1image", "type": "default", "source": "grad-1", "target": "blur-1", "sourceHandle": "image", "targetHandle": "image"},
    {"id": "reactflow__edge-blur-1image-reroute", "type": "default", "source": "blur-1", "target": "reroute", "sourceHandle": "image", "targetHandle": "in"},
    {"id": "reactflow__edge-reroute-save-1image", "type": "default", "source": "reroute", "target": "save-1", "sourceHandle": "out", "targetHandle": "image"},
    {"id": "collapsed-grad-1-blur-1", "type": "collapsed", "source": "grad-1", "target": "blur-1"}
  ]
}`

// invokeAIDefault is shaped as InvokeAI's default "Text to Image" workflow
// (written for this test, with its node types): a model loader, two
// prompts, noise with a random seed, denoising and decoding. Easel has
// "noise", none of the others.
const invokeAIDefault = `{
  "id": "default_text_to_image_sample",
  "name": "Text to Image - sample",
  "author": "InvokeAI",
  "description": "Sample text to image workflow",
  "version": "2.0.0",
  "contact": "",
  "tags": "text2image, default",
  "notes": "",
  "exposedFields": [
    {"nodeId": "model", "fieldName": "model"},
    {"nodeId": "pos", "fieldName": "prompt"},
    {"nodeId": "noise", "fieldName": "width"}
  ],
  "meta": {"category": "default", "version": "3.0.0"},
  "nodes": [
    {"id": "neg", "type": "invocation", "data": {"id": "neg", "version": "1.1.1", "nodePack": "invokeai", "label": "Negative", "notes": "", "type": "compel",
      "inputs": {"prompt": {"name": "prompt", "label": "Negative Prompt", "value": ""}, "clip": {"name": "clip", "label": ""}},
      "isOpen": true, "isIntermediate": true, "useCache": true}, "position": {"x": 1000, "y": 350}},
    {"id": "noise", "type": "invocation", "data": {"id": "noise", "version": "1.0.2", "nodePack": "invokeai", "label": "", "notes": "", "type": "noise",
      "inputs": {"seed": {"name": "seed", "label": "", "value": 0}, "width": {"name": "width", "label": "", "value": 512},
        "height": {"name": "height", "label": "", "value": 768}, "use_cpu": {"name": "use_cpu", "label": "", "value": true}},
      "isOpen": true, "isIntermediate": true, "useCache": true}, "position": {"x": 600, "y": 325}},
    {"id": "model", "type": "invocation", "data": {"id": "model", "version": "1.0.2", "nodePack": "invokeai", "label": "", "notes": "", "type": "main_model_loader",
      "inputs": {"model": {"name": "model", "label": ""}}, "isOpen": true, "isIntermediate": true, "useCache": true}, "position": {"x": 600, "y": 25}},
    {"id": "pos", "type": "invocation", "data": {"id": "pos", "version": "1.1.1", "nodePack": "invokeai", "label": "Positive", "notes": "", "type": "compel",
      "inputs": {"prompt": {"name": "prompt", "label": "Positive Prompt", "value": "a tiger cub"}, "clip": {"name": "clip", "label": ""}},
      "isOpen": true, "isIntermediate": true, "useCache": true}, "position": {"x": 1000, "y": 25}},
    {"id": "seed", "type": "invocation", "data": {"id": "seed", "version": "1.0.1", "nodePack": "invokeai", "label": "Random Seed", "notes": "", "type": "rand_int",
      "inputs": {"low": {"name": "low", "label": "", "value": 0}, "high": {"name": "high", "label": "", "value": 2147483647}},
      "isOpen": false, "isIntermediate": true, "useCache": false}, "position": {"x": 600, "y": 275}},
    {"id": "denoise", "type": "invocation", "data": {"id": "denoise", "version": "1.5.3", "nodePack": "invokeai", "label": "", "notes": "", "type": "denoise_latents",
      "inputs": {"positive_conditioning": {"name": "positive_conditioning", "label": ""}, "negative_conditioning": {"name": "negative_conditioning", "label": ""},
        "noise": {"name": "noise", "label": ""}, "steps": {"name": "steps", "label": "", "value": 30}, "cfg_scale": {"name": "cfg_scale", "label": "", "value": 7.5},
        "scheduler": {"name": "scheduler", "label": "", "value": "dpmpp_sde_k"}, "unet": {"name": "unet", "label": ""}, "latents": {"name": "latents", "label": ""}},
      "isOpen": true, "isIntermediate": true, "useCache": true}, "position": {"x": 1400, "y": 25}},
    {"id": "decode", "type": "invocation", "data": {"id": "decode", "version": "1.2.2", "nodePack": "invokeai", "label": "", "notes": "", "type": "l2i",
      "inputs": {"board": {"name": "board", "label": ""}, "latents": {"name": "latents", "label": ""}, "vae": {"name": "vae", "label": ""},
        "tiled": {"name": "tiled", "label": "", "value": false}, "fp32": {"name": "fp32", "label": "", "value": true}},
      "isOpen": true, "isIntermediate": false, "useCache": true}, "position": {"x": 1800, "y": 25}},
    {"id": "neg2", "type": "invocation", "data": {"id": "neg2", "type": "compel", "inputs": {}}, "position": {"x": 0, "y": 0}}
  ],
  "edges": [
    {"id": "e1", "type": "default", "source": "seed", "target": "noise", "sourceHandle": "value", "targetHandle": "seed"},
    {"id": "e2", "type": "default", "source": "model", "target": "pos", "sourceHandle": "clip", "targetHandle": "clip"},
    {"id": "e3", "type": "default", "source": "model", "target": "neg", "sourceHandle": "clip", "targetHandle": "clip"},
    {"id": "e4", "type": "default", "source": "noise", "target": "denoise", "sourceHandle": "noise", "targetHandle": "noise"},
    {"id": "e5", "type": "default", "source": "pos", "target": "denoise", "sourceHandle": "conditioning", "targetHandle": "positive_conditioning"},
    {"id": "e6", "type": "default", "source": "neg", "target": "denoise", "sourceHandle": "conditioning", "targetHandle": "negative_conditioning"},
    {"id": "e7", "type": "default", "source": "model", "target": "denoise", "sourceHandle": "unet", "targetHandle": "unet"},
    {"id": "e8", "type": "default", "source": "denoise", "target": "decode", "sourceHandle": "latents", "targetHandle": "latents"},
    {"id": "e9", "type": "default", "source": "model", "target": "decode", "sourceHandle": "vae", "targetHandle": "vae"}
  ]
}`

// wantInvalid fails unless err is an EINVALID *app.Error whose message
// has every one of words.
func wantInvalid(t *testing.T, err error, words ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want one with %q", words)
	}
	if app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("code %q (%v); want %q", app.ErrorCode(err), err, app.EINVALID)
	}
	for _, w := range words {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
}

func TestWorkflowFileRoundTrip(t *testing.T) {
	for _, w := range Workflows() {
		t.Run(w.ID, func(t *testing.T) {
			if w.Author != "Easel" || w.Meta != (WorkflowMeta{Category: "default", Version: WorkflowFormatVersion}) || w.Tags == "" {
				t.Errorf("author %q, meta %+v, tags %q", w.Author, w.Meta, w.Tags)
			}
			data, err := w.File()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(data, []byte("{\n  \"format\": \"easel-workflow\",\n")) || !bytes.HasSuffix(data, []byte("}\n")) {
				t.Errorf("file starts %q", data[:min(len(data), 60)])
			}
			back, err := ParseWorkflow(data)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*back, w) {
				t.Fatalf("read back\n%+v\nwant\n%+v", *back, w)
			}
			// A file without the format key (the API's JSON) reads the same.
			api, err := json.Marshal(w)
			if err != nil {
				t.Fatal(err)
			}
			again, err := ParseWorkflow(api)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*again, w) {
				t.Fatalf("API JSON read back\n%+v\nwant\n%+v", *again, w)
			}
		})
	}
}

// TestWorkflowJSONKeys: the API's built-in workflows keep their keys and
// gain the document's.
func TestWorkflowJSONKeys(t *testing.T) {
	raw, err := json.Marshal(Workflows()[0])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "name", "description", "graph", "fields", "author", "version", "contact", "tags", "notes", "meta"} {
		if _, ok := m[k]; !ok {
			t.Errorf("no %q in %s", k, raw)
		}
	}
	if meta, _ := m["meta"].(map[string]any); meta["category"] != "default" || meta["version"] != "easel-1" {
		t.Errorf("meta %v", m["meta"])
	}
	if f := m["fields"].([]any)[0].(map[string]any); f["kind"] != KindString || f["node_id"] != "art" {
		t.Errorf("field %v", f)
	}
}

func TestInvokeAIImport(t *testing.T) {
	w, err := ParseWorkflow([]byte(invokeAIEaselTypes))
	if err != nil {
		t.Fatal(err)
	}
	if w.Name != "Soft gradient" || w.Author != "someone" || w.Version != "1.2.0" || w.Tags != "gradient, blur" ||
		w.ID != "0b1f6c55-7d2e-4a8e-9a57-3c1e2d4f5a6b" || w.Notes == "" || w.Contact == "" {
		t.Errorf("document %+v", w)
	}
	if w.Meta != (WorkflowMeta{Category: "user", Version: WorkflowFormatVersion}) {
		t.Errorf("meta %+v: an import is the importer's", w.Meta)
	}
	if len(w.Graph.Nodes) != 3 || w.Graph.Nodes["note-1"] != nil || w.Graph.Nodes["reroute"] != nil {
		t.Errorf("nodes %v: want the three invocations", w.Graph.Nodes)
	}
	if _, ok := w.Graph.Nodes["blur-1"]["image"]; ok {
		t.Error("blur-1 keeps a value for its connected image, which InvokeAI does not send")
	}
	wantEdges := []Edge{
		{Source: EdgeEnd{"grad-1", "image"}, Destination: EdgeEnd{"blur-1", "image"}},
		{Source: EdgeEnd{"blur-1", "image"}, Destination: EdgeEnd{"save-1", "image"}},
	}
	if !reflect.DeepEqual(w.Graph.Edges, wantEdges) {
		t.Errorf("edges %+v, want %+v", w.Graph.Edges, wantEdges)
	}
	var labels []string
	for _, f := range w.Fields {
		labels = append(labels, fmt.Sprintf("%s:%s.%s:%s", f.Label, f.NodeID, f.Field, f.Kind))
	}
	if want := []string{"Direction:grad-1.angle:float", "radius:blur-1.radius:float"}; !reflect.DeepEqual(labels, want) {
		t.Errorf("fields %v, want %v", labels, want)
	}
	if err := Validate(&w.Graph); err != nil {
		t.Fatalf("Validate: %v", err)
	}

	// It runs to the pixels of the same graph written for Easel.
	easel := chain(
		node("gradient", "width", 48, "height", 32, "angle", 90,
			"from", map[string]any{"r": 10, "g": 20, "b": 200, "a": 255}, "to", map[string]any{"r": 250, "g": 200, "b": 0, "a": 255}),
		node("blur", "radius", 2.5),
		node("save_image"))
	want := runSaved(t, newFake(t), easel)
	got := runSaved(t, newFake(t), &w.Graph)
	size(t, got, 48, 32)
	if pixHash(got) != pixHash(want) {
		t.Fatal("the imported graph paints other pixels than the Easel graph")
	}

	// And it exports and reads back as Easel's own.
	data, err := w.File()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseWorkflow(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, w) {
		t.Fatalf("read back %+v, want %+v", back, w)
	}
}

// TestInvokeAIForm: the form builder's node fields, in their order, are
// the form when the file has them.
func TestInvokeAIForm(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal([]byte(invokeAIEaselTypes), &doc); err != nil {
		t.Fatal(err)
	}
	doc["form"] = map[string]any{
		"rootElementId": "root",
		"elements": map[string]any{
			"root": map[string]any{"id": "root", "type": "container", "data": map[string]any{"direction": "column", "children": []any{"h", "f1", "row"}}},
			"h":    map[string]any{"id": "h", "type": "heading", "data": map[string]any{"content": "Settings", "level": 1}},
			"f1":   map[string]any{"id": "f1", "type": "node-field", "data": map[string]any{"fieldIdentifier": map[string]any{"nodeId": "blur-1", "fieldName": "radius"}}},
			"row":  map[string]any{"id": "row", "type": "container", "data": map[string]any{"direction": "row", "children": []any{"f2", "d"}}},
			"f2":   map[string]any{"id": "f2", "type": "node-field", "data": map[string]any{"fieldIdentifier": map[string]any{"nodeId": "grad-1", "fieldName": "to"}}},
			"d":    map[string]any{"id": "d", "type": "divider"},
		},
	}
	raw, _ := json.Marshal(doc)
	w, err := ParseWorkflow(raw)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range w.Fields {
		got = append(got, f.NodeID+"."+f.Field)
	}
	if want := []string{"blur-1.radius", "grad-1.to"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("fields %v, want %v", got, want)
	}
}

func TestInvokeAIUnknownTypes(t *testing.T) {
	_, err := ParseWorkflow([]byte(invokeAIDefault))
	wantInvalid(t, err, "This workflow uses node types Easel does not have: compel, denoise_latents, l2i, main_model_loader, rand_int.")
	if strings.Contains(err.Error(), " noise") {
		t.Errorf("%q names noise, which Easel has", err)
	}
	one := strings.Replace(invokeAIEaselTypes, `"type": "blur"`, `"type": "lineart_edge_detection"`, 1)
	_, err = ParseWorkflow([]byte(one))
	wantInvalid(t, err, "node type Easel does not have: lineart_edge_detection.")
}

// TestCheckWorkflowTemplate: a saved workflow may leave a required field
// for the person running it, but no other rule of Validate is eased.
func TestCheckWorkflowTemplate(t *testing.T) {
	var edit Workflow
	for _, w := range Workflows() {
		if w.ID == "edit-image" {
			edit = w
		}
	}
	if _, set := edit.Graph.Nodes["load"]["image"]; set {
		t.Fatal("the test needs Edit an image's image unset")
	}
	if err := Validate(&edit.Graph); err == nil {
		t.Fatal("Validate takes the template as it is")
	}
	if err := CheckWorkflow(&edit); err != nil {
		t.Fatalf("CheckWorkflow: %v", err)
	}
	if _, set := edit.Graph.Nodes["load"]["image"]; set {
		t.Fatal("CheckWorkflow filled the template")
	}
	// A prompt may be left for later too.
	art := Workflows()[0]
	delete(art.Graph.Nodes["art"], "prompt")
	if err := CheckWorkflow(&art); err != nil {
		t.Fatalf("CheckWorkflow without a prompt: %v", err)
	}
	// But what is set must be right, and edges must join.
	bad := Workflows()[3]
	bad.Graph.Nodes["load"]["image"] = 5
	wantInvalid(t, CheckWorkflow(&bad), `"load"`, `"image"`, "must be an image")
	bad = Workflows()[3]
	bad.Graph.Nodes["resize"]["width"] = 1e9
	wantInvalid(t, CheckWorkflow(&bad), `"resize"`, `"width"`)
	bad = Workflows()[3]
	bad.Graph.Edges = append(bad.Graph.Edges, Edge{Source: EdgeEnd{"save", "image"}, Destination: EdgeEnd{"load", "image"}})
	wantInvalid(t, CheckWorkflow(&bad), "cycle")
}

// TestParseWorkflowErrors: each bad file is refused with words that say
// what and where, never a panic.
func TestParseWorkflowErrors(t *testing.T) {
	good, err := Workflows()[0].File()
	if err != nil {
		t.Fatal(err)
	}
	easel := func(edit func(m map[string]any)) string {
		var m map[string]any
		if err := json.Unmarshal(good, &m); err != nil {
			t.Fatal(err)
		}
		edit(m)
		raw, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return string(raw)
	}
	invoke := func(edit func(m map[string]any)) string {
		var m map[string]any
		if err := json.Unmarshal([]byte(invokeAIEaselTypes), &m); err != nil {
			t.Fatal(err)
		}
		edit(m)
		raw, _ := json.Marshal(m)
		return string(raw)
	}
	manyEasel := func(n int) string {
		return easel(func(m map[string]any) {
			nodes := map[string]any{}
			for i := range n {
				id := fmt.Sprintf("n%d", i)
				nodes[id] = map[string]any{"id": id, "type": "solid_color"}
			}
			m["graph"] = map[string]any{"nodes": nodes, "edges": []any{}}
			m["fields"] = []any{}
		})
	}
	manyInvoke := func(n int) string {
		return invoke(func(m map[string]any) {
			var nodes []any
			for i := range n {
				id := fmt.Sprintf("n%d", i)
				nodes = append(nodes, map[string]any{"id": id, "type": "invocation", "data": map[string]any{"id": id, "type": "solid_color", "inputs": map[string]any{}}})
			}
			m["nodes"], m["edges"], m["exposedFields"] = nodes, []any{}, []any{}
		})
	}
	name := func(s string) string { return easel(func(m map[string]any) { m["name"] = s }) }
	edgeTo := func(m map[string]any) {
		m["edges"] = append(m["edges"].([]any), map[string]any{"id": "e-ghost", "type": "default", "source": "blur-1", "target": "ghost", "sourceHandle": "image", "targetHandle": "image"})
	}
	huge := append([]byte(`{"name": "x", "notes": "`), bytes.Repeat([]byte("a"), MaxWorkflowFileBytes)...)
	huge = append(huge, `"}`...)

	tests := []struct {
		name  string
		data  string
		words []string
	}{
		{"empty", "", []string{"empty"}},
		{"spaces", " \n\t ", []string{"empty"}},
		{"malformed", `{"name": "x", "graph": {"nodes": {,}}}`, []string{"not valid JSON", "line 1, column 35"}},
		{"malformed later line", "{\n  \"name\": \"x\",\n  \"graph\": oops\n}", []string{"not valid JSON", "line 3, column 12"}},
		{"truncated", string(good[:len(good)/2]), []string{"ends too soon", "line"}},
		{"trailing garbage", string(good) + "}", []string{"not valid JSON"}},
		{"not UTF-8", "{\"name\": \"a\xffb\", \"graph\": {}}", []string{"UTF-8", "byte 12", "column 12"}},
		{"array", `[{"name": "x"}]`, []string{"a list, not a workflow"}},
		{"number", `42`, []string{"a number, not a workflow"}},
		{"null", `null`, []string{"null"}},
		{"no name", easel(func(m map[string]any) { delete(m, "name") }), []string{`no "name"`}},
		{"null name", easel(func(m map[string]any) { m["name"] = nil }), []string{`no "name"`}},
		{"name 5", `{"name": 5, "graph": {"nodes": {"a": {"type": "solid_color"}}}}`, []string{`"name" must be text, not a number`, "line 1"}},
		{"name object", easel(func(m map[string]any) { m["name"] = map[string]any{} }), []string{`"name" must be text, not an object`}},
		{"tags list", easel(func(m map[string]any) { m["tags"] = []any{"a"} }), []string{`"tags" must be text, not a list`}},
		{"graph list", easel(func(m map[string]any) { m["graph"] = []any{} }), []string{`"graph" must be an object, not a list`}},
		{"nodes list", easel(func(m map[string]any) { m["graph"] = map[string]any{"nodes": []any{1}} }), []string{`"graph.nodes" must be an object, not a list`}},
		{"fields object", easel(func(m map[string]any) { m["fields"] = map[string]any{} }), []string{`"fields" must be a list, not an object`}},
		{"meta text", easel(func(m map[string]any) { m["meta"] = "x" }), []string{`"meta" must be an object, not text`}},
		{"no graph", `{"name": "x", "description": "y"}`, []string{`no "graph"`, `"nodes"`}},
		{"format but no graph", `{"format": "easel-workflow", "name": "x"}`, []string{`no "graph"`}},
		{"other format", easel(func(m map[string]any) { m["format"] = "comfy" }), []string{`"format"`, "comfy", "easel-workflow"}},
		{"empty graph", easel(func(m map[string]any) { m["graph"] = map[string]any{"nodes": map[string]any{}}; m["fields"] = nil }), []string{"no nodes"}},
		{"unknown type", easel(func(m map[string]any) {
			m["graph"].(map[string]any)["nodes"].(map[string]any)["art"].(map[string]any)["type"] = "denoise_latents"
		}), []string{`"art"`, "denoise_latents"}},
		{"edge to nowhere", easel(func(m map[string]any) {
			g := m["graph"].(map[string]any)
			g["edges"] = append(g["edges"].([]any), map[string]any{"source": map[string]any{"node_id": "art", "field": "image"}, "destination": map[string]any{"node_id": "ghost", "field": "image"}})
		}), []string{`"ghost"`, "not in the graph"}},
		{"edge from nowhere", easel(func(m map[string]any) {
			g := m["graph"].(map[string]any)
			g["edges"] = []any{map[string]any{"source": map[string]any{"node_id": "ghost", "field": "image"}, "destination": map[string]any{"node_id": "save", "field": "image"}}}
		}), []string{`"ghost"`, "not in the graph"}},
		{"field to no node", easel(func(m map[string]any) {
			m["fields"] = append(m["fields"].([]any), map[string]any{"label": "Ghost", "node_id": "ghost", "field": "seed"})
		}), []string{`"ghost"`, `"seed"`, "not in the graph"}},
		{"field to no field", easel(func(m map[string]any) {
			m["fields"] = append(m["fields"].([]any), map[string]any{"label": "Steps", "node_id": "art", "field": "steps"})
		}), []string{`"steps"`, `"art"`, "prompt_art", "no field"}},
		{"field twice", easel(func(m map[string]any) {
			m["fields"] = append(m["fields"].([]any), map[string]any{"label": "Seed again", "node_id": "art", "field": "seed"})
		}), []string{`"seed"`, `"art"`, "twice"}},
		{"label control", easel(func(m map[string]any) {
			m["fields"].([]any)[0].(map[string]any)["label"] = "Pro\x07mpt"
		}), []string{"label", `"prompt"`, "control character"}},
		{"too many fields", easel(func(m map[string]any) {
			var fs []any
			for range MaxWorkflowFields + 1 {
				fs = append(fs, map[string]any{"label": "Seed", "node_id": "art", "field": "seed"})
			}
			m["fields"] = fs
		}), []string{"501 fields", "at most 500"}},
		{"category", easel(func(m map[string]any) { m["meta"] = map[string]any{"category": "system", "version": "easel-1"} }), []string{"category", "system"}},
		{"format version", easel(func(m map[string]any) { m["meta"] = map[string]any{"category": "user", "version": "easel-9"} }), []string{"easel-9", "easel-1"}},
		{"huge", string(huge), []string{"at most 4.0 MiB"}},
		{"10000 nodes", manyEasel(10000), []string{"10000 nodes", "at most 200"}},
		{"10000 InvokeAI nodes", manyInvoke(10000), []string{"10000 nodes", "at most 200"}},
		{"empty name", name(""), []string{"name is empty"}},
		{"blank name", name(" \t\n "), []string{"name is empty"}},
		{"long name", name(strings.Repeat("n", 10000)), []string{"name", "10000 characters", "at most 200"}},
		{"name 201", name(strings.Repeat("é", 201)), []string{"201 characters"}},
		{"control name", name("bad\x00name"), []string{"name", "control character", "U+0000"}},
		{"newline name", name("two\nlines"), []string{"name", "control character"}},
		{"C1 name", name("a\u0085b"), []string{"name", "control character"}},
		{"long description", easel(func(m map[string]any) { m["description"] = strings.Repeat("d", MaxWorkflowDescriptionLength+1) }), []string{"description", "5001 characters"}},
		{"long tags", easel(func(m map[string]any) { m["tags"] = strings.Repeat("t,", MaxWorkflowTagsLength) }), []string{"tags", "at most 1000"}},
		{"control author", easel(func(m map[string]any) { m["author"] = "\x1b[31mred" }), []string{"author", "control character"}},
		{"long id", easel(func(m map[string]any) { m["id"] = strings.Repeat("i", 300) }), []string{"id", "300 characters"}},

		{"InvokeAI edge to nowhere", invoke(edgeTo), []string{`"e-ghost"`, `"ghost"`, "not in the workflow"}},
		{"InvokeAI edge without handle", invoke(func(m map[string]any) {
			delete(m["edges"].([]any)[0].(map[string]any), "targetHandle")
		}), []string{`"reactflow__edge-grad-1image-blur-1image"`, `"targetHandle"`, `"blur-1"`}},
		{"InvokeAI edge to notes", invoke(func(m map[string]any) {
			m["edges"] = append(m["edges"].([]any), map[string]any{"id": "e-n", "source": "grad-1", "target": "note-1", "sourceHandle": "image", "targetHandle": "x"})
		}), []string{`"e-n"`, `"note-1"`, "notes node"}},
		{"InvokeAI edge kind", invoke(func(m map[string]any) { m["edges"].([]any)[0].(map[string]any)["type"] = "fancy" }), []string{`"fancy"`}},
		{"InvokeAI edge to bad field", invoke(func(m map[string]any) {
			m["edges"].([]any)[0].(map[string]any)["targetHandle"] = "latents"
		}), []string{`"blur-1"`, `"latents"`}},
		{"InvokeAI exposed field to no node", invoke(func(m map[string]any) {
			m["exposedFields"] = []any{map[string]any{"nodeId": "ghost", "fieldName": "angle"}}
		}), []string{`"ghost"`, `"angle"`, "not in the workflow"}},
		{"InvokeAI exposed field to notes", invoke(func(m map[string]any) {
			m["exposedFields"] = []any{map[string]any{"nodeId": "note-1", "fieldName": "notes"}}
		}), []string{`"note-1"`, "notes node"}},
		{"InvokeAI exposed field to no field", invoke(func(m map[string]any) {
			m["exposedFields"] = []any{map[string]any{"nodeId": "grad-1", "fieldName": "cfg_scale"}}
		}), []string{`"grad-1"`, `"cfg_scale"`, "no field"}},
		{"InvokeAI unknown input", invoke(func(m map[string]any) {
			m["nodes"].([]any)[0].(map[string]any)["data"].(map[string]any)["inputs"].(map[string]any)["use_cpu"] = map[string]any{"name": "use_cpu", "value": true}
		}), []string{`"grad-1"`, `"use_cpu"`}},
		{"InvokeAI bad value", invoke(func(m map[string]any) {
			m["nodes"].([]any)[0].(map[string]any)["data"].(map[string]any)["inputs"].(map[string]any)["angle"] = map[string]any{"name": "angle", "value": "north"}
		}), []string{`"grad-1"`, `"angle"`, "must be a number"}},
		{"InvokeAI node kind", invoke(func(m map[string]any) { m["nodes"].([]any)[0].(map[string]any)["type"] = "group" }), []string{`"grad-1"`, `"group"`}},
		{"InvokeAI node without type", invoke(func(m map[string]any) {
			delete(m["nodes"].([]any)[0].(map[string]any)["data"].(map[string]any), "type")
		}), []string{`"grad-1"`, "data.type"}},
		{"InvokeAI duplicate node", invoke(func(m map[string]any) {
			m["nodes"] = append(m["nodes"].([]any), m["nodes"].([]any)[0])
		}), []string{`"grad-1"`, "Two nodes"}},
		{"InvokeAI node without id", invoke(func(m map[string]any) { delete(m["nodes"].([]any)[1].(map[string]any), "id") }), []string{"Node 2", `"id"`}},
		{"InvokeAI nodes object", invoke(func(m map[string]any) { m["nodes"] = map[string]any{} }), []string{`"nodes" must be a list, not an object`}},
		{"InvokeAI inputs list", invoke(func(m map[string]any) {
			m["nodes"].([]any)[0].(map[string]any)["data"].(map[string]any)["inputs"] = []any{}
		}), []string{`"nodes.data.inputs" must be an object, not a list`}},
		{"InvokeAI connector fed twice", invoke(func(m map[string]any) {
			m["edges"] = append(m["edges"].([]any), map[string]any{"id": "e-2", "source": "grad-1", "target": "reroute", "sourceHandle": "image", "targetHandle": "in"})
		}), []string{`"reroute"`, "2 edges"}},
		{"InvokeAI connector loop", invoke(func(m map[string]any) {
			m["nodes"] = append(m["nodes"].([]any), map[string]any{"id": "r2", "type": "connector", "data": map[string]any{}})
			m["edges"] = []any{
				map[string]any{"id": "a", "source": "r2", "target": "reroute", "sourceHandle": "out", "targetHandle": "in"},
				map[string]any{"id": "b", "source": "reroute", "target": "r2", "sourceHandle": "out", "targetHandle": "in"},
				map[string]any{"id": "c", "source": "reroute", "target": "save-1", "sourceHandle": "out", "targetHandle": "image"},
			}
		}), []string{"loop"}},
		{"InvokeAI no name", invoke(func(m map[string]any) { delete(m, "name") }), []string{`no "name"`}},
		{"InvokeAI name 5", strings.Replace(invokeAIEaselTypes, `"name": "  Soft gradient  "`, `"name": 5`, 1), []string{`"name" must be text, not a number`, "line 3"}},
		{"InvokeAI blank name", invoke(func(m map[string]any) { m["name"] = "   " }), []string{"name is empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := ParseWorkflow([]byte(tt.data))
			if err == nil {
				t.Fatalf("accepted: %+v", w)
			}
			wantInvalid(t, err, tt.words...)
			t.Log(err)
		})
	}
}

// TestCheckWorkflowNormalises: texts are trimmed, defaults filled.
func TestCheckWorkflowNormalises(t *testing.T) {
	w := Workflows()[1]
	w.Name, w.Tags, w.Description = "  Clouds \n", " a, b ", "line one\n\tline two\n"
	w.Meta = WorkflowMeta{}
	w.Fields[0].Label = "  "
	w.Graph.Edges = nil
	if err := CheckWorkflow(&w); err != nil {
		t.Fatal(err)
	}
	if w.Name != "Clouds" || w.Tags != "a, b" || w.Description != "line one\n\tline two" {
		t.Errorf("texts %q %q %q", w.Name, w.Tags, w.Description)
	}
	if w.Meta != (WorkflowMeta{Category: "user", Version: WorkflowFormatVersion}) {
		t.Errorf("meta %+v", w.Meta)
	}
	if w.Fields[0].Label != w.Fields[0].Field {
		t.Errorf("blank label became %q", w.Fields[0].Label)
	}
	if w.Graph.Edges == nil {
		t.Error("nil edges left nil")
	}
	// File checks too, and leaves its workflow alone.
	w.Name = ""
	if _, err := w.File(); app.ErrorCode(err) != app.EINVALID {
		t.Errorf("File of a nameless workflow: %v", err)
	}
	var nilw *Workflow
	if _, err := nilw.File(); app.ErrorCode(err) != app.EINVALID {
		t.Errorf("File of nil: %v", err)
	}
	v := Workflows()[2]
	v.Name, v.Fields[0].Label = " spaced ", ""
	if _, err := v.File(); err != nil {
		t.Fatal(err)
	}
	if v.Name != " spaced " || v.Fields[0].Label != "" {
		t.Errorf("File changed its workflow: %q %q", v.Name, v.Fields[0].Label)
	}
}

// TestCheckDocument: the store's check applies its fix and keeps Easel's
// format.
func TestCheckDocument(t *testing.T) {
	doc, sum, err := CheckDocument([]byte(invokeAIEaselTypes), app.WorkflowFix{ID: "wf-1", Category: "user", Name: "Copy of Soft gradient"})
	if err != nil {
		t.Fatal(err)
	}
	if sum != (app.WorkflowSummary{Name: "Copy of Soft gradient", Description: "A gradient, blurred, saved.", Tags: "gradient, blur", Category: "user"}) {
		t.Errorf("summary %+v", sum)
	}
	w, err := ParseWorkflow(doc)
	if err != nil {
		t.Fatal(err)
	}
	if w.ID != "wf-1" || w.Name != "Copy of Soft gradient" || bytes.Contains(doc, []byte("\n")) || !bytes.HasPrefix(doc, []byte(`{"format":"easel-workflow"`)) {
		t.Errorf("kept %s", doc)
	}
	_, _, err = CheckDocument(doc, app.WorkflowFix{ID: "wf-1", Name: "bad\x01", Category: "user"})
	wantInvalid(t, err, "name", "control character")
	_, _, err = CheckDocument([]byte(invokeAIDefault), app.WorkflowFix{ID: "wf-2"})
	wantInvalid(t, err, "denoise_latents")

	builtins := BuiltinDocuments()
	ws := Workflows()
	if len(builtins) != len(ws) {
		t.Fatalf("%d built-in documents for %d workflows", len(builtins), len(ws))
	}
	for i, b := range builtins {
		w, err := ParseWorkflow(b.Doc)
		if err != nil {
			t.Fatal(err)
		}
		if b.ID != ws[i].ID || !reflect.DeepEqual(*w, ws[i]) {
			t.Errorf("built-in %s reads back as %+v", b.ID, w)
		}
	}
}

// FuzzParseWorkflow: ParseWorkflow never panics, refuses only with
// EINVALID, and what it accepts passes CheckWorkflow and round-trips
// through File.
func FuzzParseWorkflow(f *testing.F) {
	for _, w := range Workflows() {
		data, err := w.File()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		api, _ := json.Marshal(w)
		f.Add(api)
	}
	f.Add([]byte(invokeAIEaselTypes))
	f.Add([]byte(invokeAIDefault))
	f.Add([]byte(`{"name": "x", "nodes": [{"id": "a", "type": "invocation", "data": {"type": "solid_color", "inputs": {}}}], "edges": [], "exposedFields": [{"nodeId": "a", "fieldName": "color"}]}`))
	f.Add([]byte(`{"name":"c","nodes":[{"id":"s","type":"invocation","data":{"type":"solid_color"}},{"id":"r","type":"connector"},{"id":"v","type":"invocation","data":{"type":"save_image"}}],"edges":[{"source":"s","target":"r","sourceHandle":"image"},{"source":"r","target":"v","targetHandle":"image"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := ParseWorkflow(data)
		if err != nil {
			if app.ErrorCode(err) != app.EINVALID {
				t.Fatalf("refused with code %q: %v", app.ErrorCode(err), err)
			}
			return
		}
		c := *w
		if err := CheckWorkflow(&c); err != nil {
			t.Fatalf("accepted a workflow CheckWorkflow refuses: %v", err)
		}
		if !reflect.DeepEqual(&c, w) {
			t.Fatalf("CheckWorkflow changed an accepted workflow:\n%+v\n%+v", c, *w)
		}
		file, err := w.File()
		if err != nil {
			t.Fatalf("File: %v", err)
		}
		back, err := ParseWorkflow(file)
		if err != nil {
			t.Fatalf("reading back: %v\n%s", err, file)
		}
		if !reflect.DeepEqual(back, w) {
			t.Fatalf("read back\n%+v\nwant\n%+v", back, w)
		}
	})
}
