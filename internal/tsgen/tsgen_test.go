package tsgen

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

type color string

type base struct {
	ID    string `json:"id"`
	Shade color  `json:"shade"`
	Name  string `json:"name"` // shadowed by sample.Name
}

type extra struct {
	Note string `json:"note"`
}

type sample struct {
	base
	*extra
	Name      string            `json:"name,omitempty"`
	When      time.Time         `json:"when"`
	WhenMaybe *time.Time        `json:"when_maybe"`
	Gone      *int              `json:"gone,omitempty"`
	Tags      []string          `json:"tags"`
	Fixed     [2]int            `json:"fixed"`
	Labels    map[string]int    `json:"labels"`
	Raw       json.RawMessage   `json:"raw"`
	Any       any               `json:"any"`
	Shaped    json.RawMessage   `json:"shaped"`
	Count     int64             `json:"count,string"`
	Zero      time.Time         `json:"zero,omitzero"`
	Still     time.Time         `json:"still,omitempty"` // omitempty never drops a struct
	Inline    struct{ A bool }  `json:"inline"`
	Skipped   string            `json:"-"`
	Dash      string            `json:"-,"`
	NoTag     float64           //
	hidden    string            // unexported: not sent
	Nested    []map[string]bool `json:"nested,omitempty"`
}

type request struct {
	Name *string  `json:"name"`
	Tags []string `json:"tags"`
	Keep bool     `json:"keep"`
}

var decls = []Decl{
	Union[color]("Color", "red", "blue"),
	Struct[sample]("Sample").Field("Shaped", "{ x: number }"),
	Input[request]("Request"),
	Const("EVENT", "thing:happened", "The event's name."),
}

func generate(t *testing.T, ds ...Decl) string {
	t.Helper()
	out, err := Generate([]string{"a header"}, ds)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// members reads an interface's members from generated TypeScript.
func members(t *testing.T, ts, name string) map[string]string {
	t.Helper()
	m := regexp.MustCompile(`(?s)export interface ` + name + ` \{\n(.*?)\n\}`).FindStringSubmatch(ts)
	if m == nil {
		t.Fatalf("no interface %s in:\n%s", name, ts)
	}
	out := map[string]string{}
	for _, line := range strings.Split(m[1], "\n") {
		k, v, _ := strings.Cut(strings.TrimSuffix(strings.TrimSpace(line), ";"), ": ")
		out[k] = v
	}
	return out
}

func TestShapes(t *testing.T) {
	ts := generate(t, decls...)
	if !strings.HasPrefix(ts, "// a header\n") {
		t.Errorf("header missing:\n%s", ts)
	}
	if !strings.Contains(ts, "export type Color = 'red' | 'blue';") {
		t.Errorf("union missing:\n%s", ts)
	}
	if !strings.Contains(ts, "/** The event's name. */\nexport const EVENT = 'thing:happened';") {
		t.Errorf("constant missing:\n%s", ts)
	}
	got := members(t, ts, "Sample")
	want := map[string]string{
		"id":         "string",
		"shade":      "Color",
		"note?":      "string", // through a nil-able embedded pointer
		"name?":      "string", // the outer field wins
		"when":       "string",
		"when_maybe": "string | null",
		"gone?":      "number",
		"tags":       "string[] | null",
		"fixed":      "number[]",
		"labels":     "Record<string, number> | null",
		"raw":        "unknown",
		"any":        "unknown",
		"shaped":     "{ x: number } | null",
		"count":      "string",
		"zero?":      "string",
		"still":      "string",
		"inline":     "{ A: boolean }",
		"'-'":        "string",
		"NoTag":      "number",
		"nested?":    "Record<string, boolean>[]",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("Sample[%s] = %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("Sample has %d members, want %d: %v", len(got), len(want), got)
	}
	req := members(t, ts, "Request")
	if req["name?"] != "string" || req["tags?"] != "string[]" || req["keep?"] != "boolean" {
		t.Errorf("Request = %v: a request's fields are optional and none is null", req)
	}
}

// TestAgreesWithEncodingJSON checks the rules against encoding/json itself:
// of a zero value, Go writes exactly the members that are not optional, and
// writes null exactly where the type says it may.
func TestAgreesWithEncodingJSON(t *testing.T) {
	b, err := json.Marshal(sample{})
	if err != nil {
		t.Fatal(err)
	}
	var sent map[string]json.RawMessage
	if err := json.Unmarshal(b, &sent); err != nil {
		t.Fatal(err)
	}
	got := members(t, generate(t, decls...), "Sample")
	for k, ty := range got {
		name, optional := strings.CutSuffix(strings.Trim(k, "'"), "?")
		v, present := sent[name]
		if present == optional {
			t.Errorf("%s: optional %v, but a zero value has it: %v", name, optional, present)
		}
		if present && (string(v) == "null") != (strings.HasSuffix(ty, "| null") || ty == "unknown") {
			t.Errorf("%s: type %q, but a zero value sends %s", name, ty, v)
		}
		delete(sent, name)
	}
	if len(sent) > 0 {
		t.Errorf("Go sends members the type lacks: %v", sent)
	}
}

type selfish struct{}

func (selfish) MarshalJSON() ([]byte, error) { return []byte(`1`), nil }

func TestRefusals(t *testing.T) {
	type undeclared struct{ X int }
	type refers struct {
		U undeclared `json:"u"`
		C color      `json:"c"`
		S selfish    `json:"s"`
	}
	_, err := Generate(nil, []Decl{Struct[refers]("Refers").Field("Missing", "string"), Struct[sample]("Refers")})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"Refers.u: tsgen.undeclared is not declared", "Refers.c: tsgen.color is a string type of its own",
		"Refers.s: tsgen.selfish encodes itself", "override of Missing", "Refers is declared twice"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if _, err := Generate(nil, []Decl{RawFor[selfish]("Selfish", "number", "MarshalJSON writes a number."), Struct[struct {
		S selfish `json:"s"`
	}]("Uses")}); err != nil {
		t.Errorf("a type described with RawFor: %v", err)
	}
}

type page[T any] struct {
	Items []T    `json:"items"`
	Next  string `json:"next_cursor"`
}

type holder struct {
	Samples page[*base]      `json:"samples"`
	Times   *page[time.Time] `json:"times"`
}

// TestGenericInstantiations: an instantiation of a generic type is declared
// under the name it is listed with, referred to by that name, and its doc
// names it as Go source does.
func TestGenericInstantiations(t *testing.T) {
	ts := generate(t, Union("Color", color("red")), Struct[base]("Base"), Struct[page[*base]]("BasePage"),
		Struct[page[time.Time]]("TimePage"), Struct[holder]("Holder"))
	if got := members(t, ts, "BasePage"); got["items"] != "Base[] | null" || got["next_cursor"] != "string" {
		t.Errorf("BasePage = %v", got)
	}
	if got := members(t, ts, "Holder"); got["samples"] != "BasePage" || got["times"] != "TimePage | null" {
		t.Errorf("Holder = %v", got)
	}
	for _, want := range []string{"/** tsgen.page[*tsgen.base] */\nexport interface BasePage", "/** tsgen.page[time.Time] */\nexport interface TimePage"} {
		if !strings.Contains(ts, want) {
			t.Errorf("missing %q in:\n%s", want, ts)
		}
	}
	if got := goName(reflect.TypeFor[page[*page[map[string]*base]]]()); got != "tsgen.page[*tsgen.page[map[string]*tsgen.base]]" {
		t.Errorf("goName = %q", got)
	}
}

// TestOverridePromotedField: an override names a field promoted from an
// embedded struct as it names the declared type's own.
func TestOverridePromotedField(t *testing.T) {
	out, err := Generate(nil, []Decl{Union[color]("Color", "red", "blue"), Struct[sample]("Sample").Field("ID", "'a' | 'b'")})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "  id: 'a' | 'b';\n") {
		t.Fatalf("the promoted field kept its own type:\n%s", out)
	}
}
