package store

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"

	"easel/app"
	"easel/store/kv"
)

// The image-generation backends an administrator set up, and who may use
// each model they offer. The store keeps both; the runtime (clients and
// the sd-server processes Easel runs) is told of every change and answers
// for what the servers say now.

var (
	// keyBackends holds, in the meta bucket, the backends Settings keeps
	// ([]app.Backend as JSON); those from the command line are not stored.
	keyBackends = []byte("generation_backends")
	// bucketModelAccess: model id → modelAccessRecord. A model with no
	// record is for administrators only.
	bucketModelAccess = []byte("model_access")
)

// migrateModelAccess (8) makes room for who may use each model.
func migrateModelAccess(tx kv.Tx, _ *DB) error {
	_, err := tx.CreateBucketIfNotExists(bucketModelAccess)
	return err
}

type modelAccessRecord struct {
	Everyone bool     `json:"everyone"`
	UserIDs  []string `json:"user_ids"`
}

// modelRelations is how actor stands to a model: the model is "public"
// when everyone may use it, and the actor its "viewer" when named.
func modelRelations(tx kv.Tx, actor *userRecord, modelID string) (app.Relation, error) {
	rel := app.RelationsOf(&actor.User, "")
	var r modelAccessRecord
	if _, err := getJSON(tx.Bucket(bucketModelAccess), []byte(modelID), &r); err != nil {
		return 0, err
	}
	if r.Everyone {
		rel |= app.RelPublic
	}
	if slices.Contains(r.UserIDs, actor.UserID) {
		rel |= app.RelViewer
	}
	return rel, nil
}

// checkModelUse refuses a model the actor may not use, naming it. The same
// words are given for a model that does not exist, so nobody learns which
// models others were given.
func checkModelUse(tx kv.Tx, actor *userRecord, modelID string) error {
	rel, err := modelRelations(tx, actor, modelID)
	if err != nil {
		return err
	}
	if !app.Allowed(app.KindModel, app.ActSee, rel) {
		return app.Errorf(app.EINVALID, "The model %q is not one you may use. Choose another, or ask an administrator to let you use it (Settings, Image generation).", modelID)
	}
	return nil
}

// forgetModelUser takes a deleted profile off every model's list.
func forgetModelUser(tx kv.Tx, userID string) error {
	b := tx.Bucket(bucketModelAccess)
	var changed [][2][]byte
	err := b.ForEach(func(k, v []byte) error {
		var r modelAccessRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return err
		}
		if i := slices.Index(r.UserIDs, userID); i >= 0 {
			r.UserIDs = slices.Delete(r.UserIDs, i, i+1)
			data, err := json.Marshal(r)
			if err != nil {
				return err
			}
			changed = append(changed, [2][]byte{slices.Clone(k), data})
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, kvp := range changed {
		if err := b.Put(kvp[0], kvp[1]); err != nil {
			return err
		}
	}
	return nil
}

// GenerationService keeps the backends and who may use their models.
type GenerationService struct {
	db      *DB
	runtime app.BackendRuntime
	// fromFlags are the backends given on the command line, for this run.
	fromFlags []app.Backend
	// configuring keeps the runtime told of changes in the order they
	// were committed.
	configuring sync.Mutex
}

var _ app.GenerationService = (*GenerationService)(nil)

// NewGenerationService returns the generation settings of db, run by
// runtime, with fromFlags (checked by the caller) added for this run.
func NewGenerationService(db *DB, runtime app.BackendRuntime, fromFlags []app.Backend) *GenerationService {
	flags := slices.Clone(fromFlags)
	for i := range flags {
		flags[i].FromCommandLine = true
	}
	return &GenerationService{db: db, runtime: runtime, fromFlags: flags}
}

// Start tells the runtime of the backends kept and given, as Easel starts.
func (s *GenerationService) Start() error {
	var kept []app.Backend
	err := s.db.view(func(tx kv.Tx) (err error) { kept, err = keptBackends(tx); return err })
	if err != nil {
		return err
	}
	s.configuring.Lock()
	defer s.configuring.Unlock()
	s.runtime.Configure(s.all(kept))
	return nil
}

func keptBackends(tx kv.Tx) ([]app.Backend, error) {
	var kept []app.Backend
	_, err := getJSON(tx.Bucket(bucketMeta), keyBackends, &kept)
	return kept, err
}

// all is the kept backends with the command line's, which win a name
// both use (a flag is the newer word).
func (s *GenerationService) all(kept []app.Backend) []app.Backend {
	out := slices.Clone(s.fromFlags)
	for _, b := range kept {
		if !slices.ContainsFunc(s.fromFlags, func(f app.Backend) bool { return f.Name == b.Name }) {
			b.FromCommandLine = false
			out = append(out, b)
		}
	}
	return out
}

// Backends is every backend with its status: administrators only.
func (s *GenerationService) Backends(ctx context.Context) ([]app.BackendStatus, error) {
	if err := s.db.readAs(ctx, app.KindBackend, app.ActSee, func(kv.Tx, *userRecord) error { return nil }); err != nil {
		return nil, err
	}
	return s.runtime.Statuses(), nil
}

// SetBackends replaces the backends Settings keeps, audited, and tells the
// runtime. Those from the command line cannot be changed here.
func (s *GenerationService) SetBackends(ctx context.Context, backends []app.Backend) ([]app.BackendStatus, error) {
	kept := make([]app.Backend, 0, len(backends))
	for _, b := range backends {
		if b.FromCommandLine {
			continue // shown in Settings, sent back as they are
		}
		if slices.ContainsFunc(s.fromFlags, func(f app.Backend) bool { return f.Name == b.Name }) {
			return nil, app.Errorf(app.EINVALID, "The backend %s was given on the command line (--backend); choose another name.", b.Name)
		}
		kept = append(kept, b)
	}
	s.configuring.Lock()
	defer s.configuring.Unlock()
	err := s.db.writeAs(ctx, app.KindBackend, app.ActManage, func(tx kv.Tx, admin *userRecord) error {
		before, err := keptBackends(tx)
		if err != nil {
			return err
		}
		for i := range kept {
			for _, b := range before {
				kept[i] = kept[i].KeepPassword(b)
			}
		}
		if err := app.CheckBackends(kept); err != nil {
			return err
		}
		if err := putJSON(tx.Bucket(bucketMeta), keyBackends, kept); err != nil {
			return err
		}
		names := make([]string, len(kept))
		for i, b := range kept {
			names[i] = b.Name
		}
		return s.db.audit(tx, admin.UserID, app.AuditBackendsChanged, "", strings.Join(names, ", "))
	})
	if err != nil {
		return nil, err
	}
	s.runtime.Configure(s.all(kept))
	return s.runtime.Statuses(), nil
}

// TestBackend asks a backend afresh what it offers: administrators only.
func (s *GenerationService) TestBackend(ctx context.Context, name string) (*app.BackendStatus, error) {
	if err := s.db.readAs(ctx, app.KindBackend, app.ActSee, func(kv.Tx, *userRecord) error { return nil }); err != nil {
		return nil, err
	}
	return s.runtime.Test(ctx, name)
}

// offered is every model the reachable backends list now, by id.
func (s *GenerationService) offered() []app.Model {
	var out []app.Model
	for _, st := range s.runtime.Statuses() {
		if st.State == app.BackendReachable {
			out = append(out, st.Models...)
		}
	}
	slices.SortFunc(out, func(a, b app.Model) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// Models is the models the caller may use, from the backends that answer.
func (s *GenerationService) Models(ctx context.Context) ([]app.Model, error) {
	offered := s.offered()
	out := []app.Model{}
	err := s.db.read(ctx, func(tx kv.Tx, actor *userRecord) error {
		for _, m := range offered {
			rel, err := modelRelations(tx, actor, m.ID)
			if err != nil {
				return err
			}
			if app.Allowed(app.KindModel, app.ActSee, rel) {
				out = append(out, m)
			}
		}
		return nil
	})
	return out, err
}

// ModelGrants is every model offered or given, with who may use it:
// administrators only.
func (s *GenerationService) ModelGrants(ctx context.Context) ([]app.ModelGrant, error) {
	out := []app.ModelGrant{}
	for _, m := range s.offered() {
		out = append(out, app.ModelGrant{Model: m, Access: app.ModelAccess{Model: m.ID, UserIDs: []string{}}, Offered: true})
	}
	err := s.db.readAs(ctx, app.KindModel, app.ActListAll, func(tx kv.Tx, _ *userRecord) error {
		return tx.Bucket(bucketModelAccess).ForEach(func(k, v []byte) error {
			var r modelAccessRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			access := app.ModelAccess{Model: string(k), Everyone: r.Everyone, UserIDs: slices.Clone(r.UserIDs)}
			i := slices.IndexFunc(out, func(g app.ModelGrant) bool { return g.Model.ID == access.Model })
			if i < 0 {
				backend, name, _ := strings.Cut(access.Model, "/")
				out = append(out, app.ModelGrant{Model: app.Model{ID: access.Model, Name: name, Backend: backend}})
				i = len(out) - 1
			}
			out[i].Access = access
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b app.ModelGrant) int { return strings.Compare(a.Model.ID, b.Model.ID) })
	return out, nil
}

// SetModelAccess chooses who may use a model, audited: administrators
// only. Everyone, or named profiles that exist; neither leaves the model
// to administrators.
func (s *GenerationService) SetModelAccess(ctx context.Context, access app.ModelAccess) (*app.ModelAccess, error) {
	if access.Model == "" || len(access.Model) > maxModelIDBytes || !strings.Contains(access.Model, "/") {
		return nil, app.Errorf(app.EINVALID, "Name the model as \"<backend>/<model>\", as the model list gives it.")
	}
	ids := slices.Compact(slices.Sorted(slices.Values(access.UserIDs)))
	if access.Everyone {
		ids = nil // everyone includes them
	}
	err := s.db.writeAs(ctx, app.KindModel, app.ActManage, func(tx kv.Tx, admin *userRecord) error {
		for _, id := range ids {
			u, err := getUser(tx, id)
			if err != nil {
				return err
			}
			if u == nil || id == app.SystemUserID {
				return app.ErrUserNotFound
			}
		}
		b := tx.Bucket(bucketModelAccess)
		detail := "administrators"
		switch {
		case access.Everyone:
			detail = "everyone"
		case len(ids) > 0:
			names := newNames(tx)
			list := make([]string, len(ids))
			for i, id := range ids {
				list[i] = names.of(id)
			}
			detail = strings.Join(list, ", ")
		}
		if !access.Everyone && len(ids) == 0 {
			if err := b.Delete([]byte(access.Model)); err != nil {
				return err
			}
		} else if err := putJSON(b, []byte(access.Model), modelAccessRecord{Everyone: access.Everyone, UserIDs: ids}); err != nil {
			return err
		}
		return s.db.audit(tx, admin.UserID, app.AuditModelAccess, access.Model, detail)
	})
	if err != nil {
		return nil, err
	}
	if ids == nil {
		ids = []string{}
	}
	return &app.ModelAccess{Model: access.Model, Everyone: access.Everyone, UserIDs: ids}, nil
}

// maxModelIDBytes bounds a model id (engine.MaxModelIDLength; the store
// does not import the engine).
const maxModelIDBytes = 200

// Generator is the backend for a model the caller may use: the queue's
// worker asks it as the item's owner, just before the picture is made, so
// a model taken away after the item was queued is not used.
func (s *GenerationService) Generator(ctx context.Context, modelID string) (app.Generator, error) {
	err := s.db.read(ctx, func(tx kv.Tx, actor *userRecord) error { return checkModelUse(tx, actor, modelID) })
	if err != nil {
		return nil, err
	}
	return s.runtime.Generator(modelID)
}
