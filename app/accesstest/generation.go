package accesstest

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"easel/app"
)

// The model matrix: who may use a model, and who may set up backends and
// choose who uses what, by every kind of caller. A model is named for the
// viewer, given to everyone (met by a stranger as Public), or given to
// somebody else (met by the stranger).

// ModelRoles lists the roles the model matrix runs, in its order.
var ModelRoles = []Role{Viewer, Public, Stranger, Admin, LoggedOut, Disabled, Deleted}

// Model actions.
const (
	ModelList      Action = "find the model in their list"
	ModelQueue     Action = "queue a picture with the model"
	ModelRun       Action = "have the worker run the model as them"
	BackendsSee    Action = "see the backends"
	BackendsSet    Action = "set up backends"
	BackendTest    Action = "test a backend"
	ModelGrantsSee Action = "see who may use each model"
	ModelGrantSet  Action = "choose who may use a model"
)

const inv = app.EINVALID

// ModelExpected is who may do what with models and backends, per role.
//
//	roles:          viewer(named) public(everyone) stranger admin loggedout disabled deleted
var ModelExpected = map[Action][]string{
	ModelList:      {ok, ok, nf, ok, out, out, out},
	ModelQueue:     {ok, ok, inv, ok, out, out, out},
	ModelRun:       {ok, ok, inv, ok, out, out, out},
	BackendsSee:    {no, no, no, ok, out, out, out},
	BackendsSet:    {no, no, no, ok, out, out, out},
	BackendTest:    {no, no, no, ok, out, out, out},
	ModelGrantsSee: {no, no, no, ok, out, out, out},
	ModelGrantSet:  {no, no, no, ok, out, out, out},
}

// ModelDriver performs the model matrix's actions through one face.
type ModelDriver interface {
	// NewModel makes a model the backends offer, fit for role: for the
	// viewer by name, for everyone for Public, for another profile for the
	// rest. It returns the model's id.
	NewModel(t *testing.T, role Role) string
	// Do performs action as role and returns the error code ("" for
	// success), or "-" for an action this face does not offer. For
	// ModelList, a model missing from the list is ENOTFOUND.
	Do(t *testing.T, role Role, action Action, model string) string
}

// RunModels runs every model action as every role.
func RunModels(t *testing.T, d ModelDriver) {
	runMatrix(t, ModelExpected, ModelRoles, d.NewModel, d.Do)
}

// Backends is a backend runtime for access tests: every backend it is
// configured with is reachable and offers the models Offer added. Its
// generators refuse to draw: pictures are made against the test
// generation server (app/generation and the e2e tests), not here.
type Backends struct {
	mu       sync.Mutex
	backends []app.Backend
	models   []app.Model
}

var _ app.BackendRuntime = (*Backends)(nil)

// Offer makes the backend named in id ("<backend>/<name>") offer it.
func (b *Backends) Offer(id string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	backend, name, _ := strings.Cut(id, "/")
	b.models = append(b.models, app.Model{ID: id, Name: name, Backend: backend})
	if !slices.ContainsFunc(b.backends, func(x app.Backend) bool { return x.Name == backend }) {
		b.backends = append(b.backends, app.Backend{Name: backend, Kind: app.BackendA1111, URL: "http://127.0.0.1:7860"})
	}
}

func (b *Backends) Configure(backends []app.Backend) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.backends = slices.Clone(backends)
}

func (b *Backends) Statuses() []app.BackendStatus {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]app.BackendStatus, 0, len(b.backends))
	for _, be := range b.backends {
		st := app.BackendStatus{Backend: be, State: app.BackendReachable, Models: []app.Model{}, Samplers: []string{"Euler a"}}
		for _, m := range b.models {
			if m.Backend == be.Name {
				st.Models = append(st.Models, m)
			}
		}
		out = append(out, st)
	}
	return out
}

func (b *Backends) Test(_ context.Context, name string) (*app.BackendStatus, error) {
	for _, st := range b.Statuses() {
		if st.Name == name {
			return &st, nil
		}
	}
	return nil, app.Errorf(app.ENOTFOUND, "There is no backend %s.", name)
}

func (b *Backends) Generator(modelID string) (app.Generator, error) { return refusing{}, nil }

func (b *Backends) Stop() {}

type refusing struct{}

func (refusing) Generate(context.Context, app.GenerationJob, func(app.GenerationProgress)) (*app.GenerationResult, error) {
	return nil, app.Errorf(app.EINVALID, "This test's backends make no pictures.")
}
