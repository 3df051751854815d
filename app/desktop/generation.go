package desktop

import "easel/app"

// Generation is bound into the window: the image-generation backends and
// who may use their models (administrators), and the models one may use
// (everyone signed in).
type Generation struct{ s *Session }

// The files Settings asks for when Easel is to run sd-server itself.
var (
	openProgram   = OpenAs{Title: "Choose the sd-server program", Kind: "Programs", Pattern: "*"}
	openModelFile = OpenAs{Title: "Choose a model file", Kind: "Model files (.safetensors, .ckpt, .gguf)", Pattern: "*.safetensors;*.ckpt;*.gguf"}
)

func (g *Generation) Backends() ([]app.BackendStatus, error) {
	ctx, err := g.s.context()
	if err != nil {
		return nil, err
	}
	out, err := g.s.svc.Generation.Backends(ctx)
	return out, toJS(err)
}

func (g *Generation) SetBackends(backends []app.Backend) ([]app.BackendStatus, error) {
	ctx, err := g.s.context()
	if err != nil {
		return nil, err
	}
	out, err := g.s.svc.Generation.SetBackends(ctx, backends)
	return out, toJS(err)
}

func (g *Generation) TestBackend(name string) (*app.BackendStatus, error) {
	ctx, err := g.s.context()
	if err != nil {
		return nil, err
	}
	out, err := g.s.svc.Generation.TestBackend(ctx, name)
	return out, toJS(err)
}

func (g *Generation) Models() ([]app.Model, error) {
	ctx, err := g.s.context()
	if err != nil {
		return nil, err
	}
	out, err := g.s.svc.Generation.Models(ctx)
	return out, toJS(err)
}

func (g *Generation) ModelGrants() ([]app.ModelGrant, error) {
	ctx, err := g.s.context()
	if err != nil {
		return nil, err
	}
	out, err := g.s.svc.Generation.ModelGrants(ctx)
	return out, toJS(err)
}

func (g *Generation) SetModelAccess(access app.ModelAccess) (*app.ModelAccess, error) {
	ctx, err := g.s.context()
	if err != nil {
		return nil, err
	}
	out, err := g.s.svc.Generation.SetModelAccess(ctx, access)
	return out, toJS(err)
}

// ChooseProgram asks for the sd-server program; "" when the person cancels.
func (g *Generation) ChooseProgram() (string, error) { return g.choose(openProgram) }

// ChooseModelFile asks for the model sd-server loads; "" when cancelled.
func (g *Generation) ChooseModelFile() (string, error) { return g.choose(openModelFile) }

func (g *Generation) choose(as OpenAs) (string, error) {
	if _, err := g.s.context(); err != nil {
		return "", err
	}
	path, err := g.s.rt.OpenFile(as)
	return path, toJS(err)
}
