package tsgen

import (
	"reflect"
	"slices"
	"strings"
)

// field is one member of a struct's JSON object.
type field struct {
	name   string       // JSON name
	goName string       // Go name, for overrides
	typ    reflect.Type // Go type
	owner  reflect.Type // the struct that declares it (an embedded one, maybe)
	index  []int        // its path through embedded structs; depth is len(index)
	tagged bool         // named by its json tag

	omitempty, omitzero, quoted bool
	// viaPointer: promoted through an embedded pointer, so absent when
	// that pointer is nil.
	viaPointer bool
}

// fields lists the members of t's JSON object in encoding/json's order,
// with its rules: exported fields only, "-" dropped, embedded structs
// without a name in their tag flattened into t, and of fields that share
// a name the shallowest wins, then the one named by its tag; a tie drops
// them all.
func fields(t reflect.Type) []field {
	type embedded struct {
		typ        reflect.Type
		index      []int
		viaPointer bool
	}
	var all []field
	visited := map[reflect.Type]bool{}
	for level := []embedded{{typ: t}}; len(level) > 0; {
		var next []embedded
		for _, e := range level {
			if visited[e.typ] {
				continue // reached at a shallower depth, where its fields win
			}
			visited[e.typ] = true
			for i := 0; i < e.typ.NumField(); i++ {
				sf := e.typ.Field(i)
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if !sf.IsExported() && !(sf.Anonymous && ft.Kind() == reflect.Struct) {
					continue // an unexported embedded struct still lends its exported fields
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				index := append(slices.Clone(e.index), i)
				if name == "" && sf.Anonymous && ft.Kind() == reflect.Struct {
					next = append(next, embedded{typ: ft, index: index, viaPointer: e.viaPointer || sf.Type.Kind() == reflect.Pointer})
					continue
				}
				f := field{name: name, goName: sf.Name, typ: sf.Type, owner: e.typ, index: index, tagged: name != "", viaPointer: e.viaPointer}
				if name == "" {
					f.name = sf.Name
				}
				for _, o := range strings.Split(opts, ",") {
					switch o {
					case "omitempty":
						f.omitempty = true
					case "omitzero":
						f.omitzero = true
					case "string":
						f.quoted = true
					}
				}
				all = append(all, f)
			}
		}
		level = next
	}

	byName := map[string][]field{}
	for _, f := range all {
		byName[f.name] = append(byName[f.name], f)
	}
	var out []field
	for _, fs := range byName {
		if f, ok := dominant(fs); ok {
			out = append(out, f)
		}
	}
	slices.SortFunc(out, func(a, b field) int { return slices.Compare(a.index, b.index) })
	return out
}

// dominant picks the field that encoding/json keeps among fields of one name.
func dominant(fs []field) (field, bool) {
	depth := len(fs[0].index)
	for _, f := range fs {
		depth = min(depth, len(f.index))
	}
	var shallow, tagged []field
	for _, f := range fs {
		if len(f.index) == depth {
			shallow = append(shallow, f)
			if f.tagged {
				tagged = append(tagged, f)
			}
		}
	}
	switch {
	case len(shallow) == 1:
		return shallow[0], true
	case len(tagged) == 1:
		return tagged[0], true
	}
	return field{}, false
}
