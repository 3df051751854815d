package desktop

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"

	"easel/app"
)

// StylePresets is bound into the window: each profile's style presets,
// their previews, sharing, and files of them.
type StylePresets struct {
	s *Session
	sharing
}

// PresetImageSource is the preview a create or an update gives a preset:
// a file the person picked (PickImage) or dropped, or the bytes
// themselves (base64 in JSON). Neither, on an update, removes the
// preview unless Keep says to leave it as it is.
type PresetImageSource struct {
	Path string `json:"path"`
	Data []byte `json:"data"`
	Keep bool   `json:"keep"`
}

// open turns the source into the service's ImageUpload; the caller closes
// the file, if one was opened.
func (src PresetImageSource) open() (app.ImageUpload, io.Closer, error) {
	switch {
	case src.Path != "":
		f, err := os.Open(src.Path)
		if err != nil {
			return app.ImageUpload{}, nil, app.Errorf(app.EINVALID, "Easel could not open the image %s.", filepath.Base(src.Path))
		}
		// importFile (images.go): read errors in words, and Stat, so that
		// the store refuses a file over the limit from its size alone.
		return app.ImageUpload{R: importFile{f}, FileName: filepath.Base(src.Path)}, f, nil
	case src.Data != nil:
		return app.ImageUpload{R: bytes.NewReader(src.Data), FileName: "The image"}, nil, nil
	}
	return app.ImageUpload{Keep: src.Keep}, nil, nil
}

func (p *StylePresets) List() ([]*app.StylePreset, error) {
	ctx, err := p.s.context()
	if err != nil {
		return nil, err
	}
	out, err := p.s.svc.Presets.ListStylePresets(ctx)
	return out, toJS(err)
}

func (p *StylePresets) Get(id string) (*app.StylePreset, error) {
	ctx, err := p.s.context()
	if err != nil {
		return nil, err
	}
	out, err := p.s.svc.Presets.FindStylePreset(ctx, id)
	return out, toJS(err)
}

func (p *StylePresets) Create(in app.StylePresetInput, image PresetImageSource) (*app.StylePreset, error) {
	return p.save(image, func(ctx context.Context, img app.ImageUpload) (*app.StylePreset, error) {
		return p.s.svc.Presets.CreateStylePreset(ctx, in, img)
	})
}

func (p *StylePresets) Update(id string, in app.StylePresetInput, image PresetImageSource) (*app.StylePreset, error) {
	return p.save(image, func(ctx context.Context, img app.ImageUpload) (*app.StylePreset, error) {
		return p.s.svc.Presets.UpdateStylePreset(ctx, id, in, img)
	})
}

// save opens the image a create or an update gives, and makes the call.
func (p *StylePresets) save(image PresetImageSource, fn func(context.Context, app.ImageUpload) (*app.StylePreset, error)) (*app.StylePreset, error) {
	ctx, err := p.s.context()
	if err != nil {
		return nil, err
	}
	img, f, err := image.open()
	if err != nil {
		return nil, toJS(err)
	}
	if f != nil {
		defer f.Close()
	}
	out, err := fn(ctx, img)
	return out, toJS(err)
}

func (p *StylePresets) Delete(id string) error {
	ctx, err := p.s.context()
	if err != nil {
		return err
	}
	return toJS(p.s.svc.Presets.DeleteStylePreset(ctx, id))
}

func (p *StylePresets) Copy(id string) (*app.StylePreset, error) {
	ctx, err := p.s.context()
	if err != nil {
		return nil, err
	}
	out, err := p.s.svc.Presets.CopyStylePreset(ctx, id)
	return out, toJS(err)
}

// Expand puts a prompt and a negative prompt into a preset's templates:
// what a generation with the preset queues.
func (p *StylePresets) Expand(id, prompt, negative string) (app.PresetData, error) {
	ctx, err := p.s.context()
	if err != nil {
		return app.PresetData{}, err
	}
	out, err := p.s.svc.Presets.ExpandStylePreset(ctx, id, prompt, negative)
	return out, toJS(err)
}

// PickImage lets the person pick a preview image; "" when they cancel.
func (p *StylePresets) PickImage() (string, error) {
	if _, err := p.s.context(); err != nil {
		return "", err
	}
	paths, err := p.s.rt.OpenImages()
	if err != nil || len(paths) == 0 {
		return "", toJS(err)
	}
	return paths[0], nil
}

// Preview returns a preset's preview as a data: URL, for the page's <img>:
// the window's asset handler serves no preset's, and a thumbnail of
// 256 pixels is small enough to send whole.
func (p *StylePresets) Preview(id string) (string, error) {
	ctx, err := p.s.context()
	if err != nil {
		return "", err
	}
	return asDataURL(p.s.svc.Presets.OpenStylePresetImage(ctx, id))
}

// Export asks where to save the CSV of the caller's presets (an admin's:
// everyone's but the built-in ones) and writes it there; it returns the
// path, "" when they cancel.
func (p *StylePresets) Export() (string, error) {
	ctx, err := p.s.context()
	if err != nil {
		return "", err
	}
	data, err := p.s.svc.Presets.ExportStylePresets(ctx)
	if err != nil {
		return "", toJS(err)
	}
	return p.s.saveFile(ctx, savePresets.named("style presets.csv"), bytesTo(data))
}

// Import keeps the presets of a CSV or JSON file the page read (its name
// says which), all of them or, if a row is wrong, none.
func (p *StylePresets) Import(fileName, text string) ([]*app.StylePreset, error) {
	ctx, err := p.s.context()
	if err != nil {
		return nil, err
	}
	format, err := app.PresetFileFormat("", fileName)
	if err != nil {
		return nil, toJS(err)
	}
	out, err := p.s.svc.Presets.ImportStylePresets(ctx, []byte(text), format)
	return out, toJS(err)
}
