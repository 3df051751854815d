package main

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"easel/app/desktop"
)

// TestTypesUpToDate: the committed types.gen.ts is what the Go types make.
func TestTypesUpToDate(t *testing.T) {
	want, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../" + Out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is stale: run `make types` and commit it", Out)
	}
}

// TestShapes spot-checks what the UI relies on.
func TestShapes(t *testing.T) {
	out, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	ts := string(out)
	for _, want := range []string{
		"export interface User {\n  user_id: string;",
		"  last_login_at: string | null;\n", // a pointer
		"  batch_id?: string;\n",            // omitempty
		"  cover_image_name: string | null;\n",
		"  done: string[] | null;\n", // a nil slice is null
		"  display_name?: string;\n", // a request's pointer: leave it out to keep the value
		"  my_role: BoardRole;\n",
		"export interface WorkflowField {\n  label: string;\n  node_id: string;\n  field: string;\n  name: string;\n  kind: FieldKind;", // FieldSpec flattened
		"export type QueueStatus = 'pending' | 'in_progress' | 'completed' | 'failed' | 'canceled';",
		"export interface WindowError {\n  status: number;\n  detail: string;\n  retry_after: number;\n}",
	} {
		if !strings.Contains(ts, want) {
			t.Errorf("types.gen.ts lacks %q", want)
		}
	}
}

// TestEveryBoundTypeIsListed: each struct or string type a bound method
// takes or returns is in the bridge (the generator checks what those refer
// to), so a new method cannot send the UI a type it has no declaration of.
func TestEveryBoundTypeIsListed(t *testing.T) {
	listed := map[reflect.Type]bool{}
	for _, d := range bridge {
		listed[d.Go] = true
	}
	for _, b := range desktop.NewSession(desktop.Services{}).Bindings() {
		typ := reflect.TypeOf(b)
		for i := 0; i < typ.NumMethod(); i++ {
			m := typ.Method(i).Type
			var crossing []reflect.Type
			for j := 1; j < m.NumIn(); j++ {
				crossing = append(crossing, m.In(j))
			}
			for j := 0; j < m.NumOut(); j++ {
				crossing = append(crossing, m.Out(j))
			}
			for _, c := range crossing {
				for c.Kind() == reflect.Pointer || c.Kind() == reflect.Slice {
					c = c.Elem()
				}
				if c.PkgPath() != "" && c.Kind() != reflect.Interface && !listed[c] {
					t.Errorf("%s.%s uses %s, which cmd/tsgen/bridge.go does not list", typ.Elem().Name(), typ.Method(i).Name, c)
				}
			}
		}
	}
}

// unlisted are constants of a union's Go type that the UI never receives.
var unlisted = map[string]bool{"app.RoleNone": true} // a share always has a role

// TestUnionsHaveEveryConstant: a union lists every constant of its Go type,
// so a new visibility or status cannot reach the UI outside its type.
func TestUnionsHaveEveryConstant(t *testing.T) {
	for _, d := range bridge {
		if d.Go == nil || d.Values() == nil {
			continue
		}
		dir := "../../" + strings.TrimPrefix(d.Go.PkgPath(), "easel/")
		for name, value := range typedConstants(t, dir, d.Go.Name()) {
			qualified := d.Go.String()[:strings.Index(d.Go.String(), ".")+1] + name
			if !slices.Contains(d.Values(), value) && !unlisted[qualified] {
				t.Errorf("%s: %s (%q) is missing from the union", d.Name, qualified, value)
			}
		}
	}
}

// typedConstants returns the string constants declared with type typeName
// in the Go files of dir.
func typedConstants(t *testing.T, dir, typeName string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	fset := token.NewFileSet()
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, dir+"/"+e.Name(), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != typeName {
					continue
				}
				for i, n := range vs.Names {
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						out[n.Name], _ = strconv.Unquote(lit.Value)
					}
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("no constants of type %s in %s", typeName, dir)
	}
	return out
}
