package desktop

import (
	"context"
	"io"

	"easel/app"
)

// The style presets' wrappers (see recover.go).

type guardedPresets struct {
	presetCalls
	guardedSharing // its sharing, wrapped; the shallower, so it is the one called
	s              *Session
}

// presetCalls puts the service's own methods one level down, below
// guardedSharing's.
type presetCalls struct{ app.StylePresetService }

func (g guardedPresets) ListStylePresets(ctx context.Context) (_ []*app.StylePreset, err error) {
	defer g.s.recoverPanic("Presets.ListStylePresets", &err)
	return g.StylePresetService.ListStylePresets(ctx)
}

func (g guardedPresets) FindStylePreset(ctx context.Context, id string) (_ *app.StylePreset, err error) {
	defer g.s.recoverPanic("Presets.FindStylePreset", &err)
	return g.StylePresetService.FindStylePreset(ctx, id)
}

func (g guardedPresets) CreateStylePreset(ctx context.Context, in app.StylePresetInput, image app.ImageUpload) (_ *app.StylePreset, err error) {
	defer g.s.recoverPanic("Presets.CreateStylePreset", &err)
	return g.StylePresetService.CreateStylePreset(ctx, in, image)
}

func (g guardedPresets) UpdateStylePreset(ctx context.Context, id string, in app.StylePresetInput, image app.ImageUpload) (_ *app.StylePreset, err error) {
	defer g.s.recoverPanic("Presets.UpdateStylePreset", &err)
	return g.StylePresetService.UpdateStylePreset(ctx, id, in, image)
}

func (g guardedPresets) DeleteStylePreset(ctx context.Context, id string) (err error) {
	defer g.s.recoverPanic("Presets.DeleteStylePreset", &err)
	return g.StylePresetService.DeleteStylePreset(ctx, id)
}

func (g guardedPresets) CopyStylePreset(ctx context.Context, id string) (_ *app.StylePreset, err error) {
	defer g.s.recoverPanic("Presets.CopyStylePreset", &err)
	return g.StylePresetService.CopyStylePreset(ctx, id)
}

func (g guardedPresets) ExpandStylePreset(ctx context.Context, id, prompt, negative string) (_ app.PresetData, err error) {
	defer g.s.recoverPanic("Presets.ExpandStylePreset", &err)
	return g.StylePresetService.ExpandStylePreset(ctx, id, prompt, negative)
}

func (g guardedPresets) OpenStylePresetImage(ctx context.Context, id string) (_ io.ReadSeekCloser, _ string, err error) {
	defer g.s.recoverPanic("Presets.OpenStylePresetImage", &err)
	return g.StylePresetService.OpenStylePresetImage(ctx, id)
}

func (g guardedPresets) ExportStylePresets(ctx context.Context) (_ []byte, err error) {
	defer g.s.recoverPanic("Presets.ExportStylePresets", &err)
	return g.StylePresetService.ExportStylePresets(ctx)
}

func (g guardedPresets) ImportStylePresets(ctx context.Context, data []byte, format string) (_ []*app.StylePreset, err error) {
	defer g.s.recoverPanic("Presets.ImportStylePresets", &err)
	return g.StylePresetService.ImportStylePresets(ctx, data, format)
}
