package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"slices"
	"strings"
	"testing"

	"easel/app"
	"easel/app/accesstest"
	"easel/store"
)

func presetIn(name string) app.StylePresetInput {
	return app.StylePresetInput{Name: name, PositivePrompt: "{prompt}, in ink", NegativePrompt: "blurry"}
}

func pngImage(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 90, 255})
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}

func withImage(data []byte) app.ImageUpload {
	return app.ImageUpload{R: bytes.NewReader(data), FileName: "preview.png"}
}

// presetDriver runs the library matrix on style presets through the services.
type presetDriver struct {
	sp  *store.StylePresetService
	ctx map[accesstest.Role]context.Context
	ids map[accesstest.Role]string
}

func (d *presetDriver) New(t *testing.T, role accesstest.Role) string {
	owner := d.ctx[accesstest.Owner]
	in := presetIn("For " + string(role))
	in.IsPublic = ptr(role == accesstest.Shared)
	p, err := d.sp.CreateStylePreset(owner, in, withImage(accesstest.PNG(1)))
	if err != nil {
		t.Fatal(err)
	}
	if role != accesstest.Shared {
		for _, named := range []accesstest.Role{accesstest.Editor, accesstest.Viewer} {
			if _, err := d.sp.Share(owner, p.ID, d.ids[named], app.Role(named)); err != nil {
				t.Fatal(err)
			}
		}
	}
	return p.ID
}

func (d *presetDriver) Do(t *testing.T, role accesstest.Role, action accesstest.Action, id string) string {
	ctx := d.ctx[role]
	var err error
	switch action {
	case accesstest.LibSee:
		_, err = d.sp.FindStylePreset(ctx, id)
	case accesstest.LibList:
		var list []*app.StylePreset
		if list, err = d.sp.ListStylePresets(ctx); err == nil && !slices.ContainsFunc(list, func(p *app.StylePreset) bool { return p.ID == id }) {
			err = app.ErrStylePresetNotFound
		}
	case accesstest.LibCopy:
		_, err = d.sp.CopyStylePreset(ctx, id)
	case accesstest.LibOpen: // a preset is "opened" by showing its preview
		var f io.ReadSeekCloser
		if f, _, err = d.sp.OpenStylePresetImage(ctx, id); err == nil {
			f.Close()
		}
	case accesstest.LibChange:
		_, err = d.sp.UpdateStylePreset(ctx, id, presetIn("Changed"), app.ImageUpload{Keep: true})
	case accesstest.LibSetPublic:
		in := presetIn("Published")
		in.IsPublic = ptr(true)
		_, err = d.sp.UpdateStylePreset(ctx, id, in, app.ImageUpload{Keep: true})
	case accesstest.LibShare:
		_, err = d.sp.Share(ctx, id, d.ids[accesstest.Stranger], app.RoleViewer)
	case accesstest.LibListShares:
		_, err = d.sp.ListShares(ctx, id)
	case accesstest.LibDelete:
		err = d.sp.DeleteStylePreset(ctx, id)
	default:
		t.Fatalf("no driver for %q", action)
	}
	return app.ErrorCode(err)
}

func TestStylePresetAccessMatrix(t *testing.T) {
	ts := openTestStore(t)
	ctx, ids := libraryCallers(t, ts)
	accesstest.RunLibrary(t, &presetDriver{sp: ts.set.Presets, ctx: ctx, ids: ids})
}

func presetNames(t *testing.T, sp *store.StylePresetService, ctx context.Context) []string {
	t.Helper()
	list, err := sp.ListStylePresets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range list {
		names = append(names, p.Name)
	}
	return names
}

func createPreset(t *testing.T, sp *store.StylePresetService, ctx context.Context, name string, public bool) *app.StylePreset {
	t.Helper()
	in := presetIn(name)
	in.IsPublic = &public
	p, err := sp.CreateStylePreset(ctx, in, app.ImageUpload{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// InvokeAI's test_style_presets.py, with Easel's departures: 404, not 403,
// for what one may not see; a non-image is EINVALID (Easel reads the
// bytes, not the content type); an update without an image keeps it when
// asked to.
func TestStylePresetsLikeInvokeAI(t *testing.T) {
	ts := openTestStore(t)
	sp := ts.set.Presets
	admin := ts.setup()
	u1, user1 := ts.createUser(admin, "user1@t.co", false)
	_, user2 := ts.createUser(admin, "user2@t.co", false)
	builtins := app.BuiltinStylePresets()

	t.Run("create persists a record owned by the creator, private, of type user", func(t *testing.T) {
		p := createPreset(t, sp, user1, "Mine", false)
		if p.UserID != u1.UserID || p.IsPublic || p.Type != "user" || p.MyRole != "owner" || p.Image != nil {
			t.Fatalf("created: %+v", p)
		}
	})
	priv := createPreset(t, sp, user1, "u1-private", false)
	pub := createPreset(t, sp, user1, "u1-public", true)
	createPreset(t, sp, user2, "u2-private", false)
	list, _ := sp.ListStylePresets(user1)
	var builtin *app.StylePreset
	for _, p := range list {
		if p.Type == "default" {
			builtin = p
			break
		}
	}

	t.Run("list returns own, defaults and public, by name", func(t *testing.T) {
		names := presetNames(t, sp, user2)
		if !slices.Contains(names, "u1-public") || slices.Contains(names, "u1-private") || !slices.Contains(names, "u2-private") || !slices.Contains(names, builtins[0].Name) {
			t.Fatalf("user2 sees %v", names)
		}
		if len(names) != len(builtins)+2 {
			t.Fatalf("user2 sees %d presets, want the %d built-in ones and 2", len(names), len(builtins))
		}
		if !slices.IsSortedFunc(names, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }) {
			t.Fatalf("not by name: %v", names)
		}
	})
	t.Run("another's private preset is not found; a public or default one is seen", func(t *testing.T) {
		if _, err := sp.FindStylePreset(user2, priv.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("get private: %v", err)
		}
		if p, err := sp.FindStylePreset(user2, pub.ID); err != nil || p.Name != "u1-public" || p.CanChange {
			t.Fatalf("get public: %+v, %v", p, err)
		}
		if p, err := sp.FindStylePreset(user2, builtin.ID); err != nil || p.UserID != app.SystemUserID || !p.IsPublic {
			t.Fatalf("get default: %+v, %v", p, err)
		}
	})
	t.Run("nobody but owner and admin updates or deletes", func(t *testing.T) {
		if _, err := sp.UpdateStylePreset(user2, priv.ID, presetIn("hijack"), app.ImageUpload{}); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("update private: %v", err)
		}
		if _, err := sp.UpdateStylePreset(user2, pub.ID, presetIn("hijack-pub"), app.ImageUpload{}); app.ErrorCode(err) != app.EFORBIDDEN {
			t.Fatalf("update public: %v", err)
		}
		if err := sp.DeleteStylePreset(user2, priv.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("delete: %v", err)
		}
		if still, err := sp.FindStylePreset(user1, priv.ID); err != nil || still.Name != "u1-private" {
			t.Fatalf("after a refused delete: %+v, %v", still, err)
		}
		def := presetIn("hijacked")
		def.Type = "default"
		if _, err := sp.UpdateStylePreset(user1, builtin.ID, def, app.ImageUpload{}); app.ErrorCode(err) != app.EFORBIDDEN {
			t.Fatalf("update default: %v", err)
		}
		if err := sp.DeleteStylePreset(user1, builtin.ID); app.ErrorCode(err) != app.EFORBIDDEN {
			t.Fatalf("delete default: %v", err)
		}
		if _, err := sp.CreateStylePreset(user1, def, app.ImageUpload{}); app.ErrorCode(err) != app.EFORBIDDEN || !strings.Contains(app.ErrorMessage(err), "administrator") {
			t.Fatalf("a user creating a default preset: %v", err)
		}
	})
	t.Run("the admin gets, updates and lists any, adds and deletes defaults", func(t *testing.T) {
		if _, err := sp.FindStylePreset(admin, priv.ID); err != nil {
			t.Fatal(err)
		}
		if p, err := sp.UpdateStylePreset(admin, priv.ID, presetIn("admin-edit"), app.ImageUpload{}); err != nil || p.Name != "admin-edit" || p.UserID != u1.UserID {
			t.Fatalf("admin update: %+v, %v", p, err)
		}
		names := presetNames(t, sp, admin)
		if !slices.Contains(names, "u2-private") || !slices.Contains(names, "admin-edit") {
			t.Fatalf("the admin's list: %v", names)
		}
		def := presetIn("House style")
		def.Type = "default"
		made, err := sp.CreateStylePreset(admin, def, app.ImageUpload{})
		if err != nil || made.UserID != app.SystemUserID || !made.IsPublic || made.Type != "default" {
			t.Fatalf("an admin's default preset: %+v, %v", made, err)
		}
		if !slices.Contains(presetNames(t, sp, user2), "House style") {
			t.Fatal("users do not see the admin's new default preset")
		}
		if err := sp.DeleteStylePreset(admin, builtin.ID); err != nil {
			t.Fatal(err)
		}
		if err := sp.AddBuiltins(); err != nil {
			t.Fatal(err)
		}
		if _, err := sp.FindStylePreset(admin, builtin.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("a deleted built-in came back at the next start: %v", err)
		}
	})
	t.Run("the owner flips it public and others see it; an editor may change it, not publish it", func(t *testing.T) {
		p := createPreset(t, sp, user1, "will-be-public", false)
		if slices.Contains(presetNames(t, sp, user2), "will-be-public") {
			t.Fatal("seen before it was public")
		}
		in := presetIn("will-be-public")
		in.IsPublic = ptr(true)
		if got, err := sp.UpdateStylePreset(user1, p.ID, in, app.ImageUpload{}); err != nil || !got.IsPublic {
			t.Fatalf("flip: %+v, %v", got, err)
		}
		if !slices.Contains(presetNames(t, sp, user2), "will-be-public") {
			t.Fatal("not seen once public")
		}
		u2, _ := ts.users.Me(user2)
		if _, err := sp.Share(user1, p.ID, u2.UserID, app.RoleEditor); err != nil {
			t.Fatal(err)
		}
		if _, err := sp.UpdateStylePreset(user2, p.ID, in, app.ImageUpload{}); err != nil {
			t.Fatalf("an editor sending is_public as it is: %v", err)
		}
		in.IsPublic = ptr(false)
		if _, err := sp.UpdateStylePreset(user2, p.ID, in, app.ImageUpload{}); app.ErrorCode(err) != app.EFORBIDDEN {
			t.Fatalf("an editor unpublishing: %v", err)
		}
	})
	t.Run("the image follows the same policy as get", func(t *testing.T) {
		p, err := sp.CreateStylePreset(user1, presetIn("img-private"), withImage(accesstest.PNG(3)))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := sp.OpenStylePresetImage(user2, p.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("another's private preview: %v", err)
		}
		f, ct, err := sp.OpenStylePresetImage(user1, p.ID)
		if err != nil || ct != "image/jpeg" {
			t.Fatalf("own preview: %s, %v", ct, err)
		}
		f.Close()
	})
	t.Run("deleting a profile keeps its presets and drops its grants", func(t *testing.T) {
		cat, catCtx := ts.createUser(admin, "cat@t.co", false)
		kept := createPreset(t, sp, catCtx, "Cat's", false)
		if _, err := sp.Share(user1, pub.ID, cat.UserID, app.RoleViewer); err != nil {
			t.Fatal(err)
		}
		if err := ts.users.DeleteUser(admin, cat.UserID); err != nil {
			t.Fatal(err)
		}
		if p, err := sp.FindStylePreset(admin, kept.ID); err != nil || p.OwnerName != "Deleted profile" {
			t.Fatalf("the deleted profile's preset: %+v, %v", p, err)
		}
		if shares, _ := sp.ListShares(user1, pub.ID); len(shares) != 0 {
			t.Fatalf("a deleted profile's grant stayed: %+v", shares)
		}
	})
}

// The preview: a thumbnail of at most 256 pixels, replaced, kept or
// dropped by an update, copied with the preset, and still there after a
// restart (the start-up sweep keeps what a preset claims). A file that is
// not an image is refused in words, and nothing is kept.
func TestStylePresetImages(t *testing.T) {
	dir := t.TempDir()
	ts := openTestStoreIn(t, dir)
	sp := ts.set.Presets
	admin := ts.setup()
	_, ann := ts.createUser(admin, "ann@t.co", false)
	_, bob := ts.createUser(admin, "bob@t.co", false)

	p, err := sp.CreateStylePreset(ann, presetIn("Wide"), withImage(pngImage(1000, 400)))
	if err != nil {
		t.Fatal(err)
	}
	if p.Image == nil || *p.Image != "/api/v1/style_presets/i/"+p.ID+"/image" {
		t.Fatalf("image URL: %v", p.Image)
	}
	size := func(ctx context.Context, id string) image.Point {
		t.Helper()
		f, _, err := sp.OpenStylePresetImage(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		cfg, _, err := image.DecodeConfig(f)
		if err != nil {
			t.Fatal(err)
		}
		return image.Pt(cfg.Width, cfg.Height)
	}
	if got := size(ann, p.ID); got != image.Pt(256, 102) {
		t.Fatalf("the preview is %v, want 256×102", got)
	}

	for name, data := range map[string][]byte{
		"text":            []byte("not an image at all"),
		"a truncated PNG": pngImage(64, 64)[:80],
		"a GIF":           []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
		"nothing":         {},
	} {
		_, err := sp.CreateStylePreset(ann, presetIn("Bad "+name), withImage(data))
		if app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "preview.png") {
			t.Errorf("%s: %v, want invalid, naming the file", name, err)
		}
		if _, err := sp.UpdateStylePreset(ann, p.ID, presetIn("Changed"), withImage(data)); app.ErrorCode(err) != app.EINVALID {
			t.Errorf("update with %s: %v", name, err)
		}
	}
	if names := presetNames(t, sp, ann); slices.ContainsFunc(names, func(n string) bool { return strings.HasPrefix(n, "Bad") || n == "Changed" }) {
		t.Fatalf("a refused image left a preset or a change: %v", names)
	}
	if got := size(ann, p.ID); got != image.Pt(256, 102) {
		t.Fatalf("a refused update changed the preview: %v", got)
	}
	// A bad form with a good image keeps nothing either (InvokeAI's bug C).
	if _, err := sp.UpdateStylePreset(ann, p.ID, app.StylePresetInput{Name: " "}, withImage(accesstest.PNG(2))); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("a nameless update: %v", err)
	}

	cp, err := sp.CopyStylePreset(bob, p.ID)
	if app.ErrorCode(err) != app.ENOTFOUND {
		t.Fatalf("bob copying ann's private preset: %+v, %v", cp, err)
	}
	in := presetIn("Wide")
	in.IsPublic = ptr(true)
	if _, err := sp.UpdateStylePreset(ann, p.ID, in, app.ImageUpload{Keep: true}); err != nil {
		t.Fatal(err)
	}
	if cp, err = sp.CopyStylePreset(bob, p.ID); err != nil || cp.Name != "Wide (copy)" || cp.IsPublic || cp.Image == nil || cp.MyRole != "owner" {
		t.Fatalf("bob's copy: %+v, %v", cp, err)
	}
	if got, err := sp.UpdateStylePreset(ann, p.ID, in, withImage(pngImage(30, 60))); err != nil || size(ann, got.ID) != image.Pt(30, 60) {
		t.Fatalf("replace: %+v, %v", got, err)
	}
	if got, err := sp.UpdateStylePreset(ann, p.ID, in, app.ImageUpload{}); err != nil || got.Image != nil {
		t.Fatalf("an update without an image removes it, as InvokeAI's: %+v, %v", got, err)
	}
	if _, _, err := sp.OpenStylePresetImage(ann, p.ID); app.ErrorCode(err) != app.ENOTFOUND {
		t.Fatalf("a removed preview opens: %v", err)
	}
	if err := sp.DeleteStylePreset(ann, p.ID); err != nil {
		t.Fatal(err)
	}
	if got := size(bob, cp.ID); got != image.Pt(256, 102) {
		t.Fatalf("the copy's preview after the original went: %v", got)
	}

	ts.set.Close()
	again := openTestStoreIn(t, dir)
	if f, _, err := again.set.Presets.OpenStylePresetImage(again.login("bob@t.co", "password-bob@t.co"), cp.ID); err != nil {
		t.Fatalf("after a restart the sweep took the copy's preview: %v", err)
	} else {
		f.Close()
	}
}

// Import and export: InvokeAI's CSV and JSON, odd names going round
// unchanged, every bad row named with its reason and nothing kept, and
// files too large refused before any row is read.
func TestStylePresetImportExport(t *testing.T) {
	ts := openTestStore(t)
	sp := ts.set.Presets
	admin := ts.setup()
	ann1, ann := ts.createUser(admin, "ann@t.co", false)
	_, bob := ts.createUser(admin, "bob@t.co", false)
	odd := []app.StylePresetInput{
		{Name: `Comma, "quoted" and émoji 🎨`, PositivePrompt: "{prompt}\nsecond line, \"quotes\"", NegativePrompt: ""},
		{Name: "=HYPERLINK(\"http://evil.example\")", PositivePrompt: "-dash first", NegativePrompt: "@at"},
		{Name: "مرحبا", PositivePrompt: "no placeholder", NegativePrompt: "'quoted'"},
	}
	for _, in := range odd {
		if _, err := sp.CreateStylePreset(ann, in, app.ImageUpload{}); err != nil {
			t.Fatal(err)
		}
	}
	createPreset(t, sp, bob, "Bob's", true)
	csvOut, err := sp.ExportStylePresets(ann)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(csvOut), "name,prompt,negative_prompt\n") || strings.Contains(string(csvOut), "Bob's") || strings.Contains(string(csvOut), "Watercolour") {
		t.Fatalf("ann's export:\n%s", csvOut)
	}
	if !strings.Contains(string(csvOut), `"'=HYPERLINK(""http://evil.example"")"`) {
		t.Fatalf("a formula-like name left as a formula:\n%s", csvOut)
	}
	adminCSV, _ := sp.ExportStylePresets(admin)
	if !strings.Contains(string(adminCSV), "Bob's") || !strings.Contains(string(adminCSV), "مرحبا") || strings.Contains(string(adminCSV), "Watercolour") {
		t.Fatalf("the admin's export holds everyone's user presets, not the built-in ones:\n%s", adminCSV)
	}

	// The round trip: bob imports ann's file and has the same presets, his and private.
	got, err := sp.ImportStylePresets(bob, csvOut, app.PresetFileCSV)
	if err != nil || len(got) != len(odd) {
		t.Fatalf("import: %d, %v", len(got), err)
	}
	for _, in := range odd {
		i := slices.IndexFunc(got, func(p *app.StylePreset) bool { return p.Name == in.Name })
		if i < 0 || got[i].PresetData != (app.PresetData{PositivePrompt: in.PositivePrompt, NegativePrompt: in.NegativePrompt}) || got[i].IsPublic || got[i].UserID == ann1.UserID {
			t.Fatalf("%q did not come back as it was: %+v", in.Name, got)
		}
	}
	j, _ := json.Marshal([]map[string]string{{"name": "J1", "prompt": "a {prompt}", "negative_prompt": "n"}, {"name": "J2", "positive_prompt": "b", "negative_prompt": ""}})
	if got, err := sp.ImportStylePresets(ann, j, app.PresetFileJSON); err != nil || len(got) != 2 || got[1].PresetData.PositivePrompt != "b" {
		t.Fatalf("JSON import: %+v, %v", got, err)
	}
	bom := append([]byte("\xef\xbb\xbf"), "Name , Positive_Prompt,NEGATIVE_PROMPT,extra\r\nSpreadsheet,p,n,x\r\n"...)
	if got, err := sp.ImportStylePresets(ann, bom, app.PresetFileCSV); err != nil || len(got) != 1 || got[0].Name != "Spreadsheet" {
		t.Fatalf("a spreadsheet's CSV: %+v, %v", got, err)
	}

	before := presetNames(t, sp, ann)
	many := strings.Repeat("x,p,n\n", app.MaxPresetImportRows+1)
	for name, c := range map[string]struct {
		data   string
		format string
		want   []string
	}{
		"bad rows": {"name,prompt,negative_prompt\nGood,p,n\n,p,n\n" + strings.Repeat("L", 300) + ",p,n\n\"Tab\there\",p,n\nShort\n", "csv",
			[]string{"4 rows are wrong", "Row 3: A style preset needs a name", "Row 4: The name is 300 characters", "Row 5: ", "control characters", "Row 6: it has 1 field; the first row names 3"}},
		"a stray quote":         {"name,prompt,negative_prompt\nok,p,n\nbad \"quote,p,n\n", "csv", []string{"Row 3: the CSV is malformed"}},
		"no header":             {"Good,p,n\n", "csv", []string{"first row", "name, prompt (or positive_prompt) and negative_prompt", `"Good,p,n"`}},
		"invalid UTF-8":         {"name,prompt,negative_prompt\n\xff\xfe,p,n\n", "csv", []string{"Row 2: The name is not valid text"}},
		"only a header":         {"name,prompt,negative_prompt\n", "csv", []string{"holds no style presets"}},
		"too many rows":         {"name,prompt,negative_prompt\n" + many, "csv", []string{"more than 5000"}},
		"too large":             {"name,prompt,negative_prompt\n" + strings.Repeat("n,"+strings.Repeat("p", 1000)+",n\n", 4200), "csv", []string{"larger than 4 MB"}},
		"not JSON":              {`[{"name": "x"`, "json", []string{"is a list"}},
		"an object, not a list": {`{"name": "x", "prompt": "p"}`, "json", []string{"is a list"}},
		"wrong types": {`[{"name": "ok", "prompt": "p"}, {"name": 7, "prompt": "p"}, {"name": "x", "prompt": ["p"]}, "text", {"name": "y"}, {"name": "z", "prompt": "p", "negative_prompt": false}]`, "json",
			[]string{"5 rows are wrong", "Item 2: name must be a string", "Item 3: prompt must be a string", "Item 4: it must be an object", "Item 5: it needs a prompt", "Item 6: negative_prompt must be a string"}},
		"a huge template":   {`[{"name": "big", "prompt": "` + strings.Repeat("p", app.MaxPromptTemplateBytes+1) + `", "negative_prompt": ""}]`, "json", []string{"Item 1: The positive prompt is 17 KB"}},
		"an unknown format": {"x", "xml", []string{"CSV file", "JSON file"}},
	} {
		_, err := sp.ImportStylePresets(ann, []byte(c.data), c.format)
		if err == nil {
			t.Errorf("%s: imported", name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(app.ErrorMessage(err), w) {
				t.Errorf("%s: %q lacks %q", name, app.ErrorMessage(err), w)
			}
		}
	}
	if after := presetNames(t, sp, ann); !slices.Equal(before, after) {
		t.Fatalf("a refused import kept something: %d presets before, %d after", len(before), len(after))
	}
	if _, err := sp.ImportStylePresets(context.Background(), csvOut, app.PresetFileCSV); app.ErrorCode(err) != app.EUNAUTHORIZED {
		t.Fatalf("an import signed out: %v", err)
	}
	// A whole import of the most rows allowed, in one transaction.
	var full strings.Builder
	full.WriteString("name,prompt,negative_prompt\n")
	for i := 0; i < app.MaxPresetImportRows; i++ {
		fmt.Fprintf(&full, "Preset %d,\"{prompt}, style %d\",blurry\n", i, i)
	}
	if got, err := sp.ImportStylePresets(bob, []byte(full.String()), app.PresetFileCSV); err != nil || len(got) != app.MaxPresetImportRows {
		t.Fatalf("the largest import: %d, %v", len(got), err)
	}
}

// ExpandStylePreset is app's one rule applied to a preset the caller may
// see: to a stranger a private preset does not exist; a public one
// expands for anyone; an empty prompt leaves the style alone.
func TestExpandStylePreset(t *testing.T) {
	ts := openTestStore(t)
	sp := ts.set.Presets
	admin := ts.setup()
	_, ann := ts.createUser(admin, "ann@t.co", false)
	_, bob := ts.createUser(admin, "bob@t.co", false)
	in := app.StylePresetInput{Name: "Ink", PositivePrompt: "{prompt}, ink on paper", NegativePrompt: "colour"}
	p, err := sp.CreateStylePreset(ann, in, app.ImageUpload{})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("OK", func(t *testing.T) {
		got, err := sp.ExpandStylePreset(ann, p.ID, "a heron", "blurry")
		if err != nil || got != (app.PresetData{PositivePrompt: "a heron, ink on paper", NegativePrompt: "blurry, colour"}) {
			t.Fatalf("expand = %+v, %v", got, err)
		}
	})
	t.Run("EmptyPrompt", func(t *testing.T) {
		got, err := sp.ExpandStylePreset(ann, p.ID, "  ", "")
		if err != nil || got != (app.PresetData{PositivePrompt: "ink on paper", NegativePrompt: "colour"}) {
			t.Fatalf("expand of nothing = %+v, %v", got, err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := sp.ExpandStylePreset(bob, p.ID, "a heron", ""); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("a stranger's expand: %v", err)
		}
		if _, err := sp.ExpandStylePreset(ann, "no-such-preset", "a heron", ""); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("a preset that is not there: %v", err)
		}
	})
	t.Run("PublicThenPrivate", func(t *testing.T) {
		in.IsPublic = ptr(true)
		if _, err := sp.UpdateStylePreset(ann, p.ID, in, app.ImageUpload{Keep: true}); err != nil {
			t.Fatal(err)
		}
		if got, err := sp.ExpandStylePreset(bob, p.ID, "a heron", ""); err != nil || got.PositivePrompt != "a heron, ink on paper" {
			t.Fatalf("a public preset, by another: %+v, %v", got, err)
		}
		in.IsPublic = ptr(false)
		if _, err := sp.UpdateStylePreset(ann, p.ID, in, app.ImageUpload{Keep: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := sp.ExpandStylePreset(bob, p.ID, "a heron", ""); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("unpublished, by another: %v", err)
		}
	})
	t.Run("ErrUnauthorized", func(t *testing.T) {
		if _, err := sp.ExpandStylePreset(context.Background(), p.ID, "a heron", ""); app.ErrorCode(err) != app.EUNAUTHORIZED {
			t.Fatalf("signed out: %v", err)
		}
	})
}
