package engine

import (
	"fmt"
	"strings"
	"testing"

	"easel/app"
)

func TestValidate(t *testing.T) {
	const fox = `"n1": {"id": "n1", "type": "prompt_art", "prompt": "a red fox", "seed": 42, "width": 64, "height": 64}`
	tests := []struct {
		name  string
		graph string
		want  string // the whole message, or a part of it after "…"
	}{
		{"ErrNoNodes", `{"nodes": {}}`, "The graph has no nodes: add at least one."},
		{"ErrUnknownType", `{"nodes": {"n1": {"id": "n1", "type": "dream_machine"}}}`,
			`…Node "n1": unknown node type "dream_machine".`},
		{"ErrNoType", `{"nodes": {"n1": {"id": "n1"}}}`, `Node "n1": the node has no "type".`},
		{"ErrTypeNotString", `{"nodes": {"n1": {"type": 5}}}`, `Node "n1": "type" must be a string, not 5.`},
		{"ErrIDMismatch", `{"nodes": {"n1": {"id": "n2", "type": "invert"}}}`,
			`Node "n1" (invert): its "id" is "n2" but it is listed under "n1"; they must match.`},
		{"ErrUnknownField", `{"nodes": {"n1": {"id": "n1", "type": "blur", "radus": 3, "image": {"image_name": "` + imgName(1) + `"}}}}`,
			`Node "n1" (blur): there is no field "radus". Its fields are: image, radius.`},
		{"ErrRequired", `{"nodes": {"n1": {"id": "n1", "type": "blur", "radius": 3}}}`,
			`Node "n1" (blur): field "image" is required: set it or connect an edge to it.`},
		{"ErrRequiredPrompt", `{"nodes": {"n1": {"id": "n1", "type": "prompt_art"}}}`,
			`Node "n1" (prompt_art): field "prompt" is required: set it or connect an edge to it.`},
		{"ErrOutOfRange", `{"nodes": {"n1": {"id": "n1", "type": "prompt_art", "prompt": "x", "width": 99999}}}`,
			`Node "n1" (prompt_art): field "width" must be between 8 and 4096, not 99999.`},
		{"ErrTooSmall", `{"nodes": {"n1": {"id": "n1", "type": "solid_color", "height": 7}}}`,
			`Node "n1" (solid_color): field "height" must be between 8 and 4096, not 7.`},
		{"ErrNotWhole", `{"nodes": {"n1": {"id": "n1", "type": "prompt_art", "prompt": "x", "seed": 1.5}}}`,
			`Node "n1" (prompt_art): field "seed" must be a whole number, not 1.5.`},
		{"ErrWrongType", `{"nodes": {"n1": {"id": "n1", "type": "prompt_art", "prompt": "x", "width": "wide"}}}`,
			`Node "n1" (prompt_art): field "width" must be a whole number, not "wide".`},
		{"ErrPromptNotText", `{"nodes": {"n1": {"id": "n1", "type": "prompt_art", "prompt": ["a", "b"]}}}`,
			`Node "n1" (prompt_art): field "prompt" must be text, not a list.`},
		{"ErrPromptTooLong", `{"nodes": {"n1": {"id": "n1", "type": "prompt_art", "prompt": "` + strings.Repeat("a", MaxPromptLength+1) + `"}}}`,
			`Node "n1" (prompt_art): field "prompt" is at most 10000 characters long (this one has 10001).`},
		{"ErrFloatRange", `{"nodes": {"n1": {"id": "n1", "type": "blend", "opacity": 1.5}}}`,
			`Node "n1" (blend): field "opacity" must be between 0 and 1, not 1.5.`},
		{"ErrUnknownEnum", `{"nodes": {"n1": {"id": "n1", "type": "resize", "mode": "zoom"}}}`,
			`Node "n1" (resize): field "mode" must be one of fit, fill, stretch, not "zoom".`},
		{"ErrBool", `{"nodes": {"n1": {"id": "n1", "type": "invert", "use_cache": "yes"}}}`,
			`Node "n1" (invert): field "use_cache" must be true or false, not "yes".`},
		{"ErrColorObject", `{"nodes": {"n1": {"id": "n1", "type": "solid_color", "color": {"r": 300, "g": 0, "b": 0}}}}`,
			`Node "n1" (solid_color): field "color" must have "r" a whole number from 0 to 255, not 300.`},
		{"ErrColorString", `{"nodes": {"n1": {"id": "n1", "type": "solid_color", "color": "red"}}}`,
			`…Node "n1" (solid_color): field "color" must be a color`},
		{"ErrColorExtra", `{"nodes": {"n1": {"id": "n1", "type": "solid_color", "color": {"r": 1, "g": 2, "b": 3, "x": 4}}}}`,
			`Node "n1" (solid_color): field "color" has an unknown part "x" (a color has r, g, b and a).`},
		{"ErrImageShape", `{"nodes": {"n1": {"id": "n1", "type": "load_image", "image": "cat.png"}}}`,
			`…Node "n1" (load_image): field "image" must be an image, as {"image_name": "…"}, not "cat.png".`},
		{"ErrImageName", `{"nodes": {"n1": {"id": "n1", "type": "load_image", "image": {"image_name": "../../etc/passwd"}}}}`,
			`Node "n1" (load_image): field "image" names image "../../etc/passwd", which is not an image name Easel uses.`},
		{"ErrBoardShape", `{"nodes": {` + fox + `, "s": {"id": "s", "type": "save_image", "board": "mine"}}, "edges": [{"source": {"node_id": "n1", "field": "image"}, "destination": {"node_id": "s", "field": "image"}}]}`,
			`…Node "s" (save_image): field "board" must be a board, as {"board_id": "…"}, not "mine".`},
		{"ErrBoardBoth", `{"nodes": {` + fox + `, "s": {"id": "s", "type": "save_image", "board": {"board_id": "b1"}, "board_name": "Foxes"}}, "edges": [{"source": {"node_id": "n1", "field": "image"}, "destination": {"node_id": "s", "field": "image"}}]}`,
			`Node "s" (save_image): set either "board" or "board_name", not both.`},
		{"ErrBoardName", `{"nodes": {` + fox + `, "s": {"id": "s", "type": "save_image", "board_name": "a\tb"}}, "edges": [{"source": {"node_id": "n1", "field": "image"}, "destination": {"node_id": "s", "field": "image"}}]}`,
			`Node "s" (save_image): field "board_name": Board names cannot contain control characters such as tabs or line breaks.`},
		{"ErrEdgeFromUnknownNode", `{"nodes": {"n2": {"id": "n2", "type": "invert"}}, "edges": [{"source": {"node_id": "n9", "field": "image"}, "destination": {"node_id": "n2", "field": "image"}}]}`,
			`An edge comes from node "n9", which is not in the graph.`},
		{"ErrEdgeToUnknownNode", `{"nodes": {` + fox + `}, "edges": [{"source": {"node_id": "n1", "field": "image"}, "destination": {"node_id": "n9", "field": "image"}}]}`,
			`An edge goes to node "n9", which is not in the graph.`},
		{"ErrEdgeFromUnknownField", `{"nodes": {` + fox + `, "n2": {"id": "n2", "type": "invert"}}, "edges": [{"source": {"node_id": "n1", "field": "picture"}, "destination": {"node_id": "n2", "field": "image"}}]}`,
			`Node "n1" (prompt_art): an edge takes its output "picture", but it has none by that name (its outputs: image, width, height).`},
		{"ErrEdgeToUnknownField", `{"nodes": {` + fox + `, "n2": {"id": "n2", "type": "invert"}}, "edges": [{"source": {"node_id": "n1", "field": "image"}, "destination": {"node_id": "n2", "field": "picture"}}]}`,
			`Node "n2" (invert): an edge goes to field "picture", but it has none by that name (its fields: image).`},
		{"ErrEdgeTypeMismatch", `{"nodes": {` + fox + `, "n2": {"id": "n2", "type": "invert"}}, "edges": [{"source": {"node_id": "n1", "field": "width"}, "destination": {"node_id": "n2", "field": "image"}}]}`,
			`Node "n2" (invert): field "image" takes an image, but the edge brings a whole number from node "n1"'s output "width".`},
		{"ErrEdgeStringToInt", `{"nodes": {` + fox + `, "s": {"id": "s", "type": "save_image"}, "n3": {"id": "n3", "type": "solid_color"}}, "edges": [{"source": {"node_id": "n1", "field": "image"}, "destination": {"node_id": "s", "field": "image"}}, {"source": {"node_id": "s", "field": "image_name"}, "destination": {"node_id": "n3", "field": "width"}}]}`,
			`Node "n3" (solid_color): field "width" takes a whole number, but the edge brings text from node "s"'s output "image_name".`},
		{"ErrTwoEdges", `{"nodes": {` + fox + `, "n2": {"id": "n2", "type": "noise"}, "n3": {"id": "n3", "type": "invert"}}, "edges": [{"source": {"node_id": "n1", "field": "image"}, "destination": {"node_id": "n3", "field": "image"}}, {"source": {"node_id": "n2", "field": "image"}, "destination": {"node_id": "n3", "field": "image"}}]}`,
			`Node "n3" (invert): field "image" has two edges coming in (from "n1" and "n2"); it takes one.`},
		{"ErrSelfEdge", `{"nodes": {"n1": {"id": "n1", "type": "invert"}}, "edges": [{"source": {"node_id": "n1", "field": "image"}, "destination": {"node_id": "n1", "field": "image"}}]}`,
			`Node "n1" (invert): an edge goes from the node to its own field "image", which makes a cycle.`},
		{"ErrCycle", `{"nodes": {` + fox + `, "a": {"id": "a", "type": "blend"}, "b": {"id": "b", "type": "invert"}, "c": {"id": "c", "type": "grayscale"}}, "edges": [
			{"source": {"node_id": "n1", "field": "image"}, "destination": {"node_id": "a", "field": "base"}},
			{"source": {"node_id": "c", "field": "image"}, "destination": {"node_id": "a", "field": "top"}},
			{"source": {"node_id": "a", "field": "image"}, "destination": {"node_id": "b", "field": "image"}},
			{"source": {"node_id": "b", "field": "image"}, "destination": {"node_id": "c", "field": "image"}}]}`,
			`Node "a" (blend): field "top" is fed by node "c", which depends on this node: the graph has a cycle.`},
		{"ErrEmptyID", `{"nodes": {"": {"type": "invert"}}}`, `Node "": node ids must be 1 to 100 characters of text, without control characters.`},
		{"ErrNullNode", `{"nodes": {"n1": null}}`, `Node "n1": the node is empty: give it a "type".`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(parse(t, tt.graph))
			checkInvalid(t, err, tt.want)
		})
	}

	t.Run("ErrTooManyNodes", func(t *testing.T) {
		g := &Graph{Nodes: map[string]map[string]any{}}
		for i := range MaxNodes + 1 {
			id := fmt.Sprintf("n%d", i)
			g.Nodes[id] = map[string]any{"id": id, "type": "solid_color"}
		}
		checkInvalid(t, Validate(g), "The graph has 201 nodes; at most 200 are allowed.")
		delete(g.Nodes, "n0")
		if err := Validate(g); err != nil {
			t.Fatalf("200 nodes: %v", err)
		}
	})
	t.Run("ErrNil", func(t *testing.T) {
		checkInvalid(t, Validate(nil), "The graph has no nodes: add at least one.")
	})
}

// checkInvalid checks err is an EINVALID *app.Error whose message is want,
// or, when want starts with "…", contains the rest.
func checkInvalid(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %q", want)
	}
	if code := app.ErrorCode(err); code != app.EINVALID {
		t.Errorf("code %q, want %q (%v)", code, app.EINVALID, err)
	}
	msg := app.ErrorMessage(err)
	if part, ok := strings.CutPrefix(want, "…"); ok {
		if !strings.Contains(msg, part) {
			t.Errorf("message\n  %s\ndoes not contain\n  %s", msg, part)
		}
	} else if msg != want {
		t.Errorf("message\n  %s\nwant\n  %s", msg, want)
	}
}

func TestValidateOK(t *testing.T) {
	img := fmt.Sprintf(`{"image_name": %q}`, imgName(1))
	tests := map[string]string{
		"EveryNodeAlone": `{"nodes": {
			"a": {"id": "a", "type": "prompt_art", "prompt": "p"},
			"b": {"id": "b", "type": "noise", "scale": 0.5, "octaves": 8, "from": "#000000", "to": "#ffffff80"},
			"c": {"id": "c", "type": "gradient", "angle": 360},
			"d": {"id": "d", "type": "solid_color", "color": {"r": 1, "g": 2, "b": 3}},
			"e": {"id": "e", "type": "load_image", "image": ` + img + `},
			"f": {"id": "f", "type": "resize", "image": ` + img + `, "mode": "stretch"},
			"g": {"id": "g", "type": "crop", "image": ` + img + `, "x": 0, "y": 16384},
			"h": {"id": "h", "type": "blur", "image": ` + img + `, "radius": 50},
			"i": {"id": "i", "type": "sharpen", "image": ` + img + `},
			"j": {"id": "j", "type": "adjust", "image": ` + img + `, "hue": -180, "brightness": -1},
			"k": {"id": "k", "type": "grayscale", "image": ` + img + `},
			"l": {"id": "l", "type": "invert", "image": ` + img + `},
			"m": {"id": "m", "type": "blend", "base": ` + img + `, "top": ` + img + `, "mode": "overlay"},
			"n": {"id": "n", "type": "paste", "base": ` + img + `, "top": ` + img + `, "x": -16384},
			"o": {"id": "o", "type": "save_image", "image": ` + img + `, "board": {"board_id": "b1"}},
			"p": {"id": "p", "type": "save_image", "image": ` + img + `, "board_name": "Foxes"},
			"q": {"id": "q", "type": "save_image", "image": ` + img + `, "board": {"board_id": "none"}, "board_name": "Foxes"}}}`,
		// InvokeAI writes null for connected inputs, and is_intermediate
		// and use_cache on every node; ids may be left out.
		"InvokeAIExtras": `{"nodes": {
			"a": {"type": "prompt_art", "prompt": "p", "seed": 3.0, "is_intermediate": true, "use_cache": false},
			"b": {"id": "b", "type": "blur", "image": null, "is_intermediate": false}},
			"edges": [{"source": {"node_id": "a", "field": "image"}, "destination": {"node_id": "b", "field": "image"}}]}`,
		"IntIntoFloat": `{"nodes": {
			"a": {"id": "a", "type": "solid_color", "width": 40},
			"b": {"id": "b", "type": "blur"}},
			"edges": [{"source": {"node_id": "a", "field": "image"}, "destination": {"node_id": "b", "field": "image"}},
			          {"source": {"node_id": "a", "field": "width"}, "destination": {"node_id": "b", "field": "radius"}}]}`,
	}
	for name, src := range tests {
		t.Run(name, func(t *testing.T) {
			if err := Validate(parse(t, src)); err != nil {
				t.Fatal(err)
			}
		})
	}
	t.Run("Workflows", func(t *testing.T) {
		for _, w := range Workflows() {
			g := fillRequired(t, w)
			if err := Validate(&g); err != nil {
				t.Errorf("%s: %v", w.ID, err)
			}
		}
	})
}

// fillRequired fills a workflow's empty required fields, as its form would.
func fillRequired(t *testing.T, w Workflow) Graph {
	t.Helper()
	g := w.Graph
	for _, f := range w.Fields {
		if _, set := g.Nodes[f.NodeID][f.Field]; set || !f.Required {
			continue
		}
		var v any
		switch f.Kind {
		case KindImage:
			v = map[string]any{"image_name": imgName(1)}
		case KindModel:
			v = "studio/dream"
		default:
			t.Fatalf("%s: no test value for required %s field %s", w.ID, f.Kind, f.Field)
		}
		if err := SetField(&g, f.NodeID, f.Field, v); err != nil {
			t.Fatal(err)
		}
	}
	return g
}

func TestSetField(t *testing.T) {
	src := `{"nodes": {
		"art": {"id": "art", "type": "prompt_art", "prompt": "p", "seed": 1},
		"blur": {"id": "blur", "type": "blur"},
		"save": {"id": "save", "type": "save_image", "board_name": "Foxes"}},
		"edges": [{"source": {"node_id": "art", "field": "image"}, "destination": {"node_id": "blur", "field": "image"}},
		          {"source": {"node_id": "blur", "field": "image"}, "destination": {"node_id": "save", "field": "image"}}]}`

	t.Run("OK", func(t *testing.T) {
		g := parse(t, src)
		for _, c := range []struct {
			node, field string
			value, want any
		}{
			{"art", "seed", 99.0, 99.0},
			{"art", "seed", 7, 7.0}, // a Go int is stored as JSON would have it
			{"art", "prompt", "a blue whale", "a blue whale"},
			{"art", "width", int64(64), 64.0},
			{"blur", "radius", 2.5, 2.5},
			{"save", "board_name", "Whales", "Whales"},
			{"save", "board_name", nil, nil},
			{"save", "board", BoardRef{BoardID: "b1"}, map[string]any{"board_id": "b1"}},
		} {
			if err := SetField(g, c.node, c.field, c.value); err != nil {
				t.Fatalf("%s.%s = %v: %v", c.node, c.field, c.value, err)
			}
			if got := g.Nodes[c.node][c.field]; fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("%s.%s = %#v, want %#v", c.node, c.field, got, c.want)
			}
		}
		if err := Validate(g); err != nil {
			t.Fatal(err)
		}
	})

	for _, c := range []struct {
		name, node, field string
		value             any
		want              string
	}{
		{"ErrUnknownNode", "nope", "seed", 1, `There is no node "nope" in the graph to set "seed" on.`},
		{"ErrUnknownField", "art", "colour", 1, `Node "art" (prompt_art): there is no field "colour". Its fields are: prompt, seed, width, height.`},
		{"ErrOutOfRange", "art", "width", 99999, `Node "art" (prompt_art): field "width" must be between 8 and 4096, not 99999.`},
		{"ErrNotWhole", "art", "seed", 1.5, `Node "art" (prompt_art): field "seed" must be a whole number, not 1.5.`},
		{"ErrSeedRange", "art", "seed", -1, `Node "art" (prompt_art): field "seed" must be between 0 and 4294967295, not -1.`},
		{"ErrWrongType", "art", "prompt", 5, `Node "art" (prompt_art): field "prompt" must be text, not 5.`},
		{"ErrConnected", "blur", "image", map[string]any{"image_name": imgName(1)},
			`Node "blur" (blur): field "image" is connected to node "art", so a value set on it would be ignored.`},
		{"ErrBoardBoth", "save", "board", map[string]any{"board_id": "b1"}, `Node "save" (save_image): set either "board" or "board_name", not both.`},
		{"ErrNotJSON", "art", "prompt", func() {}, `…Node "art" (prompt_art): field "prompt" cannot take this value`},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := parse(t, src)
			before := fmt.Sprint(g.Nodes)
			checkInvalid(t, SetField(g, c.node, c.field, c.value), c.want)
			if after := fmt.Sprint(g.Nodes); after != before {
				t.Errorf("graph changed on error:\n%s\n%s", before, after)
			}
		})
	}
}
