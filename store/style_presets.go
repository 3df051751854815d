package store

import (
	"context"
	"slices"
	"strings"

	"easel/app"
	"easel/app/imaging"
	"easel/store/kv"

	"github.com/google/uuid"
)

// StylePresetService keeps each profile's style presets, shared as boards
// are (sharing.go), with the built-in ones as the system profile's.
type StylePresetService struct {
	db       *DB
	builtins []app.BuiltinStylePreset
	limits   imaging.Limits // of a preview image sent; imaging's defaults
	sharingService
}

// NewStylePresetService returns the style presets of db; builtins are
// added by AddBuiltins.
func NewStylePresetService(db *DB, builtins []app.BuiltinStylePreset) *StylePresetService {
	return &StylePresetService{db: db, builtins: builtins, sharingService: sharingService{
		db: db, kind: stylePresets, shared: app.AuditStylePresetShared, unshared: app.AuditStylePresetUnshared,
		head: headsBy(getStylePreset),
	}}
}

var _ app.StylePresetService = (*StylePresetService)(nil)

// presetAccess finds a preset and the actor's access to it, and asks the
// access table whether they may do act. To an actor who may not see it,
// it does not exist.
func presetAccess(tx kv.Tx, actor *userRecord, id string, act app.Action) (*stylePresetRecord, app.Access, error) {
	return find(tx, actor, stylePresets, getStylePreset, id, act)
}

// view is the preset as the actor sees it.
func (p *stylePresetRecord) view(acc app.Access, owners *names) *app.StylePreset {
	out := &app.StylePreset{
		ID: p.ID, Name: p.Name, PresetData: app.PresetData{PositivePrompt: p.Positive, NegativePrompt: p.Negative},
		Type: p.presetType(), IsPublic: p.Visibility != app.VisibilityPrivate, UserID: p.Owner,
		CreatedAt: p.Created, UpdatedAt: p.Updated, LibraryAccess: app.LibraryAccessOf(app.KindStylePreset, acc, owners.of(p.Owner), p.Visibility),
	}
	if p.Image != "" {
		url := "/api/v1/style_presets/i/" + p.ID + "/image"
		out.Image = &url
	}
	return out
}

func visibility(public bool) app.Visibility {
	if public {
		return app.VisibilityShared
	}
	return app.VisibilityPrivate
}

// owner is who a new preset of in's type belongs to: the actor, or for a
// built-in one the system profile, whose presets only admins change.
func presetOwner(actor *userRecord, in app.StylePresetInput) (string, error) {
	if in.Type != app.PresetTypeDefault {
		return actor.UserID, nil
	}
	builtin := app.AccessTo(&actor.User, app.SystemUserID, app.VisibilityShared, app.RoleNone)
	if err := app.Check(app.KindStylePreset, app.ActChange, builtin.Relations()); err != nil {
		return "", app.Errorf(app.EFORBIDDEN, "Only an administrator can add a built-in (default) style preset. Leave the type out to add one of your own.")
	}
	return app.SystemUserID, nil
}

// CreateStylePreset keeps a new preset, the caller's (a built-in one: the
// system profile's, shared with everyone) and private unless in says.
func (s *StylePresetService) CreateStylePreset(ctx context.Context, in app.StylePresetInput, image app.ImageUpload) (*app.StylePreset, error) {
	if err := in.Check(); err != nil {
		return nil, err // before the image: a bad form keeps nothing
	}
	var owner string
	if err := s.db.read(ctx, func(tx kv.Tx, actor *userRecord) (err error) {
		owner, err = presetOwner(actor, in)
		return err
	}); err != nil {
		return nil, err
	}
	pv, err := s.db.makeLibraryImage(ctx, owner, image, s.limits)
	if err != nil {
		return nil, err
	}
	var out *app.StylePreset
	err = s.db.write(ctx, func(tx kv.Tx, actor *userRecord) error {
		if o, err := presetOwner(actor, in); err != nil || o != owner {
			return app.ErrNotSignedIn // demoted or signed out meanwhile
		}
		p, err := s.createTx(tx, uuid.NewString(), owner, in, pv)
		if err != nil {
			return err
		}
		out = p.view(stylePresets.accessOf(tx, actor, &p.sharedHead), newNames(tx))
		return nil
	})
	if err != nil {
		pv.drop(s.db)
	}
	return out, err
}

// createTx stores a new preset of owner's with the preview pv (or none).
// The system profile's are shared with everyone.
func (s *StylePresetService) createTx(tx kv.Tx, id, owner string, in app.StylePresetInput, pv *libraryImage) (*stylePresetRecord, error) {
	head, err := stylePresets.newHead(tx, id, owner)
	if err != nil {
		return nil, err
	}
	now := s.db.now()
	p := &stylePresetRecord{sharedHead: head, Name: in.Name, Positive: in.PositivePrompt, Negative: in.NegativePrompt, Created: now, Updated: now}
	p.Visibility = visibility(owner == app.SystemUserID || (in.IsPublic != nil && *in.IsPublic))
	if pv != nil {
		p.Image, p.ImageType = pv.ref.Name, pv.contentType
	}
	return p, putStylePreset(tx, nil, p)
}

// FindStylePreset returns one preset the caller may see.
func (s *StylePresetService) FindStylePreset(ctx context.Context, id string) (*app.StylePreset, error) {
	var out *app.StylePreset
	err := s.db.read(ctx, func(tx kv.Tx, actor *userRecord) error {
		p, acc, err := presetAccess(tx, actor, id, app.ActSee)
		if err == nil {
			out = p.view(acc, newNames(tx))
		}
		return err
	})
	return out, err
}

// ExpandStylePreset puts prompt and negative into the templates of a
// preset the caller may see, by app's one rule (PresetData.Expand), so
// that what a page shows before queuing is what Easel would make of it.
func (s *StylePresetService) ExpandStylePreset(ctx context.Context, id, prompt, negative string) (app.PresetData, error) {
	var out app.PresetData
	err := s.db.read(ctx, func(tx kv.Tx, actor *userRecord) error {
		p, _, err := presetAccess(tx, actor, id, app.ActSee)
		if err == nil {
			data := app.PresetData{PositivePrompt: p.Positive, NegativePrompt: p.Negative}
			out.PositivePrompt, out.NegativePrompt = data.Expand(prompt, negative)
		}
		return err
	})
	return out, err
}

// ListStylePresets lists every preset the caller may see, by name as
// InvokeAI orders them (lower case), then id; an admin's, every one.
func (s *StylePresetService) ListStylePresets(ctx context.Context) ([]*app.StylePreset, error) {
	out := []*app.StylePreset{}
	err := s.db.read(ctx, func(tx kv.Tx, actor *userRecord) error {
		owners := newNames(tx)
		return eachVisiblePreset(tx, actor, func(p *stylePresetRecord, acc app.Access) {
			out = append(out, p.view(acc, owners))
		})
	})
	slices.SortFunc(out, func(a, b *app.StylePreset) int {
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, err
}

// eachVisiblePreset calls fn with every preset the actor may see, with
// their access to it: sharing's merged indexes, or for an admin every one.
func eachVisiblePreset(tx kv.Tx, actor *userRecord, fn func(*stylePresetRecord, app.Access)) error {
	all := listing{includeArchived: true, all: true}
	if app.Allowed(app.KindStylePreset, app.ActListAll, app.RelationsOf(&actor.User, "")) {
		_, _, err := stylePresets.everything(tx, all, func(v []byte) error {
			p, err := decodeStylePreset(v)
			if err == nil {
				fn(p, p.access(actor, app.RoleNone))
			}
			return err
		})
		return err
	}
	entries, _, _ := stylePresets.visibleTo(tx, actor.UserID, all)
	return stylePresets.eachRecord(tx, entries, func(e listed, v []byte) error {
		p, err := decodeStylePreset(v)
		if err == nil {
			fn(p, p.access(actor, e.role))
		}
		return err
	})
}

// UpdateStylePreset changes a preset's name, templates and preview: its
// owner, an editor or an admin. Changing is_public is its owner's or an
// admin's; the same is_public sent again (InvokeAI's form always has it)
// changes nothing.
func (s *StylePresetService) UpdateStylePreset(ctx context.Context, id string, in app.StylePresetInput, image app.ImageUpload) (*app.StylePreset, error) {
	if err := in.Check(); err != nil {
		return nil, err // before the image and the record: a bad form changes nothing
	}
	var owner string
	if err := s.db.read(ctx, func(tx kv.Tx, actor *userRecord) error {
		p, _, err := s.changeAccess(tx, actor, id, in)
		if err == nil {
			owner = p.Owner
		}
		return err
	}); err != nil {
		return nil, err
	}
	pv, err := s.db.makeLibraryImage(ctx, owner, image, s.limits)
	if err != nil {
		return nil, err
	}
	var out *app.StylePreset
	var gone []fileRef
	err = s.db.write(ctx, func(tx kv.Tx, actor *userRecord) error {
		before, acc, err := s.changeAccess(tx, actor, id, in)
		if err != nil {
			return err
		}
		after := *before
		after.Name, after.Positive, after.Negative, after.Updated = in.Name, in.PositivePrompt, in.NegativePrompt, s.db.now()
		if in.IsPublic != nil {
			after.Visibility = visibility(*in.IsPublic)
		}
		if pv != nil || !image.Keep {
			after.Image, after.ImageType = "", ""
			if pv != nil {
				after.Image, after.ImageType = pv.ref.Name, pv.contentType
			}
		}
		if before.Image != "" && before.Image != after.Image {
			gone = []fileRef{before.imageRef()}
			if err := s.db.intendRemoval(gone); err != nil {
				return err
			}
		}
		if err := putStylePreset(tx, before, &after); err != nil {
			return err
		}
		if err := s.auditChange(tx, actor, before, &after); err != nil {
			return err
		}
		out = after.view(acc, newNames(tx))
		return nil
	})
	if err != nil {
		pv.drop(s.db)
		return nil, err
	}
	s.db.removeFiles(gone)
	return out, nil
}

// changeAccess finds the preset for an update and checks the actor may
// make it: change it, and manage it when in changes who sees it.
func (s *StylePresetService) changeAccess(tx kv.Tx, actor *userRecord, id string, in app.StylePresetInput) (*stylePresetRecord, app.Access, error) {
	p, acc, err := presetAccess(tx, actor, id, app.ActChange)
	if err != nil {
		return nil, acc, err
	}
	if in.IsPublic != nil && visibility(*in.IsPublic) != p.Visibility {
		if err := app.Check(app.KindStylePreset, app.ActManage, acc.Relations()); err != nil {
			return nil, acc, err
		}
	}
	return p, acc, nil
}

// auditChange records a change of who sees a preset, and an admin's
// change of someone else's.
func (s *StylePresetService) auditChange(tx kv.Tx, actor *userRecord, before, after *stylePresetRecord) error {
	if before.Visibility != after.Visibility {
		if err := s.db.audit(tx, actor.UserID, app.AuditStylePresetVisibility, before.ID, string(after.Visibility)); err != nil {
			return err
		}
	}
	if before.Owner == actor.UserID {
		return nil
	}
	return s.db.audit(tx, actor.UserID, app.AuditStylePresetUpdated, before.ID, before.Name)
}

// DeleteStylePreset deletes a preset and its preview: its owner or an admin.
func (s *StylePresetService) DeleteStylePreset(ctx context.Context, id string) error {
	var gone []fileRef
	err := s.db.write(ctx, func(tx kv.Tx, actor *userRecord) error {
		p, _, err := presetAccess(tx, actor, id, app.ActDelete)
		if err != nil {
			return err
		}
		if p.Image != "" {
			gone = []fileRef{p.imageRef()}
			if err := s.db.intendRemoval(gone); err != nil {
				return err
			}
		}
		if err := removeStylePreset(tx, p); err != nil {
			return err
		}
		return s.db.audit(tx, actor.UserID, app.AuditStylePresetDeleted, id, p.Name)
	})
	if err == nil {
		s.db.removeFiles(gone)
	}
	return err
}

// CopyStylePreset saves a copy of a preset the caller may see as theirs,
// private, with a copy of its preview.
func (s *StylePresetService) CopyStylePreset(ctx context.Context, id string) (*app.StylePreset, error) {
	var original *stylePresetRecord
	var owner string
	if err := s.db.read(ctx, func(tx kv.Tx, actor *userRecord) (err error) {
		original, _, err = presetAccess(tx, actor, id, app.ActSee)
		owner = actor.UserID
		return err
	}); err != nil {
		return nil, err
	}
	pv, err := s.db.copyLibraryImage(original.imageRef(), original.ImageType, owner)
	if err != nil {
		return nil, err
	}
	var out *app.StylePreset
	err = s.db.write(ctx, func(tx kv.Tx, actor *userRecord) error {
		if actor.UserID != owner {
			return app.ErrNotSignedIn // another session's, meanwhile
		}
		if _, _, err := presetAccess(tx, actor, id, app.ActSee); err != nil {
			return err // gone, or no longer visible, meanwhile
		}
		in := app.StylePresetInput{Name: copyName(original.Name), PositivePrompt: original.Positive, NegativePrompt: original.Negative}
		p, err := s.createTx(tx, uuid.NewString(), owner, in, pv)
		if err != nil {
			return err
		}
		out = p.view(p.access(actor, app.RoleNone), newNames(tx))
		return nil
	})
	if err != nil {
		pv.drop(s.db)
	}
	return out, err
}

// AddBuiltins adds each built-in preset not added before, as the system
// profile's, shared with everyone. One an admin deleted is not added
// again. It runs at every start; on a disk that takes no writes, it waits
// for the next.
func (s *StylePresetService) AddBuiltins() error {
	for _, b := range s.builtins {
		in := app.StylePresetInput{Name: b.Name, PositivePrompt: b.PositivePrompt, NegativePrompt: b.NegativePrompt, Type: app.PresetTypeDefault}
		if err := in.Check(); err != nil {
			return err // a bug in Easel's own presets; its tests catch it
		}
	}
	return s.db.update(func(tx kv.Tx) error {
		added := tx.Bucket(bucketStylePresetBuiltinsAdded)
		for _, b := range s.builtins {
			if added.Get([]byte(b.ID)) != nil {
				continue
			}
			in := app.StylePresetInput{Name: strings.TrimSpace(b.Name), PositivePrompt: b.PositivePrompt, NegativePrompt: b.NegativePrompt}
			if _, err := s.createTx(tx, b.ID, app.SystemUserID, in, nil); err != nil {
				return err
			}
			if err := added.Put([]byte(b.ID), []byte{}); err != nil {
				return err
			}
		}
		return nil
	})
}
