package app_test

import (
	"strings"
	"testing"

	"easel/app"
)

func TestExpandTemplate(t *testing.T) {
	for _, c := range []struct{ template, prompt, want string }{
		{"{prompt}, watercolour", "a lake", "a lake, watercolour"},
		{"a photo of {prompt}. {prompt} again", "a cat", "a photo of a cat. a cat again"},
		{"watercolour, soft", "a lake", "a lake, watercolour, soft"}, // no placeholder: the prompt first
		{"  watercolour ", " a lake ", "a lake, watercolour"},
		{"", "a lake", "a lake"},
		{"watercolour", "", "watercolour"},
		{"{prompt}, watercolour", "", "watercolour"}, // no dangling ", "
		{"{prompt}", "", ""},
		{"", "", ""},
		{"{PROMPT} is not the placeholder", "x", "x, {PROMPT} is not the placeholder"},
	} {
		if got := app.ExpandTemplate(c.template, c.prompt); got != c.want {
			t.Errorf("ExpandTemplate(%q, %q) = %q, want %q", c.template, c.prompt, got, c.want)
		}
	}
	pos, neg := app.PresetData{PositivePrompt: "{prompt}, ink", NegativePrompt: "blurry"}.Expand("a fox", "text")
	if pos != "a fox, ink" || neg != "text, blurry" {
		t.Fatalf("Expand: %q, %q", pos, neg)
	}
}

// Easel's own presets are good ones: each is valid, has a unique id and
// name, and takes the prompt in both templates.
func TestBuiltinStylePresets(t *testing.T) {
	b := app.BuiltinStylePresets()
	if len(b) < 6 {
		t.Fatalf("%d built-in presets", len(b))
	}
	ids, names := map[string]bool{}, map[string]bool{}
	for _, p := range b {
		in := app.StylePresetInput{Name: p.Name, PositivePrompt: p.PositivePrompt, NegativePrompt: p.NegativePrompt, Type: app.PresetTypeDefault}
		if err := in.Check(); err != nil || in.Name != p.Name {
			t.Errorf("%s: %v", p.ID, err)
		}
		if !strings.HasPrefix(p.ID, "default_") || ids[p.ID] || names[p.Name] {
			t.Errorf("%s (%s): ids start default_ and are unique, as are names", p.ID, p.Name)
		}
		ids[p.ID], names[p.Name] = true, true
		if !strings.Contains(p.PositivePrompt, app.PromptPlaceholder) || !strings.Contains(p.NegativePrompt, app.PromptPlaceholder) {
			t.Errorf("%s: a template without %s", p.ID, app.PromptPlaceholder)
		}
	}
}

func TestStylePresetInputCheck(t *testing.T) {
	for name, c := range map[string]struct {
		in   app.StylePresetInput
		want string
	}{
		"blank name":    {app.StylePresetInput{Name: "   "}, "needs a name"},
		"a line break":  {app.StylePresetInput{Name: "a\nb"}, "one line"},
		"long":          {app.StylePresetInput{Name: strings.Repeat("é", 201)}, "201 characters"},
		"bad UTF-8":     {app.StylePresetInput{Name: "ok", NegativePrompt: "\xff"}, "negative prompt is not valid text"},
		"NUL":           {app.StylePresetInput{Name: "ok", PositivePrompt: "a\x00b"}, "NUL"},
		"a type":        {app.StylePresetInput{Name: "ok", Type: "system"}, "user or default"},
		"huge template": {app.StylePresetInput{Name: "ok", PositivePrompt: strings.Repeat("x", app.MaxPromptTemplateBytes+1)}, "at most 16 KB"},
	} {
		err := c.in.Check()
		if app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
	in := app.StylePresetInput{Name: "  Émoji 🎨, «quotes»  ", PositivePrompt: "line\nbreaks are fine"}
	if err := in.Check(); err != nil || in.Name != "Émoji 🎨, «quotes»" || in.Type != app.PresetTypeUser {
		t.Fatalf("a fine input: %+v, %v", in, err)
	}
	for ct, want := range map[[2]string]string{
		{"text/csv; charset=utf-8", ""}: "csv", {"application/json", "x.csv"}: "json", {"application/octet-stream", "P.CSV"}: "csv",
		{"", "presets.json"}: "json", {"application/vnd.ms-excel", "x"}: "csv",
	} {
		if got, err := app.PresetFileFormat(ct[0], ct[1]); err != nil || got != want {
			t.Errorf("PresetFileFormat%v = %q, %v", ct, got, err)
		}
	}
	if _, err := app.PresetFileFormat("image/png", "x.png"); app.ErrorCode(err) != app.EUNSUPPORTED {
		t.Fatalf("a PNG as presets: %v", err)
	}
}
