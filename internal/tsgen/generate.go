package tsgen

import (
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"time"
)

var (
	timeType      = reflect.TypeFor[time.Time]()
	rawType       = reflect.TypeFor[json.RawMessage]()
	marshalerType = reflect.TypeFor[json.Marshaler]()
	textType      = reflect.TypeFor[encoding.TextMarshaler]()
)

// Generate returns the TypeScript for decls, in their order, after header
// (comment lines, without their "// "). It fails, naming every problem, when
// a declared type refers to a Go type that is not declared, when a type has
// its own MarshalJSON that no RawFor describes, or when an override names
// no field.
func Generate(header []string, decls []Decl) ([]byte, error) {
	g := &gen{names: map[reflect.Type]string{}, overrides: map[reflect.Type]map[string]string{}}
	seen := map[string]bool{}
	for _, d := range decls {
		if seen[d.Name] {
			g.fail("%s is declared twice", d.Name)
		}
		seen[d.Name] = true
		if d.Go == nil {
			continue
		}
		if other, ok := g.names[d.Go]; ok {
			g.fail("%s is declared as both %s and %s", d.Go, other, d.Name)
		}
		g.names[d.Go] = d.Name
		if len(d.overrides) > 0 {
			g.overrides[d.Go] = d.overrides
			for f := range d.overrides {
				if _, ok := d.Go.FieldByName(f); !ok {
					g.fail("%s: override of %s, which has no such field", d.Name, f)
				}
			}
		}
	}

	var b strings.Builder
	for _, line := range header {
		b.WriteString(strings.TrimRight("// "+line, " ") + "\n")
	}
	for _, d := range decls {
		b.WriteString("\n")
		g.decl(&b, d)
	}
	if len(g.errs) > 0 {
		return nil, errors.New("tsgen: " + strings.Join(g.errs, "\ntsgen: "))
	}
	return []byte(b.String()), nil
}

type gen struct {
	names     map[reflect.Type]string
	overrides map[reflect.Type]map[string]string
	errs      []string
}

func (g *gen) fail(format string, args ...any) {
	g.errs = append(g.errs, fmt.Sprintf(format, args...))
}

func (g *gen) decl(b *strings.Builder, d Decl) {
	switch {
	case d.constant != nil:
		fmt.Fprintf(b, "/** %s */\nexport const %s = %s;\n", d.why, d.Name, quote(*d.constant))
	case d.raw != "":
		fmt.Fprintf(b, "/** %s */\nexport type %s = %s;\n", d.why, d.Name, d.raw)
	case d.values != nil:
		lits := make([]string, len(d.values))
		for i, v := range d.values {
			lits[i] = quote(v)
		}
		fmt.Fprintf(b, "%sexport type %s = %s;\n", doc(d), d.Name, strings.Join(lits, " | "))
	case d.Go != nil && d.Go.Kind() == reflect.Struct:
		fmt.Fprintf(b, "%sexport interface %s {\n", doc(d), d.Name)
		for _, f := range fields(d.Go) {
			// An override on the declared type wins over its embedded
			// struct's own, for the fields promoted from it too.
			if _, ok := g.overrides[d.Go][f.goName]; ok {
				f.owner = d.Go
			}
			fmt.Fprintf(b, "  %s;\n", g.field(f, d.Input, d.Name))
		}
		b.WriteString("}\n")
	default:
		g.fail("%s: %v is neither a struct nor a union", d.Name, d.Go)
	}
}

// doc names the Go type a declaration comes from, so a reader can find
// its comments.
func doc(d Decl) string {
	if d.Go == nil {
		return ""
	}
	s := goName(d.Go)
	if d.Input {
		s += ", which Go only decodes"
	}
	return "/** " + s + " */\n"
}

// pkgPaths are the import paths reflect writes into the type arguments of a
// generic type's name: app.Page[*easel/app.Board].
var pkgPaths = regexp.MustCompile(`[\w.\-]+(/[\w.\-]+)*/`)

// goName is t as Go source names it: a generic instantiation with its type
// arguments' package names, not their import paths (app.Page[*app.Board]).
func goName(t reflect.Type) string { return pkgPaths.ReplaceAllString(t.String(), "") }

// field writes one member: its JSON name, whether it may be absent, its
// type, and whether it may be null.
func (g *gen) field(f field, input bool, where string) string {
	where += "." + f.name
	ts, ok := g.overrides[f.owner][f.goName]
	if !ok {
		ts = g.ts(f.typ, where)
	}
	k := f.typ.Kind()
	if f.quoted && isScalar(k) {
		ts = "string" // ",string": the value inside a JSON string
	}
	nilable := k == reflect.Pointer || k == reflect.Map || k == reflect.Interface || k == reflect.Slice
	optional := f.omitzero || f.viaPointer || (f.omitempty && emptiable(k))
	null := false
	if input {
		optional = true
	} else {
		null = nilable && !(f.omitempty || f.omitzero) && ts != "unknown"
	}
	if null {
		ts += " | null"
	}
	name := f.name
	if !isIdent(name) {
		name = quote(name)
	}
	if optional {
		name += "?"
	}
	return name + ": " + ts
}

// ts is the TypeScript type of a Go type, without null: whether a value
// may be null depends on the field that holds it (see field). Elements of
// slices and values of maps are never null: Easel sends no nil in a list.
func (g *gen) ts(t reflect.Type, where string) string {
	if name, ok := g.names[t]; ok {
		return name
	}
	switch t {
	case timeType:
		return "string" // RFC 3339
	case rawType:
		return "unknown" // any JSON; give a field its shape with Field
	}
	if t.Kind() == reflect.Pointer {
		return g.ts(t.Elem(), where)
	}
	if t.Implements(marshalerType) || reflect.PointerTo(t).Implements(marshalerType) ||
		t.Implements(textType) || reflect.PointerTo(t).Implements(textType) {
		g.fail("%s: %s encodes itself (MarshalJSON or MarshalText); describe it with RawFor", where, t)
		return "unknown"
	}
	switch k := t.Kind(); {
	case k == reflect.Bool:
		return "boolean"
	case isNumber(k):
		return "number"
	case k == reflect.String:
		if t.PkgPath() != "" {
			g.fail("%s: %s is a string type of its own; declare its values with Union", where, t)
		}
		return "string"
	case k == reflect.Interface:
		return "unknown"
	case k == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		return "string" // base64
	case k == reflect.Slice || k == reflect.Array:
		el := g.ts(t.Elem(), where+"[]")
		if strings.ContainsAny(el, "|&") {
			el = "(" + el + ")"
		}
		return el + "[]"
	case k == reflect.Map:
		if kk := t.Key().Kind(); kk != reflect.String && !isNumber(kk) && !t.Key().Implements(textType) {
			g.fail("%s: map key %s cannot be a JSON object's key", where, t.Key())
		}
		return "Record<string, " + g.ts(t.Elem(), where+"[]") + ">"
	case k == reflect.Struct && t.Name() == "":
		var parts []string
		for _, f := range fields(t) {
			parts = append(parts, g.field(f, false, where))
		}
		return "{ " + strings.Join(parts, "; ") + " }"
	case k == reflect.Struct:
		g.fail("%s: %s is not declared; add it to the list", where, t)
		return "unknown"
	}
	g.fail("%s: %s cannot be sent as JSON", where, t)
	return "unknown"
}

func isNumber(k reflect.Kind) bool {
	return (k >= reflect.Int && k <= reflect.Uint64) || k == reflect.Float32 || k == reflect.Float64
}

func isScalar(k reflect.Kind) bool { return k == reflect.Bool || k == reflect.String || isNumber(k) }

// emptiable reports whether omitempty can leave out a value of kind k:
// encoding/json never treats a struct as empty.
func emptiable(k reflect.Kind) bool {
	switch k {
	case reflect.Struct, reflect.Func, reflect.Chan, reflect.Complex64, reflect.Complex128, reflect.UnsafePointer:
		return false
	}
	return true
}

func isIdent(s string) bool {
	for i, r := range s {
		if !(r == '_' || r == '$' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

func quote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`).Replace(s) + "'"
}
