// Package tsgen writes TypeScript declarations for Go types, by reflection,
// following encoding/json: the web UI then reads exactly what Go sends.
//
// It knows only the types it is given (see Decl): a type that refers to
// one not given is an error, not a silent `unknown`, so a new field of a
// new type cannot cross to the UI undescribed.
package tsgen

import (
	"fmt"
	"reflect"
)

// Decl is one TypeScript declaration: a Go struct as an interface, a Go
// string type (or plain strings) as a union of literals, a shape Go's
// reflection cannot see, written by hand, or a string constant.
type Decl struct {
	// Name is the TypeScript name.
	Name string
	// Go is the Go type declared; nil for a hand-written shape or a union
	// of plain strings, which only overrides refer to.
	Go reflect.Type
	// Input marks a struct that Go only decodes (a request): every field
	// is optional, and none is null.
	Input bool

	values    []string          // a union's literals
	raw       string            // a hand-written shape
	why       string            // why a shape is hand-written, or what a constant is
	constant  *string           // a constant's value
	overrides map[string]string // Go field name -> TypeScript type
}

// Struct declares the Go struct T as an interface named name, as Go
// encodes it: a pointer, slice or map field without omitempty may be null;
// an omitempty field may be absent.
func Struct[T any](name string) Decl {
	return Decl{Name: name, Go: reflect.TypeFor[T]()}
}

// Input declares the Go struct T, which Go only decodes, as an interface
// named name. encoding/json leaves a field the JSON lacks at its zero value
// (for a pointer, nil: "leave it as it is"), so every field is optional;
// the UI sends no nulls, so none is null.
func Input[T any](name string) Decl {
	d := Struct[T](name)
	d.Input = true
	return d
}

// Union declares the string type T as the union of values (its constants).
// A union of plain strings is for overrides of string fields whose values
// Go keeps as untyped constants.
func Union[T ~string](name string, values ...T) Decl {
	d := Decl{Name: name}
	if t := reflect.TypeFor[T](); t != reflect.TypeFor[string]() {
		d.Go = t
	}
	for _, v := range values {
		d.values = append(d.values, string(v))
	}
	return d
}

// Raw declares name as a TypeScript type written by hand: for shapes a
// custom MarshalJSON writes, or maps of known keys. why says what Go does,
// and is written above it.
func Raw(name, ts, why string) Decl {
	return Decl{Name: name, raw: ts, why: why}
}

// RawFor is Raw for a Go type that other types refer to (one with its
// own MarshalJSON, say): references to T use name.
func RawFor[T any](name, ts, why string) Decl {
	d := Raw(name, ts, why)
	d.Go = reflect.TypeFor[T]()
	return d
}

// Const declares a string constant of Go's (an event's name, say) as a
// TypeScript constant; doc names it in Go and says what it is.
func Const(name, value, doc string) Decl {
	return Decl{Name: name, constant: &value, why: doc}
}

// Field gives the Go field (by its Go name) a more precise TypeScript type
// than reflection finds: a union for a plain string, the shape of a
// json.RawMessage. Optional and null still follow the field's Go type and
// tags. It applies wherever the field appears, embedded ones too.
func (d Decl) Field(goName, ts string) Decl {
	if d.Go == nil || d.Go.Kind() != reflect.Struct {
		panic(fmt.Sprintf("tsgen: Field on %s, which is not a struct", d.Name))
	}
	o := map[string]string{goName: ts}
	for k, v := range d.overrides {
		o[k] = v
	}
	d.overrides = o
	return d
}

// Values are a union's literals, in order.
func (d Decl) Values() []string { return d.values }
