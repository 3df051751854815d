package engine

import (
	"fmt"
	"slices"

	"easel/app"
)

// The generation nodes make pictures with a diffusion model on one of the
// household's image-generation servers. The engine knows nothing of
// servers: the Context finds the backend for a model, as the item's owner,
// and the node hands it the job and reports its steps.

// Generators is a Context that can reach image-generation backends. It
// answers only for models the item's owner may use.
type Generators interface {
	Generator(modelID string) (app.Generator, error)
}

// Bounds of the generation fields.
const (
	// MaxModelIDLength bounds a model field, in bytes.
	MaxModelIDLength = 200
	MaxSteps         = 150
	// MaxGenerateSide is the largest picture a backend is asked for:
	// diffusion models are trained near 512 to 1024 pixels, and larger
	// pictures take a household GPU minutes and all its memory.
	MaxGenerateSide = 2048
	minGenerateSide = 64
)

// noGenerators is what a generation node says when nothing can run it.
var noGenerators = app.Errorf(app.EINVALID, "No image-generation server is set up. An administrator can add one in Settings (see \"Real pictures\" in Easel's README).")

func generationFields() []FieldSpec {
	return []FieldSpec{
		{Name: "prompt", Kind: KindString, Required: true, MaxLength: MaxPromptLength, Description: "What to picture, in words."},
		{Name: "negative_prompt", Kind: KindString, MaxLength: MaxPromptLength, Default: "", Description: "What to keep out of the picture."},
		{Name: "model", Kind: KindModel, Required: true, Description: "The model to draw with: one an administrator lets you use."},
		intField("width", 512, minGenerateSide, MaxGenerateSide, "Width in pixels; the model works best near the size it learned (512 or 1024)."),
		intField("height", 512, minGenerateSide, MaxGenerateSide, "Height in pixels."),
		intField("steps", 20, 1, MaxSteps, "How many times the model refines the picture: more is slower and often finer."),
		floatField("cfg_scale", 7, 1, 30, "How closely to follow the prompt: higher is more literal, lower more free."),
		{Name: "sampler", Kind: KindString, MaxLength: 100, Default: "Euler a", Description: "The sampling method, as the server names it."},
		seedField("Picks one picture of the many a prompt can give: the same seed and settings give the same picture."),
	}
}

func generationNodes() []*nodeDef {
	return []*nodeDef{
		{
			NodeType: NodeType{Type: "txt2img", Title: "Text to image", Category: "generate",
				Description: "Draws a picture from a prompt with a diffusion model on the studio's image-generation server.",
				Inputs:      generationFields(), Outputs: imageOutputs},
			run: runGenerate,
		},
		{
			NodeType: NodeType{Type: "img2img", Title: "Image to image", Category: "generate",
				Description: "Redraws an image after a prompt with a diffusion model on the studio's image-generation server.",
				Inputs: with(imageField("image", "The picture to start from."), generationFields(),
					floatField("strength", 0.6, 0, 1, "How far the picture may move from the one you start with: 0 keeps it, 1 ignores it.")),
				Outputs: imageOutputs},
			run: runGenerate,
		},
	}
}

func runGenerate(nc *nodeCtx, in inputs) (outputs, error) {
	gens, ok := nc.Context.(Generators)
	if !ok {
		return nil, noGenerators
	}
	gen, err := gens.Generator(in.str("model"))
	if err != nil {
		return nil, err
	}
	job := app.GenerationJob{
		Model: in.str("model"), Prompt: in.str("prompt"), NegativePrompt: in.str("negative_prompt"),
		Width: in.int("width"), Height: in.int("height"), Steps: in.int("steps"),
		CFGScale: in.float("cfg_scale"), Sampler: in.str("sampler"), Seed: in.int64("seed"),
		Init: in.image("image"), Strength: in.float("strength"),
	}
	res, err := gen.Generate(nc, job, func(p app.GenerationProgress) {
		if p.Steps <= 0 {
			return
		}
		nc.reportStep(float64(p.Step)/float64(p.Steps), fmt.Sprintf("Step %d of %d", p.Step, p.Steps), p.Preview)
	})
	if err != nil {
		return nil, err
	}
	if res == nil || res.Image == nil || res.Image.Bounds().Empty() {
		return nil, app.Errorf(app.EINVALID, "The image-generation server sent no picture. Retry; if it happens again, look at the server's own log.")
	}
	img := toNRGBA(res.Image)
	if b := img.Bounds(); b.Dx() > MaxSide || b.Dy() > MaxSide {
		return nil, app.Errorf(app.EINVALID, "The image-generation server sent a %d × %d picture, larger than Easel keeps (%d pixels a side).", b.Dx(), b.Dy(), MaxSide)
	}
	nc.r.generated[nc.id] = res
	return imageOut(img), nil
}

// ModelsOf is the models g's nodes name, each once, in order: for the
// queue to ask whether the owner may use them before queuing anything.
func ModelsOf(g *Graph) []string {
	var out []string
	for _, id := range sortedKeys(g.Nodes) {
		n := g.Nodes[id]
		typ, _ := n["type"].(string)
		def := registry[typ]
		if def == nil {
			continue
		}
		for _, f := range def.Inputs {
			if m, ok := n[f.Name].(string); ok && f.Kind == KindModel && !slices.Contains(out, m) {
				out = append(out, m)
			}
		}
	}
	slices.Sort(out)
	return out
}
