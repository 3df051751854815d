package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"easel/app"
	"easel/app/accesstest"
	"easel/internal/studiotest"
	"easel/store"
)

// modelDriver runs the model matrix through the store's services.
type modelDriver struct {
	ts       *testStore
	gen      *store.GenerationService
	backends *accesstest.Backends
	ctx      map[accesstest.Role]context.Context
	ids      map[accesstest.Role]string
	admin    context.Context
	n        int
}

func newModelDriver(t *testing.T) *modelDriver {
	ts := openTestStoreIn(t, t.TempDir(), studiotest.Backends(&accesstest.Backends{}))
	ctx, ids := libraryCallers(t, ts)
	ctx[accesstest.Public] = ctx[accesstest.Stranger]
	return &modelDriver{ts: ts, gen: ts.set.Generation, backends: ts.set.Backends.(*accesstest.Backends),
		ctx: ctx, ids: ids, admin: ctx[accesstest.Admin]}
}

func (d *modelDriver) NewModel(t *testing.T, role accesstest.Role) string {
	d.n++
	id := fmt.Sprintf("studio/model-%d", d.n)
	d.backends.Offer(id)
	access := app.ModelAccess{Model: id, UserIDs: []string{d.ids[accesstest.Owner]}} // somebody else's
	switch role {
	case accesstest.Viewer:
		access.UserIDs = []string{d.ids[accesstest.Viewer]}
	case accesstest.Public:
		access.Everyone = true
	}
	if _, err := d.gen.SetModelAccess(d.admin, access); err != nil {
		t.Fatal(err)
	}
	return id
}

// txt2imgBatch is a batch of one picture with model.
func txt2imgBatch(model string) app.Batch {
	return app.Batch{Graph: json.RawMessage(`{"nodes": {
		"g": {"id": "g", "type": "txt2img", "prompt": "a kite", "model": ` + fmt.Sprintf("%q", model) + `, "width": 64, "height": 64},
		"s": {"id": "s", "type": "save_image"}},
		"edges": [{"source": {"node_id": "g", "field": "image"}, "destination": {"node_id": "s", "field": "image"}}]}`)}
}

func (d *modelDriver) Do(t *testing.T, role accesstest.Role, action accesstest.Action, model string) string {
	ctx := d.ctx[role]
	var err error
	switch action {
	case accesstest.ModelList:
		var ms []app.Model
		if ms, err = d.gen.Models(ctx); err == nil && !slices.ContainsFunc(ms, func(m app.Model) bool { return m.ID == model }) {
			err = app.Errorf(app.ENOTFOUND, "not listed")
		}
	case accesstest.ModelQueue:
		_, err = d.ts.set.Queue.Enqueue(ctx, txt2imgBatch(model), 0)
	case accesstest.ModelRun:
		_, err = d.gen.Generator(ctx, model)
	case accesstest.BackendsSee:
		_, err = d.gen.Backends(ctx)
	case accesstest.BackendsSet:
		_, err = d.gen.SetBackends(ctx, []app.Backend{{Name: "studio", Kind: app.BackendA1111, URL: "http://127.0.0.1:7860"}})
	case accesstest.BackendTest:
		_, err = d.gen.TestBackend(ctx, "studio")
	case accesstest.ModelGrantsSee:
		_, err = d.gen.ModelGrants(ctx)
	case accesstest.ModelGrantSet:
		_, err = d.gen.SetModelAccess(ctx, app.ModelAccess{Model: model, Everyone: true})
	default:
		t.Fatalf("no driver for %q", action)
	}
	return app.ErrorCode(err)
}

func TestModelAccessMatrix(t *testing.T) {
	accesstest.RunModels(t, newModelDriver(t))
}

// A batch naming a model one may not use is refused at enqueue, naming
// the model, and nothing of it is queued; a model that does not exist is
// refused in the same words.
func TestEnqueueRefusesAModelNamingIt(t *testing.T) {
	d := newModelDriver(t)
	secret := d.NewModel(t, accesstest.Stranger)
	ann := d.ctx[accesstest.Stranger]
	before, err := d.ts.set.Queue.ListItems(ann, app.QueueFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var messages []string
	for _, model := range []string{secret, "studio/never-offered"} {
		_, err := d.ts.set.Queue.Enqueue(ann, txt2imgBatch(model), 0)
		wantCode(t, err, app.EINVALID)
		msg := app.ErrorMessage(err)
		if !strings.Contains(msg, model) {
			t.Errorf("the refusal %q does not name %s", msg, model)
		}
		messages = append(messages, strings.ReplaceAll(msg, model, "M"))
	}
	if messages[0] != messages[1] {
		t.Errorf("a model given to others and one that does not exist are refused differently:\n%s\n%s", messages[0], messages[1])
	}
	after, err := d.ts.set.Queue.ListItems(ann, app.QueueFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if after.Total != before.Total {
		t.Errorf("the queue went from %d to %d items", before.Total, after.Total)
	}
	// Taken away after queuing: the worker's Generator asks again.
	named := d.NewModel(t, accesstest.Viewer)
	viewer := d.ctx[accesstest.Viewer]
	if _, err := d.ts.set.Queue.Enqueue(viewer, txt2imgBatch(named), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := d.gen.SetModelAccess(d.admin, app.ModelAccess{Model: named}); err != nil {
		t.Fatal(err)
	}
	_, err = d.gen.Generator(viewer, named)
	wantCode(t, err, app.EINVALID)
}

// Deleting a profile takes it off every model's list; the audit log
// names who was given what.
func TestModelAccessForgetsDeletedProfilesAndIsAudited(t *testing.T) {
	d := newModelDriver(t)
	model := d.NewModel(t, accesstest.Viewer)
	grants := func() app.ModelAccess {
		t.Helper()
		gs, err := d.gen.ModelGrants(d.admin)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range gs {
			if g.Model.ID == model {
				if !g.Offered {
					t.Errorf("%s is offered but listed as not", model)
				}
				return g.Access
			}
		}
		t.Fatalf("%s is not among the grants", model)
		return app.ModelAccess{}
	}
	if got := grants(); !slices.Equal(got.UserIDs, []string{d.ids[accesstest.Viewer]}) {
		t.Fatalf("grants %+v", got)
	}
	if err := d.ts.users.DeleteUser(d.admin, d.ids[accesstest.Viewer]); err != nil {
		t.Fatal(err)
	}
	if got := grants(); len(got.UserIDs) != 0 || got.Everyone {
		t.Errorf("after deleting the viewer, grants %+v", got)
	}
	// A profile that does not exist cannot be given a model.
	_, err := d.gen.SetModelAccess(d.admin, app.ModelAccess{Model: model, UserIDs: []string{"no-such-user"}})
	wantCode(t, err, app.ENOTFOUND)
	page, err := d.ts.set.Audit.List(d.admin, app.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range page.Items {
		if e.Action == app.AuditModelAccess && e.TargetID == model {
			found = true
		}
	}
	if !found {
		t.Error("no audit entry for the model's access")
	}
}

// Backends Settings keeps survive a restart and are handed to the
// runtime at Start; bad ones are refused whole.
func TestBackendsAreKeptAndChecked(t *testing.T) {
	dir := t.TempDir()
	ts := openTestStoreIn(t, dir)
	admin := ts.setup()
	want := []app.Backend{
		{Name: "studio", Kind: app.BackendA1111, URL: "http://127.0.0.1:7860"},
		{Name: "den", Kind: app.BackendA1111, URL: "http://192.168.1.20:7860", Remote: true},
	}
	if _, err := ts.set.Generation.SetBackends(admin, want); err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]app.Backend{
		{{Name: "far", Kind: app.BackendA1111, URL: "http://192.168.1.20:7860"}}, // not ticked "on another computer"
		{{Name: "bad name!", Kind: app.BackendA1111, URL: "http://127.0.0.1:1"}},
		{{Name: "a", Kind: app.BackendA1111, URL: "ftp://127.0.0.1"}},
		{{Name: "a", Kind: app.BackendSDServer, Executable: "sd-server"}},
		{{Name: "a", Kind: "comfy"}},
		{{Name: "a", Kind: app.BackendA1111, URL: "http://127.0.0.1:1"}, {Name: "a", Kind: app.BackendA1111, URL: "http://127.0.0.1:2"}},
	} {
		_, err := ts.set.Generation.SetBackends(admin, bad)
		wantCode(t, err, app.EINVALID)
	}
	ts.set.Close()
	rt := &accesstest.Backends{}
	again := store.NewGenerationService(openTestStoreIn(t, dir).DB, rt, []app.Backend{{Name: "cli", Kind: app.BackendA1111, URL: "http://127.0.0.1:9"}})
	if err := again.Start(); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, st := range rt.Statuses() {
		names = append(names, fmt.Sprintf("%s %v", st.Name, st.FromCommandLine))
	}
	if !slices.Equal(names, []string{"cli true", "studio false", "den false"}) {
		t.Errorf("the runtime was given %v", names)
	}
}

// Settings shows an address's password as "xxxxx"; the list sent back
// with it so keeps the password, and a new address replaces it.
func TestBackendPasswordsStayWhenSentBackRedacted(t *testing.T) {
	rt := &accesstest.Backends{}
	ts := openTestStoreIn(t, t.TempDir(), studiotest.Backends(rt))
	admin := ts.setup()
	gen := ts.set.Generation
	withPassword := "http://ada:s3cret@127.0.0.1:7860"
	if _, err := gen.SetBackends(admin, []app.Backend{{Name: "studio", Kind: app.BackendA1111, URL: withPassword}}); err != nil {
		t.Fatal(err)
	}
	shown := app.RedactedURL(withPassword)
	if shown != "http://ada:xxxxx@127.0.0.1:7860" {
		t.Fatalf("shown as %s", shown)
	}
	url := func() string { return rt.Statuses()[0].URL }
	if _, err := gen.SetBackends(admin, []app.Backend{{Name: "studio", Kind: app.BackendA1111, URL: shown}}); err != nil || url() != withPassword {
		t.Fatalf("sent back redacted, the runtime has %s (%v)", url(), err)
	}
	if _, err := gen.SetBackends(admin, []app.Backend{{Name: "studio", Kind: app.BackendA1111, URL: "http://127.0.0.1:7861"}}); err != nil || url() != "http://127.0.0.1:7861" {
		t.Fatalf("a new address: the runtime has %s (%v)", url(), err)
	}
}
