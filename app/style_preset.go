package app

import (
	"context"
	_ "embed"
	"encoding/json"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// A style preset is a name, a positive and a negative prompt template
// with a {prompt} placeholder, and an optional preview image, kept in its
// owner's library and shared as workflows are (DESIGN.md). The built-in
// ones are the system profile's.

// PromptPlaceholder is where a template takes the person's prompt.
const PromptPlaceholder = "{prompt}"

// Bounds on a preset's fields: a name as a workflow's; a template far
// longer than any prompt a model reads, small enough that a listing of
// hundreds stays light.
const (
	MaxStylePresetNameRunes = MaxWorkflowNameRunes
	MaxPromptTemplateBytes  = 16 << 10
)

// Preset types, as InvokeAI's: the built-in ones are "default".
const (
	PresetTypeUser    = "user"
	PresetTypeDefault = "default"
)

// PresetData is a preset's two templates.
type PresetData struct {
	PositivePrompt string `json:"positive_prompt"`
	NegativePrompt string `json:"negative_prompt"`
}

// StylePreset is one preset as InvokeAI's StylePresetRecordWithImage,
// plus who owns it and what the caller may do. Image is the preview's URL,
// or null.
type StylePreset struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	PresetData PresetData `json:"preset_data"`
	Type       string     `json:"type"`
	IsPublic   bool       `json:"is_public"`
	UserID     string     `json:"user_id"`
	Image      *string    `json:"image"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	// Who owns it and what the caller may do: the same for every kind of
	// thing in a library.
	LibraryAccess
}

// StylePresetInput is what a create or an update says of a preset, as
// InvokeAI's form field "data".
type StylePresetInput struct {
	Name           string `json:"name"`
	PositivePrompt string `json:"positive_prompt"`
	NegativePrompt string `json:"negative_prompt"`
	// Type "default" makes a built-in preset, the system profile's: an
	// administrator's to add. "" is "user". An update keeps the type.
	Type string `json:"type"`
	// IsPublic shares it with everyone, or not; nil leaves it private on
	// a create and as it is on an update.
	IsPublic *bool `json:"is_public"`
}

// Check tidies in (the name trimmed, the type made explicit) and says in
// words what is wrong with it, if anything.
func (in *StylePresetInput) Check() error {
	in.Name = strings.TrimSpace(in.Name)
	switch in.Type {
	case "":
		in.Type = PresetTypeUser
	case PresetTypeUser, PresetTypeDefault:
	default:
		return Errorf(EINVALID, "A style preset's type is user or default, not %q.", in.Type)
	}
	if err := checkPresetName(in.Name); err != nil {
		return err
	}
	for _, f := range []struct{ label, v string }{{"positive prompt", in.PositivePrompt}, {"negative prompt", in.NegativePrompt}} {
		if err := checkTemplate(f.label, f.v); err != nil {
			return err
		}
	}
	return nil
}

func checkPresetName(name string) error {
	switch {
	case name == "":
		return Errorf(EINVALID, "A style preset needs a name.")
	case !utf8.ValidString(name):
		return Errorf(EINVALID, "The name is not valid text (UTF-8). Type it again.")
	case utf8.RuneCountInString(name) > MaxStylePresetNameRunes:
		return Errorf(EINVALID, "The name is %d characters long; a style preset's name has at most %d.", utf8.RuneCountInString(name), MaxStylePresetNameRunes)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return Errorf(EINVALID, "A style preset's name is one line: take out the line breaks, tabs and other control characters.")
	}
	return nil
}

func checkTemplate(label, v string) error {
	switch {
	case !utf8.ValidString(v):
		return Errorf(EINVALID, "The %s is not valid text (UTF-8). Type it again.", label)
	case len(v) > MaxPromptTemplateBytes:
		return Errorf(EINVALID, "The %s is %d KB long; a template has at most %d KB.", label, (len(v)+1023)>>10, MaxPromptTemplateBytes>>10)
	case strings.ContainsRune(v, 0):
		return Errorf(EINVALID, "The %s holds a NUL character; take it out.", label)
	}
	return nil
}

// ExpandTemplate puts prompt into a template: at every {prompt}, or, in a
// template without one, before it, joined by ", ". An empty side gives
// the other alone, without the punctuation that joined them.
func ExpandTemplate(template, prompt string) string {
	prompt = strings.TrimSpace(prompt)
	if strings.Contains(template, PromptPlaceholder) {
		out := strings.ReplaceAll(template, PromptPlaceholder, prompt)
		if prompt == "" { // no dangling "{prompt}, " punctuation before the style
			out = strings.TrimLeft(out, " ,.;:")
		}
		return strings.TrimSpace(out)
	}
	template = strings.TrimSpace(template)
	switch {
	case template == "":
		return prompt
	case prompt == "":
		return template
	}
	return prompt + ", " + template
}

// Expand is what a generation asks for with this preset: the person's
// positive and negative prompts put into the preset's templates.
func (p PresetData) Expand(positive, negative string) (string, string) {
	return ExpandTemplate(p.PositivePrompt, positive), ExpandTemplate(p.NegativePrompt, negative)
}

// ImageUpload is an image sent to become a library thing's picture (a
// style preset's preview, a workflow's thumbnail): with R, R's image (PNG,
// JPEG or WebP) becomes it. Without R, a preset's update with Keep leaves
// the preview as it is, and any other leaves none (InvokeAI's update
// without an image removes it).
type ImageUpload struct {
	R        io.Reader
	FileName string // the file's name, for messages only
	Keep     bool
}

// Formats of a file of presets to import.
const (
	PresetFileCSV  = "csv"
	PresetFileJSON = "json"
)

// PresetFileFormat tells a file of presets by its content type or, when
// that says nothing useful, its name's extension: CSV or JSON, else
// EUNSUPPORTED.
func PresetFileFormat(contentType, fileName string) (string, error) {
	ct, _, _ := strings.Cut(strings.ToLower(contentType), ";")
	switch strings.TrimSpace(ct) {
	case "text/csv", "application/csv", "application/vnd.ms-excel": // the last: Windows' name for .csv
		return PresetFileCSV, nil
	case "application/json", "text/json":
		return PresetFileJSON, nil
	}
	name := strings.ToLower(fileName)
	switch {
	case strings.HasSuffix(name, ".csv"):
		return PresetFileCSV, nil
	case strings.HasSuffix(name, ".json"):
		return PresetFileJSON, nil
	}
	return "", Errorf(EUNSUPPORTED, "Import style presets from a CSV file (text/csv) or a JSON file (application/json).")
}

// MaxPresetImportBytes and MaxPresetImportRows bound one import: far more
// than a library holds, small enough to check whole before storing any.
const (
	MaxPresetImportBytes = 4 << 20
	MaxPresetImportRows  = 5000
)

// BuiltinStylePreset is one of the presets Easel comes with. They are
// added to the library once, as the system profile's.
type BuiltinStylePreset struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	PositivePrompt string `json:"positive_prompt"`
	NegativePrompt string `json:"negative_prompt"`
}

// The built-in presets are data, not code, so that changing their words
// is an edit of one file; they are here, beside the type and its checks,
// because they are Easel's domain, not a storage detail, and the store is
// given them as it is given the built-in workflows.
//
//go:embed style_presets.json
var builtinStylePresets []byte

// BuiltinStylePresets returns the presets Easel comes with.
func BuiltinStylePresets() []BuiltinStylePreset {
	var out []BuiltinStylePreset
	if err := json.Unmarshal(builtinStylePresets, &out); err != nil {
		panic("app: style_presets.json: " + err.Error()) // Easel's own file; its test reads it
	}
	return out
}

// StylePresetService keeps each profile's style presets. Every method acts
// as the user in ctx; a preset they may not see does not exist.
type StylePresetService interface {
	// ListStylePresets lists every preset the caller may see (an admin:
	// every one), by name.
	ListStylePresets(ctx context.Context) ([]*StylePreset, error)
	FindStylePreset(ctx context.Context, id string) (*StylePreset, error)
	CreateStylePreset(ctx context.Context, in StylePresetInput, image ImageUpload) (*StylePreset, error)
	UpdateStylePreset(ctx context.Context, id string, in StylePresetInput, image ImageUpload) (*StylePreset, error)
	DeleteStylePreset(ctx context.Context, id string) error
	// CopyStylePreset saves a copy of a preset the caller may see as
	// theirs, private ("save as mine").
	CopyStylePreset(ctx context.Context, id string) (*StylePreset, error)
	// ExpandStylePreset puts prompt and negative into a preset the caller
	// may see (PresetData.Expand): what a generation with it asks for.
	ExpandStylePreset(ctx context.Context, id, prompt, negative string) (PresetData, error)
	// OpenStylePresetImage opens a preset's preview (a thumbnail of at most
	// 256 pixels a side) and says its content type.
	OpenStylePresetImage(ctx context.Context, id string) (io.ReadSeekCloser, string, error)
	// ExportStylePresets writes a CSV of name, prompt and negative_prompt:
	// the caller's own presets; an admin's, everyone's but the built-in ones.
	ExportStylePresets(ctx context.Context) ([]byte, error)
	// ImportStylePresets keeps every preset in a CSV or JSON file as the
	// caller's, private; one bad row and none is kept.
	ImportStylePresets(ctx context.Context, data []byte, format string) ([]*StylePreset, error)

	SharingService
}

// Audit actions on someone else's style preset, by an administrator, and
// on who may see one.
const (
	AuditStylePresetUpdated    = "style_preset_updated"
	AuditStylePresetDeleted    = "style_preset_deleted"
	AuditStylePresetVisibility = "style_preset_visibility"
	AuditStylePresetShared     = "style_preset_shared"
	AuditStylePresetUnshared   = "style_preset_unshared"
)
