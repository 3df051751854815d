package store

import (
	"context"
	"time"

	"easel/app"
	"easel/store/kv"

	"github.com/google/uuid"
)

// WorkflowService keeps each profile's library of workflows, shared as
// boards are (sharing.go), with the built-in ones as the system profile's.
type WorkflowService struct {
	db       *DB
	format   app.WorkflowFormat
	builtins []app.BuiltinWorkflow
	sharingService
}

// NewWorkflowService returns the workflows of db. check reads and checks
// every document before it is kept; builtins are added by AddBuiltins.
func NewWorkflowService(db *DB, format app.WorkflowFormat, builtins []app.BuiltinWorkflow) *WorkflowService {
	return &WorkflowService{db: db, format: format, builtins: builtins, sharingService: sharingService{
		db: db, kind: workflows, shared: app.AuditWorkflowShared, unshared: app.AuditWorkflowUnshared,
		head: headsBy(getWorkflow),
	}}
}

var _ app.WorkflowService = (*WorkflowService)(nil)

// workflowAccess finds a workflow and the actor's access to it, and asks
// the access table whether they may do act. To an actor who may not see
// it, it does not exist.
func workflowAccess(tx kv.Tx, actor *userRecord, id string, act app.Action) (*workflowRecord, app.Access, error) {
	return find(tx, actor, workflows, getWorkflow, id, act)
}

// accessView is what the caller sees of who owns w and what they may do.
func (w *workflowRecord) accessView(acc app.Access, owners *names) app.LibraryAccess {
	return app.LibraryAccessOf(app.KindWorkflow, acc, owners.of(w.Owner), w.Visibility)
}

// view is the whole workflow as the actor sees it.
// The document is as the format presents it: with each field's spec from
// its node type. One that no longer reads (a node type a later Easel
// dropped) comes as it was kept, and the log says why.
func (s *WorkflowService) view(tx kv.Tx, actor *userRecord, w *workflowRecord, acc app.Access, owners *names) *app.Workflow {
	doc, err := s.format.Present(w.Doc)
	if err != nil {
		s.db.log.Warn("a kept workflow does not read; it is shown as it was kept", "workflow", w.ID, "err", err)
		doc = append([]byte(nil), w.Doc...)
	}
	return &app.Workflow{
		WorkflowID: w.ID, Name: w.Name, CreatedAt: w.Created, UpdatedAt: w.Updated,
		OpenedAt: openedAt(tx, w.ID, actor.UserID), UserID: w.Owner, IsPublic: w.Visibility != app.VisibilityPrivate,
		Workflow: doc, ThumbnailURL: w.thumbnailURL(), LibraryAccess: w.accessView(acc, owners),
	}
}

// listItem is the workflow as a listing shows it.
func (w *workflowRecord) listItem(opened *time.Time, acc app.Access, owners *names) *app.WorkflowListItem {
	return &app.WorkflowListItem{
		WorkflowID: w.ID, Name: w.Name, Description: w.Description, Category: w.Category, Tags: w.Tags,
		CreatedAt: w.Created, UpdatedAt: w.Updated, OpenedAt: opened, UserID: w.Owner,
		IsPublic: w.Visibility != app.VisibilityPrivate, ThumbnailURL: w.thumbnailURL(), LibraryAccess: w.accessView(acc, owners),
	}
}

// thumbnailURL is where the thumbnail is, nil for none. It carries the
// blob's name, new with every thumbnail, so that a browser never shows
// one it kept from before a change.
func (w *workflowRecord) thumbnailURL() *string {
	if w.Thumbnail == "" {
		return nil
	}
	url := "/api/v1/workflows/i/" + w.ID + "/thumbnail?v=" + w.Thumbnail
	return &url
}

// CreateWorkflow keeps a new workflow, the caller's and private.
func (s *WorkflowService) CreateWorkflow(ctx context.Context, doc []byte) (*app.Workflow, error) {
	id := uuid.NewString()
	doc, sum, err := s.format.Check(doc, app.WorkflowFix{ID: id, Category: app.WorkflowCategoryUser})
	if err != nil {
		return nil, err
	}
	var out *app.Workflow
	err = s.db.write(ctx, func(tx kv.Tx, actor *userRecord) error {
		w, err := s.db.createWorkflowTx(tx, id, actor.UserID, sum, doc, nil)
		if err != nil {
			return err
		}
		out = s.view(tx, actor, w, w.access(actor, app.RoleNone), newNames(tx))
		return nil
	})
	return out, err
}

// createWorkflowTx stores a new private workflow of owner's, with the
// thumbnail thumb (or none).
func (db *DB) createWorkflowTx(tx kv.Tx, id, owner string, sum app.WorkflowSummary, doc []byte, thumb *libraryImage) (*workflowRecord, error) {
	head, err := workflows.newHead(tx, id, owner)
	if err != nil {
		return nil, err
	}
	now := db.now()
	w := &workflowRecord{sharedHead: head, Name: sum.Name, Description: sum.Description, Tags: sum.Tags,
		Category: sum.Category, Created: now, Updated: now, Doc: doc}
	if thumb != nil {
		w.Thumbnail, w.ThumbType = thumb.ref.Name, thumb.contentType
	}
	if err := noteThumbnail(tx, nil, w); err != nil {
		return nil, err
	}
	return w, workflows.create(tx, &w.sharedHead, w.encode())
}

// FindWorkflow returns one workflow the caller may see, document and all.
func (s *WorkflowService) FindWorkflow(ctx context.Context, id string) (*app.Workflow, error) {
	var out *app.Workflow
	err := s.db.read(ctx, func(tx kv.Tx, actor *userRecord) error {
		w, acc, err := workflowAccess(tx, actor, id, app.ActSee)
		if err != nil {
			return err
		}
		out = s.view(tx, actor, w, acc, newNames(tx))
		return nil
	})
	return out, err
}

// UpdateWorkflow replaces a workflow's document: its owner, an editor or
// an admin. Its id, category and owner stay.
func (s *WorkflowService) UpdateWorkflow(ctx context.Context, id string, doc []byte) (*app.Workflow, error) {
	var out *app.Workflow
	// The document is checked before the transaction, with the category
	// read in a first look; a change of category between the two fails
	// the write below rather than storing a document that lies.
	category := app.WorkflowCategoryUser
	if err := s.db.read(ctx, func(tx kv.Tx, actor *userRecord) error {
		w, _, err := workflowAccess(tx, actor, id, app.ActChange)
		if err == nil {
			category = w.Category
		}
		return err
	}); err != nil {
		return nil, err
	}
	doc, sum, err := s.format.Check(doc, app.WorkflowFix{ID: id, Category: category})
	if err != nil {
		return nil, err
	}
	err = s.db.write(ctx, func(tx kv.Tx, actor *userRecord) error {
		before, acc, err := workflowAccess(tx, actor, id, app.ActChange)
		if err != nil {
			return err
		}
		if before.Category != category {
			return app.Errorf(app.ECONFLICT, "This workflow changed while it was being saved. Open it again and save once more.")
		}
		after := *before
		after.Name, after.Description, after.Tags = sum.Name, sum.Description, sum.Tags
		after.Doc, after.Updated = doc, s.db.now()
		if err := workflows.change(tx, &before.sharedHead, &after.sharedHead, after.encode()); err != nil {
			return err
		}
		if err := s.db.auditChange(tx, actor, before); err != nil {
			return err
		}
		out = s.view(tx, actor, &after, acc, newNames(tx))
		return nil
	})
	return out, err
}

// auditChange records a change of someone else's workflow w (an editor's,
// an admin's).
func (db *DB) auditChange(tx kv.Tx, actor *userRecord, w *workflowRecord) error {
	if w.Owner == actor.UserID {
		return nil
	}
	return db.audit(tx, actor.UserID, app.AuditWorkflowUpdated, w.ID, w.Name)
}

// SetWorkflowPublic shares a workflow with everyone (InvokeAI's is_public)
// or makes it private again: its owner or an admin.
func (s *WorkflowService) SetWorkflowPublic(ctx context.Context, id string, public bool) (*app.Workflow, error) {
	vis := app.VisibilityPrivate
	if public {
		vis = app.VisibilityShared
	}
	var out *app.Workflow
	err := s.db.write(ctx, func(tx kv.Tx, actor *userRecord) error {
		before, _, err := workflowAccess(tx, actor, id, app.ActManage)
		if err != nil {
			return err
		}
		after := *before
		after.Visibility, after.Updated = vis, s.db.now()
		if err := workflows.change(tx, &before.sharedHead, &after.sharedHead, after.encode()); err != nil {
			return err
		}
		if before.Visibility != vis {
			if err := s.db.audit(tx, actor.UserID, app.AuditWorkflowVisibility, id, string(vis)); err != nil {
				return err
			}
		}
		out = s.view(tx, actor, &after, workflows.accessOf(tx, actor, &after.sharedHead), newNames(tx))
		return nil
	})
	return out, err
}

// DeleteWorkflow deletes a workflow and its thumbnail: its owner or an admin.
func (s *WorkflowService) DeleteWorkflow(ctx context.Context, id string) error {
	var gone []fileRef
	err := s.db.write(ctx, func(tx kv.Tx, actor *userRecord) error {
		w, _, err := workflowAccess(tx, actor, id, app.ActDelete)
		if err != nil {
			return err
		}
		if w.Thumbnail != "" {
			gone = []fileRef{w.thumbnailRef()}
			if err := s.db.intendRemoval(gone); err != nil {
				return err
			}
		}
		if err := noteThumbnail(tx, w, nil); err != nil {
			return err
		}
		if err := workflows.remove(tx, &w.sharedHead); err != nil {
			return err
		}
		if err := forgetOpened(tx, id); err != nil {
			return err
		}
		return s.db.audit(tx, actor.UserID, app.AuditWorkflowDeleted, id, w.Name)
	})
	if err == nil {
		s.db.removeFiles(gone)
	}
	return err
}

// ExportWorkflow is a workflow the caller may see as a file to save.
func (s *WorkflowService) ExportWorkflow(ctx context.Context, id string) (string, []byte, error) {
	var w *workflowRecord
	if err := s.db.read(ctx, func(tx kv.Tx, actor *userRecord) error {
		var err error
		w, _, err = workflowAccess(tx, actor, id, app.ActSee)
		return err
	}); err != nil {
		return "", nil, err
	}
	file, err := s.format.File(w.Doc)
	return w.Name, file, err
}

// CopyWorkflow saves a copy of a workflow the caller may see as theirs,
// with a copy of its thumbnail.
func (s *WorkflowService) CopyWorkflow(ctx context.Context, id string) (*app.Workflow, error) {
	var original *workflowRecord
	var owner string
	if err := s.db.read(ctx, func(tx kv.Tx, actor *userRecord) error {
		var err error
		original, _, err = workflowAccess(tx, actor, id, app.ActSee)
		owner = actor.UserID
		return err
	}); err != nil {
		return nil, err
	}
	copyID := uuid.NewString()
	doc, sum, err := s.format.Check(original.Doc, app.WorkflowFix{ID: copyID, Name: copyName(original.Name), Category: app.WorkflowCategoryUser})
	if err != nil {
		return nil, err
	}
	thumb, err := s.db.copyLibraryImage(original.thumbnailRef(), original.ThumbType, owner)
	if err != nil {
		return nil, err
	}
	var out *app.Workflow
	err = s.db.write(ctx, func(tx kv.Tx, actor *userRecord) error {
		if actor.UserID != owner {
			return app.ErrNotSignedIn // another session's, meanwhile
		}
		if _, _, err := workflowAccess(tx, actor, id, app.ActSee); err != nil {
			return err // gone, or no longer visible, meanwhile
		}
		w, err := s.db.createWorkflowTx(tx, copyID, owner, sum, doc, thumb)
		if err != nil {
			return err
		}
		out = s.view(tx, actor, w, w.access(actor, app.RoleNone), newNames(tx))
		return nil
	})
	if err != nil {
		thumb.drop(s.db)
	}
	return out, err
}

// copyName is the name of a copy: the original's, marked, within bounds.
func copyName(name string) string {
	const mark = " (copy)"
	if r := []rune(name); len(r) > app.MaxWorkflowNameRunes-len(mark) {
		name = string(r[:app.MaxWorkflowNameRunes-len(mark)])
	}
	return name + mark
}

// MarkWorkflowOpened records that the caller opened a workflow they may see.
func (s *WorkflowService) MarkWorkflowOpened(ctx context.Context, id string) (*app.Workflow, error) {
	var out *app.Workflow
	err := s.db.write(ctx, func(tx kv.Tx, actor *userRecord) error {
		w, acc, err := workflowAccess(tx, actor, id, app.ActSee)
		if err != nil {
			return err
		}
		if err := markOpened(tx, id, actor.UserID, s.db.now()); err != nil {
			return err
		}
		out = s.view(tx, actor, w, acc, newNames(tx))
		return nil
	})
	return out, err
}

// AddBuiltins adds each built-in workflow not added before to the library,
// as the system profile's, shared with everyone. One an admin deleted is
// not added again. It runs at every start; on a disk that takes no
// writes, it waits for the next.
func (s *WorkflowService) AddBuiltins() error {
	type checked struct {
		app.BuiltinWorkflow
		sum app.WorkflowSummary
	}
	var todo []checked
	for _, b := range s.builtins {
		doc, sum, err := s.format.Check(b.Doc, app.WorkflowFix{ID: b.ID, Category: app.WorkflowCategoryDefault})
		if err != nil {
			return err // a bug in Easel's own workflows; its tests catch it
		}
		todo = append(todo, checked{app.BuiltinWorkflow{ID: b.ID, Doc: doc}, sum})
	}
	return s.db.update(func(tx kv.Tx) error {
		added := tx.Bucket(bucketWorkflowBuiltinsAdded)
		for _, b := range todo {
			if added.Get([]byte(b.ID)) != nil {
				continue
			}
			w, err := s.db.createWorkflowTx(tx, b.ID, app.SystemUserID, b.sum, b.Doc, nil)
			if err != nil {
				return err
			}
			after := *w
			after.Visibility = app.VisibilityShared
			if err := workflows.change(tx, &w.sharedHead, &after.sharedHead, after.encode()); err != nil {
				return err
			}
			if err := added.Put([]byte(b.ID), []byte{}); err != nil {
				return err
			}
		}
		return nil
	})
}
