package store

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"easel/app"
	"easel/store/kv"

	"github.com/google/uuid"
)

// Files of style presets, as InvokeAI's: CSV with the columns name,
// prompt (or positive_prompt) and negative_prompt, or a JSON list of
// objects with the same keys. An import is checked whole before anything
// is kept, and a bad row names itself and what is wrong with it.

// maxRowErrors is how many bad rows an import's error names; the rest are counted.
const maxRowErrors = 10

// rowErrors gathers what is wrong with an import's rows.
type rowErrors struct {
	list []string
	n    int
}

func (r *rowErrors) add(where string, err error) {
	r.n++
	if len(r.list) < maxRowErrors {
		r.list = append(r.list, where+": "+app.ErrorMessageOrText(err))
	}
}

func (r *rowErrors) err() error {
	if r.n == 0 {
		return nil
	}
	msg := strings.Join(r.list, " ")
	if more := r.n - len(r.list); more > 0 {
		msg += fmt.Sprintf(" … and %d more.", more)
	}
	noun := "row is"
	if r.n > 1 {
		noun = "rows are"
	}
	return app.Errorf(app.EINVALID, "Nothing was imported: %d %s wrong. %s Fix them and import the file again.", r.n, noun, msg)
}

var errTooManyRows = app.Errorf(app.EINVALID, "The file holds more than %d style presets; import at most %d at once (split the file).", app.MaxPresetImportRows, app.MaxPresetImportRows)

// parsePresetFile reads a file of presets in format, each checked.
func parsePresetFile(data []byte, format string) ([]app.StylePresetInput, error) {
	if len(data) > app.MaxPresetImportBytes {
		return nil, app.Errorf(app.EINVALID, "The file is larger than %d MB, too large for a file of style presets.", app.MaxPresetImportBytes>>20)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a spreadsheet's byte-order mark
	var ins []app.StylePresetInput
	var err error
	switch format {
	case app.PresetFileCSV:
		ins, err = parsePresetCSV(data)
	case app.PresetFileJSON:
		ins, err = parsePresetJSON(data)
	default:
		_, err = app.PresetFileFormat("", "")
	}
	if err == nil && len(ins) == 0 {
		err = app.Errorf(app.EINVALID, "The file holds no style presets: it needs a row (or an item) for each, with a name, a prompt and a negative prompt.")
	}
	return ins, err
}

// csvHeader is what the first row of a CSV file must name.
const csvHeader = "name, prompt (or positive_prompt) and negative_prompt"

func parsePresetCSV(data []byte) ([]app.StylePresetInput, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1 // a short row is a row's error, not the file's
	head, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil
	}
	if err != nil {
		return nil, app.Errorf(app.EINVALID, "The CSV file cannot be read: %v.", err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	name, okName := col["name"]
	prompt, okPrompt := col["positive_prompt"]
	if !okPrompt {
		prompt, okPrompt = col["prompt"]
	}
	negative, okNegative := col["negative_prompt"]
	if !okName || !okPrompt || !okNegative {
		return nil, app.Errorf(app.EINVALID, "The first row of a CSV file of style presets names its columns: %s. This one has %q.", csvHeader, strings.Join(head, ","))
	}
	var ins []app.StylePresetInput
	var bad rowErrors
	for row := 2; ; row++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil { // a stray quote: what follows cannot be trusted
			bad.add(fmt.Sprintf("Row %d", row), app.Errorf(app.EINVALID, "the CSV is malformed here (%v)", err))
			break
		}
		if len(ins) == app.MaxPresetImportRows {
			return nil, errTooManyRows
		}
		if len(rec) < len(head) {
			bad.add(fmt.Sprintf("Row %d", row), app.Errorf(app.EINVALID, "it has %d field%s; the first row names %d", len(rec), plural(len(rec)), len(head)))
			continue
		}
		field := func(i int) string {
			return unescapeFormula(rec[i])
		}
		in := app.StylePresetInput{Name: field(name), PositivePrompt: field(prompt), NegativePrompt: field(negative)}
		if err := in.Check(); err != nil {
			bad.add(fmt.Sprintf("Row %d", row), err)
		}
		ins = append(ins, in)
	}
	return ins, bad.err()
}

func parsePresetJSON(data []byte) ([]app.StylePresetInput, error) {
	var items []json.RawMessage
	if err := json.Unmarshal(data, &items); err != nil {
		return nil, app.Errorf(app.EINVALID, `A JSON file of style presets is a list, as [{"name": "…", "prompt": "…", "negative_prompt": "…"}]; this one is not (%v).`, err)
	}
	if len(items) > app.MaxPresetImportRows {
		return nil, errTooManyRows
	}
	var ins []app.StylePresetInput
	var bad rowErrors
	for i, raw := range items {
		where := fmt.Sprintf("Item %d", i+1)
		in, err := presetFromJSON(raw)
		if err == nil {
			err = in.Check()
		}
		if err != nil {
			bad.add(where, err)
		}
		ins = append(ins, in)
	}
	return ins, bad.err()
}

// presetFromJSON reads one item of a JSON file, saying which key is wrong.
func presetFromJSON(raw json.RawMessage) (app.StylePresetInput, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return app.StylePresetInput{}, app.Errorf(app.EINVALID, `it must be an object, as {"name": "…", "prompt": "…", "negative_prompt": "…"}`)
	}
	str := func(key string) (string, bool, error) {
		v, ok := obj[key]
		if !ok {
			return "", false, nil
		}
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return "", true, app.Errorf(app.EINVALID, "%s must be a string", key)
		}
		return s, true, nil
	}
	var in app.StylePresetInput
	var err error
	var has bool
	if in.Name, _, err = str("name"); err != nil {
		return in, err
	}
	if in.PositivePrompt, has, err = str("positive_prompt"); err != nil {
		return in, err
	}
	if !has {
		if in.PositivePrompt, has, err = str("prompt"); err != nil {
			return in, err
		}
	}
	if !has {
		return in, app.Errorf(app.EINVALID, "it needs a prompt (or positive_prompt)")
	}
	if in.NegativePrompt, _, err = str("negative_prompt"); err != nil {
		return in, err
	}
	return in, nil
}

// A spreadsheet runs a cell that begins with one of these as a formula: an
// exported name like "=HYPERLINK(…)" would act on whoever opens the file.
// Export puts a quote mark before them, as spreadsheets themselves do, and
// import takes it off, so a file goes round unchanged.
const formulaStarts = "=+-@\t\r"

func escapeFormula(s string) string {
	if s != "" && strings.ContainsRune(formulaStarts, rune(s[0])) {
		return "'" + s
	}
	return s
}

func unescapeFormula(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune(formulaStarts, rune(s[1])) {
		return s[1:]
	}
	return s
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// ImportStylePresets keeps every preset of a CSV or JSON file as the
// caller's, private, in one transaction: all of them or, if any row is
// wrong, none.
func (s *StylePresetService) ImportStylePresets(ctx context.Context, data []byte, format string) ([]*app.StylePreset, error) {
	ins, err := parsePresetFile(data, format)
	if err != nil {
		return nil, err
	}
	out := make([]*app.StylePreset, 0, len(ins))
	err = s.db.write(ctx, func(tx kv.Tx, actor *userRecord) error {
		owners := newNames(tx)
		for _, in := range ins {
			in.Type, in.IsPublic = app.PresetTypeUser, nil
			p, err := s.createTx(tx, uuid.NewString(), actor.UserID, in, nil)
			if err != nil {
				return err
			}
			out = append(out, p.view(p.access(actor, app.RoleNone), owners))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ExportStylePresets writes the caller's own presets as CSV, by name; an
// admin's holds everyone's but the built-in ones.
func (s *StylePresetService) ExportStylePresets(ctx context.Context) ([]byte, error) {
	var rows [][]string
	err := s.db.read(ctx, func(tx kv.Tx, actor *userRecord) error {
		everyone := app.Allowed(app.KindStylePreset, app.ActListAll, app.RelationsOf(&actor.User, ""))
		return eachVisiblePreset(tx, actor, func(p *stylePresetRecord, _ app.Access) {
			if p.Owner == actor.UserID || (everyone && p.Owner != app.SystemUserID) {
				rows = append(rows, []string{escapeFormula(p.Name), escapeFormula(p.Positive), escapeFormula(p.Negative)})
			}
		})
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(rows, func(a, b []string) int { return strings.Compare(strings.ToLower(a[0]), strings.ToLower(b[0])) })
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"name", "prompt", "negative_prompt"})
	w.WriteAll(rows) // flushes; a bytes.Buffer does not fail
	return buf.Bytes(), w.Error()
}
